//! Dates as statements write them (`August 16, 2017`, `Aug. 16, 2017`, `16 August 2017`,
//! `2017-08-16`, `08/16/2017`, `16/08/2017`, `July, 15 2009, 01:33pm EDT`, `January 24, 2018
//! 4:30 pm`), parsed into calendar values, and the choice of the one that is the publication
//! date.
//!
//! A numeric date whose first two numbers could each be the day (`03/04/2017`: 4 March in the
//! United States, 3 April nearly everywhere else) is settled by a number above 12, or by the
//! dateline's place ([`DateOrder::of_place`]); otherwise it is read month first, with a low
//! confidence ([`AMBIGUOUS_ORDER_CONFIDENCE`]).

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};

use super::lexicon::{is_weekday, month_number};
use super::tokens::{Folded, Token, TokenKind};
use super::{PublicationDate, Span};

/// A date found in the text, with the time and offset written next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateExpression {
    /// The date; for a numeric date whose order the text leaves open, its month-first reading.
    pub date: NaiveDate,
    /// The day-first reading of a numeric date that may be read either way (`03/04/2017`).
    pub day_first: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
    pub span: Span,
}

/// The confidence of a date whose day and month may be swapped, when nothing in the text
/// settles which is which.
pub const AMBIGUOUS_ORDER_CONFIDENCE: f64 = 0.3;

/// Which number comes first in the numeric dates of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `MM/DD/YYYY`: the United States.
    MonthFirst,
    /// `DD/MM/YYYY`: most of the rest of the world.
    DayFirst,
}

/// Places of the United States as datelines name them, `|`-separated: the states (names,
/// postal and AP abbreviations) and the cities AP datelines name alone.
const MONTH_FIRST_PLACES: &str =
    "u.s|usa|united states|d.c|dc|washington|new york|los angeles|chicago|houston|phoenix|\
    philadelphia|san antonio|san diego|dallas|san francisco|seattle|denver|boston|detroit|\
    atlanta|miami|baltimore|cleveland|cincinnati|indianapolis|las vegas|milwaukee|minneapolis|\
    new orleans|oklahoma city|pittsburgh|st. louis|salt lake city|honolulu|alabama|ala|alaska|\
    arizona|ariz|arkansas|ark|california|calif|colorado|colo|connecticut|conn|delaware|del|\
    florida|fla|georgia|ga|hawaii|idaho|illinois|ill|indiana|ind|iowa|kansas|kan|kentucky|ky|\
    louisiana|la|maine|maryland|md|massachusetts|mass|michigan|mich|minnesota|minn|\
    mississippi|miss|missouri|mo|montana|mont|nebraska|neb|nevada|nev|new hampshire|n.h|\
    new jersey|n.j|new mexico|n.m|n.y|north carolina|n.c|north dakota|n.d|ohio|oregon|ore|\
    pennsylvania|pa|rhode island|r.i|south carolina|s.c|south dakota|s.d|tennessee|tenn|texas|\
    utah|vermont|vt|virginia|va|wash|west virginia|w.va|wisconsin|wis|wyoming|wyo|al|ak|az|ar|\
    ca|co|ct|de|fl|hi|id|il|in|ia|ks|me|ma|mi|mn|ms|mt|ne|nv|nh|nj|nm|ny|nc|nd|oh|ok|or|ri|sc|\
    sd|tn|tx|ut|wa|wv|wi|wy";

/// Countries that write the day first, and the cities AP datelines name alone outside the
/// United States (those of countries that write the year or the month first are left out),
/// `|`-separated.
const DAY_FIRST_PLACES: &str =
    "france|paris|united kingdom|u.k|uk|england|scotland|wales|london|ireland|dublin|germany|\
    berlin|frankfurt|munich|belgium|brussels|netherlands|amsterdam|the hague|luxembourg|\
    switzerland|geneva|zurich|bern|austria|vienna|italy|rome|milan|vatican city|spain|madrid|\
    barcelona|portugal|lisbon|greece|athens|denmark|copenhagen|norway|oslo|sweden|stockholm|\
    finland|helsinki|poland|warsaw|czech republic|prague|hungary|budapest|romania|bucharest|\
    russia|moscow|ukraine|kyiv|kiev|turkey|istanbul|ankara|israel|jerusalem|tel aviv|egypt|\
    cairo|lebanon|beirut|iraq|baghdad|kuwait city|india|new delhi|mumbai|pakistan|islamabad|\
    afghanistan|kabul|singapore|australia|sydney|melbourne|canberra|new zealand|wellington|\
    auckland|south africa|johannesburg|cape town|kenya|nairobi|nigeria|lagos|abuja|mexico|\
    mexico city|brazil|rio de janeiro|sao paulo|são paulo|brasilia|argentina|buenos aires|\
    chile|santiago|colombia|bogota|bogotá|peru|lima|cuba|havana|guatemala city|panama city|\
    monaco|gibraltar|san marino|djibouti";

impl DateOrder {
    /// The order the place of a dateline settles (`PARIS`, `LONDON, U.K.`, `MIAMI`,
    /// `Tallahassee, Fla.`), judged by its last part (the state or country) and then its whole
    /// name; `None` for a place not known.
    pub fn of_place(place: &str) -> Option<Self> {
        let folded = place.trim().trim_end_matches(['.', ',']).to_lowercase();
        let parts = folded.rsplit(',').map(str::trim).chain([folded.as_str()]);
        for part in parts {
            let part = part.trim_end_matches('.');
            let listed = |places: &str| places.split('|').any(|listed| listed == part);
            if listed(MONTH_FIRST_PLACES) {
                return Some(Self::MonthFirst);
            }
            if listed(DAY_FIRST_PLACES) {
                return Some(Self::DayFirst);
            }
        }
        None
    }
}

impl DateExpression {
    /// This date read in `order`, with `confidence`, or with [`AMBIGUOUS_ORDER_CONFIDENCE`]
    /// when its day and month may be swapped and no order is known.
    pub fn publication_in(self, order: Option<DateOrder>, confidence: f64) -> PublicationDate {
        match (self.day_first, order) {
            (None, _) => self.to_publication(confidence),
            (Some(day_first), Some(DateOrder::DayFirst)) => DateExpression {
                date: day_first,
                day_first: None,
                ..self
            }
            .to_publication(confidence),
            (Some(_), Some(DateOrder::MonthFirst)) => self.to_publication(confidence),
            (Some(_), None) => self.to_publication(confidence.min(AMBIGUOUS_ORDER_CONFIDENCE)),
        }
    }

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

/// `2017-08-16`, `2017/08/16`, and `08/16/2017` or `16/08/2017`, written without spaces; with
/// the day-first reading too when both first numbers may be the month (`03/04/2017`).
fn numeric(cursor: &mut Cursor) -> Option<(NaiveDate, Option<NaiveDate>)> {
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
        Some((calendar_date(first, second, day)?, None))
    } else if separator == "/" {
        let year = part(cursor, 4..=4)?;
        let month_first = calendar_date(year, first, second);
        let day_first = calendar_date(year, second, first);
        match (month_first, day_first) {
            (Some(month_first), Some(day_first)) if month_first != day_first => {
                Some((month_first, Some(day_first)))
            }
            (Some(date), _) | (None, Some(date)) => Some((date, None)),
            (None, None) => None,
        }
    } else {
        None
    }
}

/// A parser of one way of writing a date: the date, and its day-first reading when the text
/// leaves the order open.
type DateParser = fn(&mut Cursor) -> Option<(NaiveDate, Option<NaiveDate>)>;

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
    let parsers: [DateParser; 3] = [
        |cursor| month_first(cursor).map(|date| (date, None)),
        |cursor| day_first(cursor).map(|date| (date, None)),
        numeric,
    ];
    parsers.iter().find_map(|parse| {
        let mut cursor = Cursor { tokens, index };
        let (date, day_first) = parse(&mut cursor)?;
        let date_end = cursor.end();
        let time = take_time(&mut cursor);
        let offset = time.and_then(|_| take_offset(&mut cursor, date));
        let end = if time.is_some() { cursor.end() } else { date_end };
        Some((
            DateExpression {
                date,
                day_first,
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
/// lines (standing alone above the body first), the earliest on a tie. The dateline's place,
/// when known, settles the order of an ambiguous numeric date.
pub fn publication_date<'t, 'a: 't>(
    dateline_date: Option<DateExpression>,
    dateline_place: Option<&str>,
    lines: impl Iterator<Item = DateLine<'t, 'a>>,
) -> Option<PublicationDate> {
    let order = dateline_place.and_then(DateOrder::of_place);
    if let Some(expression) = dateline_date {
        return Some(expression.publication_in(order, Placement::Dateline.confidence()));
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
    best.map(|(placed, expression)| expression.publication_in(order, placed.confidence()))
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
                "16/08/2017",
                Some(("2017-08-16", None, "16/08/2017")),
                "day first, settled by a day above 12",
            ),
            ("13/14/2017", None, "neither may be a month"),
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
    fn numeric_dates_keep_both_readings_while_the_order_is_open() {
        let reading = |line: &str| {
            let tokens = tokenize(line, 0);
            dates_in(&tokens).first().map(|(expression, _)| {
                (
                    expression.date.to_string(),
                    expression.day_first.map(|d| d.to_string()),
                )
            })
        };
        let date = |text: &str| text.to_owned();
        assert_eq!(
            reading("03/04/2017"),
            Some((date("2017-03-04"), Some(date("2017-04-03"))))
        );
        assert_eq!(
            reading("16/08/2017"),
            Some((date("2017-08-16"), None)),
            "settled: 16 is a day"
        );
        assert_eq!(
            reading("08/16/2017"),
            Some((date("2017-08-16"), None)),
            "settled: 16 is a day"
        );
        assert_eq!(
            reading("04/04/2017"),
            Some((date("2017-04-04"), None)),
            "the same either way"
        );
        assert_eq!(
            reading("2017/03/04"),
            Some((date("2017-03-04"), None)),
            "year first"
        );
    }

    #[test]
    fn the_dateline_settles_the_order_of_an_ambiguous_date() {
        let cases: &[(&str, Option<DateOrder>)] = &[
            ("PARIS", Some(DateOrder::DayFirst)),
            ("LONDON, U.K.", Some(DateOrder::DayFirst)),
            ("NAIROBI, Kenya", Some(DateOrder::DayFirst)),
            ("WASHINGTON", Some(DateOrder::MonthFirst)),
            ("Tallahassee, Fla.", Some(DateOrder::MonthFirst)),
            ("ALBANY, N.Y.", Some(DateOrder::MonthFirst)),
            ("SACRAMENTO, CA", Some(DateOrder::MonthFirst)),
            ("TOKYO", None),
            ("SPRINGFIELD", None),
        ];
        for (place, expected) in cases {
            assert_eq!(DateOrder::of_place(place), *expected, "{place}");
        }
        let published = |line: &str, place: Option<&str>| {
            let tokens = tokenize(line, 0);
            let lines = std::iter::once(DateLine {
                tokens: &tokens,
                above_body: true,
            });
            publication_date(None, place, lines).map(|date| (date.value, date.confidence))
        };
        let standing = Placement::StandingAboveBody.confidence();
        let cases: &[(&str, Option<&str>, &str, f64, &str)] = &[
            (
                "03/04/2017",
                Some("PARIS"),
                "2017-04-03",
                standing,
                "a French dateline: 3 April",
            ),
            (
                "03/04/2017",
                Some("WASHINGTON"),
                "2017-03-04",
                standing,
                "a US dateline: 4 March",
            ),
            (
                "03/04/2017",
                None,
                "2017-03-04",
                AMBIGUOUS_ORDER_CONFIDENCE,
                "nothing settles it",
            ),
            (
                "03/04/2017",
                Some("TOKYO"),
                "2017-03-04",
                AMBIGUOUS_ORDER_CONFIDENCE,
                "an unknown place",
            ),
            (
                "16/08/2017",
                None,
                "2017-08-16",
                standing,
                "a day above 12 settles it",
            ),
            (
                "16/08/2017",
                Some("WASHINGTON"),
                "2017-08-16",
                standing,
                "whatever the place",
            ),
            ("August 3, 2017", None, "2017-08-03", standing, "a month in words"),
        ];
        for (line, place, value, confidence, case) in cases {
            assert_eq!(
                published(line, *place),
                Some(((*value).to_owned(), *confidence)),
                "{case}: {line} under {place:?}"
            );
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
