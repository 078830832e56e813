//! Profile name patterns for `test --all`: `*` matches any run of characters, `?` one character,
//! case is ignored (as the app's profile search ignores it). A pattern without wildcards names one
//! profile exactly.

/// Whether `name` matches `pattern`.
pub fn matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    // Iterative wildcard matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_and_case() {
        assert!(matches("contoso-*", "Contoso-SharePoint"));
        assert!(matches("*point", "Contoso-SharePoint"));
        assert!(matches("c?ntoso", "contoso"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxbyy"));
        assert!(!matches("contoso", "contoso-2"));
        assert!(matches("Contoso", "contoso"));
        assert!(!matches("?", ""));
        assert!(matches("*a*a*a*a*a*b", &format!("{}b", "a".repeat(200))));
        assert!(!matches("*a*a*a*a*a*b", &"a".repeat(200)));
    }
}
