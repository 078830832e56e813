//! Property tests (issue 11, point 8): the pure parsers never panic, whatever text or bytes they
//! get. Each property runs at most 256 cases, so the file finishes in seconds.

use certconnect::core::authority::Preset;
use certconnect::core::draft::{CertKind, ProfileDraft};
use certconnect::core::headers::{format_headers, parse_headers};
use certconnect::core::jwt::{AccessTokenClaims, decode_unverified};
use certconnect::core::profile::PasswordSource;
use certconnect::core::retry::{
    RetryMode, RetrySettings, RetryTiming, format_status_codes, parse_retry_after,
    parse_status_codes,
};
use certconnect::core::{graph_response, token_response};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any text, weighted toward the characters the parsers split on.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:| \\-\\x00-\\x1f\\x7f\u{80}-\u{10ffff}]{0,80}",
        "([A-Za-z\\-]{0,12}:[ -~]{0,12}\\|{1,3}){0,6}",
    ]
}

/// JSON-ish bytes: random, or a JSON document with random values, possibly cut short.
fn json_bytes() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("access_token"),
        Just("token_type"),
        Just("expires_in"),
        Just("error"),
        Just("error_description"),
        Just("error_codes"),
        Just("trace_id"),
        Just("correlation_id"),
        Just("timestamp"),
        Just("innerError"),
        Just("code"),
        Just("message"),
        Just("request-id"),
        Just("date"),
    ];
    let value = prop_oneof![
        any::<String>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        prop::collection::vec(any::<u32>(), 0..4).prop_map(|v| serde_json::json!(v)),
        Just(serde_json::Value::Null),
        Just(serde_json::json!({ "code": "x", "message": 1, "innerError": { "date": [] } })),
    ];
    let document = prop::collection::vec((field, value), 0..8).prop_map(|fields| {
        let object: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        serde_json::json!({ "error": object.clone(), "rest": object }).to_string()
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (document, any::<prop::sample::Index>()).prop_map(|(doc, cut)| {
            let bytes = doc.into_bytes();
            let keep = cut.index(bytes.len() + 1);
            bytes[..keep].to_vec()
        }),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn header_parsing_never_panics_and_what_it_accepts_round_trips(input in text()) {
        if let Ok(headers) = parse_headers(&input) {
            let again = parse_headers(&format_headers(&headers));
            prop_assert_eq!(again.ok(), Some(headers));
        }
    }

    #[test]
    fn status_code_lists_never_panic_and_stay_in_range(input in text()) {
        if let Ok(codes) = parse_status_codes(&input) {
            prop_assert!(codes.iter().all(|c| (100..=599).contains(c)));
            prop_assert_eq!(parse_status_codes(&format_status_codes(&codes)).ok(), Some(codes));
        }
    }

    #[test]
    fn retry_after_never_panics_and_every_wait_is_capped(
        input in prop_oneof![text(), "[0-9]{1,30}", "[A-Za-z]{3}, [0-9]{1,2} [A-Za-z]{3} [0-9]{1,6} [0-9:]{8} GMT"],
        now in any::<i64>(),
        retry in any::<u32>(),
        multiply in any::<bool>(),
    ) {
        let after = parse_retry_after(&input, now);
        let settings = RetrySettings {
            mode: RetryMode::RetryAny,
            status_codes: vec![429],
            max_count: 5,
            multiply_wait: multiply,
        };
        let timing = RetryTiming::default();
        prop_assert!(settings.wait(retry, after, timing) <= timing.cap);
    }

    #[test]
    fn draft_parsing_never_panics(
        strings in prop::collection::vec(text(), 16),
        preset in prop::sample::select(Preset::ALL.to_vec()),
        kind in prop::sample::select(vec![CertKind::PfxFile, CertKind::PemFiles, CertKind::CredentialStore]),
        mode in prop::sample::select(RetryMode::ALL.to_vec()),
        flags in any::<(bool, bool, bool)>(),
    ) {
        let mut draft = ProfileDraft {
            name: strings[0].clone(),
            preset,
            tenant: strings[1].clone(),
            token_url: strings[2].clone(),
            client_id: strings[3].clone(),
            scope: strings[4].clone(),
            cert_kind: kind,
            pfx_path: strings[5].clone(),
            keystore_alias: strings[6].clone(),
            pem_cert_path: strings[7].clone(),
            pem_key_path: strings[8].clone(),
            store_entry: strings[9].clone(),
            password: if flags.0 { PasswordSource::CredentialStore { entry: strings[9].clone() } } else { PasswordSource::Ask },
            send_chain: flags.1,
            lifetime_secs: strings[10].clone(),
            graph_url: strings[11].clone(),
            site_id: strings[12].clone(),
            drive_id: strings[13].clone(),
            retry_mode: mode,
            retry_codes: strings[14].clone(),
            retry_max: strings[15].clone(),
            multiply_wait: flags.2,
            extra_headers: strings[14].clone(),
            timeout_secs: strings[15].clone(),
            ca_file: strings[5].clone(),
            ..ProfileDraft::default()
        };
        let _ = draft.parse();
        // The preset helpers rewrite URLs from what was typed: they must not panic either.
        draft.refresh_token_url();
        draft.refresh_scope();
        if let Ok(profile) = draft.parse() {
            // A valid profile comes back to the same draft and parses again.
            prop_assert!(ProfileDraft::from(&profile).parse().is_ok());
        }
    }

    #[test]
    fn a_draft_with_valid_fields_but_one_random_one_never_panics(
        value in text(),
        which in 0usize..12,
    ) {
        let mut draft = ProfileDraft {
            name: "Contoso".into(),
            tenant: "11111111-2222-3333-4444-555555555555".into(),
            client_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            pfx_path: "app.pfx".into(),
            ..ProfileDraft::default()
        };
        draft.refresh_token_url();
        let field = match which {
            0 => &mut draft.name,
            1 => &mut draft.tenant,
            2 => &mut draft.token_url,
            3 => &mut draft.client_id,
            4 => &mut draft.scope,
            5 => &mut draft.lifetime_secs,
            6 => &mut draft.graph_url,
            7 => &mut draft.site_id,
            8 => &mut draft.retry_codes,
            9 => &mut draft.retry_max,
            10 => &mut draft.extra_headers,
            _ => &mut draft.timeout_secs,
        };
        *field = value;
        let _ = draft.parse();
    }

    #[test]
    fn token_answers_never_panic(status in prop_oneof![Just(200u16), Just(400), Just(401), any::<u16>()], body in json_bytes()) {
        match token_response::parse(status, &body) {
            Ok(grant) => prop_assert!(!grant.access_token.expose().is_empty()),
            Err(error) => {
                let failure = error.to_failure();
                prop_assert!(!failure.code.is_empty() || !failure.message.is_empty());
            }
        }
        let _ = token_response::snippet(&body);
    }

    #[test]
    fn graph_errors_never_panic(status in any::<u16>(), body in json_bytes()) {
        let failure = graph_response::failure(status, &body);
        prop_assert_eq!(failure.status, Some(status));
    }

    #[test]
    fn token_payloads_never_panic(payload in json_bytes(), head in "[A-Za-z0-9_\\-.=]{0,20}") {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
        let _ = decode_unverified::<AccessTokenClaims>(&format!("{head}.{encoded}.sig"));
        let _ = decode_unverified::<AccessTokenClaims>(&head);
    }

    #[test]
    fn small_text_parsers_never_panic(input in text(), n in any::<usize>()) {
        let _ = certconnect::core::subject::parse_subject(&input);
        let _ = certconnect::core::url_rules::parse_endpoint(&input);
        let _ = certconnect::core::guid::normalize_guid(&input);
        let _ = certconnect::core::thumbprint::parse_pasted(&input);
        let name = certconnect::profile_store::imported_name(&input, n);
        prop_assert!(n < 2 || name.chars().count() <= 100 || input.chars().count() > 100);
    }

    #[test]
    fn dates_of_any_certificate_format(now in -62_135_596_800i64..253_402_300_799, then in -62_135_596_800i64..253_402_300_799) {
        // Every date an X.509 certificate can hold (years 1 to 9999), against any such clock.
        let _ = certconnect::core::time_fmt::days_between(now, then);
        let _ = certconnect::core::time_fmt::rfc3339(then);
    }
}
