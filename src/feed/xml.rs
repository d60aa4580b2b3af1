//! A small XML 1.0 writer for the feeds: elements, attributes and text, nothing else (no
//! comments, CDATA, processing instructions or entities of our own), so that every byte of
//! attacker-controlled text goes through the same two steps: characters that XML 1.0 does not
//! allow (or discourages: C0 and C1 controls) are dropped, then `&`, `<`, `>`, `"` and `'` are
//! written as character references. Whatever a statement's title holds (`<script>`, `]]>`, a
//! NUL), the document stays well-formed and the text stays text.

/// Whether XML 1.0 allows `c` in a document and does not discourage it (§2.2 `Char`, less the
/// control characters of §2.2's note): tab, line feed, carriage return, and everything from
/// U+0020 up except DEL, the C1 controls and the noncharacters U+FFFE and U+FFFF.
pub fn is_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || (c >= ' ' && !('\u{7f}'..='\u{9f}').contains(&c) && c != '\u{fffe}' && c != '\u{ffff}')
}

/// `text` with the characters [`is_allowed`] refuses dropped and the five markup characters
/// escaped: safe as element content and as a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| is_allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A carriage return in content would be read back as a line feed (§2.11).
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds a document: elements are opened and closed in order, every name is one of our own
/// constants, every value and text is escaped.
pub struct Writer {
    out: String,
    open: Vec<&'static str>,
}

impl Default for Writer {
    /// A document with its XML declaration (UTF-8).
    fn default() -> Self {
        Self {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
            open: Vec::new(),
        }
    }
}

impl Writer {
    fn start_tag(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in attributes {
            self.out.push(' ');
            self.out.push_str(attribute);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
    }

    /// Opens `<name attributes…>`; closed by [`Writer::close`].
    pub fn open(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) -> &mut Self {
        self.start_tag(name, attributes);
        self.out.push('>');
        self.open.push(name);
        self
    }

    /// Closes the element opened last.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// `<name attributes…>text</name>`.
    pub fn text(&mut self, name: &'static str, attributes: &[(&'static str, &str)], text: &str) -> &mut Self {
        self.start_tag(name, attributes);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// `<name attributes…/>`.
    pub fn empty(&mut self, name: &'static str, attributes: &[(&'static str, &str)]) -> &mut Self {
        self.start_tag(name, attributes);
        self.out.push_str("/>");
        self
    }

    /// The document, every element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_illegal_ones_dropped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"]]>\""),
            "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;]]&gt;&quot;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{7f}d\u{85}e\u{fffe}f\u{ffff}"), "abcdef");
        assert_eq!(escape("tab\there\nline\r"), "tab\there\nline&#13;");
        assert_eq!(escape("صوت 😀 \u{202e}"), "صوت 😀 \u{202e}", "other text is kept");
    }

    #[test]
    fn allowed_characters_follow_xml_1_0() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            '~',
            '\u{a0}',
            '\u{d7ff}',
            '\u{e000}',
            '\u{fffd}',
            '\u{10000}',
        ] {
            assert!(is_allowed(c), "{c:?}");
        }
        for c in [
            '\u{0}', '\u{8}', '\u{b}', '\u{c}', '\u{1f}', '\u{7f}', '\u{9f}', '\u{fffe}', '\u{ffff}',
        ] {
            assert!(!is_allowed(c), "{c:?}");
        }
    }

    #[test]
    fn elements_nest_and_close() {
        let mut writer = Writer::default();
        writer
            .open("feed", &[("xmlns", "urn:x")])
            .text("title", &[("type", "text")], "a < b")
            .empty("link", &[("href", "/x?a=1&b=\"2\"")])
            .open("entry", &[]);
        assert_eq!(
            writer.finish(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"urn:x\"><title type=\"text\">a &lt; b</title>\
             <link href=\"/x?a=1&amp;b=&quot;2&quot;\"/><entry></entry></feed>\n"
        );
    }
}
