//! How long a new certificate is valid: the allowed range and how the front ends' inputs (days,
//! years, a typed number) become a number of days.

use std::ops::RangeInclusive;

/// Allowed validity, in days (one day to 100 years).
pub const DAYS_RANGE: RangeInclusive<u32> = 1..=36_500;

/// The most years a validity given in years may have.
pub const MAX_YEARS: u32 = 100;

/// The validity when none is given: one year.
pub const DEFAULT_DAYS: u32 = 365;

/// Whether `days` is an allowed validity.
pub fn is_allowed(days: u32) -> bool {
    DAYS_RANGE.contains(&days)
}

/// A validity typed as a whole number of days, if it is one within [`DAYS_RANGE`].
pub fn parse_days(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|days| is_allowed(*days))
}

/// The validity in days from what was given: days win over years (calendar years from `now`,
/// Unix seconds); neither gives [`DEFAULT_DAYS`]. The result is checked against [`DAYS_RANGE`]
/// when the certificate is made.
pub fn validity_days(now: i64, days: Option<u32>, years: Option<u32>) -> u32 {
    match (days, years) {
        (Some(days), _) => days,
        (None, Some(years)) => super::time_fmt::days_in_years(now, years),
        (None, None) => DEFAULT_DAYS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_days_must_be_a_whole_number_in_range() {
        assert_eq!(parse_days(" 365 "), Some(365));
        assert_eq!(parse_days("1"), Some(1));
        assert_eq!(parse_days("36500"), Some(36_500));
        assert_eq!(parse_days("36501"), None);
        assert_eq!(parse_days("0"), None);
        assert_eq!(parse_days("-3"), None);
        assert_eq!(parse_days("1.5"), None);
        assert_eq!(parse_days(""), None);
    }

    #[test]
    fn days_win_over_years_and_one_year_is_the_default() {
        // 2026-11-23T00:00:00Z: two calendar years cross the leap day of 2028.
        let now = 1_795_392_000;
        assert_eq!(validity_days(now, Some(10), Some(2)), 10);
        assert_eq!(validity_days(now, None, Some(2)), 731);
        assert_eq!(validity_days(now, None, None), DEFAULT_DAYS);
    }
}
