//! Extra HTTP headers in the connector's notation: `Name1:Value1||Name2:Value2`.

use serde::{Deserialize, Serialize};

/// One extra header sent on Graph requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraHeader {
    /// A header name (an RFC 9110 token).
    pub name: String,
    /// The value; never contains CR, LF or NUL.
    pub value: String,
}

/// Whether `name` is a valid header name (RFC 9110 `token`).
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Checks one name/value pair, as the header row editor does.
pub fn check_header(name: &str, value: &str) -> Result<ExtraHeader, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a header needs a name".into());
    }
    if !is_token(name) {
        return Err(format!(
            "'{}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
            name.escape_debug()
        ));
    }
    if value.contains(['\r', '\n', '\0']) {
        return Err(format!(
            "the value of '{name}' contains a line break; header values must be one line"
        ));
    }
    // Tab is allowed inside a field value (RFC 9110 field-vchar / obs-text aside); other control
    // characters would only fail later, inside the HTTP library, as a network error.
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!(
            "the value of '{name}' contains a control character; header values must be plain text"
        ));
    }
    Ok(ExtraHeader {
        name: name.to_owned(),
        value: value.trim().to_owned(),
    })
}

/// Parses `H1:AAA||H2:BBB`. An empty (or all-blank) text means no headers.
pub fn parse_headers(text: &str) -> Result<Vec<ExtraHeader>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split("||")
        .enumerate()
        .map(|(index, part)| {
            let (name, value) = part.split_once(':').ok_or_else(|| {
                if part.trim().is_empty() {
                    format!(
                        "header {} is empty (two '||' in a row, or one at an end)",
                        index + 1
                    )
                } else {
                    format!(
                        "'{}' has no ':' between name and value",
                        part.trim().escape_debug()
                    )
                }
            })?;
            check_header(name, value)
        })
        .collect()
}

/// Formats headers back into `H1:AAA||H2:BBB`.
pub fn format_headers(headers: &[ExtraHeader]) -> String {
    headers
        .iter()
        .map(|h| format!("{}:{}", h.name, h.value))
        .collect::<Vec<_>>()
        .join("||")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_connector_example_and_round_trips() {
        let headers = parse_headers("MyHeader1:AAA||MyHeader2:BBB").unwrap();
        assert_eq!(headers.len(), 2);
        assert_eq!(
            (headers[1].name.as_str(), headers[1].value.as_str()),
            ("MyHeader2", "BBB")
        );
        assert_eq!(format_headers(&headers), "MyHeader1:AAA||MyHeader2:BBB");
        assert!(parse_headers("  ").unwrap().is_empty());
    }

    #[test]
    fn values_may_contain_colons() {
        let headers = parse_headers("X-Url:https://a.example/b").unwrap();
        assert_eq!(headers[0].value, "https://a.example/b");
    }

    #[test]
    fn malformed_lists_are_rejected_with_a_reason() {
        assert!(parse_headers("H1AAA").unwrap_err().contains("no ':'"));
        assert!(parse_headers("H1:A||||H2:B").unwrap_err().contains("empty"));
        assert!(
            parse_headers("Bad Name:x")
                .unwrap_err()
                .contains("not a valid header name")
        );
        assert!(parse_headers(":x").unwrap_err().contains("needs a name"));
        assert!(
            parse_headers("H1:a\r\nInjected: yes")
                .unwrap_err()
                .contains("line break")
        );
        assert!(parse_headers("H1:a\nb").unwrap_err().contains("line break"));
        assert!(
            parse_headers("H1:a\u{1}b")
                .unwrap_err()
                .contains("control character")
        );
        assert!(
            parse_headers("H1:a\u{7f}")
                .unwrap_err()
                .contains("control character")
        );
    }
}
