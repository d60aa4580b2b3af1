//! The ingest request parser, as `POST /v1/statements` runs it: JSON bytes into an
//! `IngestRequest`, then `Draft::try_from`. Never panics; every refusal names at least one
//! field; an accepted submission's source URL is canonical (it parses to itself).
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance::api::model::IngestRequest;
use provenance::domain::{Draft, SourceUrl};

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<IngestRequest>(data) else {
        return;
    };
    match Draft::try_from(request) {
        Ok(submission) => {
            let canonical = submission.source_url.as_str();
            let again = SourceUrl::parse("source_url", canonical).expect("a canonical URL parses");
            assert_eq!(again.as_str(), canonical);
            assert!(!submission.content.is_empty());
        }
        Err(errors) => {
            assert!(errors.iter().next().is_some(), "a refusal names a field");
            for error in errors.iter() {
                assert!(!error.field.is_empty(), "{error}");
                assert!(!error.message.is_empty(), "{error}");
            }
        }
    }
});
