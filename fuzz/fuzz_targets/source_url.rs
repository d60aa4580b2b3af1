//! Source URL canonicalization: any text either is refused or gives a canonical URL of at
//! most 2048 bytes that parses to itself (canonicalization is idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance::domain::SourceUrl;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(url) = SourceUrl::parse("source_url", raw) else {
        return;
    };
    let canonical = url.as_str();
    assert!(canonical.len() <= 2048, "canonical form too long: {canonical}");
    assert!(
        canonical.starts_with("http://") || canonical.starts_with("https://"),
        "{canonical}"
    );
    let again = SourceUrl::parse("source_url", canonical)
        .unwrap_or_else(|error| panic!("the canonical form {canonical:?} of {raw:?} is refused: {error}"));
    assert_eq!(
        again.as_str(),
        canonical,
        "canonicalization of {raw:?} is not idempotent"
    );
});
