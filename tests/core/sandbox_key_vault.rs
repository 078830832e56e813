//! The sandbox's Key Vault stand-in, spoken to with plain HTTP as the REST reference describes it:
//! the challenge, `api-version`, the token's audience, access per operation, versions, paging,
//! signatures checked with OpenSSL against the certificate, and the managed-identity endpoints.

use crate::support;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use openssl::hash::{MessageDigest, hash};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;
use serde_json::{Value, json};
use support::key_vault_env::{
    APP_CERT, AZ_USER, CURRENT_VERSION, DISABLED_CERT, EC_CERT, IDENTITY_HEADER, MANAGED_IDENTITY,
    OLD_VERSION, READ_ONLY_IDENTITY, with_vault,
};
use support::probe_env::Env;

struct Vault {
    env: Env,
    client: reqwest::Client,
}

impl Vault {
    fn new() -> Self {
        Self {
            env: Env::with(with_vault),
            client: certconnect::net::build_client(None, true).unwrap(),
        }
    }

    fn call(
        &self,
        post: Option<Value>,
        path: &str,
        token: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        let url = format!("{}{path}", self.env.sandbox.vault_url());
        self.env.rt.block_on(async {
            let mut request = match &post {
                Some(body) => self
                    .client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.to_string()),
                None => self.client.get(&url),
            };
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let challenge = response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_owned());
            let body =
                serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
            (status, body, challenge)
        })
    }

    fn token(&self, identity: &str) -> String {
        self.env.sandbox.issue_vault_token(identity)
    }
}

#[test]
fn the_first_request_without_a_token_gets_the_challenge_naming_the_vault_audience() {
    let vault = Vault::new();
    let (status, body, challenge) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        None,
    );
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "Unauthorized");
    let challenge = challenge.unwrap();
    assert!(
        challenge.starts_with("Bearer authorization=\""),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!(
            "resource=\"{}\"",
            vault.env.sandbox.vault_audience()
        )),
        "{challenge}"
    );
}

#[test]
fn api_version_and_the_vault_audience_are_required() {
    let vault = Vault::new();
    let token = vault.token(AZ_USER);
    let (status, body, _) = vault.call(None, &format!("/certificates/{APP_CERT}"), Some(&token));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadParameter"))
    );
    // A Graph token (audience: the sandbox itself), from the managed-identity endpoint, is not a
    // vault token.
    let graph_token = vault.env.rt.block_on(async {
        let url = format!(
            "{0}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={0}",
            vault.env.sandbox.base_url()
        );
        let body = vault
            .client
            .get(url)
            .header("Metadata", "true")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    });
    let (status, body, challenge) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&graph_token),
    );
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("AKV10022"),
        "{body}"
    );
    assert!(challenge.is_some());
}

#[test]
fn certificates_come_with_versions_and_the_current_one_by_default() {
    let vault = Vault::new();
    let token = vault.token(AZ_USER);
    let (status, body, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&token),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body["id"].as_str().unwrap().ends_with(CURRENT_VERSION));
    assert!(
        body["kid"]
            .as_str()
            .unwrap()
            .contains(&format!("/keys/{APP_CERT}/{CURRENT_VERSION}"))
    );
    assert_eq!(body["policy"]["key_props"]["kty"], "RSA");
    assert_eq!(body["policy"]["key_props"]["exportable"], false);
    let der = STANDARD.decode(body["cer"].as_str().unwrap()).unwrap();
    let cert = X509::from_der(&der).unwrap();
    let x5t = URL_SAFE_NO_PAD.encode(cert.digest(MessageDigest::sha1()).unwrap());
    assert_eq!(body["x5t"], x5t.as_str());
    let (status, old, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}/{OLD_VERSION}?api-version=7.5"),
        Some(&token),
    );
    assert_eq!(status, 200);
    assert_ne!(old["cer"], body["cer"]);
    let (status, missing, _) = vault.call(None, "/certificates/nope?api-version=7.5", Some(&token));
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("CertificateNotFound"))
    );
}

#[test]
fn the_list_is_paged_by_next_link() {
    let vault = Vault::new();
    let token = vault.token(AZ_USER);
    let mut path = "/certificates?api-version=7.5".to_owned();
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let (status, body, _) = vault.call(None, &path, Some(&token));
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for item in body["value"].as_array().unwrap() {
            names.push(
                item["id"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned(),
            );
        }
        match body["nextLink"].as_str() {
            Some(next) => {
                path = next
                    .strip_prefix(vault.env.sandbox.vault_url())
                    .unwrap()
                    .to_owned()
            }
            None => break,
        }
    }
    assert_eq!(pages, 3, "five certificates, two a page");
    assert_eq!(names.len(), 5);
    assert!(names.contains(&EC_CERT.to_owned()));
}

fn verify(cert: &X509, alg: &str, message: &[u8], signature: &[u8]) -> bool {
    let key = cert.public_key().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
    if alg == "PS256" {
        verifier.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
            .unwrap();
        verifier.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
    }
    verifier.update(message).unwrap();
    verifier.verify(signature).unwrap()
}

#[test]
fn the_key_signs_a_digest_with_rs256_and_ps256_and_never_leaves() {
    let vault = Vault::new();
    let token = vault.token(AZ_USER);
    let (_, body, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&token),
    );
    let cert = X509::from_der(&STANDARD.decode(body["cer"].as_str().unwrap()).unwrap()).unwrap();
    let message = b"header.payload";
    let digest = hash(MessageDigest::sha256(), message).unwrap();
    for alg in ["RS256", "PS256"] {
        let (status, signed, _) = vault.call(
            Some(json!({ "alg": alg, "value": URL_SAFE_NO_PAD.encode(digest) })),
            &format!("/keys/{APP_CERT}/{CURRENT_VERSION}/sign?api-version=7.5"),
            Some(&token),
        );
        assert_eq!(status, 200, "{signed}");
        assert!(signed["kid"].as_str().unwrap().ends_with(CURRENT_VERSION));
        let signature = URL_SAFE_NO_PAD
            .decode(signed["value"].as_str().unwrap())
            .unwrap();
        assert!(verify(&cert, alg, message, &signature), "{alg}");
    }
    // Nothing the vault answers holds a private key.
    let text = body.to_string();
    assert!(!text.contains("PRIVATE"), "{text}");
}

#[test]
fn refusals_have_key_vaults_codes() {
    let vault = Vault::new();
    let digest = URL_SAFE_NO_PAD.encode([7u8; 32]);
    let sign = |name: &str, token: &str| {
        vault.call(
            Some(json!({ "alg": "RS256", "value": digest })),
            &format!("/keys/{name}/sign?api-version=7.5"),
            Some(token),
        )
    };
    let user = vault.token(AZ_USER);
    let (status, body, _) = sign(EC_CERT, &user);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadParameter"))
    );
    let (status, body, _) = sign(DISABLED_CERT, &user);
    assert_eq!(status, 403);
    assert_eq!(body["error"]["innererror"]["code"], "KeyDisabled");
    let reader = vault.token(READ_ONLY_IDENTITY);
    let (status, body, _) = sign(APP_CERT, &reader);
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "Forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("keys sign")
    );
    let (status, _, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&reader),
    );
    assert_eq!(status, 200, "the read-only identity may read");
    vault.env.sandbox.push_fault(Fault {
        target: FaultTarget::KeyVault,
        kind: FaultKind::Status {
            code: 429,
            retry_after: Some("1".into()),
        },
    });
    let (status, body, _) = sign(APP_CERT, &user);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("Throttled"))
    );
    vault.env.sandbox.push_fault(Fault {
        target: FaultTarget::KeyVault,
        kind: FaultKind::Status {
            code: 403,
            retry_after: None,
        },
    });
    let (status, body, _) = sign(APP_CERT, &user);
    assert_eq!(status, 403);
    assert_eq!(body["error"]["innererror"]["code"], "ForbiddenByFirewall");
}

#[test]
fn a_created_certificate_becomes_the_current_version() {
    let vault = Vault::new();
    let token = vault.token(support::probe_env::CLIENT_ID);
    let policy = json!({ "policy": {
        "issuer": { "name": "Self" },
        "key_props": { "kty": "RSA", "key_size": 2048, "exportable": false },
        "x509_props": { "subject": "CN=Rotated", "validity_months": 12 },
    }});
    let (status, body, _) = vault.call(
        Some(policy),
        &format!("/certificates/{APP_CERT}/create?api-version=7.5"),
        Some(&token),
    );
    assert_eq!(status, 202, "{body}");
    let (status, pending, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}/pending?api-version=7.5"),
        Some(&token),
    );
    assert_eq!(
        (status, pending["status"].as_str()),
        (200, Some("completed"))
    );
    let (_, current, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&token),
    );
    assert!(!current["id"].as_str().unwrap().ends_with(CURRENT_VERSION));
    // The user without certificates/create is refused.
    let (status, _, _) = vault.call(
        Some(json!({})),
        &format!("/certificates/{APP_CERT}/create?api-version=7.5"),
        Some(&vault.token(AZ_USER)),
    );
    assert_eq!(status, 403);
    // Reading the pending operation needs certificates/get only.
    let (status, _, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}/pending?api-version=7.5"),
        Some(&vault.token(READ_ONLY_IDENTITY)),
    );
    assert_eq!(status, 200);
}

#[test]
fn managed_identity_endpoints_issue_vault_tokens_in_both_shapes() {
    let vault = Vault::new();
    let resource = vault.env.sandbox.vault_audience();
    let base = vault.env.sandbox.base_url().to_owned();
    let get = |path: &str, header: Option<(&str, &str)>| {
        vault.env.rt.block_on(async {
            let mut request = vault.client.get(format!("{base}{path}"));
            if let Some((name, value)) = header {
                request = request.header(name, value);
            }
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                serde_json::from_slice::<Value>(&response.bytes().await.unwrap()).unwrap(),
            )
        })
    };
    let imds =
        format!("/metadata/identity/oauth2/token?api-version=2018-02-01&resource={resource}");
    let (status, _) = get(&imds, None);
    assert_eq!(status, 400, "IMDS wants Metadata: true");
    let (status, body) = get(&imds, Some(("Metadata", "true")));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["client_id"], MANAGED_IDENTITY);
    assert!(body["expires_on"].is_string());
    let token = body["access_token"].as_str().unwrap().to_owned();
    let (status, _, _) = vault.call(
        None,
        &format!("/certificates/{APP_CERT}?api-version=7.5"),
        Some(&token),
    );
    assert_eq!(status, 200);
    let app_service = format!(
        "/msi/token?api-version=2019-08-01&resource={resource}&client_id={READ_ONLY_IDENTITY}"
    );
    let (status, _) = get(&app_service, None);
    assert_eq!(status, 401);
    let (status, body) = get(&app_service, Some(("X-IDENTITY-HEADER", IDENTITY_HEADER)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["client_id"], READ_ONLY_IDENTITY);
}
