//! Web archive times: the 14-digit `YYYYMMDDhhmmss` timestamps of Wayback URLs and CDX lines,
//! and the RFC 1123 dates of Memento headers (`Accept-Datetime`, `Memento-Datetime`), all UTC.
//!
//! A timestamp of 1 to 14 digits is a moment as pywb reads one: the digits given are padded
//! character by character, towards the start of the period (`Pad::Down`, e.g. CDX `from`:
//! `2019` is 2019-01-01 00:00:00) or its end (`Pad::Up`: `2019` is 2019-12-31 23:59:59), and
//! each field is then clamped to its range (month 1–12, the month's last day, 23:59:59), so
//! any run of 1 to 14 digits names a moment.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use crate::domain::FieldError;

/// Which end of a partial timestamp's period it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pad {
    Down,
    Up,
}

impl Pad {
    fn digits(self) -> &'static str {
        match self {
            Self::Down => "10000101000000",
            Self::Up => "29991231235959",
        }
    }
}

/// Parses 1 to 14 digits for the input field `field`.
pub fn parse_timestamp(field: &str, raw: &str, pad: Pad) -> Result<DateTime<Utc>, FieldError> {
    if raw.is_empty() || raw.len() > 14 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            field,
            "must be a timestamp of 1 to 14 digits, YYYYMMDDhhmmss",
        ));
    }
    let digits = format!("{raw}{}", &pad.digits()[raw.len()..]);
    let number = |range: std::ops::Range<usize>| digits[range].parse::<u32>().unwrap_or(0);
    let year = number(0..4).max(1) as i32;
    let month = number(4..6).clamp(1, 12);
    let last_day = last_day_of(year, month);
    let day = number(6..8).clamp(1, last_day);
    let (hour, minute, second) = (
        number(8..10).min(23),
        number(10..12).min(59),
        number(12..14).min(59),
    );
    Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
        .single()
        .ok_or_else(|| FieldError::new(field, "is not a time"))
}

fn last_day_of(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|first| first.pred_opt())
        .map_or(28, |last| last.day())
}

/// The 14-digit form of `time` (to the second, UTC).
pub fn timestamp14(time: DateTime<Utc>) -> String {
    time.format("%Y%m%d%H%M%S").to_string()
}

/// Parses an HTTP date (RFC 1123, `Thu, 01 Jan 2015 00:00:00 GMT`, as RFC 7089 requires for
/// `Accept-Datetime`; other RFC 2822 forms with a zone are read too) for the header `field`.
pub fn parse_http_date(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc2822(raw.trim())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| {
            FieldError::new(
                field,
                "must be an RFC 1123 date such as Thu, 01 Jan 2015 00:00:00 GMT",
            )
        })
}

/// The RFC 1123 form of `time`, as `Memento-Datetime` carries it.
pub fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str, pad: Pad) -> String {
        timestamp14(parse_timestamp("t", raw, pad).unwrap())
    }

    #[test]
    fn partial_timestamps_pad_to_either_end_as_pywb_does() {
        let cases = [
            ("2019", "20190101000000", "20191231235959"),
            ("201902", "20190201000000", "20190228235959"),
            ("20200229", "20200229000000", "20200229235959"),
            ("2014122609501", "20141226095010", "20141226095019"),
            ("20141226095010", "20141226095010", "20141226095010"),
            ("2", "20000101000000", "29991231235959"),
            ("20191", "20191101000000", "20191231235959"),
        ];
        for (raw, down, up) in cases {
            assert_eq!(at(raw, Pad::Down), down, "{raw} down");
            assert_eq!(at(raw, Pad::Up), up, "{raw} up");
        }
    }

    #[test]
    fn fields_out_of_range_are_clamped() {
        assert_eq!(at("20140231", Pad::Up), "20140228235959");
        assert_eq!(at("20141399", Pad::Down), "20141231000000");
        assert_eq!(at("20140101996161", Pad::Down), "20140101235959");
        assert_eq!(at("0000", Pad::Down), "00010101000000");
    }

    #[test]
    fn refuses_what_is_not_1_to_14_digits() {
        for raw in ["", "2019-01", "abc", "201901010000001", " 2019", "２０１９"] {
            assert_eq!(
                parse_timestamp("timestamp", raw, Pad::Up).unwrap_err().field,
                "timestamp",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn http_dates_round_trip() {
        let time = parse_http_date("Accept-Datetime", "Thu, 01 Jan 2015 10:20:30 GMT").unwrap();
        assert_eq!(timestamp14(time), "20150101102030");
        assert_eq!(http_date(time), "Thu, 01 Jan 2015 10:20:30 GMT");
        let zoned = parse_http_date("Accept-Datetime", "Thu, 01 Jan 2015 12:20:30 +0200").unwrap();
        assert_eq!(zoned, time);
        for bad in ["", "2015-01-01", "Thu, 32 Jan 2015 10:20:30 GMT", "yesterday"] {
            assert_eq!(
                parse_http_date("Accept-Datetime", bad).unwrap_err().field,
                "Accept-Datetime"
            );
        }
    }
}
