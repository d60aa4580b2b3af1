//! The extractor against what a careful reader records: the five real statements of the shared
//! corpus (`../shared/corpus/seeds`, or `PROVENANCE_CORPUS`), the hand-written statements of
//! `tests/fixtures/extract` (each `NAME.txt`, `.html` or `.md` beside its `NAME.expected.json`),
//! and a property test that any input returns, with every span on char boundaries of the text.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use provenance::extract::{extract, ContentKind, Extraction, Span};
use serde::Deserialize;
use serde_json::{json, Value};

/// What a reader records of one statement. Absent values are `null`; lists are exact unless
/// their name says `include` or `exclude`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    title: Option<String>,
    published_at: Option<String>,
    published_time_local: Option<String>,
    dateline: Option<String>,
    kind: String,
    media_contacts: Vec<ExpectedContact>,
    speakers: Vec<ExpectedSpeaker>,
    #[serde(default)]
    organizations_include: Vec<String>,
    #[serde(default)]
    organizations_exclude: Vec<String>,
    urls: Vec<String>,
    /// Exact, in text order, when given.
    #[serde(default)]
    boilerplate: Option<Vec<ExpectedBoilerplate>>,
    /// Words that must not leak into the text (scripts, navigation).
    #[serde(default)]
    text_excludes: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedContact {
    kind: String,
    name: Option<String>,
    organization: Option<String>,
    #[serde(default)]
    role: Option<String>,
    phone: Option<String>,
    phone_e164: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedSpeaker {
    name: String,
    role: Option<String>,
    affiliation: Option<String>,
    quotes: Vec<ExpectedQuote>,
}

/// A quotation word for word, or by its ends and paragraph count when it is long.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ExpectedQuote {
    Exact(String),
    Long {
        starts_with: String,
        ends_with: String,
        paragraphs: usize,
    },
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedBoilerplate {
    reason: String,
    starts_with: String,
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end)
        .unwrap_or_else(|| panic!("span {span:?} is not on char boundaries of the text"))
}

/// Words of a quotation without its marks, to compare a quote's text with its span.
fn bare_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|word| word.trim_matches(['“', '”', '"', '„']).to_owned())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Every span lies within the text on char boundaries, and says what its item says.
fn check_spans(name: &str, extraction: &Extraction) {
    let text = extraction.text.as_str();
    let mut spans: Vec<Span> = Vec::new();
    if let Some(title) = &extraction.title {
        assert_eq!(
            slice(text, title.span),
            title.text,
            "{name}: the title is its span"
        );
        spans.push(title.span);
    }
    if let Some(date) = &extraction.published_at {
        assert!(
            !slice(text, date.span).trim().is_empty(),
            "{name}: the date's span holds the date"
        );
        spans.push(date.span);
    }
    if let Some(dateline) = &extraction.dateline {
        assert_eq!(
            slice(text, dateline.span),
            dateline.place,
            "{name}: the dateline is its span"
        );
    }
    for contact in &extraction.media_contacts {
        let written = slice(text, contact.span);
        for value in [
            &contact.name,
            &contact.organization,
            &contact.phone,
            &contact.email,
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                written.contains(value.as_str()),
                "{name}: contact value {value:?} is in its span {written:?}"
            );
        }
    }
    for speaker in &extraction.speakers {
        assert_eq!(
            slice(text, speaker.span),
            speaker.name,
            "{name}: the speaker's span is the name"
        );
        for quote in &speaker.quotes {
            assert_eq!(
                bare_words(slice(text, quote.span)),
                bare_words(&quote.text),
                "{name}: a quote is its span"
            );
        }
    }
    for organization in &extraction.organizations {
        assert_eq!(
            slice(text, organization.span),
            organization.name,
            "{name}: organization span"
        );
    }
    for url in &extraction.urls {
        assert_eq!(slice(text, url.span), url.url, "{name}: URL span");
    }
    for item in &extraction.boilerplate {
        spans.push(item.span);
    }
    for span in spans {
        slice(text, span);
    }
}

fn kind_name(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn check(name: &str, content: &str, content_type: ContentKind, expected: &Expected) {
    let extraction = extract(content, content_type);
    check_spans(name, &extraction);
    let text = extraction.text.as_str();
    for leaked in &expected.text_excludes {
        assert!(
            !text.contains(leaked.as_str()),
            "{name}: {leaked:?} leaked into the text:\n{text}"
        );
    }
    let title = extraction.title.as_ref().map(|title| title.text.clone());
    assert_eq!(title, expected.title, "{name}: title");
    let date = extraction.published_at.as_ref();
    assert_eq!(
        date.map(|date| date.value.clone()),
        expected.published_at,
        "{name}: published_at"
    );
    assert_eq!(
        date.and_then(|date| date.published_time_local.clone()),
        expected.published_time_local,
        "{name}: published_time_local"
    );
    let dateline = extraction
        .dateline
        .as_ref()
        .map(|dateline| dateline.place.clone());
    assert_eq!(dateline, expected.dateline, "{name}: dateline");
    assert_eq!(kind_name(extraction.kind), expected.kind, "{name}: kind");
    let contacts: Vec<ExpectedContact> = extraction
        .media_contacts
        .iter()
        .map(|contact| ExpectedContact {
            kind: kind_name(contact.kind),
            name: contact.name.clone(),
            organization: contact.organization.clone(),
            role: contact.role.clone(),
            phone: contact.phone.clone(),
            phone_e164: contact.phone_e164.clone(),
            email: contact.email.clone(),
        })
        .collect();
    assert_eq!(contacts, expected.media_contacts, "{name}: media contacts");
    let speakers: Vec<(&str, Option<&str>, Option<&str>)> = extraction
        .speakers
        .iter()
        .map(|speaker| {
            (
                speaker.name.as_str(),
                speaker.role.as_deref(),
                speaker.affiliation.as_deref(),
            )
        })
        .collect();
    let expected_speakers: Vec<(&str, Option<&str>, Option<&str>)> = expected
        .speakers
        .iter()
        .map(|speaker| {
            (
                speaker.name.as_str(),
                speaker.role.as_deref(),
                speaker.affiliation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        speakers, expected_speakers,
        "{name}: speakers, roles and affiliations"
    );
    for (speaker, wanted) in extraction.speakers.iter().zip(&expected.speakers) {
        let quotes: Vec<&str> = speaker.quotes.iter().map(|quote| quote.text.as_str()).collect();
        assert_eq!(
            quotes.len(),
            wanted.quotes.len(),
            "{name}: number of quotes of {}: {quotes:#?}",
            speaker.name
        );
        for (quote, wanted) in quotes.iter().zip(&wanted.quotes) {
            match wanted {
                ExpectedQuote::Exact(exact) => {
                    assert_eq!(quote, exact, "{name}: a quote of {}", speaker.name)
                }
                ExpectedQuote::Long {
                    starts_with,
                    ends_with,
                    paragraphs,
                } => {
                    let message = format!("{name}: a quote of {}: {quote:?}", speaker.name);
                    assert!(
                        quote.starts_with(starts_with.as_str()),
                        "{message} starts with {starts_with:?}"
                    );
                    assert!(
                        quote.ends_with(ends_with.as_str()),
                        "{message} ends with {ends_with:?}"
                    );
                    assert_eq!(quote.split("\n\n").count(), *paragraphs, "{message}: paragraphs");
                }
            }
        }
    }
    let organizations: Vec<&str> = extraction
        .organizations
        .iter()
        .map(|organization| organization.name.as_str())
        .collect();
    for wanted in &expected.organizations_include {
        assert!(
            organizations.contains(&wanted.as_str()),
            "{name}: organization {wanted:?} in {organizations:?}"
        );
    }
    for unwanted in &expected.organizations_exclude {
        assert!(
            !organizations.contains(&unwanted.as_str()),
            "{name}: {unwanted:?} is no organization"
        );
    }
    let urls: Vec<&str> = extraction.urls.iter().map(|url| url.url.as_str()).collect();
    assert_eq!(urls, expected.urls, "{name}: URLs");
    if let Some(wanted) = &expected.boilerplate {
        let found: Vec<ExpectedBoilerplate> = extraction
            .boilerplate
            .iter()
            .map(|item| {
                let written = slice(text, item.span);
                let starts_with = wanted
                    .iter()
                    .map(|wanted| wanted.starts_with.as_str())
                    .find(|start| written.starts_with(start))
                    .map_or_else(|| written.chars().take(40).collect(), str::to_owned);
                ExpectedBoilerplate {
                    reason: kind_name(item.reason),
                    starts_with,
                }
            })
            .collect();
        assert_eq!(&found, wanted, "{name}: boilerplate");
    }
}

/// The seed whose file name starts with `prefix` (`000_`).
fn seed(prefix: &str) -> String {
    let dir = common::corpus_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()));
    let path = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed named {prefix}* in {}", dir.display()));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn check_seed(prefix: &str, expected: Value) {
    let expected: Expected =
        serde_json::from_value(expected).unwrap_or_else(|error| panic!("{prefix}: {error}"));
    check(prefix, &seed(prefix), ContentKind::Plain, &expected);
}

#[test]
fn seed_000_press_release_with_contacts_dateline_and_two_speakers() {
    check_seed(
        "000_",
        json!({
            "title": null,
            "published_at": "2017-08-16",
            "published_time_local": null,
            "dateline": "MIAMI",
            "kind": "press_release",
            "media_contacts": [
                {"kind": "office", "name": null, "organization": "ACLU of Florida Media Office",
                 "phone": "(786) 363-2737", "phone_e164": "+17863632737", "email": null},
                {"kind": "person", "name": "Ryan Karerat", "organization": null,
                 "phone": "212-284-7388", "phone_e164": "+12122847388", "email": null}
            ],
            "speakers": [
                {"name": "Lorella Praeli", "role": "director of immigration policy and campaigns",
                 "affiliation": "American Civil Liberties Union",
                 "quotes": [{"starts_with": "Sanctuary city policies improve public safety",
                             "ends_with": "Public safety must not be another sacrifice of this administration.",
                             "paragraphs": 5}]},
                {"name": "Amien Kacou", "role": "staff attorney", "affiliation": "ACLU of Florida",
                 "quotes": [{"starts_with": "Instead of standing with its residents",
                             "ends_with": "adopt freedom cities’ policies to protect the rights of all.",
                             "paragraphs": 2}]}
            ],
            "organizations_include": ["ACLU of Florida", "American Civil Liberties Union", "Department of Justice"],
            "organizations_exclude": ["Media Contact", "Attorney General", "Mayor Carlos Gimenez", "Miami-Dade County"],
            "urls": [],
            "boilerplate": []
        }),
    );
}

#[test]
fn seed_001_action_alert_with_petition_letter_and_form_furniture() {
    check_seed(
        "001_",
        json!({
            "title": "Tell the City of Miami to Stop Diverting Local Funding to Federal Immigration Efforts",
            "published_at": null,
            "published_time_local": null,
            "dateline": null,
            "kind": "action_alert",
            "media_contacts": [],
            "speakers": [],
            "organizations_include": ["Immigration and Customs Enforcement"],
            "organizations_exclude": ["Miami", "Florida", "ICE"],
            "urls": [],
            "boilerplate": [
                {"reason": "call_to_action", "starts_with": "Take Action Now"},
                {"reason": "call_to_action", "starts_with": "Send your message now."},
                {"reason": "form_field", "starts_with": "Lookup your Miami City Commission District."},
                {"reason": "form_field", "starts_with": "[The Form Label field is hidden"},
                {"reason": "form_field", "starts_with": "Your Message"},
                {"reason": "form_field", "starts_with": "Use the form to send a message"},
                {"reason": "form_field", "starts_with": "[First Name] [Last Name]"},
                {"reason": "activity_feed", "starts_with": "Recent participants"}
            ]
        }),
    );
}

#[test]
fn seed_002_party_email_signed_by_its_author() {
    check_seed(
        "002_",
        json!({
            "title": "Our Mayor just caved to Trump on immigration. Here's what you can do to fight back.",
            "published_at": null,
            "published_time_local": null,
            "dateline": null,
            "kind": "email",
            "media_contacts": [],
            "speakers": [],
            "organizations_include": ["Miami-Dade Dems", "US Immigration and Customs Enforcement", "New York Times"],
            "organizations_exclude": ["IGNORE", "YOU", "Sanctuary County"],
            "urls": [],
            "boilerplate": [
                {"reason": "email_signup", "starts_with": "Sign up for email updates"},
                {"reason": "related_content", "starts_with": "Executive Committee elected new leadership"}
            ]
        }),
    );
}

#[test]
fn seed_003_press_release_with_time_address_block_and_page_furniture() {
    check_seed(
        "003_",
        json!({
            "title": "ACLU Comment on Department of Justice Threats to 23 Jurisdictions Over Immigration Enforcement",
            "published_at": "2018-01-24",
            "published_time_local": "16:30",
            "dateline": "WASHINGTON",
            "kind": "press_release",
            "media_contacts": [],
            "speakers": [
                {"name": "Lorella Praeli", "role": "director of immigration policy and campaigns",
                 "affiliation": "American Civil Liberties Union",
                 "quotes": [{"starts_with": "This is just the latest in an escalating campaign",
                             "ends_with": "the nativist deportation agenda of this administration.",
                             "paragraphs": 2}]}
            ],
            "organizations_include": ["ACLU", "Department of Justice", "American Civil Liberties Union"],
            "organizations_exclude": ["Immigration Enforcement", "Department of Justice Threats"],
            "urls": ["https://www.aclu.org/blog/immigrants-rights/trump-and-sessions-keep-trying-institute-anti-immigrant-policies"],
            "boilerplate": [
                {"reason": "form_consent", "starts_with": "By completing this form"},
                {"reason": "navigation", "starts_with": "The latest in Immigrants' Rights"},
                {"reason": "related_content", "starts_with": "ACLU's Vision"},
                {"reason": "about_publisher", "starts_with": "The American Civil Liberties Union is a nonprofit"},
                {"reason": "navigation", "starts_with": "Learn More About Immigrants' Rights"},
                {"reason": "image_caption", "starts_with": "Immigration Rights issue image"},
                {"reason": "related_content", "starts_with": "The fundamental constitutional protections"}
            ]
        }),
    );
}

#[test]
fn seed_004_archived_news_article_without_contact() {
    check_seed(
        "004_",
        json!({
            "title": "Attorney General Jeff Sessions Tells Citizens of ‘Sanctuary Cities’ to Call Their Mayors, Get Policies\u{a0}Changed",
            "published_at": null,
            "published_time_local": null,
            "dateline": null,
            "kind": "news_article",
            "media_contacts": [],
            "speakers": [
                {"name": "Jeff Sessions", "role": "Attorney General", "affiliation": null,
                 "quotes": [
                    "We cannot continue giving taxpayer money to cities that actively undermine the safety and efficacy of federal law enforcement,",
                    "To all sanctuary jurisdictions across the country, I say: Miami-Dade is doing it, other cities are doing it. So can you. Work with us,",
                    "the good that comes from following the law,"
                 ]}
            ],
            "organizations_include": ["CNN", "Miami Herald", "Justice Department", "U.S. Immigration and Customs Enforcement",
                                      "U.S. House of Representatives", "Senate"],
            "organizations_exclude": ["Microsoft", "Sanctuary Cities"],
            "urls": [],
            "boilerplate": [
                {"reason": "archive_notice", "starts_with": "This is an archived article"},
                {"reason": "image_caption", "starts_with": "Attorney General Jeff Sessions speaks in Miami on Aug. 16, 2017. (Credit: CNN)"},
                {"reason": "outdated_browser", "starts_with": "Notice: you are using an outdated browser."}
            ]
        }),
    );
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract")
}

/// The statement beside an expectation file, and the content type its extension names.
fn fixture_content(expected_path: &Path) -> (PathBuf, ContentKind) {
    let stem = expected_path
        .to_string_lossy()
        .trim_end_matches(".expected.json")
        .to_owned();
    [
        ("txt", ContentKind::Plain),
        ("html", ContentKind::Html),
        ("md", ContentKind::Markdown),
    ]
    .into_iter()
    .map(|(extension, kind)| (PathBuf::from(format!("{stem}.{extension}")), kind))
    .find(|(path, _)| path.is_file())
    .unwrap_or_else(|| {
        panic!(
            "no .txt, .html or .md statement beside {}",
            expected_path.display()
        )
    })
}

#[test]
fn fixtures_match_their_expected_values() {
    let dir = fixtures_dir();
    let mut expectations: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".expected.json"))
        .collect();
    expectations.sort();
    assert!(
        expectations.len() >= 20,
        "at least 20 fixtures, found {}",
        expectations.len()
    );
    for expected_path in expectations {
        let name = expected_path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let raw = std::fs::read_to_string(&expected_path).unwrap_or_else(|error| panic!("{name}: {error}"));
        let expected: Expected = serde_json::from_str(&raw).unwrap_or_else(|error| panic!("{name}: {error}"));
        let (content_path, content_type) = fixture_content(&expected_path);
        let content =
            std::fs::read_to_string(&content_path).unwrap_or_else(|error| panic!("{name}: {error}"));
        check(&name, &content, content_type, &expected);
    }
}

/// Text that looks like statements: dashes, quotes, dates, digits, markup, control characters.
fn statement_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("MIAMI— ".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("\"".to_owned()),
        Just("\n\n".to_owned()),
        Just("Media Contact\n".to_owned()),
        Just("CONTACT: Jane Doe, (786) 363-2737 or ".to_owned()),
        Just("August 16, 2017 4:30 pm EDT".to_owned()),
        Just(" said Jane Doe, director at the ACLU.".to_owned()),
        Just("<p>".to_owned()),
        Just("<script>".to_owned()),
        Just("https://example.org/a".to_owned()),
        Just("[First Name]".to_owned()),
        Just("\u{0}\u{7}\r\t".to_owned()),
        "\\PC{0,40}",
        ".{0,20}",
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

fn all_spans(extraction: &Extraction) -> Vec<Span> {
    let mut spans = Vec::new();
    spans.extend(extraction.title.iter().map(|title| title.span));
    spans.extend(extraction.published_at.iter().map(|date| date.span));
    spans.extend(extraction.dateline.iter().map(|dateline| dateline.span));
    spans.extend(extraction.media_contacts.iter().map(|contact| contact.span));
    for speaker in &extraction.speakers {
        spans.push(speaker.span);
        spans.extend(speaker.quotes.iter().map(|quote| quote.span));
    }
    spans.extend(
        extraction
            .organizations
            .iter()
            .map(|organization| organization.span),
    );
    spans.extend(extraction.urls.iter().map(|url| url.span));
    spans.extend(extraction.boilerplate.iter().map(|item| item.span));
    spans
}

fn confidences(extraction: &Extraction) -> Vec<f64> {
    let mut all = vec![extraction.kind_confidence];
    all.extend(extraction.title.iter().map(|title| title.confidence));
    all.extend(extraction.published_at.iter().map(|date| date.confidence));
    all.extend(extraction.dateline.iter().map(|dateline| dateline.confidence));
    all.extend(extraction.media_contacts.iter().map(|contact| contact.confidence));
    for speaker in &extraction.speakers {
        all.push(speaker.confidence);
        all.extend(speaker.quotes.iter().map(|quote| quote.confidence));
    }
    all.extend(
        extraction
            .organizations
            .iter()
            .map(|organization| organization.confidence),
    );
    all.extend(extraction.urls.iter().map(|url| url.confidence));
    all.extend(extraction.boilerplate.iter().map(|item| item.confidence));
    all
}

fn assert_well_formed(extraction: &Extraction) -> Result<(), TestCaseError> {
    let text = extraction.text.as_str();
    for span in all_spans(extraction) {
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {:?} outside a text of {}",
            span,
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {:?} splits a char",
            span
        );
    }
    for confidence in confidences(extraction) {
        prop_assert!(
            (0.0..=1.0).contains(&confidence),
            "confidence {} out of range",
            confidence
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_input_returns_with_spans_inside_the_text(input in statement_like(), kind in 0..3usize) {
        let content_type = [ContentKind::Plain, ContentKind::Html, ContentKind::Markdown][kind];
        let extraction = extract(&input, content_type);
        if content_type != ContentKind::Html {
            prop_assert_eq!(&extraction.text, &input);
        }
        assert_well_formed(&extraction)?;
    }

    #[test]
    fn arbitrary_unicode_returns(input in "\\PC*", kind in 0..3usize) {
        let content_type = [ContentKind::Plain, ContentKind::Html, ContentKind::Markdown][kind];
        assert_well_formed(&extract(&input, content_type))?;
    }
}

#[test]
fn edge_inputs_return() {
    let huge_line = "“word ".repeat(20_000) + &"x".repeat(100_000);
    let nested = "<div>".repeat(5_000) + "MIAMI — text";
    let cases: [(&str, &str); 6] = [
        ("", "empty"),
        ("\u{0}\u{1}\u{1b}[0m\r\n\r\n", "control characters"),
        (&huge_line, "a huge line of unclosed quotes"),
        (&nested, "deeply nested markup"),
        ("\n\n\n\n", "blank lines only"),
        ("“\n\n“\n\n“", "lone quotation marks"),
    ];
    for (input, message) in cases {
        for content_type in [ContentKind::Plain, ContentKind::Html, ContentKind::Markdown] {
            let extraction = extract(input, content_type);
            for span in all_spans(&extraction) {
                assert!(
                    extraction.text.get(span.start..span.end).is_some(),
                    "{message}: span {span:?}"
                );
            }
        }
    }
}

/// A numeric date whose day and month may be swapped is read in the order the dateline's place
/// settles, and with a low confidence when nothing does (`03/04/2017` under `PARIS` is 3 April).
#[test]
fn an_ambiguous_numeric_date_follows_the_dateline() {
    let statement = |dateline: &str| {
        format!(
            "Press release\n03/04/2017\n\n{dateline}The foundation announced on Monday a new programme \
             for refugees in the city, with partners across Europe and beyond.\n"
        )
    };
    let cases = [
        ("PARIS — ", "2017-04-03", 0.9),
        ("BOSTON — ", "2017-03-04", 0.9),
        ("", "2017-03-04", 0.3),
    ];
    for (dateline, value, confidence) in cases {
        let extraction = extract(&statement(dateline), ContentKind::Plain);
        let date = extraction.published_at.expect("a date");
        assert_eq!(
            (date.value.as_str(), date.confidence),
            (value, confidence),
            "{dateline:?}"
        );
    }
    let settled = extract(
        &statement("").replace("03/04/2017", "16/08/2017"),
        ContentKind::Plain,
    );
    let date = settled.published_at.expect("16/08/2017 is read");
    assert_eq!((date.value.as_str(), date.confidence), ("2017-08-16", 0.9));
}
