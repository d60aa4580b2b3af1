//! The rows a [`CdxQuery`] selects from an index walk, and the three forms of the answer.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{CdxQuery, Order, Output, Position, Row, SCAN_BUDGET};
use crate::archive::timestamp::{parse_timestamp, timestamp14, Pad};

/// Which way an index range is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// A range of positions in their byte form: `lower <= position < upper`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    pub lower: Vec<u8>,
    pub upper: Vec<u8>,
}

/// What a query selected: its rows, and the position to resume after when there may be more.
#[derive(Debug, Default)]
pub struct Selection {
    pub rows: Vec<Row>,
    pub resume: Option<Position>,
}

/// Runs `query` over an index that `open` walks: it yields the rows within the bounds, in the
/// direction asked, in position order. At most `query.limit` rows are kept and
/// [`SCAN_BUDGET`] entries read.
pub fn select<E, I>(query: &CdxQuery, mut open: impl FnMut(Bounds, Direction) -> I) -> Result<Selection, E>
where
    I: Iterator<Item = Result<Row, E>>,
{
    let mut bounds = Bounds {
        lower: query.start.as_bytes().to_vec(),
        upper: query.end.as_bytes().to_vec(),
    };
    if let Some(surt) = &query.exact {
        // One SURT: its positions sort by timestamp, so `from` and `to` narrow the walk.
        let at = |ts: &str| [surt.as_bytes(), &[0], ts.as_bytes()].concat();
        bounds.lower = at(query.from.as_deref().unwrap_or(""));
        bounds.upper = match &query.to {
            Some(to) => next_bytes(at(to)),
            None => [surt.as_bytes(), &[1]].concat(),
        };
    }
    if let Order::Closest(at) = query.order {
        return closest(query, bounds, at, open);
    }
    let backward = (query.order == Order::Reverse) != query.last;
    if let Some(position) = &query.resume_key {
        let key = position.to_bytes();
        if backward {
            bounds.upper = bounds.upper.min(key);
        } else {
            bounds.lower = bounds.lower.max([key.as_slice(), &[0]].concat());
        }
    }
    let direction = if backward {
        Direction::Backward
    } else {
        Direction::Forward
    };
    let mut selection = Selection::default();
    if query.limit == 0 || bounds.lower >= bounds.upper {
        return Ok(selection);
    }
    let mut walk = open(bounds, direction).peekable();
    let mut scanned = 0;
    while let Some(row) = walk.next() {
        let row = row?;
        scanned += 1;
        let full = if query.keeps(&row) {
            selection.rows.push(row.clone());
            selection.rows.len() >= query.limit
        } else {
            false
        };
        if full || scanned >= SCAN_BUDGET {
            if walk.peek().is_some() {
                selection.resume = Some(row.position);
            }
            break;
        }
    }
    if query.last {
        selection.rows.reverse();
    }
    Ok(selection)
}

/// The least byte string after every string that starts with `key`, whose last byte is an
/// ASCII digit.
fn next_bytes(mut key: Vec<u8>) -> Vec<u8> {
    if let Some(last) = key.last_mut() {
        *last += 1;
    }
    key
}

/// The rows of one SURT nearest to `at`: a walk back from it and one forward, merged by
/// distance (O(limit) reads, not the whole range).
fn closest<E, I>(
    query: &CdxQuery,
    bounds: Bounds,
    at: DateTime<Utc>,
    mut open: impl FnMut(Bounds, Direction) -> I,
) -> Result<Selection, E>
where
    I: Iterator<Item = Result<Row, E>>,
{
    let surt = query.exact.as_deref().unwrap_or_default();
    let pivot = [surt.as_bytes(), &[0], timestamp14(at).as_bytes()].concat();
    let pivot = pivot.clamp(bounds.lower.clone(), bounds.upper.clone());
    let mut before = open(
        Bounds {
            lower: bounds.lower.clone(),
            upper: pivot.clone(),
        },
        Direction::Backward,
    );
    let mut after = open(
        Bounds {
            lower: pivot,
            upper: bounds.upper,
        },
        Direction::Forward,
    )
    .peekable();
    // The rows before `at` come latest first; those of one second are put back in index order.
    let mut group: Vec<Row> = Vec::new();
    let mut pending: Option<Row> = None;
    let mut selection = Selection::default();
    let distance = |row: &Row| (row_time(row) - at).num_seconds().abs();
    let mut scanned = 0;
    while selection.rows.len() < query.limit && scanned < SCAN_BUDGET {
        if group.is_empty() {
            let mut next = match pending.take() {
                Some(row) => Some(row),
                None => before.next().transpose()?,
            };
            while let Some(row) = next {
                if group
                    .first()
                    .is_some_and(|first| first.position.timestamp != row.position.timestamp)
                {
                    pending = Some(row);
                    break;
                }
                scanned += 1;
                group.push(row);
                next = before.next().transpose()?;
            }
        }
        let take_before = match (group.last(), after.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(earlier), Some(Ok(later))) => distance(earlier) <= distance(later),
            (Some(_), Some(Err(_))) => false,
        };
        let row = if take_before {
            group.pop()
        } else {
            scanned += 1;
            after.next().transpose()?
        };
        if let Some(row) = row.filter(|row| query.keeps(row)) {
            selection.rows.push(row);
        }
    }
    Ok(selection)
}

fn row_time(row: &Row) -> DateTime<Utc> {
    parse_timestamp("timestamp", &row.position.timestamp, Pad::Down).unwrap_or_default()
}

/// The body of an answer and its content type.
pub fn render(query: &CdxQuery, selection: &Selection) -> (&'static str, String) {
    let resume = selection
        .resume
        .as_ref()
        .filter(|_| query.show_resume_key)
        .map(Position::resume_key);
    let fields = &query.fields;
    match query.output {
        Output::Text => {
            let mut body = String::new();
            for row in &selection.rows {
                let values: Vec<String> = fields.iter().map(|f| row.value(*f)).collect();
                body.push_str(&values.join(" "));
                body.push('\n');
            }
            if let Some(key) = resume {
                body.push('\n');
                body.push_str(&key);
                body.push('\n');
            }
            ("text/plain; charset=utf-8", body)
        }
        Output::Lines => {
            let mut body = String::new();
            for row in &selection.rows {
                let object: Map<String, Value> = fields
                    .iter()
                    .map(|f| (f.pywb_name().to_owned(), Value::String(row.value(*f))))
                    .collect();
                body.push_str(&Value::Object(object).to_string());
                body.push('\n');
            }
            if let Some(key) = resume {
                body.push_str(&serde_json::json!({ "resumeKey": key }).to_string());
                body.push('\n');
            }
            ("text/x-ndjson", body)
        }
        Output::Arrays => {
            let mut rows: Vec<Value> = Vec::new();
            if !selection.rows.is_empty() {
                rows.push(fields.iter().map(|f| f.name()).collect());
                rows.extend(
                    selection
                        .rows
                        .iter()
                        .map(|row| fields.iter().map(|f| row.value(*f)).collect()),
                );
            }
            if let Some(key) = resume {
                rows.push(Value::Array(Vec::new()));
                rows.push(Value::Array(vec![Value::String(key)]));
            }
            ("application/json", Value::Array(rows).to_string())
        }
    }
}
