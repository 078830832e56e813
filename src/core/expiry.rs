//! How urgent a certificate's expiry is: one threshold and one rule for every view (the profile
//! list's badge, the certificate card, the Windows store picker, `test --all`, the findings).

/// Fewer days left than this is a warning (and the card offers a rotation).
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// How urgent a certificate's expiry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiryLevel {
    /// [`EXPIRY_WARNING_DAYS`] or more whole days left.
    Fine,
    /// Fewer than [`EXPIRY_WARNING_DAYS`] whole days left.
    Soon,
    /// Expired.
    Expired,
}

/// The level for `days_left` whole days (as [`super::time_fmt::days_between`] counts them: an
/// hour past expiry is day -1).
pub fn expiry_level(days_left: i64) -> ExpiryLevel {
    if days_left < 0 {
        ExpiryLevel::Expired
    } else if days_left < EXPIRY_WARNING_DAYS {
        ExpiryLevel::Soon
    } else {
        ExpiryLevel::Fine
    }
}

/// Whole days from `now` to `not_after` (Unix seconds) and how urgent that is.
pub fn expiry(now: i64, not_after: i64) -> (i64, ExpiryLevel) {
    let days = super::time_fmt::days_between(now, not_after);
    (days, expiry_level(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn thirty_days_is_the_threshold() {
        assert_eq!(expiry_level(30), ExpiryLevel::Fine);
        assert_eq!(expiry_level(29), ExpiryLevel::Soon);
        assert_eq!(expiry_level(0), ExpiryLevel::Soon);
        assert_eq!(expiry_level(-1), ExpiryLevel::Expired);
    }

    #[test]
    fn a_second_past_the_end_is_expired() {
        let now = 1_800_000_000;
        assert_eq!(expiry(now, now), (0, ExpiryLevel::Soon));
        assert_eq!(expiry(now, now - 1), (-1, ExpiryLevel::Expired));
        assert_eq!(expiry(now, now + 30 * DAY), (30, ExpiryLevel::Fine));
        assert_eq!(expiry(now, now + 30 * DAY - 1), (29, ExpiryLevel::Soon));
    }
}
