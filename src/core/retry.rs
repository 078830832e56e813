//! The connector's retry settings: mode, status code list, max count, multiply wait time.

use serde::{Deserialize, Serialize};

/// When a failed request is tried again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryMode {
    /// Never retry.
    None,
    /// Retry any failure: a 5xx or 429 status, a dropped connection, a timeout.
    RetryAny,
    /// Retry only when the status is in the list (the connector's default).
    #[default]
    RetryWhenStatusCodeMatch,
}

impl RetryMode {
    /// Every mode, in the order the dialog lists them.
    pub const ALL: [RetryMode; 3] = [Self::None, Self::RetryAny, Self::RetryWhenStatusCodeMatch];

    /// The connector's name for the mode.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::RetryAny => "RetryAny",
            Self::RetryWhenStatusCodeMatch => "RetryWhenStatusCodeMatch",
        }
    }

    /// Parses the connector's names and the CLI's short ones (`none`, `any`, `status`).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "any" | "retryany" => Ok(Self::RetryAny),
            "status" | "retrywhenstatuscodematch" => Ok(Self::RetryWhenStatusCodeMatch),
            other => Err(format!(
                "'{other}' is not a retry mode (None, RetryAny or RetryWhenStatusCodeMatch)"
            )),
        }
    }
}

/// The retry settings of a profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetrySettings {
    /// When to retry.
    pub mode: RetryMode,
    /// Statuses retried in `RetryWhenStatusCodeMatch` mode.
    pub status_codes: Vec<u16>,
    /// Retries after the first attempt (so at most `max_count + 1` requests).
    pub max_count: u32,
    /// Each wait doubles when set; otherwise the wait stays constant.
    pub multiply_wait: bool,
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            mode: RetryMode::default(),
            status_codes: DEFAULT_STATUS_CODES.to_vec(),
            max_count: DEFAULT_MAX_COUNT,
            multiply_wait: true,
        }
    }
}

/// 429 throttled, 503 busy, 423 locked — the connector's default list.
pub const DEFAULT_STATUS_CODES: [u16; 3] = [429, 503, 423];
/// The connector's default retry count.
pub const DEFAULT_MAX_COUNT: u32 = 5;
/// The most retries a profile may ask for.
pub const MAX_RETRY_COUNT: u32 = 50;

/// Parses `429|503|423`: `|`-separated HTTP status codes (100–599), spaces allowed.
pub fn parse_status_codes(text: &str) -> Result<Vec<u16>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split('|')
        .map(|part| {
            let part = part.trim();
            match part.parse::<u16>() {
                Ok(code) if (100..=599).contains(&code) => Ok(code),
                Ok(code) => Err(format!("{code} is not an HTTP status code (100–599)")),
                Err(_) if part.is_empty() => {
                    Err("empty entry: separate codes with single '|' as in 429|503|423".into())
                }
                Err(_) => Err(format!(
                    "'{}' is not a number: separate codes with '|' as in 429|503|423",
                    part.escape_debug()
                )),
            }
        })
        .collect()
}

/// Formats status codes back into `429|503|423`.
pub fn format_status_codes(codes: &[u16]) -> String {
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_list_round_trips() {
        let codes = parse_status_codes("429|503|423").unwrap();
        assert_eq!(codes, DEFAULT_STATUS_CODES);
        assert_eq!(format_status_codes(&codes), "429|503|423");
        assert_eq!(parse_status_codes(" 429 | 503 ").unwrap(), [429, 503]);
    }

    #[test]
    fn other_separators_and_junk_are_rejected() {
        assert!(
            parse_status_codes("429,503")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            parse_status_codes("429||503")
                .unwrap_err()
                .contains("empty entry")
        );
        assert!(
            parse_status_codes("42")
                .unwrap_err()
                .contains("not an HTTP status")
        );
        assert!(parse_status_codes("abc").unwrap_err().contains("'abc'"));
    }

    #[test]
    fn modes_parse_from_both_vocabularies() {
        assert_eq!(RetryMode::parse("any"), Ok(RetryMode::RetryAny));
        assert_eq!(
            RetryMode::parse("RetryWhenStatusCodeMatch"),
            Ok(RetryMode::RetryWhenStatusCodeMatch)
        );
        assert_eq!(RetryMode::parse("None"), Ok(RetryMode::None));
        assert!(RetryMode::parse("sometimes").is_err());
    }
}
