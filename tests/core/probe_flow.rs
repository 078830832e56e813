//! The whole test connection against the in-process sandbox: success paths, Entra's refusals.

use crate::support;

use certconnect::core::event::{Step, TestEvent};
use certconnect::core::profile::{AssertionAlgorithm, PasswordSource};
use certconnect::sandbox::RegisteredApp;
use support::probe_env::{CLIENT_ID, Env, PASSWORD, failure_code, pem_draft, read_cert};
use support::s;

#[test]
fn a_registered_certificate_connects_through_every_step() {
    let env = Env::new();
    let (result, events) = env.run(env.profile());
    let summary = result.unwrap();
    assert_eq!(summary.site.as_deref(), Some("Sandbox Team Site"));
    assert_eq!(summary.drive.as_deref(), Some("Documents"));
    assert_eq!(summary.first_item.as_deref(), Some("Welcome.docx"));
    assert_eq!(summary.roles, ["Sites.Read.All", "Files.Read.All"]);
    let done: Vec<Step> = events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Done { step, .. } => Some(*step),
            _ => None,
        })
        .collect();
    assert_eq!(done, Step::ALL);
    let started = events
        .iter()
        .filter(|e| matches!(e, TestEvent::Started { .. }))
        .count();
    assert_eq!(started, Step::ALL.len());
}

#[test]
fn every_certificate_kind_connects() {
    let env = Env::with(|_| {});
    let ws = &env.ws;
    // Each kind gets its own key and certificate, registered on the app.
    let mut kinds: Vec<(
        &str,
        certconnect::core::draft::ProfileDraft,
        std::path::PathBuf,
    )> = Vec::new();
    for (name, extra) in [("legacy", vec!["-legacy"]), ("modern", vec![])] {
        let key = ws.rsa_key(&format!("{name}.key"), 2048);
        let cert = ws.self_signed(&format!("{name}.pem"), &key, "/CN=Kind", 365);
        let pfx = ws.pfx(&format!("{name}.pfx"), &key, &cert, PASSWORD, &extra);
        let mut draft = env.draft();
        draft.pfx_path = s(&pfx).into();
        kinds.push((name, draft, cert));
    }
    let key = ws.rsa_key("empty.key", 2048);
    let cert = ws.self_signed("empty.pem", &key, "/CN=Empty", 365);
    let pfx = ws.pfx("empty.pfx", &key, &cert, "", &[]);
    let mut draft = env.draft();
    draft.pfx_path = s(&pfx).into();
    draft.password = PasswordSource::None;
    kinds.push(("empty password", draft, cert));

    let (ca, leaf_key, leaf) = ws.ca_and_leaf();
    let pfx = ws.pfx(
        "chain.pfx",
        &leaf_key,
        &leaf,
        PASSWORD,
        &["-certfile", s(&ca)],
    );
    let mut draft = env.draft();
    draft.pfx_path = s(&pfx).into();
    draft.send_chain = true;
    kinds.push(("chain", draft, leaf.clone()));

    ws.keytool_key("ks.p12", "PKCS12", "c", "Keytool", PASSWORD);
    ws.run(
        "keytool",
        &[
            "-exportcert",
            "-alias",
            "c",
            "-keystore",
            "ks.p12",
            "-storepass",
            PASSWORD,
            "-rfc",
            "-file",
            "ks.pem",
        ],
    );
    let mut draft = env.draft();
    draft.pfx_path = s(&ws.path("ks.p12")).into();
    kinds.push(("keytool", draft, ws.path("ks.pem")));

    let key = ws.rsa_key("pem.key", 2048);
    let cert = ws.self_signed("pem.pem", &key, "/CN=Pem", 365);
    ws.encrypted_pkcs8(&key, PASSWORD, "pem-enc.key");
    ws.openssl(&["rsa", "-in", s(&key), "-traditional", "-out", "pem-rsa.key"]);
    for (name, key_file) in [
        ("pkcs8", key.clone()),
        ("encrypted pkcs8", ws.path("pem-enc.key")),
        ("rsa private key", ws.path("pem-rsa.key")),
    ] {
        let mut draft = env.draft();
        pem_draft(&mut draft, &cert, &key_file);
        kinds.push((name, draft, cert.clone()));
    }

    // Register every certificate, then connect with each.
    let certs: Vec<_> = kinds.iter().map(|(_, _, cert)| read_cert(cert)).collect();
    let env2 = Env::with(|config| {
        config.apps.push(RegisteredApp {
            client_id: "99999999-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            object_id: "99999999-0000-4a6b-8c7d-9e0f1a2b3c4d".into(),
            certificates: certs,
            roles: vec!["Sites.Read.All".into()],
        })
    });
    for (name, mut draft, _) in kinds {
        draft.client_id = "99999999-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into();
        draft.token_url = env2.sandbox.token_url();
        draft.graph_url = env2.sandbox.graph_url();
        draft.scope = env2.sandbox.scope();
        let password = if draft.password == PasswordSource::None {
            None
        } else {
            Some(PASSWORD)
        };
        let (result, _) = env2.run_with(draft.parse().unwrap(), password, &Default::default());
        assert!(result.is_ok(), "{name}: {:?}", result.err());
    }
}

#[test]
fn ps256_with_x5t_s256_connects() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.algorithm = AssertionAlgorithm::Ps256;
    let (result, events) = env.run(draft.parse().unwrap());
    assert!(result.is_ok(), "{:?}", result.err());
    let assertion_details = events
        .iter()
        .find_map(|e| match e {
            TestEvent::Done {
                step: Step::Assertion,
                details,
                ..
            } => Some(details.clone()),
            _ => None,
        })
        .unwrap();
    assert!(assertion_details.iter().any(|d| d.label == "x5t#S256"));
}

#[test]
fn an_unregistered_certificate_is_700027_with_its_thumbprint() {
    let env = Env::new();
    let key = env.ws.rsa_key("other.key", 2048);
    let cert = env.ws.self_signed("other.pem", &key, "/CN=Other", 365);
    let mut draft = env.draft();
    pem_draft(&mut draft, &cert, &key);
    let (result, _) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    assert_eq!(error.step, Step::Token);
    assert_eq!(error.failure.code, "AADSTS700027");
    assert!(
        error.failure.message.contains(&env.ws.openssl_sha1(&cert)),
        "{}",
        error.failure.message
    );
    assert!(error.failure.hint.contains("thumbprint"));
    assert!(error.failure.details.iter().any(|d| d.label == "Trace ID"));
    assert!(!error.input_error);
}

#[test]
fn wrong_client_tenant_and_scope_get_entras_codes() {
    let env = Env::new();
    let mut wrong_client = env.draft();
    wrong_client.client_id = "ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into();
    let mut wrong_tenant = env.draft();
    wrong_tenant.token_url = env.sandbox.token_url().replace(
        env.sandbox.tenant_id(),
        "22222222-3333-4444-5555-666666666666",
    );
    let mut bad_tenant = env.draft();
    bad_tenant.token_url = env
        .sandbox
        .token_url()
        .replace(env.sandbox.tenant_id(), "not_a_tenant");
    let mut not_default = env.draft();
    not_default.scope = format!("{}/Sites.Read.All", env.sandbox.base_url());
    let mut other_resource = env.draft();
    other_resource.scope = "https://graph.microsoft.com/.default".into();
    for (draft, code) in [
        (wrong_client, "AADSTS700016"),
        (wrong_tenant, "AADSTS90002"),
        (bad_tenant, "AADSTS900023"),
        (not_default, "AADSTS1002012"),
        (other_resource, "AADSTS500011"),
    ] {
        let (result, _) = env.run(draft.parse().unwrap());
        assert_eq!(failure_code(&result), code);
    }
}

#[test]
fn a_graph_elsewhere_than_the_loopback_token_server_stops_at_check_settings() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.graph_url = "https://graph.microsoft.com/v1.0".into();
    draft.refresh_scope();
    let (result, events) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    assert_eq!(error.step, Step::Profile);
    assert_eq!(error.failure.code, "settings_disagree");
    assert!(error.input_error, "the settings are at fault");
    assert!(
        error
            .failure
            .hint
            .contains("the Graph URL on the Graph tab")
            && error.failure.hint.contains(&env.sandbox.graph_url()),
        "{}",
        error.failure.hint
    );
    assert!(
        !events.iter().any(|e| e.step() == Step::Token),
        "nothing was sent"
    );
}

#[test]
fn an_assertion_outside_its_time_is_700024_with_both_clocks() {
    // The sandbox's clock runs an hour ahead: our assertion looks expired to it.
    let env = Env::with(|config| config.clock_offset_secs = 3600);
    let (result, _) = env.run(env.profile());
    let failure = result.unwrap_err().failure;
    assert_eq!(failure.code, "AADSTS700024");
    let labels: Vec<&str> = failure.details.iter().map(|d| d.label.as_str()).collect();
    assert!(labels.contains(&"This machine's clock"), "{labels:?}");
    let difference = failure
        .details
        .iter()
        .find(|d| d.label == "Difference")
        .unwrap();
    let seconds: i64 = difference.value.trim_end_matches(" s").parse().unwrap();
    assert!((3590..=3610).contains(&seconds), "{}", difference.value);
    assert!(failure.hint.contains("behind"), "{}", failure.hint);
    assert!(failure.hint.contains("clock"), "{}", failure.hint);
}

#[test]
fn the_signed_assertion_verifies_with_the_certificates_public_key() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    let env = Env::new();
    for (alg, jwt_alg) in [
        (AssertionAlgorithm::Rs256, Algorithm::RS256),
        (AssertionAlgorithm::Ps256, Algorithm::PS256),
    ] {
        let mut draft = env.draft();
        draft.algorithm = alg;
        draft.send_chain = true;
        env.run(draft.parse().unwrap()).0.unwrap();
        let sent = env
            .sandbox
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.path.ends_with("/token"))
            .unwrap();
        let form: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(sent.form_body.as_bytes())
                .into_owned()
                .collect();
        assert_eq!(form["grant_type"], "client_credentials");
        assert_eq!(
            form["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        let assertion = &form["client_assertion"];
        let header = decode_header(assertion).unwrap();
        assert_eq!(header.alg, jwt_alg);
        let cert = read_cert(&env.ws.path("app.pem"));
        let der = cert
            .public_key()
            .unwrap()
            .rsa()
            .unwrap()
            .public_key_to_der_pkcs1()
            .unwrap();
        let mut validation = Validation::new(jwt_alg);
        validation.set_audience(&[env.sandbox.token_url()]);
        let claims =
            decode::<serde_json::Value>(assertion, &DecodingKey::from_rsa_der(&der), &validation)
                .unwrap()
                .claims;
        assert_eq!(claims["iss"], CLIENT_ID);
        assert_eq!(claims["sub"], CLIENT_ID);
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap(),
            600
        );
        assert_eq!(claims["iat"], claims["nbf"]);
        assert!(uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).is_ok());
        let x5c = header.x5c.unwrap();
        assert_eq!(x5c.len(), 1);
        use base64::Engine as _;
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(&x5c[0])
                .unwrap(),
            cert.to_der().unwrap()
        );
        match jwt_alg {
            Algorithm::RS256 => assert_eq!(
                header.x5t.unwrap(),
                certconnect::core::thumbprint::to_jose(
                    &cert.digest(openssl::hash::MessageDigest::sha1()).unwrap()
                )
            ),
            _ => assert_eq!(
                header.x5t_s256.unwrap(),
                certconnect::core::thumbprint::to_jose(
                    &cert.digest(openssl::hash::MessageDigest::sha256()).unwrap()
                )
            ),
        }
    }
}

#[test]
fn an_app_without_roles_is_told_what_to_grant() {
    let env = Env::with_roles(&[], |_| {});
    let (result, events) = env.run(env.profile());
    let error = result.unwrap_err();
    assert_eq!(error.step, Step::GraphSite);
    assert_eq!(error.failure.code, "accessDenied");
    assert_eq!(error.failure.status, Some(403));
    assert!(
        error
            .failure
            .details
            .iter()
            .any(|d| d.label == "request-id")
    );
    assert!(events.iter().any(|e| matches!(e, TestEvent::Warning { step: Step::Token, message } if message.contains("admin consent"))));
}

#[test]
fn token_only_stops_after_the_token() {
    let env = Env::new();
    let job = certconnect::probe::ProbeJob {
        profile: env.profile(),
        password: Some(certconnect::secret::Secret::new(PASSWORD)),
        token_only: true,
        timing: Default::default(),
        vault: None,
        clients: None,
        profiles: None,
    };
    let summary = env
        .rt
        .block_on(certconnect::probe::run(
            job,
            &mut |_| {},
            &Default::default(),
        ))
        .unwrap();
    assert_eq!(summary.site, None);
    assert!(
        env.sandbox
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/v1.0"))
    );
}

#[test]
fn a_given_drive_id_is_read_directly() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.drive_id = "b!sandbox-documents".into();
    let (result, _) = env.run(draft.parse().unwrap());
    assert_eq!(result.unwrap().drive.as_deref(), Some("Documents"));
    assert!(
        env.sandbox
            .requests()
            .iter()
            .any(|r| r.path == "/v1.0/drives/b!sandbox-documents")
    );

    draft.drive_id = "b!missing".into();
    let (result, _) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::Drive, "itemNotFound")
    );
}

#[test]
fn graph_only_accepts_the_sandboxs_own_tokens() {
    let env = Env::new();
    // certconnect's own client: reqwest alone has no TLS provider here (rustls without one), and
    // which test happened to install it first must not decide whether this one passes.
    let client = certconnect::net::build_client(None, true).unwrap();
    let url = format!("{}/sites/root", env.sandbox.graph_url());
    for auth in [
        None,
        Some("Bearer not-a-token"),
        Some("Bearer eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"),
    ] {
        let mut request = client.get(&url);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = env.rt.block_on(request.send()).unwrap();
        assert_eq!(response.status().as_u16(), 401, "{auth:?}");
        let body: serde_json::Value =
            serde_json::from_slice(&env.rt.block_on(response.bytes()).unwrap()).unwrap();
        assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    }
}

#[test]
fn a_jks_keystore_key_chosen_by_alias_connects() {
    let ws = support::Workspace::new();
    for (alias, cn) in [("prod", "Prod"), ("backup", "Backup")] {
        ws.jks_key("ks.jks", alias, cn, PASSWORD);
    }
    ws.run(
        "keytool",
        &[
            "-exportcert",
            "-alias",
            "backup",
            "-keystore",
            "ks.jks",
            "-storepass",
            PASSWORD,
            "-rfc",
            "-file",
            "backup.pem",
        ],
    );
    let backup = read_cert(&ws.path("backup.pem"));
    let env = Env::with(|config| config.apps[0].certificates.push(backup));
    let mut draft = env.draft();
    draft.pfx_path = s(&ws.path("ks.jks")).into();
    let (result, _) = env.run(draft.parse().unwrap());
    assert_eq!(result.unwrap_err().failure.code, "alias_required");
    draft.keystore_alias = "backup".into();
    let (result, _) = env.run(draft.parse().unwrap());
    assert!(result.is_ok(), "{:?}", result.err());
}

#[test]
fn the_report_of_a_real_run_holds_no_token_assertion_password_or_header_value() {
    use certconnect::report::{ReportContext, RunView, render_text};
    let env = Env::new();
    let mut draft = env.draft();
    draft.name = "Ticket".into();
    draft.extra_headers = "X-Api-Key:header-value-kept-secret".into();
    let profile = draft.parse().unwrap();
    let mut run = RunView::new(
        profile.clone(),
        Some(certconnect::secret::Secret::new(PASSWORD)),
        certconnect::probe::system_now(),
    );
    let (result, events) = env.run(profile);
    for event in events {
        run.apply(event);
    }
    run.finish(result);
    let text = render_text(&run, &ReportContext::default());
    assert!(text.contains("Result:     Connected"), "{text}");
    assert!(text.contains("  [ ok ] Request access token ("), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");

    let sent = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/token"))
        .unwrap();
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(sent.form_body.as_bytes())
            .into_owned()
            .collect();
    let assertion = &form["client_assertion"];
    let signature = assertion.rsplit('.').next().unwrap();
    assert!(
        !text.contains(assertion.as_str()),
        "the assertion leaked:\n{text}"
    );
    assert!(
        !text.contains(signature),
        "the assertion's signature leaked:\n{text}"
    );
    support::leaks::assert_no_jwt(&text, "the events");
    assert!(!text.contains(PASSWORD), "the password leaked:\n{text}");
    assert!(
        !text.contains("header-value-kept-secret"),
        "a header value leaked:\n{text}"
    );
    assert!(text.contains("X-Api-Key (value: 24 chars)"), "{text}");
}
