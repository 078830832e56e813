//! Certificate subjects as admins type them: `CN=MyClientAppCert` or `CN=Connector, O=Contoso, C=US`.

/// Attribute names accepted in a subject.
pub const SUBJECT_FIELDS: [&str; 7] = ["CN", "O", "OU", "L", "ST", "C", "emailAddress"];

/// Parses a subject into (field, value) pairs; `CN` is required.
pub fn parse_subject(text: &str) -> Result<Vec<(String, String)>, String> {
    let text = text.trim().trim_start_matches('/');
    let mut entries = Vec::new();
    for part in text
        .split([',', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (field, value) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' is not FIELD=value (e.g. CN=MyClientAppCert)"))?;
        let field = SUBJECT_FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(field.trim()))
            .ok_or_else(|| {
                format!(
                    "'{}' is not a subject field; use {}",
                    field.trim(),
                    SUBJECT_FIELDS.join(", ")
                )
            })?;
        let value = value.trim();
        if value.is_empty() || value.chars().any(char::is_control) {
            return Err(format!("{field} needs a value on one line"));
        }
        if *field == "C" && value.len() != 2 {
            return Err("C is a two-letter country code".into());
        }
        entries.push(((*field).to_owned(), value.to_owned()));
    }
    if !entries.iter().any(|(f, _)| f == "CN") {
        return Err("the subject needs a common name, e.g. CN=MyClientAppCert".into());
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_parse_in_the_usual_spellings() {
        assert_eq!(
            parse_subject("CN=MyClientAppCert").unwrap(),
            [("CN".to_owned(), "MyClientAppCert".to_owned())]
        );
        let full = parse_subject("cn=Connector, o=Contoso, C=US").unwrap();
        assert_eq!(full.len(), 3);
        assert_eq!(full[1], ("O".to_owned(), "Contoso".to_owned()));
        assert_eq!(parse_subject("/CN=a/O=b").unwrap().len(), 2);
    }

    #[test]
    fn bad_subjects_are_explained() {
        assert!(
            parse_subject("MyClientAppCert")
                .unwrap_err()
                .contains("FIELD=value")
        );
        assert!(
            parse_subject("O=Contoso")
                .unwrap_err()
                .contains("common name")
        );
        assert!(
            parse_subject("XX=1, CN=a")
                .unwrap_err()
                .contains("not a subject field")
        );
        assert!(
            parse_subject("CN=a, C=USA")
                .unwrap_err()
                .contains("two-letter")
        );
    }
}
