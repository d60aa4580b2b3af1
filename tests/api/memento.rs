//! Memento (RFC 7089) under `/web/`: TimeGates, mementos and TimeMaps, with versions stored at
//! known times (through the store, as an ingest at that time would).

use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app, store_version, TestApp};

const URL: &str = "https://example.org/news/release";

fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, 0, 0).unwrap()
}

/// Versions 1, 2, 3 of [`URL`], recorded on 1 Jan 2020, 2021 and 2022 at noon (plus a
/// fraction of a second, which Memento-Datetime drops).
async fn app_with_three_versions() -> TestApp {
    let app = spawn_app().await;
    for (n, year) in [(1, 2020), (2, 2021), (3, 2022)] {
        store_version(
            &app,
            URL,
            &format!("Wording number {n}."),
            at(year, 1, 1, 12) + chrono::Duration::milliseconds(250),
        );
    }
    app
}

async fn request(app: &TestApp, method: Method, path: &str, accept_datetime: Option<&str>) -> Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.request(method, format!("{}{path}", app.address));
    if let Some(value) = accept_datetime {
        request = request.header("Accept-Datetime", value);
    }
    request.send().await.unwrap()
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn memento_uri(app: &TestApp, stamp: &str) -> String {
    format!("{}/web/{stamp}id_/{URL}", app.address)
}

/// The TimeGate at `path` (with `accept_datetime`) redirects to the memento of `stamp`.
async fn assert_timegate(app: &TestApp, path: &str, accept_datetime: Option<&str>, stamp: &str) {
    for method in [Method::GET, Method::HEAD] {
        let response = request(app, method.clone(), path, accept_datetime).await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "{method} {path} {accept_datetime:?}"
        );
        assert_eq!(
            header(&response, "location"),
            memento_uri(app, stamp),
            "{path} {accept_datetime:?}"
        );
        let vary = header(&response, "vary");
        assert!(
            vary.split(',').any(|name| name.trim() == "accept-datetime"),
            "{vary}"
        );
        let links = header(&response, "link");
        assert!(links.contains(&format!("<{URL}>; rel=\"original\"")), "{links}");
        assert!(
            links.contains(&format!(
                "<{}/web/timemap/link/{URL}>; rel=\"timemap\"",
                app.address
            )),
            "{links}"
        );
        // The chosen memento is among the links (pywb's Memento client takes it from there).
        let chosen = format!("<{}>; rel=\"", memento_uri(app, stamp));
        let rel = links.split(&chosen).nth(1).unwrap_or_default();
        assert!(
            rel.split('"')
                .next()
                .unwrap_or_default()
                .split(' ')
                .any(|r| r == "memento"),
            "{links}"
        );
    }
}

#[tokio::test]
async fn timegates_redirect_to_the_version_current_at_the_time() {
    let app = app_with_three_versions().await;
    let gate = format!("/web/{URL}");
    // No datetime: the latest.
    assert_timegate(&app, &gate, None, "20220101120000").await;
    // Accept-Datetime: before the first, between, exactly at, after the last; other zones.
    let cases = [
        ("Tue, 01 Jan 2019 00:00:00 GMT", "20200101120000"),
        ("Wed, 01 Jan 2020 12:00:00 GMT", "20200101120000"),
        ("Wed, 01 Jan 2020 11:59:59 GMT", "20200101120000"),
        ("Fri, 01 Jan 2021 11:59:59 GMT", "20200101120000"),
        ("Fri, 01 Jan 2021 12:00:00 GMT", "20210101120000"),
        ("Fri, 01 Jan 2021 14:00:00 +0200", "20210101120000"),
        ("Thu, 01 Jan 2099 00:00:00 GMT", "20220101120000"),
    ];
    for (accept, stamp) in cases {
        assert_timegate(&app, &gate, Some(accept), stamp).await;
    }
    // A timestamp in the path: full, partial (the end of its period), before the first.
    let cases = [
        ("20210101120000", "20210101120000"),
        ("20210101115959", "20200101120000"),
        ("2020", "20200101120000"),
        ("2021", "20210101120000"),
        ("202101", "20210101120000"),
        ("2019", "20200101120000"),
        ("3", "20220101120000"),
    ];
    for (stamp, expected) in cases {
        assert_timegate(&app, &format!("/web/{stamp}/{URL}"), None, expected).await;
    }
    // Scheme-less, as on Wayback; and with a proxy's merged slashes.
    assert_timegate(&app, "/web/2021/example.org/news/release", None, "20210101120000").await;
    assert_timegate(
        &app,
        "/web/https:/example.org/news/release",
        None,
        "20220101120000",
    )
    .await;
}

#[tokio::test]
async fn mementos_are_the_exact_bytes_with_their_links() {
    let app = app_with_three_versions().await;
    let record: Value = app.get_json(&format!("/v1/statements?source_url={URL}")).await;
    let id = record["items"][0]["statement_id"].as_str().unwrap().to_owned();
    for method in [Method::GET, Method::HEAD] {
        let response = request(
            &app,
            method.clone(),
            &format!("/web/20210101120000id_/{URL}"),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header(&response, "memento-datetime"),
            "Fri, 01 Jan 2021 12:00:00 GMT"
        );
        assert_eq!(header(&response, "content-type"), "text/plain; charset=utf-8");
        let sha = provenance::domain::Sha256::of(b"Wording number 2.");
        assert_eq!(
            header(&response, "repr-digest"),
            format!("sha-256=:{}:", sha.to_base64())
        );
        let links = header(&response, "link");
        let base = &app.address;
        for expected in [
            format!("<{URL}>; rel=\"original\""),
            format!("<{base}/web/{URL}>; rel=\"timegate\""),
            format!("<{base}/web/timemap/link/{URL}>; rel=\"timemap\"; type=\"application/link-format\""),
            format!("<{}>; rel=\"first prev memento\"; datetime=\"Wed, 01 Jan 2020 12:00:00 GMT\"", memento_uri(&app, "20200101120000")),
            format!("<{}>; rel=\"last next memento\"; datetime=\"Sat, 01 Jan 2022 12:00:00 GMT\"", memento_uri(&app, "20220101120000")),
            format!("<{}>; rel=\"memento\"; datetime=\"Fri, 01 Jan 2021 12:00:00 GMT\"", memento_uri(&app, "20210101120000")),
            format!("<{base}/v1/statements/{id}/versions/2>; rel=\"describedby\"; type=\"application/json\""),
            format!("<{base}/v1/statements/{id}/versions/2/proof>; rel=\"describedby\"; type=\"application/json\""),
        ] {
            assert!(links.contains(&expected), "{method}: {expected}\nin {links}");
        }
        let body = response.bytes().await.unwrap();
        if method == Method::GET {
            assert_eq!(body.as_ref(), b"Wording number 2.");
        } else {
            assert!(body.is_empty());
        }
    }
    // The first memento has no prev, the last no next.
    let first = request(&app, Method::GET, &format!("/web/20200101120000id_/{URL}"), None).await;
    let links = header(&first, "link");
    assert!(!links.contains("prev"), "{links}");
    assert!(links.contains("rel=\"first memento\""), "{links}");
    assert!(links.contains("rel=\"next memento\""), "{links}");
    // A timestamp that is not the memento's own redirects to it.
    for stamp in ["2021", "20210615000000", "20210101120001"] {
        let response = request(&app, Method::GET, &format!("/web/{stamp}id_/{URL}"), None).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{stamp}");
        assert_eq!(header(&response, "location"), memento_uri(&app, "20210101120000"));
    }
    // The version's own content carries its Memento-Datetime and links too.
    let content = request(
        &app,
        Method::GET,
        &format!("/v1/statements/{id}/versions/3/content"),
        None,
    )
    .await;
    assert_eq!(
        header(&content, "memento-datetime"),
        "Sat, 01 Jan 2022 12:00:00 GMT"
    );
    let links = header(&content, "link");
    assert!(links.contains(&format!("<{URL}>; rel=\"original\"")), "{links}");
    assert!(links.contains(&memento_uri(&app, "20220101120000")), "{links}");
}

#[tokio::test]
async fn timemaps_list_every_memento_in_link_format_and_json() {
    let app = app_with_three_versions().await;
    let response = request(&app, Method::GET, &format!("/web/timemap/link/{URL}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "application/link-format");
    let head = request(&app, Method::HEAD, &format!("/web/timemap/link/{URL}"), None).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "content-type"), "application/link-format");
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let base = &app.address;
    assert_eq!(lines[0], format!("<{URL}>; rel=\"original\","));
    assert_eq!(lines[1], format!("<{base}/web/{URL}>; rel=\"timegate\","));
    assert_eq!(
        lines[2],
        format!("<{base}/web/timemap/link/{URL}>; rel=\"self\"; type=\"application/link-format\"; from=\"Wed, 01 Jan 2020 12:00:00 GMT\"; until=\"Sat, 01 Jan 2022 12:00:00 GMT\",")
    );
    assert_eq!(
        lines[3],
        format!(
            "<{}>; rel=\"first memento\"; datetime=\"Wed, 01 Jan 2020 12:00:00 GMT\",",
            memento_uri(&app, "20200101120000")
        )
    );
    assert_eq!(
        lines[4],
        format!(
            "<{}>; rel=\"memento\"; datetime=\"Fri, 01 Jan 2021 12:00:00 GMT\",",
            memento_uri(&app, "20210101120000")
        )
    );
    assert_eq!(
        lines[5],
        format!(
            "<{}>; rel=\"last memento\"; datetime=\"Sat, 01 Jan 2022 12:00:00 GMT\"",
            memento_uri(&app, "20220101120000")
        )
    );
    assert_eq!(lines.len(), 6);

    let json = app.get_json(&format!("/web/timemap/json/{URL}")).await;
    assert_eq!(json["original_uri"], URL);
    assert_eq!(json["mementos"]["list"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["mementos"]["first"]["uri"],
        memento_uri(&app, "20200101120000")
    );
    assert_eq!(
        json["mementos"]["last"]["datetime"],
        "2022-01-01T12:00:00.000000Z"
    );
    assert_eq!(json["next"], Value::Null);
    // Scheme-less.
    let schemeless = app.get_json("/web/timemap/json/example.org/news/release").await;
    assert_eq!(schemeless["original_uri"], URL);
}

#[tokio::test]
async fn large_timemaps_are_paged() {
    let app = spawn_app().await;
    let start = at(2020, 1, 1, 0);
    let total = provenance::api::TIMEMAP_PAGE + 2;
    for n in 0..total {
        store_version(
            &app,
            URL,
            &format!("Version {n}"),
            start + chrono::Duration::minutes(i64::from(n)),
        );
    }
    let first = app.get_json(&format!("/web/timemap/json/{URL}")).await;
    assert_eq!(
        first["mementos"]["list"].as_array().unwrap().len(),
        provenance::api::TIMEMAP_PAGE as usize
    );
    let next = first["next"].as_str().unwrap();
    assert_eq!(
        next,
        format!(
            "{}/web/timemap/json/~{}/{URL}",
            app.address,
            provenance::api::TIMEMAP_PAGE + 1
        )
    );
    let second = app.get_json(next.strip_prefix(&app.address).unwrap()).await;
    let list = second["mementos"]["list"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["version"], total);
    assert_eq!(second["next"], Value::Null);
    let links = request(&app, Method::GET, &format!("/web/timemap/link/{URL}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        links.contains(&format!(
            "<{}/web/timemap/link/~{}/{URL}>; rel=\"timemap\"",
            app.address,
            provenance::api::TIMEMAP_PAGE + 1
        )),
        "{links}"
    );
    assert_eq!(
        links.matches("memento\"; datetime").count(),
        provenance::api::TIMEMAP_PAGE as usize
    );
}

#[tokio::test]
async fn unknown_urls_and_malformed_datetimes_are_refused() {
    let app = app_with_three_versions().await;
    for path in [
        "/web/https://example.org/never".to_owned(),
        "/web/2020id_/https://example.org/never".to_owned(),
        "/web/timemap/link/example.org/never".to_owned(),
    ] {
        for method in [Method::GET, Method::HEAD] {
            let response = request(&app, method.clone(), &path, None).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
            assert!(response.headers().get("link").is_none());
            if method == Method::GET {
                assert_problem(response, StatusCode::NOT_FOUND, "").await;
            }
        }
    }
    for bad in [
        "yesterday",
        "2021-01-01T00:00:00Z",
        "Fri, 32 Jan 2021 12:00:00 GMT",
    ] {
        let response = request(&app, Method::GET, &format!("/web/{URL}"), Some(bad)).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "Accept-Datetime").await;
    }
    let response = request(&app, Method::GET, &format!("/web/202101011200001/{URL}"), None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "timestamp").await;
    let response = request(&app, Method::GET, &format!("/web/202101011200001id_/{URL}"), None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "timestamp").await;
    let response = request(&app, Method::GET, "/web/2021/", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "url").await;
    let response = request(&app, Method::GET, "/web/ftp://example.org/", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "url").await;
    // Without a scheme the URL is a guess: one that cannot be a source URL is not held.
    let response = request(&app, Method::GET, "/web/HTTP%3A%2F%2F0", None).await;
    assert_problem(response, StatusCode::NOT_FOUND, "").await;
}

/// A version sent with `captured_at` (what `import-warc` sends: the capture's WARC-Date) is a
/// memento at that time everywhere (record, `/web/`, `/cdx`); the registry keeps its own
/// `ingested_at` beside it, and refuses captures that would put the timeline out of order.
#[tokio::test]
async fn captured_versions_are_mementos_at_their_capture_time() {
    let app = spawn_app().await;
    let captured = |content: &str, at: &str| serde_json::json!({ "source_url": URL, "content": content, "captured_at": at });
    let v1 = app
        .ingest_ok(&captured("One.", "2019-05-01T10:00:00.5Z"), StatusCode::CREATED)
        .await;
    let time = |record: &Value, field: &str| {
        DateTime::parse_from_rfc3339(record[field].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    assert_eq!(
        time(&v1, "captured_at"),
        at(2019, 5, 1, 10) + chrono::Duration::milliseconds(500)
    );
    assert_eq!(v1["memento_datetime"], "2019-05-01T10:00:00Z");
    assert!(time(&v1, "ingested_at") > at(2026, 1, 1, 0), "{v1}");

    // The same content captured at another time is the same version.
    let same = app
        .ingest_ok(&captured("One.", "2018-01-01T00:00:00Z"), StatusCode::OK)
        .await;
    assert_eq!(
        (same["version"].as_u64(), same["memento_datetime"].as_str()),
        (Some(1), Some("2019-05-01T10:00:00Z"))
    );
    // New content captured before the latest version, or in the future: refused, nothing stored.
    let problem = assert_problem(
        app.ingest(&captured("Older.", "2019-04-30T23:59:59Z")).await,
        StatusCode::CONFLICT,
        "captured_at",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("2019-05-01T10:00:00.500Z"),
        "{problem}"
    );
    let future = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    assert_problem(
        app.ingest(&captured("Later.", &future)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "captured_at",
    )
    .await;
    assert_problem(
        app.ingest(&captured("Later.", "1 May 2019")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "captured_at",
    )
    .await;
    let batch = app
        .post_raw(
            "/v1/statements/batch",
            "application/x-ndjson",
            format!("{}\n", captured("Older.", "2019-01-01T00:00:00Z")),
        )
        .await
        .text()
        .await
        .unwrap();
    let line: Value = serde_json::from_str(batch.trim()).unwrap();
    assert_eq!(
        (line["status"].as_u64(), &line["problem"]["field"]),
        (Some(409), &Value::from("captured_at"))
    );

    let v2 = app
        .ingest_ok(
            &captured("Two.", "2019-06-01T00:00:00+02:00"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(v2["memento_datetime"], "2019-05-31T22:00:00Z");
    let v3 = app
        .ingest_ok(
            &serde_json::json!({ "source_url": URL, "content": "Three." }),
            StatusCode::CREATED,
        )
        .await;
    assert!(v3.get("captured_at").is_none(), "{v3}");
    let v3_stamp = time(&v3, "ingested_at").format("%Y%m%d%H%M%S").to_string();
    assert_eq!(
        v3["memento_datetime"],
        time(&v3, "ingested_at").format("%Y-%m-%dT%H:%M:%SZ").to_string()
    );

    let memento = request(&app, Method::GET, &format!("/web/20190501100000id_/{URL}"), None).await;
    assert_eq!(memento.status(), StatusCode::OK);
    assert_eq!(
        header(&memento, "memento-datetime"),
        "Wed, 01 May 2019 10:00:00 GMT"
    );
    assert_eq!(memento.text().await.unwrap(), "One.");
    assert_timegate(&app, &format!("/web/2019053121/{URL}"), None, "20190501100000").await;
    assert_timegate(&app, &format!("/web/20190601/{URL}"), None, "20190531220000").await;
    assert_timegate(&app, &format!("/web/{URL}"), None, &v3_stamp).await;
    let cdx = app
        .get(&format!(
            "/cdx?url={}&fl=timestamp,version",
            crate::helpers::urlencode(URL)
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        cdx.lines().collect::<Vec<_>>(),
        ["20190501100000 1", "20190531220000 2", &format!("{v3_stamp} 3")]
    );
    app.assert_store_consistent();
}
