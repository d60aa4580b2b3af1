//! Publication dates: any text either is refused or gives a date whose own written form parses
//! back to the same date.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance::domain::PublishedAt;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(published) = PublishedAt::parse("published_at", raw) else {
        return;
    };
    let shown = published.to_string();
    let again = PublishedAt::parse("published_at", &shown)
        .unwrap_or_else(|error| panic!("{raw:?} is shown as {shown:?}, which is refused: {error}"));
    assert_eq!(again, published, "{raw:?} shown as {shown:?}");
    assert_eq!(again.to_string(), shown);
    let _ = published.calendar_date();
});
