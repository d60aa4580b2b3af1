//! The extractor: any text, as plain text, HTML or markdown, is analysed without panicking;
//! every span lies on char boundaries of the extraction's text and every confidence is in
//! 0..=1 (checked on the serialized extraction, so that new kinds of item are covered too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance::extract::{extract, ContentKind};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(content) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = match selector % 3 {
        0 => ContentKind::Plain,
        1 => ContentKind::Html,
        _ => ContentKind::Markdown,
    };
    let extraction = extract(content, kind);
    let value = serde_json::to_value(&extraction).expect("an extraction serializes");
    check(&value, &extraction.text);
});

fn check(value: &Value, text: &str) {
    match value {
        Value::Object(map) => {
            if let Some(span) = map.get("span") {
                let start = span["start"].as_u64().expect("a span start") as usize;
                let end = span["end"].as_u64().expect("a span end") as usize;
                assert!(
                    start <= end && end <= text.len(),
                    "span {start}..{end} of {}",
                    text.len()
                );
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "span {start}..{end} splits a character"
                );
            }
            for (key, item) in map {
                if key.ends_with("confidence") {
                    let confidence = item.as_f64().expect("a confidence is a number");
                    assert!((0.0..=1.0).contains(&confidence), "{key} {confidence}");
                }
                check(item, text);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| check(item, text)),
        _ => {}
    }
}
