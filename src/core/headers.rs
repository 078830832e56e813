//! Extra HTTP headers in the connector's notation: `Name1:Value1||Name2:Value2`.

use serde::{Deserialize, Serialize};

/// One extra header sent on Graph requests. Deserializing checks it like [`check_header`], so a
/// profile file or an import cannot carry a header the HTTP library would refuse at send time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawHeader")]
pub struct ExtraHeader {
    /// A header name (an RFC 9110 token).
    pub name: String,
    /// The value; only visible ASCII, spaces, tabs and non-ASCII text (no control character).
    pub value: String,
}

#[derive(Deserialize)]
struct RawHeader {
    name: String,
    value: String,
}

impl TryFrom<RawHeader> for ExtraHeader {
    type Error = String;

    fn try_from(raw: RawHeader) -> Result<Self, String> {
        check_header(&raw.name, &raw.value)
    }
}

/// Whether `name` is a valid header name, by the rules of the `http` crate the requests are built
/// with (RFC 9110 `token`).
pub fn is_token(name: &str) -> bool {
    http::HeaderName::from_bytes(name.as_bytes()).is_ok()
}

/// Checks one name/value pair, as the header row editor does. The rules are the `http` crate's
/// (`HeaderName::from_bytes`, `HeaderValue::from_str`), so a header that passes here is one the
/// HTTP library sends; nothing fails later as if the server were unreachable.
pub fn check_header(name: &str, value: &str) -> Result<ExtraHeader, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a header needs a name".into());
    }
    if !is_token(name) {
        // "X-Foo AAA": a value typed after the name. Say where it goes.
        if let Some((first, rest)) = name.split_once(char::is_whitespace)
            && is_token(first)
        {
            return Err(format!(
                "'{}' is not a valid header name: a name is one word, without spaces. If '{}' is the value, put the value in Value and keep '{first}' as the name",
                name.escape_debug(),
                rest.trim().escape_debug(),
            ));
        }
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
    let value = value.trim();
    // Tab is allowed inside a field value; other control characters (C0, DEL) are refused by the
    // http crate. C1 controls (U+0080–U+009F) are bytes ≥ 0x80 in UTF-8, which it takes as
    // obs-text, but they are no plain text either.
    if http::HeaderValue::from_str(value).is_err()
        || value.chars().any(|c| c.is_control() && c != '\t')
    {
        return Err(format!(
            "the value of '{name}' contains a control character; header values must be plain text"
        ));
    }
    Ok(ExtraHeader {
        name: name.to_owned(),
        value: value.to_owned(),
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

    #[test]
    fn a_value_typed_after_the_name_is_pointed_to_value() {
        let message = check_header("X-Foo AAA", "").unwrap_err();
        assert!(message.contains("put the value in Value"), "{message}");
        assert!(
            message.contains("'AAA' is the value") && message.contains("keep 'X-Foo'"),
            "{message}"
        );
        // A name that is wrong for another reason gets the general rule.
        let message = check_header("X\u{e9}", "").unwrap_err();
        assert!(message.contains("letters, digits"), "{message}");
    }

    #[test]
    fn a_saved_header_is_checked_when_read_back() {
        let ok: ExtraHeader = serde_json::from_str(r#"{"name":"X-A","value":"v"}"#).unwrap();
        assert_eq!(ok.value, "v");
        for bad in [
            r#"{"name":"X-A","value":"a\u0001b"}"#,
            r#"{"name":"X-A","value":"a\u007f"}"#,
            r#"{"name":"X-A","value":"a\r\nInjected: yes"}"#,
            r#"{"name":"Bad Name","value":"v"}"#,
        ] {
            assert!(serde_json::from_str::<ExtraHeader>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_accepted_header_is_one_the_http_crate_builds() {
        for byte in 0u8..=127 {
            let c = char::from(byte);
            let value = format!("a{c}b");
            let accepted = check_header("X-Test", &value).is_ok();
            assert_eq!(
                accepted,
                http::HeaderValue::from_str(&value).is_ok(),
                "byte {byte:#04x}"
            );
            let name = format!("X{c}");
            assert_eq!(
                check_header(&name, "v").is_ok(),
                http::HeaderName::from_bytes(name.trim().as_bytes()).is_ok()
                    && !name.trim().is_empty(),
                "name byte {byte:#04x}"
            );
        }
    }
}
