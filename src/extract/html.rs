//! HTML reduced to plain text that keeps paragraph breaks: a walk over the tree that `scraper`
//! (html5ever) builds, which drops scripts, styles, navigation, forms' controls and hidden
//! elements, and remembers where each heading landed in the text.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

use super::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    pub text: String,
    /// Where each `<h1>`…`<h6>` landed in `text`, with its level.
    pub headings: Vec<(Span, u8)>,
}

/// Elements whose content is never text a reader sees as part of the statement.
const SKIPPED: [&str; 17] = [
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "nav", "menu", "button", "select", "textarea", "input",
];

/// Elements that end a paragraph.
const PARAGRAPH_BLOCKS: [&str; 30] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "table",
    "pre",
    "address",
    "figure",
    "hr",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "form",
    "fieldset",
    "details",
    "summary",
    "body",
    "center",
    "hgroup",
];

/// Elements that end a line.
const LINE_BLOCKS: [&str; 8] = ["li", "tr", "dt", "dd", "figcaption", "caption", "legend", "label"];

fn is_hidden(element: &Element) -> bool {
    let name = element.name();
    let attribute = |key: &str| element.attr(key).map(str::to_ascii_lowercase);
    SKIPPED.contains(&name)
        || element.attr("hidden").is_some()
        || attribute("aria-hidden").as_deref() == Some("true")
        || matches!(
            attribute("role").as_deref(),
            Some("navigation" | "search" | "menubar")
        )
        || attribute("style").is_some_and(|style| {
            let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
            style.contains("display:none") || style.contains("visibility:hidden")
        })
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn break_after(name: &str) -> Option<Break> {
    if PARAGRAPH_BLOCKS.contains(&name) {
        Some(Break::Paragraph)
    } else if LINE_BLOCKS.contains(&name) || name == "br" {
        Some(Break::Line)
    } else if matches!(name, "td" | "th") {
        Some(Break::Space)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    Space,
    Line,
    Paragraph,
}

/// Writes collapsed text: runs of white space become one space, and requested breaks become
/// one or two line feeds, never at the start or the end.
#[derive(Debug, Default)]
struct TextWriter {
    text: String,
    pending: Option<Break>,
}

impl TextWriter {
    fn request(&mut self, requested: Break) {
        if !self.text.is_empty() {
            self.pending = self.pending.max(Some(requested));
        }
    }

    /// Writes `raw`, and tells where its first visible character landed, if it had one.
    fn write(&mut self, raw: &str, preformatted: bool) -> Option<usize> {
        let mut first = None;
        for c in raw.chars() {
            if c == '\n' && preformatted {
                self.request(Break::Line);
            } else if c.is_whitespace() {
                self.request(Break::Space);
            } else if !c.is_control() {
                self.flush();
                first.get_or_insert(self.text.len());
                self.text.push(c);
            }
        }
        first
    }

    fn flush(&mut self) {
        match self.pending.take() {
            Some(Break::Paragraph) => self.text.push_str("\n\n"),
            Some(Break::Line) => self.text.push('\n'),
            Some(Break::Space) => self.text.push(' '),
            None => {}
        }
    }
}

struct OpenHeading {
    id: ego_tree::NodeId,
    level: u8,
    start: Option<usize>,
}

/// The text a reader sees in `html`, with its paragraph breaks.
pub fn html_to_text(html: &str) -> HtmlText {
    let document = Html::parse_document(html);
    let mut writer = TextWriter::default();
    let mut headings = Vec::new();
    let mut open_headings: Vec<OpenHeading> = Vec::new();
    let mut skipping = None;
    let mut preformatted = 0usize;
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(text) => {
                    if let Some(first) = writer.write(text, preformatted > 0) {
                        for heading in &mut open_headings {
                            heading.start.get_or_insert(first);
                        }
                    }
                }
                Node::Element(element) => {
                    if is_hidden(element) {
                        skipping = Some(node.id());
                        continue;
                    }
                    let name = element.name();
                    if name == "pre" {
                        preformatted += 1;
                    }
                    if let Some(requested) = break_after(name) {
                        writer.request(requested);
                    }
                    if let Some(level) = heading_level(name) {
                        open_headings.push(OpenHeading {
                            id: node.id(),
                            level,
                            start: None,
                        });
                    }
                }
                _ => {}
            },
            Edge::Open(_) => {}
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                if let Node::Element(element) = node.value() {
                    let name = element.name();
                    if name == "pre" {
                        preformatted = preformatted.saturating_sub(1);
                    }
                    if let Some(requested) = break_after(name) {
                        writer.request(requested);
                    }
                    if open_headings
                        .last()
                        .is_some_and(|heading| heading.id == node.id())
                    {
                        if let Some(OpenHeading {
                            level,
                            start: Some(start),
                            ..
                        }) = open_headings.pop()
                        {
                            headings.push((Span::new(start, writer.text.len()), level));
                        }
                    }
                }
            }
        }
    }
    HtmlText {
        text: writer.text,
        headings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paragraphs_and_drops_furniture() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "<p>One</p><p>Two</p>",
                "One\n\nTwo",
                "paragraphs are separated by a blank line",
            ),
            ("<p>a<br>b</p>", "a\nb", "a line break is a line feed"),
            ("<p>  spaced \n  out  </p>", "spaced out", "white space collapses"),
            (
                "<script>var x = 1;</script><p>Text</p>",
                "Text",
                "scripts are dropped",
            ),
            (
                "<style>p { color: red }</style><p>Text</p>",
                "Text",
                "styles are dropped",
            ),
            (
                "<nav><a href=/>Home</a></nav><p>Text</p>",
                "Text",
                "navigation is dropped",
            ),
            (
                "<div role=navigation>Menu</div><p>Text</p>",
                "Text",
                "navigation roles are dropped",
            ),
            (
                "<p hidden>secret</p><p style='display: none'>x</p><p>Text</p>",
                "Text",
                "hidden elements",
            ),
            ("<ul><li>a</li><li>b</li></ul>", "a\nb", "list items are lines"),
            (
                "<p>AT&amp;T &ldquo;quoted&rdquo;</p>",
                "AT&T “quoted”",
                "entities are decoded",
            ),
            (
                "<table><tr><td>a</td><td>b</td></tr></table>",
                "a b",
                "cells are spaced",
            ),
            ("<p>x<b>bold</b>y</p>", "xboldy", "inline elements do not break"),
            ("", "", "empty input"),
            (
                "<p>unclosed <div>nested",
                "unclosed\n\nnested",
                "broken markup still reads",
            ),
        ];
        for (html, expected, message) in cases {
            assert_eq!(html_to_text(html).text, *expected, "{message}: {html}");
        }
    }

    #[test]
    fn remembers_where_headings_are() {
        let converted = html_to_text("<nav>Home</nav><h1> The  Headline </h1><p>Body</p>");
        assert_eq!(converted.text, "The Headline\n\nBody");
        let spans: Vec<(&str, u8)> = converted
            .headings
            .iter()
            .map(|(span, level)| (converted.text.get(span.start..span.end).unwrap_or("?"), *level))
            .collect();
        assert_eq!(spans, vec![("The Headline", 1)]);
    }
}
