//! A publication date as the source gives it: either a calendar date (`2017-08-16`) or an
//! RFC 3339 date-time with its offset (`2018-01-24T16:30:00-05:00`). The precision the client
//! gave is kept: a date is never turned into a midnight, an offset never into UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishedAt {
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
}

impl PublishedAt {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if is_full_date(raw) {
            if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                return Ok(Self::Date(date));
            }
        }
        DateTime::parse_from_rfc3339(raw)
            .map(Self::DateTime)
            .map_err(|_| {
                FieldError::new(
                    field,
                    "must be a date (2017-08-16) or an RFC 3339 date-time with offset (2017-08-16T09:30:00-04:00)",
                )
            })
    }

    /// The earliest instant the publication can have been: the start of the day (UTC) for a
    /// date. What publications are ordered by.
    pub fn earliest_instant(&self) -> DateTime<Utc> {
        match self {
            Self::Date(date) => date.and_time(NaiveTime::MIN).and_utc(),
            Self::DateTime(date_time) => date_time.to_utc(),
        }
    }

    /// The calendar date of the publication, in the source's own offset: what the date
    /// filters compare.
    pub fn calendar_date(&self) -> NaiveDate {
        match self {
            Self::Date(date) => *date,
            Self::DateTime(date_time) => date_time.date_naive(),
        }
    }
}

/// Whether `raw` has the form `YYYY-MM-DD`, digits only: chrono's `%Y-%m-%d` alone also takes
/// signs and short fields (`-0001-01-1`), whose written form would not parse back.
fn is_full_date(raw: &str) -> bool {
    raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

impl fmt::Display for PublishedAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Self::DateTime(date_time) => {
                f.write_str(&date_time.to_rfc3339_opts(SecondsFormat::AutoSi, false))
            }
        }
    }
}

impl Serialize for PublishedAt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PublishedAt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("published_at", &raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<PublishedAt, FieldError> {
        PublishedAt::parse("published_at", raw)
    }

    #[test]
    fn keeps_the_precision_and_offset_given() {
        let cases = [
            ("2017-08-16", "2017-08-16"),
            ("2018-01-24T16:30:00-05:00", "2018-01-24T16:30:00-05:00"),
            ("2018-01-24T21:30:00Z", "2018-01-24T21:30:00+00:00"),
            ("2018-01-24t21:30:00.250+01:00", "2018-01-24T21:30:00.250+01:00"),
        ];
        for (raw, shown) in cases {
            assert_eq!(parse(raw).unwrap().to_string(), shown, "{raw}");
            assert_eq!(parse(shown).unwrap(), parse(raw).unwrap(), "round trip of {raw}");
        }
    }

    #[test]
    fn calendar_date_is_the_sources_own() {
        let late_evening = parse("2018-01-24T23:30:00-05:00").unwrap();
        assert_eq!(late_evening.calendar_date().to_string(), "2018-01-24");
    }

    #[test]
    fn rejects_other_forms() {
        for raw in [
            "",
            "August 16, 2017",
            "2017-8-16",
            "2017-02-30",
            "2018-01-24T16:30:00",
            "16/08/2017",
            "-0001-01-1",
            "+2017-8-16",
            "2017-08-+1",
        ] {
            assert_eq!(parse(raw).unwrap_err().field, "published_at", "{raw}");
        }
    }
}
