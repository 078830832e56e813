//! The extra-header rows being edited, and what is wrong with each in plain words.

use crate::core::headers::check_header;

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
        if self.name.contains(':') {
            return Some(format!(
                "A header name cannot contain ':' ('{}'): the colon separates the name from the value.",
                self.name.trim()
            ));
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

    /// The rows as the connector's text; blank rows are left out.
    pub fn text(&self) -> String {
        self.rows
            .iter()
            .filter(|r| !r.is_blank())
            .map(|r| format!("{}:{}", r.name, r.value))
            .collect::<Vec<_>>()
            .join("||")
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }
}
