//! The form's hardware-token (PKCS#11) fields: parsed into the profile's source, and back.

use std::path::PathBuf;

use super::draft::Pkcs11Fields;
use super::pkcs11_uri::Pkcs11Uri;
use super::profile::{CertificateSource, PasswordSource};

fn optional_path(text: &str, what: &str) -> Result<Option<PathBuf>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(char::is_control) {
        return Err(format!("the {what} path has a control character"));
    }
    Ok(Some(PathBuf::from(text)))
}

impl Pkcs11Fields {
    /// The profile's source for these fields, or why they are incomplete.
    pub fn source(&self, pin: PasswordSource) -> Result<CertificateSource, String> {
        let uri = self.uri.trim();
        if uri.is_empty() {
            return Err("give the pkcs11: URI of the key on the token (certconnect cert list --pkcs11-module PATH shows them)".into());
        }
        // Checked here so a profile never keeps a URI that cannot be used (nor a PIN in one).
        Pkcs11Uri::parse(uri).map_err(|e| e.to_string())?;
        Ok(CertificateSource::Pkcs11 {
            uri: uri.to_owned(),
            module: optional_path(&self.module, "PKCS#11 module")?,
            pin,
            cert_pem: optional_path(&self.cert_pem, "certificate file")?,
        })
    }

    /// The fields of a saved source (empty for other sources).
    pub fn of(source: &CertificateSource) -> Self {
        match source {
            CertificateSource::Pkcs11 {
                uri,
                module,
                cert_pem,
                ..
            } => Self {
                uri: uri.clone(),
                module: module
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                cert_pem: cert_pem
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            },
            _ => Self::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_make_a_source_and_come_back_from_it() {
        let fields = Pkcs11Fields {
            uri: " pkcs11:token=t;id=%01 ".into(),
            module: "/usr/lib/softhsm/libsofthsm2.so".into(),
            cert_pem: String::new(),
        };
        let source = fields.source(PasswordSource::Ask).expect("valid");
        assert_eq!(
            source,
            CertificateSource::Pkcs11 {
                uri: "pkcs11:token=t;id=%01".into(),
                module: Some("/usr/lib/softhsm/libsofthsm2.so".into()),
                pin: PasswordSource::Ask,
                cert_pem: None,
            }
        );
        assert_eq!(Pkcs11Fields::of(&source).module, fields.module);
        let pin_in_uri = Pkcs11Fields {
            uri: "pkcs11:token=t?pin-value=1234".into(),
            ..Pkcs11Fields::default()
        };
        let error = pin_in_uri.source(PasswordSource::Ask).expect_err("refused");
        assert!(error.contains("never lives in a URI"), "{error}");
        assert!(Pkcs11Fields::default().source(PasswordSource::Ask).is_err());
    }
}
