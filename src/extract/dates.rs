//! Dates as statements write them (`August 16, 2017`, `Aug. 16, 2017`, `16 August 2017`,
//! `2017-08-16`, `July, 15 2009, 01:33pm EDT`, `January 24, 2018 4:30 pm`), parsed into
//! calendar values, and the choice of the one that is the publication date.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};

use super::lexicon::{is_weekday, month_number};
use super::tokens::{Folded, Token, TokenKind};
use super::{PublicationDate, Span};

/// A date found in the text, with the time and offset written next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateExpression {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
    pub span: Span,
}

impl DateExpression {
    /// `YYYY-MM-DD`, or RFC 3339 with its offset when both a time and a zone were given; the
    /// local time goes apart when the zone is missing.
    pub fn to_publication(self, confidence: f64) -> PublicationDate {
        let zoned = self
            .time
            .zip(self.offset)
            .and_then(|(time, offset)| offset.from_local_datetime(&self.date.and_time(time)).single());
        match zoned {
            Some(date_time) => PublicationDate {
                value: date_time.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                published_time_local: None,
                span: self.span,
                confidence,
            },
            None => PublicationDate {
                value: self.date.format("%Y-%m-%d").to_string(),
                published_time_local: self.time.map(|time| time.format("%H:%M").to_string()),
                span: self.span,
                confidence,
            },
        }
    }
}

/// Hours east of UTC of the zone abbreviations statements use.
const ZONES: [(&str, i32); 14] = [
    ("edt", -4),
    ("est", -5),
    ("cdt", -5),
    ("cst", -6),
    ("mdt", -6),
    ("mst", -7),
    ("pdt", -7),
    ("pst", -8),
    ("akdt", -8),
    ("akst", -9),
    ("hst", -10),
    ("utc", 0),
    ("gmt", 0),
    ("z", 0),
];

/// US zones named without their season (`3:15 PM ET`), with their standard offset in hours:
/// daylight saving time adds one when the date falls in it.
const GENERIC_ZONES: [(&str, i32); 5] = [("et", -5), ("ct", -6), ("mt", -7), ("pt", -8), ("akt", -9)];

struct Cursor<'t, 'a> {
    tokens: &'t [Token<'a>],
    index: usize,
}

impl<'a> Cursor<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.index)
    }

    fn attached(&self) -> bool {
        self.peek().is_some_and(|token| !token.space_before)
    }

    fn take_punct(&mut self, marks: &[char]) -> bool {
        let found = self
            .peek()
            .is_some_and(|token| marks.iter().any(|mark| token.is_punct(*mark)));
        if found {
            self.index += 1;
        }
        found
    }

    fn take_word(&mut self, accepted: impl Fn(&str) -> bool) -> Option<Folded> {
        let word = self
            .peek()
            .filter(|token| token.is_word())
            .map(Token::folded)
            .filter(|word| accepted(word));
        if word.is_some() {
            self.index += 1;
        }
        word
    }

    fn take_number(&mut self, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
        let number = self
            .peek()
            .filter(|token| token.kind == TokenKind::Number && digits.contains(&token.text.len()))
            .and_then(|token| token.text.parse().ok());
        if number.is_some() {
            self.index += 1;
        }
        number
    }

    fn end(&self) -> usize {
        self.index
            .checked_sub(1)
            .and_then(|last| self.tokens.get(last))
            .map_or(0, |token| token.span.end)
    }
}

fn calendar_date(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1900..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

fn take_ordinal_suffix(cursor: &mut Cursor) {
    if cursor.attached() {
        cursor.take_word(|word| matches!(word, "st" | "nd" | "rd" | "th"));
    }
}

/// `Wednesday, August 16, 2017`, `Aug. 16, 2017`, `July, 15 2009`.
fn month_first(cursor: &mut Cursor) -> Option<NaiveDate> {
    if cursor.take_word(is_weekday).is_some() {
        cursor.take_punct(&[',']);
    }
    let month = month_number(&cursor.take_word(|word| month_number(word).is_some())?)?;
    cursor.take_punct(&['.']);
    cursor.take_punct(&[',']);
    let day = cursor.take_number(1..=2)?;
    take_ordinal_suffix(cursor);
    cursor.take_punct(&[',']);
    let year = cursor.take_number(4..=4)?;
    calendar_date(year, month, day)
}

/// `16 August 2017`, `16th of August, 2017`.
fn day_first(cursor: &mut Cursor) -> Option<NaiveDate> {
    if cursor.take_word(is_weekday).is_some() {
        cursor.take_punct(&[',']);
    }
    let day = cursor.take_number(1..=2)?;
    take_ordinal_suffix(cursor);
    cursor.take_word(|word| word == "of");
    let month = month_number(&cursor.take_word(|word| month_number(word).is_some())?)?;
    cursor.take_punct(&['.']);
    cursor.take_punct(&[',']);
    let year = cursor.take_number(4..=4)?;
    calendar_date(year, month, day)
}

/// `2017-08-16`, `2017/08/16`, and the United States' `08/16/2017`, written without spaces.
fn numeric(cursor: &mut Cursor) -> Option<NaiveDate> {
    let first = cursor.take_number(1..=4)?;
    let separator = cursor
        .peek()
        .filter(|token| token.is_punct('-') || token.is_punct('/'))?
        .text;
    let part = |cursor: &mut Cursor, digits| {
        if !cursor.attached() || !cursor.take_punct(&['-', '/']) || !cursor.attached() {
            return None;
        }
        cursor.take_number(digits)
    };
    let second = part(cursor, 1..=2)?;
    if first > 999 {
        let day = part(cursor, 1..=2)?;
        calendar_date(first, second, day)
    } else if separator == "/" {
        let year = part(cursor, 4..=4)?;
        calendar_date(year, first, second)
    } else {
        None
    }
}

fn take_time(cursor: &mut Cursor) -> Option<NaiveTime> {
    let start = cursor.index;
    let time = (|| {
        let iso_t = cursor.attached() && cursor.take_word(|word| word == "t").is_some();
        if !iso_t {
            cursor.take_punct(&[',', '@', '|', '-', '–', '—', '·']);
            cursor.take_word(|word| word == "at");
        }
        let hour = cursor.take_number(1..=2)?;
        let mut minute = None;
        let mut second = 0;
        if cursor.attached() && cursor.take_punct(&[':']) {
            minute = Some(cursor.take_number(2..=2)?);
            if cursor.attached() && cursor.take_punct(&[':']) {
                second = cursor.take_number(2..=2)?;
            }
        }
        let meridiem = cursor.take_word(|word| matches!(word, "am" | "pm" | "a.m" | "p.m"));
        let hour = match meridiem.as_deref() {
            Some(word) if (1..=12).contains(&hour) => hour % 12 + if word.starts_with('p') { 12 } else { 0 },
            Some(_) => return None,
            None => {
                minute?;
                hour
            }
        };
        NaiveTime::from_hms_opt(hour, minute.unwrap_or(0), second)
    })();
    if time.is_none() {
        cursor.index = start;
    }
    time
}

/// Whether daylight saving time is in force in the United States on `date`: from the second
/// Sunday of March to the first Sunday of November since 2007, from the first Sunday of April
/// to the last Sunday of October before. The changeover days count as the new season.
fn is_us_daylight_time(date: NaiveDate) -> bool {
    let year = date.year();
    let nth_sunday =
        |month: u32, nth: u8| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, nth);
    let last_sunday_of_october = (1..=5).rev().find_map(|nth| nth_sunday(10, nth));
    let (start, end) = if year >= 2007 {
        (nth_sunday(3, 2), nth_sunday(11, 1))
    } else {
        (nth_sunday(4, 1), last_sunday_of_october)
    };
    start
        .zip(end)
        .is_some_and(|(start, end)| start <= date && date < end)
}

fn take_offset(cursor: &mut Cursor, date: NaiveDate) -> Option<FixedOffset> {
    let start = cursor.index;
    let offset = (|| {
        let parenthesized = cursor.take_punct(&['(']);
        let known = |word: &str| ZONES.iter().chain(&GENERIC_ZONES).any(|(name, _)| *name == word);
        if let Some(zone) = cursor.take_word(known) {
            if parenthesized && !cursor.take_punct(&[')']) {
                return None;
            }
            let fixed = ZONES
                .iter()
                .find(|(name, _)| *name == zone.as_str())
                .map(|(_, hours)| *hours);
            let generic = GENERIC_ZONES
                .iter()
                .find(|(name, _)| *name == zone.as_str())
                .map(|(_, standard)| standard + i32::from(is_us_daylight_time(date)));
            return FixedOffset::east_opt(fixed.or(generic)? * 3600);
        }
        if parenthesized || !cursor.attached() {
            return None;
        }
        let sign = if cursor.take_punct(&['+']) {
            1
        } else if cursor.take_punct(&['-', '−']) {
            -1
        } else {
            return None;
        };
        let first = cursor
            .peek()
            .filter(|token| token.kind == TokenKind::Number)?
            .text;
        let (hours, minutes) = match first.len() {
            4 => {
                cursor.index += 1;
                (
                    first.get(..2)?.parse::<i32>().ok()?,
                    first.get(2..)?.parse::<i32>().ok()?,
                )
            }
            2 => {
                let hours = cursor.take_number(2..=2)?;
                let minutes = if cursor.take_punct(&[':']) {
                    cursor.take_number(2..=2)?
                } else {
                    0
                };
                (i32::try_from(hours).ok()?, i32::try_from(minutes).ok()?)
            }
            _ => return None,
        };
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
    })();
    if offset.is_none() {
        cursor.index = start;
    }
    offset
}

/// The date expression starting at token `index`, and the index of the token after it.
pub fn parse_date_at(tokens: &[Token], index: usize) -> Option<(DateExpression, usize)> {
    let start = tokens.get(index)?.span.start;
    let parsers: [fn(&mut Cursor) -> Option<NaiveDate>; 3] = [month_first, day_first, numeric];
    parsers.iter().find_map(|parse| {
        let mut cursor = Cursor { tokens, index };
        let date = parse(&mut cursor)?;
        let date_end = cursor.end();
        let time = take_time(&mut cursor);
        let offset = time.and_then(|_| take_offset(&mut cursor, date));
        let end = if time.is_some() { cursor.end() } else { date_end };
        Some((
            DateExpression {
                date,
                time,
                offset,
                span: Span::new(start, end),
            },
            cursor.index,
        ))
    })
}

/// Every date expression on one tokenized line, with the token range each one covers.
pub fn dates_in(tokens: &[Token]) -> Vec<(DateExpression, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    // Every date this module reads has a four-digit year.
    if !tokens
        .iter()
        .any(|token| token.kind == TokenKind::Number && token.text.len() == 4)
    {
        return found;
    }
    let mut index = 0;
    while index < tokens.len() {
        match parse_date_at(tokens, index) {
            Some((expression, next)) if next > index => {
                found.push((expression, index..next));
                index = next;
            }
            _ => index += 1,
        }
    }
    found
}

/// Words that may stand on a date's line without making it prose (`Published: …`).
const LABELS: [&str; 14] = [
    "published",
    "posted",
    "released",
    "issued",
    "dated",
    "date",
    "on",
    "for",
    "immediate",
    "release",
    "press",
    "news",
    "updated",
    "last",
];

/// How a date sits in the statement, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placement {
    /// Part of the dateline (`WASHINGTON, June 14, 2023 —`).
    Dateline,
    /// Alone on its line, or with a publication label only, above the body.
    StandingAboveBody,
    /// After `Published`, `Posted`, `Released` and the like.
    Labelled,
    /// Alone on its line further down.
    Standing,
    /// On a short line above the body (`Press Release | June 14, 2023`, a byline).
    ShortLineAboveBody,
}

impl Placement {
    fn confidence(self) -> f64 {
        match self {
            Self::Dateline => 0.95,
            Self::StandingAboveBody => 0.9,
            Self::Labelled => 0.85,
            Self::Standing => 0.6,
            Self::ShortLineAboveBody => 0.7,
        }
    }
}

/// Where the date on a line at `line_content` stands, if it may be a publication date.
pub fn placement(tokens: &[Token], range: &std::ops::Range<usize>, above_body: bool) -> Option<Placement> {
    let outside = tokens
        .iter()
        .enumerate()
        .filter(|(index, _)| !range.contains(index))
        .map(|(_, token)| token);
    let mut words = 0;
    let mut only_labels = true;
    for token in outside {
        match token.kind {
            TokenKind::Word => {
                words += 1;
                only_labels &= LABELS.contains(&token.folded().as_str());
            }
            TokenKind::Number => only_labels = false,
            TokenKind::Punct => {}
        }
    }
    let before: Vec<Folded> = tokens
        .get(range.start.saturating_sub(3)..range.start)
        .unwrap_or(&[])
        .iter()
        .map(Token::folded)
        .collect();
    let updated = before
        .iter()
        .any(|word| *word == "updated" || *word == "modified");
    let labelled = before.iter().any(|word| {
        matches!(
            word.as_str(),
            "published" | "posted" | "released" | "issued" | "dated"
        )
    });
    if updated {
        return None;
    }
    if only_labels && above_body {
        Some(Placement::StandingAboveBody)
    } else if labelled {
        Some(Placement::Labelled)
    } else if only_labels {
        Some(Placement::Standing)
    } else if above_body && words <= 10 {
        Some(Placement::ShortLineAboveBody)
    } else {
        None
    }
}

/// A line of the statement as the publication-date choice sees it.
pub struct DateLine<'t, 'a> {
    pub tokens: &'t [Token<'a>],
    pub above_body: bool,
}

/// The publication date: the dateline's date if it has one, else the best placed date of the
/// lines (standing alone above the body first), the earliest on a tie.
pub fn publication_date<'t, 'a: 't>(
    dateline_date: Option<DateExpression>,
    lines: impl Iterator<Item = DateLine<'t, 'a>>,
) -> Option<PublicationDate> {
    if let Some(expression) = dateline_date {
        return Some(expression.to_publication(Placement::Dateline.confidence()));
    }
    let mut best: Option<(Placement, DateExpression)> = None;
    for line in lines {
        for (expression, range) in dates_in(line.tokens) {
            if let Some(placed) = placement(line.tokens, &range, line.above_body) {
                if best.is_none_or(|(current, _)| placed < current) {
                    best = Some((placed, expression));
                }
            }
        }
    }
    best.map(|(placed, expression)| expression.to_publication(placed.confidence()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    fn first_date(line: &str) -> Option<PublicationDate> {
        let tokens = tokenize(line, 0);
        dates_in(&tokens)
            .first()
            .map(|(expression, _)| expression.to_publication(1.0))
    }

    #[test]
    fn parses_the_formats_in_the_wild() {
        // The line, the value, local time and text of the date found, and what the case shows.
        type Case<'a> = (&'a str, Option<(&'a str, Option<&'a str>, &'a str)>, &'a str);
        let cases: &[Case] = &[
            (
                "August 16, 2017",
                Some(("2017-08-16", None, "August 16, 2017")),
                "month day, year",
            ),
            (
                "Aug. 16, 2017",
                Some(("2017-08-16", None, "Aug. 16, 2017")),
                "abbreviated month",
            ),
            (
                "Sept. 5, 2019",
                Some(("2019-09-05", None, "Sept. 5, 2019")),
                "four-letter abbreviation",
            ),
            (
                "16 August 2017",
                Some(("2017-08-16", None, "16 August 2017")),
                "day month year",
            ),
            (
                "the 16th of August, 2017",
                Some(("2017-08-16", None, "16th of August, 2017")),
                "ordinal",
            ),
            ("2017-08-16", Some(("2017-08-16", None, "2017-08-16")), "ISO date"),
            (
                "08/16/2017",
                Some(("2017-08-16", None, "08/16/2017")),
                "US numeric date",
            ),
            (
                "June 14, 2023",
                Some(("2023-06-14", None, "June 14, 2023")),
                "another month",
            ),
            (
                "Wednesday, August 16, 2017",
                Some(("2017-08-16", None, "Wednesday, August 16, 2017")),
                "weekday first",
            ),
            (
                "January 24, 2018 4:30 pm",
                Some(("2018-01-24", Some("16:30"), "January 24, 2018 4:30 pm")),
                "time without zone stays local",
            ),
            (
                "July, 15 2009, 01:33pm EDT",
                Some(("2009-07-15T13:33:00-04:00", None, "July, 15 2009, 01:33pm EDT")),
                "comma after month, zone",
            ),
            (
                "June 1, 2020 at 9:05 a.m. PST",
                Some(("2020-06-01T09:05:00-08:00", None, "June 1, 2020 at 9:05 a.m. PST")),
                "at and a.m.",
            ),
            (
                "Dec. 31, 2020, 12:00 AM (UTC)",
                Some(("2020-12-31T00:00:00+00:00", None, "Dec. 31, 2020, 12:00 AM (UTC)")),
                "midnight in parentheses",
            ),
            (
                "2017-08-16T09:30:00-04:00",
                Some(("2017-08-16T09:30:00-04:00", None, "2017-08-16T09:30:00-04:00")),
                "RFC 3339",
            ),
            (
                "March 3, 2021 CST",
                Some(("2021-03-03", None, "March 3, 2021")),
                "zone without time is dropped",
            ),
            ("Friday 1/27", None, "no year"),
            ("the June 12th meeting", None, "no year"),
            ("December 2024", None, "no day"),
            ("February 30, 2020", None, "no such day"),
            ("May 5, 1066", None, "year out of range"),
            (
                "13:45 on 3 May 2022",
                Some(("2022-05-03", None, "3 May 2022")),
                "time before the date is not read",
            ),
        ];
        for (line, expected, message) in cases {
            let found = first_date(line);
            let found = found.as_ref().map(|date| {
                (
                    date.value.as_str(),
                    date.published_time_local.as_deref(),
                    line.get(date.span.start..date.span.end).unwrap_or("?"),
                )
            });
            assert_eq!(found, *expected, "{message}: {line:?}");
        }
    }

    #[test]
    fn resolves_us_zones_named_without_season() {
        let cases = [
            (
                "Nov. 5, 2021 at 3:15 PM ET",
                "2021-11-05T15:15:00-04:00",
                "before the first Sunday of November",
            ),
            (
                "Nov. 8, 2021 at 3:15 PM ET",
                "2021-11-08T15:15:00-05:00",
                "after it",
            ),
            (
                "March 14, 2021 9:00 am PT",
                "2021-03-14T09:00:00-07:00",
                "the second Sunday of March",
            ),
            (
                "March 13, 2021 9:00 am PT",
                "2021-03-13T09:00:00-08:00",
                "the day before",
            ),
            (
                "October 30, 2005 10:00 CT",
                "2005-10-30T10:00:00-06:00",
                "the old rules: last Sunday of October",
            ),
            (
                "July 4, 2005 10:00 CT",
                "2005-07-04T10:00:00-05:00",
                "the old rules: summer",
            ),
        ];
        for (line, expected, message) in cases {
            let tokens = tokenize(line, 0);
            let found = dates_in(&tokens)
                .first()
                .map(|(expression, _)| expression.to_publication(1.0).value);
            assert_eq!(found.as_deref(), Some(expected), "{message}: {line}");
        }
    }

    #[test]
    fn places_dates_by_where_they_stand() {
        let cases: &[(&str, bool, Option<Placement>, &str)] = &[
            (
                "August 16, 2017",
                true,
                Some(Placement::StandingAboveBody),
                "alone above the body",
            ),
            (
                "Published: August 16, 2017",
                false,
                Some(Placement::Labelled),
                "labelled in the body",
            ),
            (
                "For Immediate Release: August 16, 2017",
                true,
                Some(Placement::StandingAboveBody),
                "release line",
            ),
            (
                "Last updated August 16, 2017",
                true,
                None,
                "an update is not a publication",
            ),
            (
                "August 16, 2017",
                false,
                Some(Placement::Standing),
                "alone further down",
            ),
            (
                "ACLU News | Aug. 16, 2017",
                true,
                Some(Placement::ShortLineAboveBody),
                "short line",
            ),
            (
                "The meeting on August 16, 2017 will decide the future of the policy in the county.",
                false,
                None,
                "a body date is not a publication date",
            ),
        ];
        for (line, above_body, expected, message) in cases {
            let tokens = tokenize(line, 0);
            let placed = dates_in(&tokens)
                .first()
                .and_then(|(_, range)| placement(&tokens, range, *above_body));
            assert_eq!(placed, *expected, "{message}: {line:?}");
        }
    }
}
