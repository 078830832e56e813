use super::*;

const NEW_DER: &[u8] = b"\x30\x82\x01\x0anew certificate";
const NEW_SHA1: [u8; 20] = [0xAB; 20];

fn new_cert() -> NewCertificate<'static> {
    NewCertificate {
        der: NEW_DER,
        sha1_thumbprint: &NEW_SHA1,
        display_name: "CN=connector",
    }
}

/// Two certificates as `$select=keyCredentials` returns them, fields Graph may add included.
fn two_keys() -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(keyCredentials)/$entity",
        "keyCredentials": [
            {
                "customKeyIdentifier": "1111111111111111111111111111111111111111",
                "displayName": "CN=old",
                "endDateTime": "2027-01-01T00:00:00Z",
                "key": STANDARD.encode(b"old certificate"),
                "keyId": "aaaaaaaa-0000-0000-0000-000000000001",
                "startDateTime": "2025-01-01T00:00:00Z",
                "type": "AsymmetricX509Cert",
                "usage": "Verify"
            },
            {
                "customKeyIdentifier": "2222222222222222222222222222222222222222",
                "displayName": "CN=other",
                "endDateTime": "2028-01-01T00:00:00Z",
                "key": STANDARD.encode(b"other certificate"),
                "keyId": "aaaaaaaa-0000-0000-0000-000000000002",
                "startDateTime": "2026-01-01T00:00:00Z",
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
                "somethingGraphAddsLater": {"kept": true}
            }
        ]
    })
}

fn parse(value: &Value) -> Result<CurrentKeys, KeyCredentialsError> {
    CurrentKeys::parse(value.to_string().as_bytes())
}

#[test]
fn an_app_with_two_certificates_keeps_both_exactly_and_gains_the_new_one() {
    let current = two_keys();
    let keys = parse(&current).unwrap();
    assert_eq!(keys.len(), 2);
    let KeyMerge::Patch(body) = keys.merge(&new_cert()) else {
        panic!("the new certificate is not on the app");
    };
    let sent = body["keyCredentials"].as_array().unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0], current["keyCredentials"][0]);
    assert_eq!(sent[1], current["keyCredentials"][1]);
    assert_eq!(
        sent[2],
        json!({
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
            "key": STANDARD.encode(NEW_DER),
            "displayName": "CN=connector",
        })
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "only keyCredentials is patched"
    );
}

#[test]
fn an_app_with_no_key_gets_just_the_new_one() {
    let keys = CurrentKeys::parse(br#"{"keyCredentials":[]}"#).unwrap();
    assert!(keys.is_empty());
    assert_eq!(
        keys.merge(&new_cert()),
        KeyMerge::Patch(json!({ "keyCredentials": [new_cert().key_credential()] }))
    );
}

#[test]
fn a_certificate_already_on_the_app_is_reported_not_duplicated() {
    let mut by_der = two_keys();
    by_der["keyCredentials"][1]["key"] = json!(STANDARD.encode(NEW_DER));
    assert_eq!(
        parse(&by_der).unwrap().merge(&new_cert()),
        KeyMerge::AlreadyRegistered {
            key_id: "aaaaaaaa-0000-0000-0000-000000000002".into()
        }
    );
    let mut by_hex = two_keys();
    by_hex["keyCredentials"][0]["customKeyIdentifier"] =
        json!("abababababababababababababababababababab");
    assert_eq!(
        parse(&by_hex).unwrap().merge(&new_cert()),
        KeyMerge::AlreadyRegistered {
            key_id: "aaaaaaaa-0000-0000-0000-000000000001".into()
        }
    );
    let mut by_base64 = two_keys();
    by_base64["keyCredentials"][0]["customKeyIdentifier"] = json!(STANDARD.encode(NEW_SHA1));
    assert!(matches!(
        parse(&by_base64).unwrap().merge(&new_cert()),
        KeyMerge::AlreadyRegistered { .. }
    ));
}

#[test]
fn keys_read_without_their_certificate_are_refused_so_none_is_dropped() {
    let mut without_key = two_keys();
    without_key["keyCredentials"][1]["key"] = Value::Null;
    assert_eq!(
        parse(&without_key),
        Err(KeyCredentialsError::KeyValueMissing {
            key_id: "aaaaaaaa-0000-0000-0000-000000000002".into()
        })
    );
    assert_eq!(
        CurrentKeys::parse(b"{}"),
        Err(KeyCredentialsError::NoCollection)
    );
    assert_eq!(
        CurrentKeys::parse(b"<html>"),
        Err(KeyCredentialsError::NoCollection)
    );
    assert_eq!(
        CurrentKeys::parse(br#"{"keyCredentials":[1]}"#),
        Err(KeyCredentialsError::NotAnObject(1))
    );
}

#[test]
fn summaries_show_key_id_thumbprint_and_expiry() {
    let mut current = two_keys();
    current["keyCredentials"][1]["customKeyIdentifier"] = json!(STANDARD.encode(NEW_SHA1));
    let summaries = parse(&current).unwrap().summaries();
    assert_eq!(
        summaries[0],
        KeySummary {
            key_id: "aaaaaaaa-0000-0000-0000-000000000001".into(),
            display_name: Some("CN=old".into()),
            thumbprint: Some("1111111111111111111111111111111111111111".into()),
            expires: Some("2027-01-01T00:00:00Z".into()),
        }
    );
    assert_eq!(
        summaries[1].thumbprint.as_deref(),
        Some("ABABABABABABABABABABABABABABABABABABABAB")
    );
}
