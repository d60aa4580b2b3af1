//! Watched sources: a watch's id and interval, what one fetch of its URL observed, and the
//! rule that decides when a source counts as withdrawn and when as restored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::{FieldError, KeyName, Sha256, SourceUrl, VersionNo};

/// The longest interval a watch may ask for: 30 days.
pub const MAX_INTERVAL_SECS: u64 = 30 * 24 * 3600;

super::short_id::short_id!(
    /// A watch's id: 8 random bytes, written as 16 lowercase hex digits.
    WatchId,
    "watch id",
    "watch_id"
);

/// How often a watch fetches its URL: whole seconds, from the service's minimum to 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Interval(u64);

impl Interval {
    /// Parses `90s`, `15m`, `1h`, `1h30m`, `2d` (units `s`, `m`, `h`, `d`, largest first); at
    /// least `min_secs`, at most [`MAX_INTERVAL_SECS`].
    pub fn parse(field: &str, raw: &str, min_secs: u64) -> Result<Self, FieldError> {
        let malformed = || FieldError::new(field, "must be a duration such as 90s, 15m, 1h, 1h30m or 1d");
        let mut rest = raw.trim();
        if rest.is_empty() {
            return Err(malformed());
        }
        let mut total: u64 = 0;
        let mut last_unit = u64::MAX;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(malformed)?;
            let (number, tail) = rest.split_at(digits);
            let number: u64 = number.parse().map_err(|_| malformed())?;
            let mut chars = tail.chars();
            let unit = match chars.next() {
                Some('s') => 1,
                Some('m') => 60,
                Some('h') => 3600,
                Some('d') => 86_400,
                _ => return Err(malformed()),
            };
            if unit >= last_unit {
                return Err(malformed());
            }
            last_unit = unit;
            total = number
                .checked_mul(unit)
                .and_then(|part| total.checked_add(part))
                .ok_or_else(malformed)?;
            rest = chars.as_str();
        }
        if total < min_secs {
            return Err(FieldError::new(
                field,
                format!("must be at least {}", Interval(min_secs)),
            ));
        }
        if total > MAX_INTERVAL_SECS {
            return Err(FieldError::new(field, "must be at most 30d"));
        }
        Ok(Self(total))
    }

    pub fn seconds(self) -> u64 {
        self.0
    }

    /// When a watch on this interval runs next after `from`: one interval later, moved by up to
    /// a tenth of it (at most a minute) either way by `jitter_permille` in [-1000, 1000], so
    /// that watches made together spread out.
    pub fn next_after(self, from: DateTime<Utc>, jitter_permille: i64) -> DateTime<Utc> {
        let millis = i64::try_from(self.0.saturating_mul(1000)).unwrap_or(i64::MAX);
        let spread = (millis / 10).min(60_000);
        let offset = spread.saturating_mul(jitter_permille.clamp(-1000, 1000)) / 1000;
        from + chrono::Duration::milliseconds(millis.saturating_add(offset).min(i64::MAX / 2))
    }
}

impl fmt::Display for Interval {
    /// The shortest form: `1h30m`, `15m`, `45s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
            if rest >= unit {
                write!(f, "{}{name}", rest / unit)?;
                rest %= unit;
            }
        }
        Ok(())
    }
}

/// What one fetch of a watched URL found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The bytes differ from the latest version: ingested as the next version.
    NewVersion,
    /// The bytes are the latest version's: nothing created.
    Unchanged,
    /// The server answered 304 to the conditional request.
    NotModified,
    /// 404, 410, or the host name does not resolve.
    Gone,
    /// The URL now redirects elsewhere: the page there is not taken as the statement's.
    Redirected,
    /// Anything else (other statuses, timeouts, refusals, robots.txt); see the reason.
    Error,
}

impl Outcome {
    /// Whether the source answered with the statement (or said it has not changed).
    pub fn answered(self) -> bool {
        matches!(self, Self::NewVersion | Self::Unchanged | Self::NotModified)
    }
}

/// One fetch of a watched URL, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub watch_id: WatchId,
    /// When the fetch started.
    pub at: DateTime<Utc>,
    /// The HTTP status of the final answer, if there was one.
    pub status: Option<u16>,
    /// The URL that answered, after redirects.
    pub final_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The SHA-256 of the bytes received (a 2xx answer's body).
    pub sha256: Option<Sha256>,
    pub outcome: Outcome,
    /// Why, for `error` and `gone`.
    pub reason: Option<String>,
    /// The version the bytes are: the new one, or the latest that they repeat.
    pub version: Option<VersionNo>,
}

impl Observation {
    /// A fetch that got no HTTP answer (or made no request): its time, outcome and reason.
    pub fn unanswered(watch_id: WatchId, at: DateTime<Utc>, outcome: Outcome, reason: String) -> Self {
        Self {
            watch_id,
            at,
            status: None,
            final_url: None,
            etag: None,
            last_modified: None,
            sha256: None,
            outcome,
            reason: Some(reason),
            version: None,
        }
    }
}

/// A watched URL and its schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub id: WatchId,
    pub source_url: SourceUrl,
    pub every: Interval,
    /// The key that made the watch; versions it ingests name it.
    pub owner: KeyName,
    pub created_at: DateTime<Utc>,
    pub next_run_at: DateTime<Utc>,
    /// Validators of the last 200 answer, sent as `If-None-Match` / `If-Modified-Since`.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch: Option<Observation>,
    /// The consecutive `gone` observations up to now (at most the withdrawal threshold):
    /// the evidence of a withdrawal.
    pub misses: Vec<Observation>,
}

/// Whether a statement's source has been taken down, and the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub withdrawn_at: DateTime<Utc>,
    /// The consecutive `gone` observations that made it withdrawn.
    pub evidence: Vec<Observation>,
    /// When the source answered again, if it has.
    pub restored_at: Option<DateTime<Utc>>,
}

impl Withdrawal {
    pub fn is_active(&self) -> bool {
        self.restored_at.is_none()
    }
}

/// What an observation changes in a statement's withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawalChange {
    None,
    Withdraw(Withdrawal),
    Restore(Withdrawal),
}

impl Watch {
    /// Takes `observation` into the watch's state (last fetch, validators, consecutive
    /// misses) and decides what it changes in the statement's withdrawal `current`: withdrawn
    /// on the `threshold`-th consecutive `gone`, restored on the first answer after that.
    /// Errors and redirects neither count nor restore, and break a run of misses.
    pub fn observe(
        &mut self,
        observation: Observation,
        threshold: u32,
        current: Option<&Withdrawal>,
    ) -> WithdrawalChange {
        let threshold = usize::try_from(threshold.max(1)).unwrap_or(usize::MAX);
        if observation.outcome == Outcome::Gone {
            self.misses.push(observation.clone());
            if self.misses.len() > threshold {
                self.misses.remove(0);
            }
        } else {
            self.misses.clear();
        }
        if observation.status == Some(200) {
            self.etag = observation.etag.clone();
            self.last_modified = observation.last_modified.clone();
        }
        let change = match current.filter(|withdrawal| withdrawal.is_active()) {
            None if observation.outcome == Outcome::Gone && self.misses.len() >= threshold => {
                WithdrawalChange::Withdraw(Withdrawal {
                    withdrawn_at: observation.at,
                    evidence: self.misses.clone(),
                    restored_at: None,
                })
            }
            Some(active) if observation.outcome.answered() => WithdrawalChange::Restore(Withdrawal {
                restored_at: Some(observation.at),
                ..active.clone()
            }),
            _ => WithdrawalChange::None,
        };
        self.last_fetch = Some(observation);
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_in_their_units_and_print_shortest() {
        for (raw, seconds, shown) in [
            ("90s", 90, "1m30s"),
            ("15m", 900, "15m"),
            ("1h", 3600, "1h"),
            ("1h30m", 5400, "1h30m"),
            (" 2d ", 172_800, "2d"),
            ("1d2h3m4s", 93_784, "1d2h3m4s"),
        ] {
            let interval = Interval::parse("every", raw, 1).unwrap();
            assert_eq!(interval.seconds(), seconds, "{raw}");
            assert_eq!(interval.to_string(), shown, "{raw}");
        }
    }

    #[test]
    fn the_next_run_is_one_interval_later_within_the_jitter() {
        let from = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let hour = Interval::parse("every", "1h", 1).unwrap();
        assert_eq!(hour.next_after(from, 0), from + chrono::Duration::hours(1));
        assert_eq!(
            hour.next_after(from, 1000),
            from + chrono::Duration::hours(1) + chrono::Duration::minutes(1),
            "at most a minute"
        );
        let ten = Interval::parse("every", "10s", 1).unwrap();
        assert_eq!(ten.next_after(from, -1000), from + chrono::Duration::seconds(9));
        assert_eq!(
            ten.next_after(from, 5000),
            from + chrono::Duration::seconds(11),
            "clamped"
        );
    }

    #[test]
    fn malformed_or_out_of_bound_intervals_are_refused() {
        for raw in [
            "",
            "15",
            "m",
            "15x",
            "1m1h",
            "1h1h",
            "-5m",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(Interval::parse("every", raw, 1).is_err(), "{raw:?}");
        }
        let short = Interval::parse("every", "1m", 300).unwrap_err();
        assert!(short.to_string().contains("at least 5m"), "{short}");
        assert!(Interval::parse("every", "31d", 1).is_err());
        assert!(Interval::parse("every", "30d", 1).is_ok());
    }

    #[test]
    fn watch_ids_round_trip_and_refuse_other_text() {
        let id = WatchId::from_bytes([0xab, 1, 2, 3, 4, 5, 6, 0xff]);
        assert_eq!(id.to_string(), "ab010203040506ff");
        assert_eq!(WatchId::parse("id", "ab010203040506ff").unwrap(), id);
        for raw in ["", "AB010203040506FF", "ab0102030405060", "zz010203040506ff"] {
            assert!(WatchId::parse("id", raw).is_err(), "{raw}");
        }
    }

    fn watch() -> Watch {
        Watch {
            id: WatchId::from_bytes([1; 8]),
            source_url: SourceUrl::parse("u", "https://example.org/a").unwrap(),
            every: Interval::parse("every", "1h", 1).unwrap(),
            owner: KeyName::parse("n", "desk").unwrap(),
            created_at: Utc::now(),
            next_run_at: Utc::now(),
            etag: None,
            last_modified: None,
            last_fetch: None,
            misses: Vec::new(),
        }
    }

    fn seen(outcome: Outcome, minute: i64) -> Observation {
        Observation {
            watch_id: WatchId::from_bytes([1; 8]),
            at: DateTime::from_timestamp(minute * 60, 0).unwrap(),
            status: match outcome {
                Outcome::Gone => Some(404),
                Outcome::Error => Some(503),
                _ => Some(200),
            },
            final_url: None,
            etag: Some(format!("\"{minute}\"")),
            last_modified: None,
            sha256: None,
            outcome,
            reason: None,
            version: None,
        }
    }

    #[test]
    fn withdrawn_after_the_threshold_of_consecutive_misses_and_restored_on_an_answer() {
        let mut watch = watch();
        let mut state: Option<Withdrawal> = None;
        let mut apply = |watch: &mut Watch, outcome, minute| {
            let change = watch.observe(seen(outcome, minute), 3, state.as_ref());
            match &change {
                WithdrawalChange::Withdraw(w) | WithdrawalChange::Restore(w) => state = Some(w.clone()),
                WithdrawalChange::None => {}
            }
            change
        };
        assert_eq!(apply(&mut watch, Outcome::Gone, 1), WithdrawalChange::None);
        assert_eq!(apply(&mut watch, Outcome::Gone, 2), WithdrawalChange::None);
        assert_eq!(
            apply(&mut watch, Outcome::Error, 3),
            WithdrawalChange::None,
            "an error breaks the run"
        );
        assert_eq!(apply(&mut watch, Outcome::Gone, 4), WithdrawalChange::None);
        assert_eq!(apply(&mut watch, Outcome::Gone, 5), WithdrawalChange::None);
        let WithdrawalChange::Withdraw(withdrawal) = apply(&mut watch, Outcome::Gone, 6) else {
            panic!("withdrawn on the third consecutive miss")
        };
        assert_eq!(withdrawal.withdrawn_at.timestamp(), 6 * 60);
        assert_eq!(withdrawal.evidence.len(), 3);
        assert_eq!(
            apply(&mut watch, Outcome::Gone, 7),
            WithdrawalChange::None,
            "withdrawn once"
        );
        assert_eq!(apply(&mut watch, Outcome::Redirected, 8), WithdrawalChange::None);
        let WithdrawalChange::Restore(restored) = apply(&mut watch, Outcome::Unchanged, 9) else {
            panic!("restored when it answers")
        };
        assert_eq!(
            restored.withdrawn_at.timestamp(),
            6 * 60,
            "the withdrawal is kept"
        );
        assert_eq!(restored.restored_at.map(|t| t.timestamp()), Some(9 * 60));
        assert_eq!(watch.etag.as_deref(), Some("\"9\""), "validators of the last 200");
        assert!(watch.misses.is_empty());
    }
}
