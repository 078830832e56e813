//! The `pkcs11:` URI parser and printer against RFC 7512's examples and its edges.

use super::pkcs11_uri::{ObjectType, Pkcs11Uri, Pkcs11UriError};

fn parse(text: &str) -> Pkcs11Uri {
    Pkcs11Uri::parse(text).expect("a valid URI")
}

#[test]
fn rfc_examples_parse() {
    assert_eq!(parse("pkcs11:"), Pkcs11Uri::default());
    let uri = parse("pkcs11:object=my-pubkey;type=public");
    assert_eq!(uri.object.as_deref(), Some("my-pubkey"));
    assert_eq!(uri.object_type, Some(ObjectType::Public));
    let uri = parse(
        "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=",
    );
    assert_eq!(uri.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
    assert_eq!(uri.manufacturer.as_deref(), Some("Snake Oil, Inc."));
    assert_eq!(uri.serial.as_deref(), Some(""));
    assert_eq!(
        uri.id.as_deref(),
        Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
    );
    let uri = parse(
        "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-source=file:/etc/token",
    );
    assert_eq!(uri.pin_source.as_deref(), Some("file:/etc/token"));
    let uri = parse("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11");
    assert_eq!(uri.module_name.as_deref(), Some("mypkcs11"));
    let uri = parse("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1");
    assert_eq!(uri.module_path.as_deref(), Some("/mnt/libmypkcs11.so.1"));
    let uri = parse("pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1");
    assert_eq!(
        uri.token.as_deref(),
        Some("Name with a small A with acute: \u{e1}")
    );
    // The RFC's example with a vendor path attribute: certconnect cannot honour it, so refuses it.
    assert_eq!(
        Pkcs11Uri::parse(
            "pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a"
        ),
        Err(Pkcs11UriError::UnknownPathAttribute("vendor-aaa".into()))
    );
}

#[test]
fn unknown_path_attributes_are_refused_and_unknown_query_attributes_kept() {
    // RFC 7512 3.3: a consumer that cannot honour a path attribute must not match anything.
    assert_eq!(
        Pkcs11Uri::parse("pkcs11:token=t;x-vendor=v"),
        Err(Pkcs11UriError::UnknownPathAttribute("x-vendor".into()))
    );
    let uri = parse("pkcs11:token=t?x-vendor=a%20b&other=c");
    assert_eq!(
        uri.other_query,
        vec![
            ("x-vendor".into(), "a b".into()),
            ("other".into(), "c".into())
        ]
    );
    assert_eq!(uri.to_string(), "pkcs11:token=t?x-vendor=a%20b&other=c");
}

#[test]
fn a_pin_value_is_refused_with_the_reason() {
    let error = Pkcs11Uri::parse("pkcs11:token=t?pin-value=1234").expect_err("refused");
    assert_eq!(error, Pkcs11UriError::PinInUri);
    let text = error.to_string();
    assert!(text.contains("never lives in a URI or a profile"), "{text}");
    assert!(!text.contains("1234"), "{text}");
}

#[test]
fn malformed_uris_are_refused() {
    assert_eq!(Pkcs11Uri::parse("file:/x"), Err(Pkcs11UriError::NotPkcs11));
    assert_eq!(Pkcs11Uri::parse("pkcs1"), Err(Pkcs11UriError::NotPkcs11));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:id=%0"),
        Err(Pkcs11UriError::BadPercent(_))
    ));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:id=%zz"),
        Err(Pkcs11UriError::BadPercent(_))
    ));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:object=a b"),
        Err(Pkcs11UriError::Unencoded(_))
    ));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:object"),
        Err(Pkcs11UriError::NoValue(_))
    ));
    assert_eq!(
        Pkcs11Uri::parse("pkcs11:object=a;object=b"),
        Err(Pkcs11UriError::Repeated("object".into()))
    );
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:type=key"),
        Err(Pkcs11UriError::BadType(_))
    ));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:slot-id=x"),
        Err(Pkcs11UriError::BadSlotId(_))
    ));
    assert!(matches!(
        Pkcs11Uri::parse("pkcs11:object=%FF"),
        Err(Pkcs11UriError::NotText(_))
    ));
    // The scheme is case-insensitive, and a pasted URI keeps working with spaces around it.
    assert_eq!(parse("  PKCS11:object=a \n").object.as_deref(), Some("a"));
}

#[test]
fn printing_encodes_what_must_be_and_round_trips() {
    let uri = Pkcs11Uri {
        token: Some("My token #1".into()),
        object: Some("key;with/odd?chars%".into()),
        id: Some(vec![0x01, 0xab]),
        serial: Some("0123abcd".into()),
        object_type: Some(ObjectType::Private),
        module_path: Some("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so".into()),
        ..Pkcs11Uri::default()
    };
    let printed = uri.to_string();
    assert_eq!(
        printed,
        "pkcs11:object=key%3Bwith%2Fodd%3Fchars%25;serial=0123abcd;token=My%20token%20%231;type=private;id=%01%AB?module-path=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
    );
    assert_eq!(parse(&printed), uri);
    assert_eq!(uri.id_hex().as_deref(), Some("01ab"));
    assert_eq!(
        uri.without_query().to_string(),
        "pkcs11:object=key%3Bwith%2Fodd%3Fchars%25;serial=0123abcd;token=My%20token%20%231;type=private;id=%01%AB"
    );
    // A Windows module path: the drive colon and backslashes survive.
    let windows = parse("pkcs11:token=t?module-path=C:%5CWindows%5CSystem32%5Copensc-pkcs11.dll");
    assert_eq!(
        windows.module_path.as_deref(),
        Some("C:\\Windows\\System32\\opensc-pkcs11.dll")
    );
    assert_eq!(parse(&windows.to_string()), windows);
}

#[test]
fn every_byte_round_trips_in_every_text_attribute_and_id() {
    let all: String = (1u8..=0x7f).map(char::from).chain("é€".chars()).collect();
    let uri = Pkcs11Uri {
        token: Some(all.clone()),
        object: Some(all.clone()),
        module_path: Some(all.clone()),
        id: Some((0u8..=255).collect()),
        ..Pkcs11Uri::default()
    };
    assert_eq!(parse(&uri.to_string()), uri);
}
