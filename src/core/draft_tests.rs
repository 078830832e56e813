//! Form input → checked profile: every field's rule, and the round trip back to the form.

use super::authority::Preset;
use super::draft::{CertKind, Field, PemFile, ProfileDraft};
use super::profile::{CertificateSource, PasswordSource};
use super::retry::RetryMode;

const CLIENT_ID: &str = "8A2F6A6B-0C1D-4E5F-9A8B-7C6D5E4F3A2B";
const TENANT: &str = "contoso.onmicrosoft.com";

fn valid() -> ProfileDraft {
    let mut draft = ProfileDraft {
        name: "Contoso SharePoint".into(),
        tenant: TENANT.into(),
        client_id: CLIENT_ID.into(),
        pfx_path: "C:\\certs\\private_key.pfx".into(),
        ..ProfileDraft::default()
    };
    draft.refresh_token_url();
    draft
}

fn fields_in_error(draft: &ProfileDraft) -> Vec<Field> {
    draft
        .parse()
        .expect_err("should fail")
        .iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn defaults_mirror_the_connector_dialog() {
    let draft = ProfileDraft::default();
    assert_eq!(draft.preset, Preset::SingleTenant);
    assert_eq!(draft.site_id, "root");
    assert_eq!(draft.retry_mode, RetryMode::RetryWhenStatusCodeMatch);
    assert_eq!(draft.retry_codes, "429|503|423");
    assert_eq!(draft.retry_max, "5");
    assert!(draft.multiply_wait);
    assert!(!draft.non_indexed_search);
    assert_eq!(draft.scope, "https://graph.microsoft.com/.default");
    assert_eq!(draft.graph_url, "https://graph.microsoft.com/v1.0");
}

#[test]
fn a_filled_form_parses_into_a_profile() {
    let profile = valid().parse().expect("valid");
    assert_eq!(profile.client_id, CLIENT_ID.to_ascii_lowercase());
    assert_eq!(
        profile.authority.token_url.as_str(),
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    );
    assert_eq!(profile.site_id, "root");
    assert_eq!(profile.drive_id, None);
    assert_eq!(profile.retry.status_codes, [429, 503, 423]);
    assert!(matches!(
        profile.certificate,
        CertificateSource::PfxFile {
            password: PasswordSource::Ask,
            ..
        }
    ));
    assert!(profile.warnings().is_empty());
}

#[test]
fn the_profile_round_trips_through_the_form() {
    let mut draft = valid();
    draft.extra_headers = "H1:AAA||H2:BBB".into();
    draft.drive_id = "b!abc".into();
    draft.ca_file = "/etc/ssl/corp.pem".into();
    draft.cert_kind = CertKind::PemFiles;
    draft.pem_cert_path = "app.pem".into();
    draft.pem_key_path = "app.key".into();
    draft.id = "0b9f3c2e-1d4a-4c55-9e7b-2a6f8d0c1e3b".into();
    let profile = draft.parse().unwrap();
    assert_eq!(
        profile.id, draft.id,
        "the id is carried through, never re-made"
    );
    let again = ProfileDraft::from(&profile).parse().unwrap();
    assert_eq!(profile, again);
    assert_eq!(ProfileDraft::from(&profile).extra_headers, "H1:AAA||H2:BBB");
}

#[test]
fn each_bad_field_is_reported_under_its_own_label() {
    type Spoil = fn(&mut ProfileDraft);
    let cases: Vec<(Spoil, Field)> = vec![
        (|d| d.name = "  ".into(), Field::Name),
        (|d| d.client_id = "not-a-guid".into(), Field::ClientId),
        (
            |d| d.client_id = "8a2f6a6b0c1d4e5f9a8b7c6d5e4f3a2b".into(),
            Field::ClientId,
        ),
        (
            |d| d.token_url = "login.microsoftonline.com/x/oauth2/v2.0/token".into(),
            Field::TokenUrl,
        ),
        (
            |d| d.token_url = "http://login.example.com/t/oauth2/v2.0/token".into(),
            Field::TokenUrl,
        ),
        (
            |d| d.graph_url = "http://graph.example.com/v1.0".into(),
            Field::GraphUrl,
        ),
        (|d| d.extra_headers = "H1AAA".into(), Field::ExtraHeaders),
        (
            |d| d.extra_headers = "H1:a\r\nX: y".into(),
            Field::ExtraHeaders,
        ),
        (
            |d| d.retry_codes = "429,503".into(),
            Field::RetryStatusCodes,
        ),
        (|d| d.retry_codes = String::new(), Field::RetryStatusCodes),
        (|d| d.retry_max = "-1".into(), Field::RetryMaxCount),
        (|d| d.lifetime_secs = "10".into(), Field::Lifetime),
        (|d| d.timeout_secs = "0".into(), Field::Timeout),
        (|d| d.pfx_path = String::new(), Field::Certificate),
        (|d| d.drive_id = "a/b".into(), Field::DriveId),
        (|d| d.scope = "a b".into(), Field::Scope),
    ];
    for (spoil, field) in cases {
        let mut draft = valid();
        spoil(&mut draft);
        assert_eq!(fields_in_error(&draft), [field], "{draft:?}");
    }
}

#[test]
fn all_errors_are_reported_at_once() {
    let mut draft = valid();
    draft.client_id = "x".into();
    draft.retry_codes = "abc".into();
    draft.extra_headers = "nocolon".into();
    assert_eq!(
        fields_in_error(&draft),
        [
            Field::ClientId,
            Field::RetryStatusCodes,
            Field::ExtraHeaders
        ]
    );
}

#[test]
fn the_tenant_is_required_and_checked_for_tenant_presets() {
    let mut draft = valid();
    draft.tenant = String::new();
    draft.refresh_token_url();
    assert_eq!(fields_in_error(&draft), [Field::Tenant, Field::TokenUrl]);
    draft.tenant = "common".into();
    draft.refresh_token_url();
    assert_eq!(fields_in_error(&draft), [Field::Tenant]);
}

#[test]
fn multi_tenant_is_allowed_with_a_warning() {
    let mut draft = valid();
    draft.apply_preset(Preset::MultiTenant);
    let profile = draft.parse().unwrap();
    assert!(profile.authority.token_url.as_str().contains("/common/"));
    assert_eq!(profile.warnings()[0].field, Field::TokenUrl);
}

#[test]
fn national_cloud_presets_fill_token_graph_and_scope() {
    let mut draft = valid();
    draft.apply_preset(Preset::UsGovernmentDod);
    assert_eq!(
        draft.token_url,
        "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token"
    );
    assert_eq!(draft.graph_url, "https://dod-graph.microsoft.us/v1.0");
    assert_eq!(draft.scope, "https://dod-graph.microsoft.us/.default");
    draft.apply_preset(Preset::Custom);
    assert_eq!(
        draft.graph_url, "https://dod-graph.microsoft.us/v1.0",
        "custom keeps what is there"
    );
}

#[test]
fn a_scope_without_default_parses_but_warns() {
    let mut draft = valid();
    draft.scope = "https://graph.microsoft.com/Sites.Read.All".into();
    let profile = draft.parse().unwrap();
    assert_eq!(profile.warnings()[0].field, Field::Scope);
}

#[test]
fn loopback_http_is_allowed_for_the_sandbox() {
    let mut draft = valid();
    draft.apply_preset(Preset::Custom);
    draft.token_url = "http://127.0.0.1:8400/tenant/oauth2/v2.0/token".into();
    draft.graph_url = "http://127.0.0.1:8400/v1.0".into();
    assert!(draft.parse().is_ok());
}

#[test]
fn a_windows_store_certificate_is_chosen_by_its_sha1_thumbprint() {
    use super::profile::StoreLocation;
    let mut draft = valid();
    draft.cert_kind = CertKind::WindowsStore;
    draft.windows_location = StoreLocation::LocalMachine;
    // As certmgr copies it: lower case, spaced, with an invisible left-to-right mark.
    draft.windows_thumbprint =
        "\u{200e}84 e0 5c 1d 98 bc e3 a5 42 1d 22 5b 14 0b 36 e8 6a 3d 55 34".into();
    let profile = draft.parse().unwrap();
    assert_eq!(
        profile.certificate,
        CertificateSource::WindowsStore {
            location: StoreLocation::LocalMachine,
            thumbprint: "84E05C1D98BCE3A5421D225B140B36E86A3D5534".into(),
        }
    );
    assert_eq!(profile.certificate.password(), &PasswordSource::None);
    let again = ProfileDraft::from(&profile);
    assert_eq!(again.cert_kind, CertKind::WindowsStore);
    assert_eq!(again.windows_location, StoreLocation::LocalMachine);
    assert_eq!(again.parse().unwrap(), profile);
    // Saved as RON and read back unchanged.
    let ron = ron::to_string(&profile).unwrap();
    assert!(ron.contains("WindowsStore"), "{ron}");
    assert_eq!(
        ron::from_str::<super::profile::Profile>(&ron).unwrap(),
        profile
    );

    for (typed, says) in [
        (
            "",
            "choose a certificate from the Windows certificate store",
        ),
        ("84e05c", "has 6"),
        (&"A".repeat(64), "SHA-1 thumbprint (40 hex digits)"),
    ] {
        draft.windows_thumbprint = typed.to_string();
        let errors = draft.parse().unwrap_err();
        let certificate = errors
            .iter()
            .find(|e| e.field == Field::Certificate)
            .unwrap();
        assert!(
            certificate.message.contains(says),
            "{typed:?}: {}",
            certificate.message
        );
    }
}

#[test]
fn store_locations_read_as_powershell_and_the_dialog_name_them() {
    use super::profile::StoreLocation;
    for (text, want) in [
        ("CurrentUser", StoreLocation::CurrentUser),
        ("currentuser", StoreLocation::CurrentUser),
        ("user", StoreLocation::CurrentUser),
        ("LocalMachine", StoreLocation::LocalMachine),
        (" machine ", StoreLocation::LocalMachine),
        ("LOCALMACHINE", StoreLocation::LocalMachine),
    ] {
        assert_eq!(text.parse::<StoreLocation>(), Ok(want), "{text}");
    }
    assert!(
        "Root"
            .parse::<StoreLocation>()
            .unwrap_err()
            .contains("CurrentUser or LocalMachine")
    );
    assert!("My".parse::<StoreLocation>().is_err());
    for location in StoreLocation::ALL {
        assert_eq!(location.to_string().parse::<StoreLocation>(), Ok(location));
    }
    assert_eq!(StoreLocation::default(), StoreLocation::CurrentUser);
    assert_eq!(StoreLocation::CurrentUser.label(), "User Store");
    assert_eq!(StoreLocation::LocalMachine.label(), "Machine Store");
    assert_eq!(
        StoreLocation::LocalMachine.path(),
        "Cert:\\LocalMachine\\My"
    );
    assert_eq!(StoreLocation::LocalMachine.to_string(), "LocalMachine");
}

#[test]
fn the_application_object_id_is_optional_a_guid_and_never_the_client_id() {
    let draft = valid();
    assert_eq!(draft.parse().unwrap().object_id, None);

    let mut draft = valid();
    draft.object_id = " 3C5D9E71-2B4F-4A6E-8D1C-0F9E8D7C6B5A ".into();
    let profile = draft.parse().unwrap();
    assert_eq!(
        profile.object_id.as_deref(),
        Some("3c5d9e71-2b4f-4a6e-8d1c-0f9e8d7c6b5a")
    );
    assert_eq!(
        ProfileDraft::from(&profile).parse().unwrap(),
        profile,
        "round trip"
    );

    let mut draft = valid();
    draft.object_id = "object".into();
    assert_eq!(fields_in_error(&draft), [Field::ObjectId]);

    // The client ID pasted where the object ID goes (the portal shows both on one page).
    let mut draft = valid();
    draft.object_id = CLIENT_ID.to_ascii_lowercase();
    let errors = draft.parse().unwrap_err();
    assert_eq!(errors[0].field, Field::ObjectId);
    assert!(
        errors[0].message.contains("this is the Client ID"),
        "{}",
        errors[0].message
    );
}

#[test]
fn inputs_of_a_source_not_chosen_are_never_used() {
    let chosen = valid();
    let mut hidden = valid();
    hidden.store_entry = "certconnect-cert-other".into();
    hidden.windows_thumbprint = "0".repeat(40);
    hidden.pem_cert_path = "/elsewhere/cert.pem".into();
    hidden.pem_key_path = "/elsewhere/key.pem".into();
    assert_eq!(hidden.certificate_source(), chosen.certificate_source());
    assert_eq!(hidden.password_target(), chosen.password_target());

    let mut pem = valid();
    pem.cert_kind = CertKind::PemFiles;
    pem.pem_cert_path = "/c.pem".into();
    pem.pem_key_path = "/k.pem".into();
    let mut pem_with_alias = pem.clone();
    pem_with_alias.keystore_alias = "an-alias".into();
    pem_with_alias.pfx_path = "/other.pfx".into();
    assert_eq!(
        pem_with_alias.certificate_source(),
        pem.certificate_source()
    );
}

#[test]
fn a_typed_password_is_for_the_chosen_files_only_while_one_is_asked_for() {
    let mut draft = valid();
    draft.password = PasswordSource::Ask;
    let pfx = draft.password_target();
    assert!(pfx.is_some());
    draft.pfx_path = "/another.pfx".into();
    assert_ne!(draft.password_target(), pfx, "another file");
    draft.password = PasswordSource::None;
    assert_eq!(draft.password_target(), None, "no password");
    draft.password = PasswordSource::Ask;
    draft.cert_kind = CertKind::CredentialStore;
    assert_eq!(draft.password_target(), None, "not a file");
}

const SANDBOX_TOKEN: &str =
    "http://127.0.0.1:8400/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token";

#[test]
fn a_pasted_sandbox_token_url_offers_its_graph_and_tenant() {
    let mut draft = valid();
    draft.preset = Preset::Custom;
    draft.token_url = SANDBOX_TOKEN.into();
    draft.show_url_tenant();
    assert_eq!(draft.tenant, "11111111-2222-3333-4444-555555555555");
    assert!(draft.graph_mismatch().unwrap().certain);
    let offers = draft.graph_offers();
    assert_eq!(offers.len(), 1);
    draft.apply_matching(&offers[0]);
    assert_eq!(draft.graph_url, "http://127.0.0.1:8400/v1.0");
    assert_eq!(draft.scope, "http://127.0.0.1:8400/.default");
    assert_eq!(draft.token_url, SANDBOX_TOKEN, "the pasted URL stays");
    assert!(draft.graph_offers().is_empty(), "nothing more to offer");
    let profile = draft.parse().unwrap();
    assert!(profile.graph_mismatch().is_none());
    assert!(profile.warnings().is_empty());
}

#[test]
fn a_pasted_cloud_token_url_selects_its_preset_and_tenant() {
    let mut draft = valid();
    draft.preset = Preset::Custom;
    draft.token_url =
        "https://login.microsoftonline.us/fabrikam.onmicrosoft.us/oauth2/v2.0/token".into();
    let offers = draft.graph_offers();
    assert_eq!(offers.len(), 2, "GCC High and DoD share the login host");
    draft.apply_matching(&offers[0]);
    assert_eq!(draft.preset, Preset::UsGovernment);
    assert_eq!(draft.tenant, "fabrikam.onmicrosoft.us");
    assert_eq!(
        draft.token_url,
        "https://login.microsoftonline.us/fabrikam.onmicrosoft.us/oauth2/v2.0/token"
    );
    assert_eq!(draft.graph_url, "https://graph.microsoft.us/v1.0");
    assert_eq!(draft.scope, "https://graph.microsoft.us/.default");
}

#[test]
fn a_graph_url_that_only_looks_wrong_is_a_warning_on_the_graph_url() {
    let mut draft = valid();
    draft.graph_url = "https://graph-gateway.contoso.com/v1.0".into();
    let profile = draft.parse().unwrap();
    let warnings = profile.warnings();
    assert_eq!(warnings[0].field, Field::GraphUrl);
    assert!(
        warnings[0]
            .message
            .contains("the Graph URL on the Graph tab"),
        "{}",
        warnings[0].message
    );
    assert!(!profile.graph_mismatch().unwrap().certain);
}

#[test]
fn a_custom_profile_shows_the_tenant_its_url_names() {
    let mut draft = valid();
    draft.apply_preset(Preset::Custom);
    draft.token_url = SANDBOX_TOKEN.into();
    draft.graph_url = "http://127.0.0.1:8400/v1.0".into();
    draft.tenant = String::new();
    let profile = draft.parse().unwrap();
    assert_eq!(
        ProfileDraft::from(&profile).tenant,
        "11111111-2222-3333-4444-555555555555"
    );
    assert_eq!(ProfileDraft::from(&profile).parse().unwrap(), profile);
}

#[test]
fn a_pem_problem_is_about_the_first_file_that_fails() {
    let mut draft = valid();
    assert_eq!(draft.pem_file_at_fault(), None, "not PEM files");
    draft.cert_kind = CertKind::PemFiles;
    assert_eq!(draft.pem_file_at_fault(), Some(PemFile::Certificate));
    draft.pem_cert_path = "/c.pem".into();
    assert_eq!(draft.pem_file_at_fault(), Some(PemFile::PrivateKey));
    draft.pem_key_path = "/k\u{7}.pem".into();
    assert_eq!(draft.pem_file_at_fault(), Some(PemFile::PrivateKey));
    draft.pem_key_path = "/k.pem".into();
    assert_eq!(draft.pem_file_at_fault(), None);
}

#[test]
fn a_key_vault_certificate_is_kept_by_its_identifier_and_access_in_the_profiles_cloud() {
    use super::key_vault::VaultAccess;
    let mut draft = valid();
    draft.cert_kind = CertKind::KeyVault;
    draft.key_vault_url = " https://contoso.vault.azure.net/certificates/app-cert/ ".into();
    draft.vault_access = VaultAccess::ManagedIdentity { client_id: None };
    let profile = draft.parse().unwrap();
    assert_eq!(
        profile.certificate,
        CertificateSource::KeyVault {
            url: "https://contoso.vault.azure.net/certificates/app-cert".into(),
            access: VaultAccess::ManagedIdentity { client_id: None },
        }
    );
    let again = ProfileDraft::from(&profile);
    assert_eq!(again.cert_kind, CertKind::KeyVault);
    assert_eq!(again.parse().unwrap(), profile);
    let ron = ron::to_string(&profile).unwrap();
    assert_eq!(
        ron::from_str::<super::profile::Profile>(&ron).unwrap(),
        profile
    );
    // A US Government vault does not take the global cloud's tokens.
    draft.key_vault_url = "https://contoso.vault.usgovcloudapi.net/certificates/app-cert".into();
    assert!(draft.parse().is_err());
    draft.apply_preset(Preset::UsGovernment);
    assert!(draft.parse().is_ok());
    draft.key_vault_url = String::new();
    assert!(draft.parse().is_err());
}
