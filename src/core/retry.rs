//! The connector's retry settings: mode, status code list, max count, multiply wait time.

use std::time::Duration;

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

impl RetrySettings {
    /// Retries only a throttled (429) or busy (503) answer, three times with doubling waits: for
    /// calls certconnect makes on its own account (key changes, app management, waiting for Entra),
    /// where any other refusal is an answer to report, not to repeat.
    pub fn throttling_only() -> Self {
        Self {
            mode: RetryMode::RetryWhenStatusCodeMatch,
            status_codes: vec![429, 503],
            max_count: 3,
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

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The server answered with this (non-success) status.
    Status(u16),
    /// The connection failed or was dropped.
    Network,
    /// The attempt took longer than allowed.
    Timeout,
}

impl AttemptOutcome {
    /// Words for the step log.
    pub fn describe(self) -> String {
        match self {
            Self::Status(code) => format!("HTTP {code}"),
            Self::Network => "connection failed".into(),
            Self::Timeout => "timed out".into(),
        }
    }
}

/// How long waits are: the first backoff, and the cap on any single wait (backoff or Retry-After).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryTiming {
    /// The wait before the first retry without Retry-After.
    pub base: Duration,
    /// No single wait is longer than this, whatever the server asks.
    pub cap: Duration,
}

impl Default for RetryTiming {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

impl RetrySettings {
    /// Whether an attempt that ended like this is tried again (the count is checked separately).
    pub fn should_retry(&self, outcome: AttemptOutcome) -> bool {
        match (self.mode, outcome) {
            (RetryMode::None, _) => false,
            (RetryMode::RetryAny, AttemptOutcome::Status(code)) => code == 429 || code >= 500,
            (RetryMode::RetryAny, AttemptOutcome::Network | AttemptOutcome::Timeout) => true,
            (RetryMode::RetryWhenStatusCodeMatch, AttemptOutcome::Status(code)) => {
                self.status_codes.contains(&code)
            }
            (RetryMode::RetryWhenStatusCodeMatch, _) => false,
        }
    }

    /// The wait before retry number `retry` (1-based). `Retry-After` wins when the server sent it;
    /// otherwise the base wait, doubled for each earlier retry when `multiply_wait` is set.
    /// Every wait is capped.
    pub fn wait(&self, retry: u32, retry_after: Option<Duration>, timing: RetryTiming) -> Duration {
        let wait = retry_after.unwrap_or_else(|| {
            if self.multiply_wait {
                let doublings = retry.saturating_sub(1).min(20);
                timing.base.saturating_mul(1 << doublings)
            } else {
                timing.base
            }
        });
        wait.min(timing.cap)
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date (relative to `now_unix`).
///
/// A date that is not in the future gives `None`, so the policy's own backoff applies: a server
/// (or a clock) that says "retry at a moment already past" would otherwise get every retry at
/// once, with no wait at all.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let date_unix =
        i64::try_from(date.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs()).ok()?;
    let ahead = u64::try_from(date_unix.checked_sub(now_unix)?).ok()?;
    (ahead > 0).then(|| Duration::from_secs(ahead))
}

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

    fn settings(mode: RetryMode, multiply_wait: bool) -> RetrySettings {
        RetrySettings {
            mode,
            multiply_wait,
            ..RetrySettings::default()
        }
    }

    #[test]
    fn each_mode_decides_what_is_retried() {
        use AttemptOutcome::*;
        let none = settings(RetryMode::None, true);
        let any = settings(RetryMode::RetryAny, true);
        let listed = settings(RetryMode::RetryWhenStatusCodeMatch, true);
        for outcome in [Status(429), Status(503), Network, Timeout] {
            assert!(!none.should_retry(outcome));
            assert!(any.should_retry(outcome), "{outcome:?}");
        }
        assert!(any.should_retry(Status(500)));
        assert!(!any.should_retry(Status(400)));
        assert!(listed.should_retry(Status(423)));
        assert!(listed.should_retry(Status(429)));
        assert!(!listed.should_retry(Status(500)));
        assert!(!listed.should_retry(Network));
    }

    #[test]
    fn waits_double_or_stay_and_retry_after_wins_but_is_capped() {
        let timing = RetryTiming {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        let doubling = settings(RetryMode::RetryAny, true);
        let waits: Vec<u128> = (1..=5)
            .map(|r| doubling.wait(r, None, timing).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000]);
        let constant = settings(RetryMode::RetryAny, false);
        assert_eq!(constant.wait(4, None, timing), Duration::from_millis(100));
        assert_eq!(
            constant.wait(1, Some(Duration::from_millis(700)), timing),
            Duration::from_millis(700)
        );
        assert_eq!(
            constant.wait(1, Some(Duration::from_secs(3600)), timing),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("41", 0), Some(Duration::from_secs(41)));
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_800),
            None,
            "a date in the past leaves the wait to the policy"
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            None
        );
        assert_eq!(parse_retry_after("soon", 0), None);
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
