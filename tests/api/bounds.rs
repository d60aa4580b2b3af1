//! Reads whose work grows with the size of what is stored stay bounded: the diff of two
//! ~4 MB versions of two-word text (which overflowed the stack and aborted the process) is
//! answered, as a line diff, in every format; and a passage search reads at most a bounded
//! amount of content and says how many candidates it left unread.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, statement};

/// `bytes` bytes of `x` and `y` separated by spaces, in a fixed pseudo-random order.
fn two_words(bytes: usize, mut state: u64) -> String {
    let mut text = String::with_capacity(bytes);
    while text.len() + 2 <= bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push_str(if state % 2 == 0 { "x " } else { "y " });
    }
    text.push('x');
    text
}

#[tokio::test]
async fn the_diff_of_two_four_megabyte_versions_is_answered() {
    let app = spawn_app().await;
    let url = "https://example.org/two-words";
    let first = app
        .ingest_ok(&statement(url, &two_words(3_999_999, 1)), StatusCode::CREATED)
        .await;
    app.ingest_ok(&statement(url, &two_words(3_999_999, 2)), StatusCode::CREATED)
        .await;
    let id = first["statement_id"].as_str().unwrap();
    let diff = app.get_json(&format!("/v1/statements/{id}/diff")).await;
    assert_eq!(diff["granularity"], "lines", "too many words for a word diff");
    let kinds: Vec<&str> = diff["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["op"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["delete", "insert"], "one line, replaced");
    for format in ["unified", "html"] {
        let response = app
            .get(&format!("/v1/statements/{id}/diff?format={format}"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        assert!(response.bytes().await.unwrap().len() > 3_999_999, "{format}");
    }
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "still serving"
    );

    // An ordinary edit is still shown word by word.
    let small = "https://example.org/small";
    let record = app
        .ingest_ok(
            &statement(small, "We urge others to hold their ground."),
            StatusCode::CREATED,
        )
        .await;
    app.ingest_ok(
        &statement(small, "We urge every city to hold its ground."),
        StatusCode::CREATED,
    )
    .await;
    let id = record["statement_id"].as_str().unwrap();
    let diff = app.get_json(&format!("/v1/statements/{id}/diff")).await;
    assert_eq!(diff["granularity"], "words");
}

#[tokio::test]
async fn a_passage_search_reads_a_bounded_amount_of_content() {
    let app = spawn_app().await;
    let passage = "Sanctuary city policies improve public safety, protect immigrants, and promote trust \
                   between communities and police.";
    // Three statements of 1.5 MiB, each holding the passage: the first two fit the search's
    // 4 MiB, the third does not.
    let filler = "The county commission met on Tuesday to hear the budget for the coming year. ";
    let long = filler.repeat(1_572_864 / filler.len());
    for n in 0..3 {
        let body = json!({
            "source_url": format!("https://example.org/long/{n}"),
            "content": format!("{long}{passage}"),
            "published_at": format!("2017-08-1{n}"),
        });
        app.ingest_ok(&body, StatusCode::CREATED).await;
    }
    let response = app
        .post_json_anonymously("/v1/passages/search", &json!({ "passage": passage }))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    assert_eq!(results["items"].as_array().unwrap().len(), 2, "{results}");
    assert_eq!(results["unread_candidates"], 1, "{results}");
}
