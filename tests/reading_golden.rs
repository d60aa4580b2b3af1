//! The reader's equivalence test: what `Draft::read` makes of a corpus of statements must stay
//! byte for byte what it was when `tests/fixtures/reading-golden.jsonl` was recorded. Per input
//! it records every extraction result (fields, spans, confidences, the digest of the text the
//! spans refer to), the metadata the read fills in, `normalized_sha256`, the words (keys, spans,
//! gaps) and shingles as digests, and the fingerprints in full.
//!
//! The corpus: the real statements of `../shared/corpus/seeds` (or `PROVENANCE_CORPUS`), the
//! extraction and passage fixtures, HTML and re-spaced variants of each, and statements made by
//! a seeded generator (odd whitespace, Unicode, HTML entities, nested tags, long texts), so
//! the same inputs come back on every run. Nothing read depends on the clock.
//!
//! `UPDATE_READING_GOLDEN=1 cargo test --locked --test reading_golden` rewrites the golden
//! file; only do that when the reading is meant to change (it never is for `norm-v1` and the
//! shingle hashes, which are stored).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use provenance::domain::{read_content, Sha256};
use provenance::domain::{ComparableText, Content, ContentType, Draft, Metadata, SourceUrl};
use provenance::text::passage::shingles;
use serde_json::{json, Value};

/// One statement of the corpus.
struct Input {
    name: String,
    content: String,
    content_type: ContentType,
}

impl Input {
    fn new(name: impl Into<String>, content: String, content_type: ContentType) -> Self {
        Self {
            name: name.into(),
            content,
            content_type,
        }
    }
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reading-golden.jsonl")
}

/// The files of `dir` with their names, sorted by name.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            (name, text)
        })
        .collect();
    found.sort();
    found
}

fn content_type_of(name: &str) -> ContentType {
    if name.ends_with(".html") {
        ContentType::Html
    } else if name.ends_with(".md") {
        ContentType::Markdown
    } else {
        ContentType::Plain
    }
}

/// The real statements: the corpus seeds and the project's fixtures.
fn real_statements() -> Vec<Input> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut inputs = Vec::new();
    for (name, text) in files(&common::corpus_dir()) {
        inputs.push(Input::new(format!("seeds/{name}"), text, ContentType::Plain));
    }
    for folder in ["extract", "passages"] {
        for (name, text) in files(&fixtures.join(folder)) {
            if !name.ends_with(".json") {
                let content_type = content_type_of(&name);
                inputs.push(Input::new(format!("{folder}/{name}"), text, content_type));
            }
        }
    }
    inputs
}

/// `text` with `&`, `<` and `>` escaped, and typographic marks as named or numeric entities.
fn escape(text: &str, numeric: bool) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 8);
    for character in text.chars() {
        let named = match character {
            '&' => Some("&amp;"),
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '“' if !numeric => Some("&ldquo;"),
            '”' if !numeric => Some("&rdquo;"),
            '’' if !numeric => Some("&rsquo;"),
            '—' if !numeric => Some("&mdash;"),
            '–' if !numeric => Some("&ndash;"),
            '\u{A0}' => Some("&nbsp;"),
            _ => None,
        };
        match named {
            Some(entity) => escaped.push_str(entity),
            None if numeric && !character.is_ascii() && character as u32 % 2 == 0 => {
                write!(escaped, "&#{};", character as u32).unwrap();
            }
            None if numeric && !character.is_ascii() => {
                write!(escaped, "&#x{:X};", character as u32).unwrap()
            }
            None => escaped.push(character),
        }
    }
    escaped
}

/// A plain statement as a simple page: the first paragraph a heading, the others paragraphs,
/// single line breaks `<br>`.
fn as_simple_html(text: &str) -> String {
    let mut html = String::from("<!DOCTYPE html>\n<html><head><title>Statement</title></head><body>\n");
    for (index, paragraph) in text.split("\n\n").filter(|p| !p.trim().is_empty()).enumerate() {
        let inner = escape(paragraph.trim(), false).replace('\n', "<br>\n");
        if index == 0 {
            writeln!(html, "<h1>{inner}</h1>").unwrap();
        } else {
            writeln!(html, "<p>{inner}</p>").unwrap();
        }
    }
    html.push_str("</body></html>\n");
    html
}

/// A plain statement as a busy page: numeric entities, nested inline and block elements,
/// scripts, navigation, hidden parts, comments, a list and a table.
fn as_nested_html(text: &str) -> String {
    let mut html = String::from(
        "<html><head><meta charset=\"utf-8\"><script>var said = \"“fake quote,” said Nobody\";</script>\
         <style>p { color: red }</style></head>\n<body class=\"page\"><nav><ul><li><a href=\"/\">Home</a></li>\
         <li>Donate</li></ul></nav><!-- a comment with <p>tags</p> -->\n<div id=\"main\"><article>\n",
    );
    for (index, paragraph) in text.split("\n\n").filter(|p| !p.trim().is_empty()).enumerate() {
        let lines: Vec<String> = paragraph
            .lines()
            .map(|line| {
                let escaped = escape(line.trim(), true);
                match escaped.split_once(' ') {
                    Some((first, rest)) if index % 3 == 1 => {
                        format!("<b><i>{first}</i></b> <span>{rest}</span>")
                    }
                    _ => escaped,
                }
            })
            .collect();
        match index % 5 {
            0 if index == 0 => writeln!(html, "<header><h2 class=\"t\">{}</h2></header>", lines.join(" ")),
            2 if lines.len() > 1 => writeln!(
                html,
                "<ul>{}</ul>",
                lines
                    .iter()
                    .map(|line| format!("<li>{line}</li>"))
                    .collect::<String>()
            ),
            3 => writeln!(
                html,
                "<div><div><p>{}</p><div hidden>hidden text</div></div></div>",
                lines.join("<br/>")
            ),
            4 => writeln!(
                html,
                "<table><tr><td>{}</td></tr></table><p style=\"display: none\">invisible</p>",
                lines.join("</td><td>")
            ),
            _ => writeln!(html, "<p class=\"x\">{}", lines.join("<br>\n")),
        }
        .unwrap();
    }
    html.push_str("</article></div><footer><p>&copy; 2024 Example &amp; Co.</p></footer></body></html>");
    html
}

/// A plain statement with its spacing made odd: CRLF line ends, tabs, no-break and wide
/// spaces, trailing blanks and extra blank lines.
fn respaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (index, line) in text.split('\n').enumerate() {
        let line = match index % 4 {
            0 => line.replacen(' ', "\u{A0}", 2),
            1 => line.replacen(' ', "\t ", 1),
            2 => line.replacen(' ', "\u{2003}", 3),
            _ => format!("  {line}   "),
        };
        out.push_str(&line);
        out.push_str(if index % 7 == 3 { "\r\n\r\n\n" } else { "\r\n" });
    }
    out
}

/// The real statements under other content types and in other dress.
fn variants(real: &[Input]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for input in real {
        match input.content_type {
            ContentType::Html => {
                inputs.push(Input::new(
                    format!("{} as plain", input.name),
                    input.content.clone(),
                    ContentType::Plain,
                ));
            }
            ContentType::Plain | ContentType::Markdown => {
                let other = if input.content_type == ContentType::Plain {
                    ContentType::Markdown
                } else {
                    ContentType::Plain
                };
                inputs.push(Input::new(
                    format!("{} as {other:?}", input.name),
                    input.content.clone(),
                    other,
                ));
                inputs.push(Input::new(
                    format!("{} respaced", input.name),
                    respaced(&input.content),
                    input.content_type,
                ));
                inputs.push(Input::new(
                    format!("{} as simple html", input.name),
                    as_simple_html(&input.content),
                    ContentType::Html,
                ));
                inputs.push(Input::new(
                    format!("{} as nested html", input.name),
                    as_nested_html(&input.content),
                    ContentType::Html,
                ));
            }
        }
    }
    inputs
}

/// SplitMix64: a small generator whose sequence for a seed never changes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const WORDS: &[&str] = &[
    "the",
    "law",
    "court",
    "said",
    "voters",
    "county",
    "a",
    "of",
    "and",
    "to",
    "in",
    "filed",
    "lawsuit",
    "today",
    "state",
    "rights",
    "civil",
    "immigrant",
    "coalition",
    "ballot",
    "federal",
    "judge",
    "ruling",
    "police",
    "sanctuary",
    "cities",
    "policy",
    "Trump’s",
    "Trump's",
    "administration",
    "U.S.",
    "ACLU",
    "Miami-Dade",
    "287(g)",
    "$4",
    "73.9%",
    "we’re",
    "don't",
    "isn’t",
    "e.g.",
    "No.",
    "St.",
    "Dr.",
    "Café",
    "cafe\u{301}",
    "naïve",
    "ﬁle",
    "Ｆｕｌｌ",
    "x²",
    "İstanbul",
    "straße",
    "ʼOkina",
    "中文",
    "日本語",
    "русский",
    "العربية",
    "עברית",
    "😀",
    "👩‍👩‍👧",
    "in\u{AD}visible",
    "zero\u{200B}width",
    "\u{FEFF}bom",
    "non\u{2011}binding",
    "a\u{FE58}b",
    "6″",
    "5′",
    "«quoted»",
    "„low”",
    "‘single’",
    "…",
    "...",
    ". . .",
    "[...]",
    "[…]",
    "—",
    "–",
    "-",
    "−",
    "&",
    "<",
    ">",
    "&amp;",
    "&ldquo;",
    "&#8217;",
    "&#x2014;",
    "&nbsp;",
    "&hellip;",
    "&bogus;",
    "&",
    "#",
    "@",
    "https://example.org/a?b=c&d=e",
    "www.example.com/path",
    "jane.doe@example.org",
    "(786) 363-2737",
    "212.977.5252",
    "+44 20 7946 0958",
    "1-800-555-0199",
    "Ext. 42",
    "PETITION",
    "Donate",
    "Share",
    "Facebook",
    "Twitter",
    "unsubscribe",
    "©",
];

const DATES: &[&str] = &[
    "March 2, 2022",
    "Mar. 2, 2022",
    "2 March 2022",
    "2022-03-02",
    "03/02/2022",
    "Wednesday, March 2, 2022 4:30 p.m. EST",
    "July 15, 2009 1:33 PM ET",
    "Posted: June 14, 2023",
    "Updated 2023-06-14T13:33:00-04:00",
    "Sept. 31, 2020",
    "February 29, 2021",
    "May 5, 1066",
    "12/31/99",
];

const LINES: &[&str] = &[
    "Media Contact:",
    "MEDIA CONTACT",
    "For more information, contact:",
    "Press Office",
    "Florida Immigrant Coalition",
    "Jane Doe, Communications Director",
    "FOR IMMEDIATE RELEASE",
    "Share this on Facebook",
    "Sign up for email updates",
    "You are using an outdated browser. Please upgrade your browser.",
    "This page has been archived and is no longer updated.",
    "Donate now",
    "Take action now and sign the petition",
    "© 2024 American Civil Liberties Union",
    "Home | About | Issues | Contact",
    "###",
    "-30-",
    "Dear Commissioners,",
    "Sincerely,",
    "Click here to unsubscribe.",
    "By Maria Lopez, Staff Writer",
    "Photo: A rally outside the courthouse. (AP Photo)",
];

const PLACES: &[&str] = &[
    "MIAMI",
    "NEW YORK",
    "WASHINGTON, D.C.",
    "TALLAHASSEE, Fla.",
    "San Juan",
    "BOSTON",
];
const DASHES: &[&str] = &[" — ", "— ", " – ", " - ", "--", ": ", "—"];
const NAMES: &[&str] = &[
    "Maria Lopez",
    "Jane Doe",
    "Tomás Reyes",
    "Ana Ruiz",
    "J. R. Smith Jr.",
    "ROBERT KIM",
];
const SPACES: &[&str] = &[
    " ", " ", " ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\u{2028}", "\u{85}", "\u{200B}", "\r\n",
    "\n",
];
const TAGS: &[&str] = &[
    "p",
    "div",
    "span",
    "b",
    "i",
    "em",
    "a",
    "h1",
    "h2",
    "h3",
    "li",
    "td",
    "blockquote",
    "section",
];

/// `least` words and up to `spread - 1` more.
fn sentence(rng: &mut Rng, least: usize, spread: usize) -> String {
    let words = least + rng.below(spread);
    let mut text = String::new();
    for index in 0..words {
        if index > 0 {
            text.push_str(if rng.chance(90) { " " } else { rng.pick(SPACES) });
        }
        text.push_str(rng.pick(WORDS));
    }
    text.push_str(rng.pick(&[".", ".", "!", "?", ":", "", ",”"]));
    text
}

fn paragraph(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => rng.pick(LINES).to_owned(),
        1 => rng.pick(DATES).to_owned(),
        2 => format!(
            "{}{}{}",
            rng.pick(PLACES),
            rng.pick(DASHES),
            sentence(rng, 12, 20)
        ),
        3 => format!(
            "“{}” said {}, {} of the {}.",
            sentence(rng, 6, 25),
            rng.pick(NAMES),
            rng.pick(&["executive director", "spokesperson", "legal director", "mayor"]),
            rng.pick(LINES)
        ),
        4 => format!(
            "{}\n{}\n{}\n{}",
            rng.pick(LINES),
            rng.pick(NAMES),
            rng.pick(&["(786) 363-2737", "213.977.5252", "+1 202 555 0100", "555-0100"]),
            rng.pick(&["media@aclufl.org", "press@example.org", "not-an-email@", "x@y.z"])
        ),
        5 => (0..1 + rng.below(4))
            .map(|_| sentence(rng, 3, 8))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => (0..1 + rng.below(5))
            .map(|_| sentence(rng, 5, 30))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn text_statement(rng: &mut Rng, paragraphs: usize) -> String {
    let mut text = String::new();
    if rng.chance(70) {
        text.push_str(&sentence(rng, 4, 8).to_uppercase());
        text.push_str("\n\n");
    }
    for _ in 0..paragraphs {
        text.push_str(&paragraph(rng));
        text.push_str(rng.pick(&["\n\n", "\n\n", "\n", "\n\n\n", "\r\n\r\n", " \n \n"]));
    }
    text
}

/// A page with nested, sometimes unclosed tags around generated paragraphs.
fn html_statement(rng: &mut Rng, paragraphs: usize) -> String {
    let mut html = String::new();
    if rng.chance(60) {
        html.push_str("<!DOCTYPE html><html><head><title>");
        html.push_str(&sentence(rng, 5, 1));
        html.push_str("</title><script>if (a < b && c) { x = \"</p>\"; }</script></head><body>");
    }
    if rng.chance(30) {
        html.push_str("<nav>Home | Issues | <a href=\"/donate\">Donate</a></nav>");
    }
    for _ in 0..paragraphs {
        let depth = 1 + rng.below(4);
        let tags: Vec<&str> = (0..depth).map(|_| rng.pick(TAGS)).collect();
        for tag in &tags {
            match rng.below(4) {
                0 => write!(html, "<{tag} class=\"c{}\">", rng.below(9)).unwrap(),
                1 => write!(html, "<{tag} style='color: red' data-x=\"a > b\">").unwrap(),
                2 if rng.chance(10) => write!(html, "<{tag} hidden>secret</{tag}><{tag}>").unwrap(),
                _ => write!(html, "<{tag}>").unwrap(),
            }
        }
        let body = paragraph(rng);
        if rng.chance(50) {
            html.push_str(&escape(&body, rng.chance(50)).replace('\n', "<br>"));
        } else {
            html.push_str(&body);
        }
        if rng.chance(15) {
            html.push_str("<!-- note -->");
        }
        for tag in tags.iter().rev() {
            if rng.chance(90) {
                write!(html, "</{tag}>").unwrap();
            }
        }
        html.push_str(rng.pick(&["\n", "", "  ", "\n\n"]));
    }
    if rng.chance(50) {
        html.push_str("<footer>Sign up for email updates &copy; 2024</footer></body></html>");
    }
    html
}

/// Characters from every part of Unicode, including controls and unpaired-looking marks.
fn noise(rng: &mut Rng, chars: usize) -> String {
    (0..chars)
        .map(|_| match rng.below(6) {
            0 => char::from_u32(rng.below(0x80) as u32).unwrap(),
            1 => char::from_u32(0x80 + rng.below(0x780) as u32).unwrap_or('?'),
            2 => char::from_u32(0x2000 + rng.below(0x70) as u32).unwrap_or('?'),
            3 => char::from_u32(0x300 + rng.below(0x70) as u32).unwrap_or('?'),
            4 => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}'),
            _ => rng.pick(WORDS).chars().next().unwrap_or(' '),
        })
        .collect()
}

/// The generated statements: the same ones on every run.
fn generated() -> Vec<Input> {
    let mut rng = Rng(0x5EED_0017);
    let mut inputs = Vec::new();
    for index in 0..240 {
        let paragraphs = 1 + rng.below(14);
        let (content, content_type) = match index % 6 {
            0 | 1 => (text_statement(&mut rng, paragraphs), ContentType::Plain),
            2 => (text_statement(&mut rng, paragraphs), ContentType::Markdown),
            3 | 4 => (html_statement(&mut rng, paragraphs), ContentType::Html),
            _ => {
                let chars = 1 + rng.below(600);
                let content_type =
                    [ContentType::Plain, ContentType::Html, ContentType::Markdown][rng.below(3)];
                (noise(&mut rng, chars), content_type)
            }
        };
        if !content.trim().is_empty() {
            inputs.push(Input::new(format!("generated/{index:03}"), content, content_type));
        }
    }
    // Long statements: what the reader's cost grows with.
    for (index, paragraphs) in [120, 300, 700].into_iter().enumerate() {
        inputs.push(Input::new(
            format!("generated/long-text-{index}"),
            text_statement(&mut rng, paragraphs),
            ContentType::Plain,
        ));
        inputs.push(Input::new(
            format!("generated/long-html-{index}"),
            html_statement(&mut rng, paragraphs),
            ContentType::Html,
        ));
    }
    inputs
}

fn corpus() -> Vec<Input> {
    let real = real_statements();
    let mut inputs = variants(&real);
    inputs.splice(0..0, real);
    inputs.extend(generated());
    inputs
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn digest(text: &str) -> String {
    Sha256::of(text.as_bytes()).to_hex()
}

/// Everything recorded of one input, as one JSON line.
fn record(input: &Input) -> Value {
    let draft = Draft {
        source_url: SourceUrl::parse("source_url", "https://example.org/golden").unwrap(),
        content: Content::parse("content", input.content.clone()).expect("corpus texts are not blank"),
        metadata: Metadata {
            content_type: input.content_type,
            ..Metadata::default()
        },
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    };
    let submission = draft.read();
    let extraction = read_content(&input.content, input.content_type);
    let extracted = extraction.as_ref().map(|extraction| {
        let mut value = serde_json::to_value(extraction).expect("an extraction serializes");
        let map = value.as_object_mut().expect("an extraction is an object");
        map.remove("text");
        map.insert("text_sha256".into(), json!(digest(&extraction.text)));
        map.insert("text_bytes".into(), json!(extraction.text.len()));
        value
    });
    let comparable = match extraction {
        Some(extraction) => ComparableText::of(extraction),
        None => ComparableText::whole(&input.content),
    };
    let words = comparable.words();
    let mut word_lines = String::new();
    for word in &words {
        writeln!(
            word_lines,
            "{}\t{}\t{}\t{}",
            word.key, word.span.start, word.span.end, word.gap_before
        )
        .unwrap();
    }
    let shingles = shingles(&words);
    let mut shingle_lines = String::new();
    for shingle in &shingles {
        writeln!(shingle_lines, "{:016x}\t{}", shingle.hash, shingle.first_word).unwrap();
    }
    let reading = &submission.reading;
    assert_eq!(
        reading.normalized_sha256,
        comparable.normalized_sha256(),
        "{}: the read's hash is the comparable text's",
        input.name
    );
    json!({
        "name": input.name,
        "content_type": input.content_type,
        "content_sha256": digest(&input.content),
        "metadata": submission.metadata,
        "sources": submission.sources,
        "normalized_sha256": reading.normalized_sha256.to_hex(),
        "fingerprints": reading.fingerprints.iter().map(|hash| hex(&hash.to_be_bytes())).collect::<Vec<_>>(),
        "words": words.len(),
        "words_sha256": digest(&word_lines),
        "word_keys_sha256": digest(&words.iter().map(|word| word.key.as_str()).collect::<Vec<_>>().join(" ")),
        "shingles": shingles.len(),
        "shingles_sha256": digest(&shingle_lines),
        "extraction": extracted,
    })
}

/// The fields in which two records differ.
fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    let (Some(expected), Some(actual)) = (expected.as_object(), actual.as_object()) else {
        return vec!["the whole record".to_owned()];
    };
    let mut fields: Vec<String> = expected
        .keys()
        .chain(actual.keys())
        .filter(|key| expected.get(*key) != actual.get(*key))
        .cloned()
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

#[test]
fn the_reading_of_every_corpus_statement_is_unchanged() {
    let inputs = corpus();
    let mut names: Vec<&str> = inputs.iter().map(|input| input.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), inputs.len(), "every input has its own name");
    // Compared as text: floats read back from JSON need not equal the ones written.
    let records: Vec<String> = inputs
        .iter()
        .map(|input| serde_json::to_string(&record(input)).unwrap())
        .collect();
    let path = golden_path();
    if std::env::var_os("UPDATE_READING_GOLDEN").is_some() {
        let file: String = records.iter().map(|record| format!("{record}\n")).collect();
        std::fs::write(&path, file).expect("the golden file is written");
        return;
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error} (UPDATE_READING_GOLDEN=1 writes it)", path.display()));
    let expected: Vec<&str> = golden.lines().collect();
    let mut changed = Vec::new();
    for (index, actual) in records.iter().enumerate() {
        let parse = |line: &str| -> Value { serde_json::from_str(line).expect("a record is JSON") };
        match expected.get(index) {
            Some(expected) if expected == actual => {}
            Some(expected) => {
                let actual = parse(actual);
                changed.push(format!(
                    "{}: {}",
                    actual["name"].as_str().unwrap_or("?"),
                    differences(&parse(expected), &actual).join(", ")
                ));
            }
            None => changed.push(format!("{}: not in the golden file", parse(actual)["name"])),
        }
    }
    assert!(
        inputs.len() > 400,
        "the corpus holds the real statements, their variants and the generated ones"
    );
    assert!(
        changed.is_empty() && expected.len() == records.len(),
        "{} of {} readings changed ({} golden records):\n{}",
        changed.len(),
        records.len(),
        expected.len(),
        changed.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
