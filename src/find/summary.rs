//! A change in words, as the pages and the feeds both say it: `12 words added, 3 removed.`,
//! cosmetic changes said to be such, and the details that changed (`Changed: title and
//! publisher.`). Pure.

use super::diff::Change;
use crate::domain::Field;

/// How a reader calls a field.
pub fn field_name(field: Field) -> &'static str {
    match field {
        Field::Content => "text",
        Field::ContentType => "format",
        Field::Title => "title",
        Field::Publisher => "publisher",
        Field::PublishedAt => "publication date",
        Field::MediaContacts => "media contacts",
    }
}

/// `a, b and c`.
pub fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `1 word` or `2 words`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Change {
    /// What the change did to the text, in a sentence.
    pub fn text_summary(&self) -> String {
        let (added, removed) = (
            count(self.words_added, "word", "words"),
            count(self.words_removed, "word", "words"),
        );
        if !self.content_changed {
            "The text did not change.".to_owned()
        } else if self.cosmetic && self.words_added + self.words_removed == 0 {
            "Only formatting changed: white space, punctuation, quote or dash styles. The words are the same."
                .to_owned()
        } else if self.cosmetic {
            format!(
                "{added} added and {removed} removed in page furniture (navigation, share links, notices) \
                 only; the statement's own words are the same."
            )
        } else {
            format!("{added} added, {removed} removed.")
        }
    }

    /// The details that changed (`Changed: title and publisher.`), when any did.
    pub fn fields_summary(&self) -> Option<String> {
        let fields: Vec<&str> = self
            .metadata_changes
            .iter()
            .map(|field| field_name(*field))
            .collect();
        (!fields.is_empty()).then(|| format!("Changed: {}.", and_list(&fields)))
    }

    /// Both, in one line.
    pub fn summary(&self) -> String {
        match self.fields_summary() {
            Some(fields) => format!("{} {fields}", self.text_summary()),
            None => self.text_summary(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        content_changed: bool,
        added: usize,
        removed: usize,
        cosmetic: bool,
        fields: Vec<Field>,
    ) -> Change {
        Change {
            content_changed,
            words_added: added,
            words_removed: removed,
            chars_added: 0,
            chars_removed: 0,
            metadata_changes: fields,
            cosmetic,
        }
    }

    #[test]
    fn changes_are_said_in_words() {
        assert_eq!(
            change(true, 12, 1, false, vec![]).summary(),
            "12 words added, 1 word removed."
        );
        assert_eq!(
            change(true, 0, 0, true, vec![]).summary(),
            "Only formatting changed: white space, punctuation, quote or dash styles. The words are the same."
        );
        assert!(change(true, 3, 0, true, vec![])
            .summary()
            .starts_with("3 words added and 0 words removed in page furniture"));
        assert_eq!(
            change(
                false,
                0,
                0,
                false,
                vec![Field::Title, Field::Publisher, Field::MediaContacts]
            )
            .summary(),
            "The text did not change. Changed: title, publisher and media contacts."
        );
    }
}
