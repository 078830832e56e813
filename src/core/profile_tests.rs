//! A profile stays valid through every transformation: what could break a rule is checked as the
//! form checks it, and a refused change leaves no invalid profile behind.

use super::draft::{CertKind, Field, ProfileDraft};
use super::profile::{CertificateInfo, CertificateSource, Origin, PasswordSource, Profile};

const CLIENT_ID: &str = "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b";
const OBJECT_ID: &str = "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42";

fn profile() -> Profile {
    let mut draft = ProfileDraft {
        id: "id-1".into(),
        name: "Prod".into(),
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: CLIENT_ID.into(),
        pfx_path: "/certs/app.pfx".into(),
        ..ProfileDraft::default()
    };
    draft.refresh_token_url();
    draft.parse().expect("valid profile")
}

/// Whether the form's rules accept the profile as it is.
fn is_valid(profile: &Profile) -> bool {
    ProfileDraft::from(profile).parse().as_ref() == Ok(profile)
}

#[test]
fn renaming_checks_the_name_as_the_form_does() {
    let renamed = profile().renamed("  Test  ").unwrap();
    assert_eq!(renamed.name(), "Test", "trimmed as the form trims");
    assert_eq!(renamed.id(), "id-1", "the identity stays");
    assert!(is_valid(&renamed));
    for bad in ["", "   ", "tab\there", &"n".repeat(101)] {
        let error = profile().renamed(bad).expect_err(bad);
        assert_eq!(error.field, Field::Name, "{bad:?}");
    }
}

#[test]
fn a_certificate_source_is_checked_and_read_as_the_form_reads_it() {
    let empty = profile().with_certificate(CertificateSource::PfxFile {
        path: "".into(),
        password: PasswordSource::Ask,
        alias: None,
    });
    assert_eq!(empty.unwrap_err().field, Field::Certificate);
    let control = profile().with_certificate(CertificateSource::CredentialStore {
        entry: "a\nb".into(),
    });
    assert_eq!(control.unwrap_err().field, Field::Certificate);
    let store = profile()
        .with_certificate(CertificateSource::WindowsStore {
            location: super::profile::StoreLocation::LocalMachine,
            thumbprint: "84e05c1d98bce3a5421d225b140b36e86a3d5534".into(),
        })
        .unwrap();
    assert!(is_valid(&store));
    assert_eq!(
        *store.certificate(),
        CertificateSource::WindowsStore {
            location: super::profile::StoreLocation::LocalMachine,
            thumbprint: "84E05C1D98BCE3A5421D225B140B36E86A3D5534".into(),
        },
        "the thumbprint as the form writes it"
    );
    let short = profile().with_certificate(CertificateSource::WindowsStore {
        location: super::profile::StoreLocation::CurrentUser,
        thumbprint: "84E05C".into(),
    });
    assert_eq!(short.unwrap_err().field, Field::Certificate);
}

#[test]
fn the_object_id_is_a_guid_and_not_the_client_id() {
    let with = profile().with_object_id(&OBJECT_ID.to_uppercase()).unwrap();
    assert_eq!(with.object_id(), Some(OBJECT_ID), "normalised");
    assert_eq!(with.clone().with_object_id("").unwrap().object_id(), None);
    for bad in [CLIENT_ID, "not a guid"] {
        let error = profile().with_object_id(bad).expect_err(bad);
        assert_eq!(error.field, Field::ObjectId, "{bad}");
    }
}

#[test]
fn a_password_source_applies_only_to_a_file_that_has_one() {
    let entry = PasswordSource::CredentialStore {
        entry: "certconnect-password-id-1".into(),
    };
    let remembered = profile().with_password_source(entry.clone());
    assert_eq!(*remembered.certificate().password(), entry);
    let in_store = profile()
        .edited(|d| {
            d.cert_kind = CertKind::CredentialStore;
            d.store_entry = "prod-cert".into();
        })
        .unwrap();
    assert_eq!(in_store.clone().with_password_source(entry), in_store);
}

#[test]
fn id_origin_and_facts_change_nothing_the_form_checks() {
    let info = CertificateInfo {
        subject: "CN=app".into(),
        thumbprint_sha1: "84E05C1D98BCE3A5421D225B140B36E86A3D5534".into(),
        not_after: 2_000_000_000,
    };
    let changed = profile()
        .with_id("id-2")
        .with_origin(Origin::Imported {
            brought_entries: vec!["prod-cert".into()],
        })
        .with_certificate_facts(Some(info.clone()));
    assert!(is_valid(&changed));
    assert_eq!(changed.id(), "id-2");
    assert_eq!(changed.certificate_info(), Some(&info));
    assert!(!changed.origin().is_local());
}

#[test]
fn an_edit_is_checked_in_full() {
    let errors = profile()
        .edited(|d| {
            d.site_id = "a site".into();
            d.timeout_secs = "0".into();
        })
        .unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, [Field::SiteId, Field::Timeout]);
    let edited = profile().edited(|d| d.site_id = "hr".into()).unwrap();
    assert_eq!(edited.site_id(), "hr");
}

#[test]
fn the_same_connection_ignores_only_id_name_and_facts() {
    let base = profile();
    let other = base
        .clone()
        .renamed("Other")
        .unwrap()
        .with_id("id-2")
        .with_certificate_facts(None);
    assert!(base.same_connection(&other));
    let moved = base.edited(|d| d.site_id = "hr".into()).unwrap();
    assert!(!base.same_connection(&moved));
    let imported = base.clone().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    assert!(!base.same_connection(&imported));
}

#[test]
fn a_hardware_token_source_is_checked_as_the_form_checks_it_and_reads_back() {
    let source = CertificateSource::Pkcs11 {
        uri: "pkcs11:token=app-token;id=%01".into(),
        module: Some("/usr/lib/softhsm/libsofthsm2.so".into()),
        pin: PasswordSource::Ask,
        cert_pem: None,
    };
    let token = profile().with_certificate(source.clone()).unwrap();
    assert!(is_valid(&token));
    assert_eq!(*token.certificate(), source);
    let text = ron::to_string(&token).unwrap();
    assert_eq!(ron::from_str::<Profile>(&text).unwrap(), token);
    let remembered = PasswordSource::CredentialStore {
        entry: "pfx-password/id-1".into(),
    };
    let with_pin = token.with_password_source(remembered.clone());
    assert_eq!(*with_pin.certificate().password(), remembered);
    assert!(with_pin.certificate().needs_credential_store());
    for uri in [
        "pkcs11:token=t?pin-value=1234",
        "file:/x",
        "pkcs11:x-vendor=1",
    ] {
        let refused = profile().with_certificate(CertificateSource::Pkcs11 {
            uri: uri.into(),
            module: None,
            pin: PasswordSource::Ask,
            cert_pem: None,
        });
        assert_eq!(refused.unwrap_err().field, Field::Certificate, "{uri}");
    }
}
