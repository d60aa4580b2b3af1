//! The text of a statement cut into lines and blank-line separated paragraphs, each line with
//! the span of its content once indentation, list bullets and markdown markers are set aside.

use super::tokens::{tokenize, Token};
use super::{ContentKind, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// The whole line, without its line break.
    pub span: Span,
    /// The line without indentation, bullets, markdown markers and trailing spaces; empty for
    /// a blank line.
    pub content: Span,
    /// `Some(1)` for a markdown `# ` line or an HTML `<h1>`, and so on.
    pub heading_level: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Index of its first line in [`Document::lines`].
    pub first_line: usize,
    /// Index one past its last line.
    pub end_line: usize,
    /// From the content start of its first line to the content end of its last line.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
    pub paragraphs: Vec<Paragraph>,
    /// The tokens of each line's content, by line index: tokenized once, read by every
    /// extractor.
    tokens: Vec<Vec<Token<'a>>>,
}

impl<'a> Document<'a> {
    /// Cuts `text` into lines and paragraphs; `headings` are the spans of HTML headings with
    /// their level.
    pub fn new(text: &'a str, kind: ContentKind, headings: &[(Span, u8)]) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for raw_line in text.split('\n') {
            let span = Span::new(start, start + raw_line.len());
            let (content, markdown_level) = content_of(raw_line, start, kind);
            let html_level = headings
                .iter()
                .find(|(heading, _)| !content.is_empty() && heading.contains(content))
                .map(|(_, level)| *level);
            lines.push(Line {
                span,
                content,
                heading_level: markdown_level.or(html_level),
            });
            start += raw_line.len() + 1;
        }
        let mut paragraphs = Vec::new();
        let mut open: Option<usize> = None;
        for index in 0..=lines.len() {
            let blank = lines.get(index).is_none_or(|line| line.content.is_empty());
            match (open, blank) {
                (None, false) => open = Some(index),
                (Some(first_line), true) => {
                    if let (Some(first), Some(last)) =
                        (lines.get(first_line), lines.get(index.wrapping_sub(1)))
                    {
                        paragraphs.push(Paragraph {
                            first_line,
                            end_line: index,
                            span: Span::new(first.content.start, last.content.end),
                        });
                    }
                    open = None;
                }
                _ => {}
            }
        }
        let tokens = lines
            .iter()
            .map(|line| {
                tokenize(
                    text.get(line.content.start..line.content.end).unwrap_or(""),
                    line.content.start,
                )
            })
            .collect();
        Self {
            text,
            lines,
            paragraphs,
            tokens,
        }
    }

    /// The tokens of a line's content.
    pub fn tokens_of(&self, line: &Line) -> &[Token<'a>] {
        let index = self
            .lines
            .partition_point(|candidate| candidate.span.start < line.span.start);
        self.tokens.get(index).map_or(&[], Vec::as_slice)
    }

    /// The text of a span; empty if the span is not on char boundaries of the text.
    pub fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    pub fn content(&self, line: &Line) -> &'a str {
        self.slice(line.content)
    }

    /// The non-blank lines of a paragraph.
    pub fn lines_of(&self, paragraph: &Paragraph) -> &[Line] {
        self.lines
            .get(paragraph.first_line..paragraph.end_line)
            .unwrap_or(&[])
    }
}

const BULLETS: [char; 7] = ['•', '·', '◦', '▪', '-', '*', '+'];

/// The content span of one line starting at byte `offset`, and its markdown heading level.
fn content_of(line: &str, offset: usize, kind: ContentKind) -> (Span, Option<u8>) {
    let mut rest = line.trim_start();
    let mut heading_level = None;
    if kind == ContentKind::Markdown {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let after = rest.get(hashes..).unwrap_or("");
        if (1..=6).contains(&hashes) && (after.is_empty() || after.starts_with(' ')) {
            heading_level = u8::try_from(hashes).ok();
            rest = after.trim_start();
        }
        while let Some(quoted) = rest.strip_prefix('>') {
            rest = quoted.trim_start();
        }
    }
    rest = strip_list_marker(rest);
    if kind == ContentKind::Markdown {
        for emphasis in ["**", "__"] {
            if let Some(inner) = rest
                .strip_prefix(emphasis)
                .and_then(|inner| inner.strip_suffix(emphasis))
            {
                rest = inner.trim();
            }
        }
    }
    let rest = rest.trim_end();
    let start = offset + (rest.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    let span = if rest.is_empty() {
        Span::new(start, start)
    } else {
        Span::new(start, start + rest.len())
    };
    (span, heading_level)
}

/// `• item`, `- item`, `1. item`, `2) item`: the item.
fn strip_list_marker(line: &str) -> &str {
    let mut chars = line.chars();
    if let (Some(first), Some(second)) = (chars.next(), chars.next()) {
        if BULLETS.contains(&first) && second.is_whitespace() {
            return line.get(first.len_utf8()..).unwrap_or(line).trim_start();
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=2).contains(&digits) {
        let after = line.get(digits..).unwrap_or("");
        if let Some(item) = after.strip_prefix(". ").or_else(|| after.strip_prefix(") ")) {
            return item.trim_start();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_sets_aside_markers() {
        let cases: &[(&str, ContentKind, &str, Option<u8>, &str)] = &[
            (
                "  • Wasted taxpayer dollars",
                ContentKind::Plain,
                "Wasted taxpayer dollars",
                None,
                "bullet",
            ),
            (
                "  1. Call the office",
                ContentKind::Plain,
                "Call the office",
                None,
                "numbered item",
            ),
            (
                "2017-08-16",
                ContentKind::Plain,
                "2017-08-16",
                None,
                "an ISO date is not a list",
            ),
            (
                "# Title here",
                ContentKind::Markdown,
                "Title here",
                Some(1),
                "markdown heading",
            ),
            (
                "## **Media Contact**",
                ContentKind::Markdown,
                "Media Contact",
                Some(2),
                "heading in bold",
            ),
            (
                "> “Quoted”",
                ContentKind::Markdown,
                "“Quoted”",
                None,
                "block quote",
            ),
            (
                "# Not a heading",
                ContentKind::Plain,
                "# Not a heading",
                None,
                "plain text keeps #",
            ),
            ("   ", ContentKind::Plain, "", None, "blank line"),
            ("text\r", ContentKind::Plain, "text", None, "carriage return"),
        ];
        for (line, kind, expected, level, message) in cases {
            let (span, heading) = content_of(line, 0, *kind);
            assert_eq!(line.get(span.start..span.end), Some(*expected), "{message}");
            assert_eq!(heading, *level, "{message}");
        }
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        let text = "Title\n\nFirst line\nsecond line\n\n\nLast";
        let document = Document::new(text, ContentKind::Plain, &[]);
        let paragraphs: Vec<&str> = document
            .paragraphs
            .iter()
            .map(|paragraph| document.slice(paragraph.span))
            .collect();
        assert_eq!(paragraphs, vec!["Title", "First line\nsecond line", "Last"]);
        let second_line = document.lines[3];
        let tokens: Vec<&str> = document
            .tokens_of(&second_line)
            .iter()
            .map(|token| token.text)
            .collect();
        assert_eq!(tokens, vec!["second", "line"], "each line keeps its tokens");
    }

    #[test]
    fn html_headings_mark_their_lines() {
        let text = "Site\nThe Headline\nBody";
        let document = Document::new(text, ContentKind::Html, &[(Span::new(5, 17), 1)]);
        let levels: Vec<Option<u8>> = document.lines.iter().map(|line| line.heading_level).collect();
        assert_eq!(levels, vec![None, Some(1), None]);
    }
}
