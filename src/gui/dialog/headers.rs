//! The extra-header rows being edited, and what is wrong with each in plain words.

use crate::core::headers::is_token;
use crate::core::headers::{check_header, format_headers, parse_headers};

/// One name/value row.
#[derive(Clone, Debug, Default)]
pub struct HeaderRow {
    /// Keeps the row's widgets (and the focus) when a row above it is removed.
    pub key: u64,
    /// As typed.
    pub name: String,
    /// As typed.
    pub value: String,
    /// The user has left one of its fields: an empty name is a problem from then on.
    pub left: bool,
}

impl HeaderRow {
    /// A row with nothing in it (just added): written nowhere, and no error yet.
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.value.trim().is_empty()
    }

    /// Why the row cannot be sent, in plain words; `None` when it can (or is blank). The two
    /// rules of the connector's notation are checked here; the header rules themselves are
    /// `core::headers::check_header`'s.
    pub fn problem(&self) -> Option<String> {
        if self.is_blank() {
            return None;
        }
        if let Some((name, value)) = self.name.split_once(':') {
            let mut text = format!(
                "A header name cannot contain ':' ('{}'): the colon separates the name from the value.",
                self.name.trim()
            );
            // "X-Foo:AAA" pasted whole into Name: say where each part goes.
            if is_token(name.trim()) && !value.trim().is_empty() {
                text.push_str(&format!(
                    " Put '{}' in Value and keep '{}' as the name.",
                    value.trim(),
                    name.trim()
                ));
            }
            return Some(text);
        }
        if self.value.contains("||") {
            return Some(format!(
                "The value of '{}' cannot contain '||': the connector uses it to separate headers.",
                self.name.trim()
            ));
        }
        check_header(&self.name, &self.value)
            .err()
            .map(|message| sentence(&message))
    }
}

/// "a header needs a name" → "A header needs a name."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    let mut text = first.unwrap_or_default() + chars.as_str();
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// The rows, and the draft text they were last read from or written to.
#[derive(Clone, Debug, Default)]
pub struct HeaderRows {
    /// The rows in order.
    pub rows: Vec<HeaderRow>,
    /// The draft's `extra_headers` as the rows last saw it.
    pub synced: String,
    /// The first row's problem, if any: the draft is held back while there is one.
    pub problem: Option<String>,
    next_key: u64,
}

impl HeaderRows {
    /// Reads the rows from the connector's `H1:AAA||H2:BBB` text.
    pub fn read(&mut self, text: &str) {
        self.rows.clear();
        if !text.is_empty() {
            for part in text.split("||") {
                let (name, value) = part.split_once(':').unwrap_or((part, ""));
                let key = self.key();
                self.rows.push(HeaderRow {
                    key,
                    name: name.to_owned(),
                    value: value.to_owned(),
                    left: true,
                });
            }
        }
        self.synced = text.to_owned();
        self.problem = None;
    }

    /// Adds an empty row at the end.
    pub fn add(&mut self) {
        let key = self.key();
        self.rows.push(HeaderRow {
            key,
            ..HeaderRow::default()
        });
    }

    /// The rows as the connector's text, each as it is checked and stored (name and value
    /// trimmed); blank rows are left out.
    pub fn text(&self) -> String {
        self.rows
            .iter()
            .filter(|r| !r.is_blank())
            .map(|r| format!("{}:{}", r.name.trim(), r.value.trim()))
            .collect::<Vec<_>>()
            .join("||")
    }

    /// What the profile will store for `draft_text`, exactly: the headers as checked and written
    /// back. `None` while a row cannot be stored (its error says why; the draft still holds the
    /// last good text, which is not what is on screen) or when there is nothing to store.
    pub fn stored_as(&self, draft_text: &str) -> Option<String> {
        if self.problem.is_some() {
            return None;
        }
        let text = format_headers(&parse_headers(draft_text).ok()?);
        (!text.is_empty()).then_some(text)
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> HeaderRows {
        let mut rows = HeaderRows::default();
        for (name, value) in pairs {
            rows.add();
            let row = rows.rows.last_mut().unwrap();
            row.name = (*name).into();
            row.value = (*value).into();
        }
        rows.problem = rows.rows.iter().find_map(HeaderRow::problem);
        rows
    }

    #[test]
    fn the_preview_is_what_is_stored_or_nothing() {
        let good = rows(&[(" X-Good ", " BBB ")]);
        assert_eq!(good.text(), "X-Good:BBB");
        assert_eq!(good.stored_as(&good.text()).as_deref(), Some("X-Good:BBB"));
        // The draft still holds the last good text; the preview does not show it as current.
        let spaced = rows(&[("X-Good AAA", "BBB")]);
        assert!(
            spaced
                .problem
                .as_deref()
                .unwrap()
                .contains("put the value in Value"),
            "{:?}",
            spaced.problem
        );
        assert_eq!(spaced.stored_as("X-Good:BBB"), None);
        let colon = rows(&[("X-Foo:AAA", "BBB")]);
        assert!(
            colon
                .problem
                .as_deref()
                .unwrap()
                .contains("Put 'AAA' in Value"),
            "{:?}",
            colon.problem
        );
        assert_eq!(colon.stored_as("X-F:BBB"), None);
        assert_eq!(rows(&[]).stored_as(""), None);
    }
}
