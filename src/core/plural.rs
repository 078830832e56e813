//! Counting in words: "1 profile", "2 profiles", never "profile(s)".

/// `n` followed by the singular or the plural noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The singular noun for one, the plural for any other number (zero included).
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(count(1, "profile", "profiles"), "1 profile");
        assert_eq!(count(2, "profile", "profiles"), "2 profiles");
        assert_eq!(count(0, "profile", "profiles"), "0 profiles");
        assert_eq!(noun(1, "profile", "profiles"), "profile");
    }
}
