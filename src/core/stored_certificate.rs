//! The name a certificate gets when it is kept in the OS credential store for a profile (the app's
//! "Import into credential store", and a bundle's certificates).

/// The longest name the credential-store vault takes.
pub const MAX_NAME_CHARS: usize = 64;

/// The stored-certificate name for a profile named `profile_name`: the name with every character
/// other than ASCII letters, digits, `.`, `_` and `-` replaced by `_`, at most [`MAX_NAME_CHARS`]
/// long.
pub fn stored_certificate_name(profile_name: &str) -> String {
    profile_name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(MAX_NAME_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_capped() {
        assert_eq!(stored_certificate_name(" Contoso Prod "), "Contoso_Prod");
        assert_eq!(stored_certificate_name("a/b:ü.c-d"), "a_b__.c-d");
        let long = stored_certificate_name(&"x".repeat(100));
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
    }
}
