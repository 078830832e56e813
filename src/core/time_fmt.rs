//! Unix timestamps shown to people and written to JSON.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 in UTC (`2027-01-31T12:00:00Z`), or the raw number if it is out of range.
pub fn rfc3339(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix_seconds.to_string())
}

/// Whole days from `now` to `then`, rounded toward negative infinity (an hour past expiry is day -1).
pub fn days_between(now: i64, then: i64) -> i64 {
    then.saturating_sub(now).div_euclid(86_400)
}

/// Days from `now` to the same date `years` calendar years later (29 February becomes 28
/// February), so a certificate made for "2 years" on 2026-11-23 ends on 2028-11-23 across the leap
/// day, as PowerShell's `AddYears` would have it.
pub fn days_in_years(now: i64, years: u32) -> u32 {
    let fallback = years.saturating_mul(365);
    let Ok(start) = OffsetDateTime::from_unix_timestamp(now) else {
        return fallback;
    };
    let date = start.date();
    let Some(year) = i32::try_from(years)
        .ok()
        .and_then(|years| date.year().checked_add(years))
    else {
        return fallback;
    };
    let end = date.replace_year(year).or_else(|_| {
        date.replace_day(28)
            .and_then(|february| february.replace_year(year))
    });
    end.ok()
        .and_then(|end| u32::try_from((end - date).whole_days()).ok())
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn years_are_calendar_years() {
        // 2026-11-23: two years cross 29 February 2028.
        assert_eq!(days_in_years(1_795_392_000, 2), 731);
        assert_eq!(days_in_years(1_795_392_000, 1), 365);
        // 2024-02-29 plus one year is 2025-02-28.
        assert_eq!(days_in_years(1_709_164_800, 1), 365);
        assert_eq!(rfc3339(1_709_164_800 + 365 * DAY), "2025-02-28T00:00:00Z");
        // 2027-06-01 plus one year crosses 29 February 2028.
        assert_eq!(days_in_years(1_811_808_000, 1), 366);
    }

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
    }

    #[test]
    fn days_round_down() {
        assert_eq!(days_between(0, 86_400 * 3 + 5), 3);
        assert_eq!(days_between(3_600, 0), -1);
    }
}
