//! GUIDs as Entra writes them: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits in any case.

/// Whether `text` is a GUID in its canonical 8-4-4-4-12 form (optionally wrapped in braces, as the
/// Windows tools print them).
pub fn is_guid(text: &str) -> bool {
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The canonical lowercase form of a GUID, without braces; `None` when it is not a GUID.
pub fn normalize_guid(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if !is_guid(trimmed) {
        return None;
    }
    Some(
        trimmed
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_ascii_lowercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_and_braced_guids() {
        assert!(is_guid("8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b"));
        assert!(is_guid("{8A2F6A6B-0C1D-4E5F-9A8B-7C6D5E4F3A2B}"));
        assert_eq!(
            normalize_guid(" {8A2F6A6B-0C1D-4E5F-9A8B-7C6D5E4F3A2B} ").as_deref(),
            Some("8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b")
        );
    }

    #[test]
    fn rejects_near_misses() {
        for bad in [
            "",
            "8a2f6a6b0c1d4e5f9a8b7c6d5e4f3a2b",
            "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2",
            "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2g",
            "contoso.onmicrosoft.com",
        ] {
            assert!(!is_guid(bad), "{bad}");
        }
    }
}
