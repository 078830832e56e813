use super::*;

/// RFC 7636 appendix B: the verifier's random octets, the verifier, its SHA-256 and the challenge.
const RFC_OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_VERIFIER_SHA256: [u8; 32] = [
    19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109,
    241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
];
const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn state() -> State {
    State::from_random_bytes(&[7; 16])
}

fn redirect_uri() -> Url {
    loopback_redirect_uri(53_123)
}

#[test]
fn rfc_7636_appendix_b_verifier_and_challenge() {
    let verifier = CodeVerifier::from_random_bytes(&RFC_OCTETS);
    assert_eq!(verifier.expose(), RFC_VERIFIER);
    assert_eq!(verifier.as_bytes(), RFC_VERIFIER.as_bytes());
    assert_eq!(
        CodeChallenge::s256(&RFC_VERIFIER_SHA256).as_str(),
        RFC_CHALLENGE
    );
}

#[test]
fn verifiers_are_43_to_128_unreserved_characters() {
    assert!(CodeVerifier::parse(RFC_VERIFIER).is_ok());
    assert!(CodeVerifier::parse(&"a.b_c~d-".repeat(16)).is_ok());
    assert_eq!(
        CodeVerifier::parse(&"a".repeat(42)),
        Err(VerifierError::TooShort(42))
    );
    assert_eq!(
        CodeVerifier::parse(&"a".repeat(129)),
        Err(VerifierError::TooLong(129))
    );
    let with_plus = format!("{}+", "a".repeat(43));
    assert_eq!(
        CodeVerifier::parse(&with_plus),
        Err(VerifierError::NotUnreserved(44))
    );
    let with_space = format!("a b{}", "a".repeat(43));
    assert_eq!(
        CodeVerifier::parse(&with_space),
        Err(VerifierError::NotUnreserved(2))
    );
}

#[test]
fn a_verifier_never_shows_in_debug() {
    let verifier = CodeVerifier::from_random_bytes(&RFC_OCTETS);
    assert!(!format!("{verifier:?}").contains("dBjf"));
}

#[test]
fn state_matches_only_itself() {
    let state = state();
    assert!(state.matches(state.as_str()));
    assert!(!state.matches(""));
    assert!(!state.matches(&state.as_str()[1..]));
    assert!(!state.matches(State::from_random_bytes(&[8; 16]).as_str()));
}

#[test]
fn the_authorize_url_carries_every_parameter() {
    let authority = Url::parse("https://login.microsoftonline.com").unwrap();
    let challenge = CodeChallenge::s256(&RFC_VERIFIER_SHA256);
    let state = state();
    let redirect = redirect_uri();
    let url = AuthorizeRequest {
        authority: &authority,
        tenant: "contoso.onmicrosoft.com",
        client_id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        redirect_uri: &redirect,
        scope: "https://graph.microsoft.com/Application.ReadWrite.All",
        state: &state,
        challenge: &challenge,
    }
    .url()
    .unwrap();
    assert_eq!(
        url.path(),
        "/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
        "{url}"
    );
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values.len(), 1, "{name} once in {url}");
        values[0].to_owned()
    };
    assert_eq!(get("client_id"), "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_eq!(get("response_type"), "code");
    assert_eq!(get("redirect_uri"), "http://localhost:53123/");
    assert_eq!(
        get("scope"),
        "https://graph.microsoft.com/Application.ReadWrite.All"
    );
    assert_eq!(get("state"), state.as_str());
    assert_eq!(get("code_challenge"), RFC_CHALLENGE);
    assert_eq!(get("code_challenge_method"), "S256");
    assert_eq!(get("prompt"), "select_account");
}

#[test]
fn the_authorize_url_refuses_an_unnamed_tenant() {
    let authority = Url::parse("https://login.microsoftonline.com").unwrap();
    let (challenge, state, redirect) = (CodeChallenge::s256(&[0; 32]), state(), redirect_uri());
    let request = AuthorizeRequest {
        authority: &authority,
        tenant: "common",
        client_id: "c",
        redirect_uri: &redirect,
        scope: "s",
        state: &state,
        challenge: &challenge,
    };
    assert!(matches!(
        request.url(),
        Err(EndpointError::TenantNotNamed(_))
    ));
}

#[test]
fn a_redirect_with_the_state_gives_the_code() {
    let line = format!(
        "GET /?code=0.AXo%2Babc&state={}&session_state=x HTTP/1.1\r\n",
        state().as_str()
    );
    let code = read_redirect(&line, &redirect_uri(), &state()).unwrap();
    assert_eq!(code.expose(), "0.AXo+abc");
    assert!(!format!("{code:?}").contains("AXo"));
}

#[test]
fn a_redirect_with_another_state_or_none_is_refused_even_when_it_is_an_error() {
    let other = State::from_random_bytes(&[9; 16]);
    for line in [
        format!("GET /?code=abc&state={} HTTP/1.1", other.as_str()),
        "GET /?code=abc HTTP/1.1".to_owned(),
        format!(
            "GET /?error=access_denied&state={} HTTP/1.1",
            other.as_str()
        ),
    ] {
        assert_eq!(
            read_redirect(&line, &redirect_uri(), &state()),
            Err(RedirectError::StateMismatch),
            "{line}"
        );
    }
}

#[test]
fn an_error_redirect_is_a_typed_refusal_with_its_aadsts_code() {
    let line = format!(
        "GET /?error=consent_required&error_description=AADSTS65001%3A+The+user+or+administrator+has+not+consented.&state={} HTTP/1.1",
        state().as_str()
    );
    let error = read_redirect(&line, &redirect_uri(), &state()).unwrap_err();
    assert_eq!(
        error,
        RedirectError::Refused {
            error: "consent_required".into(),
            description: "AADSTS65001: The user or administrator has not consented.".into(),
        }
    );
    assert_eq!(error.aadsts(), Some(65001));
}

#[test]
fn requests_that_are_not_the_redirect_are_told_apart() {
    let uri = redirect_uri();
    let s = state();
    assert_eq!(
        read_redirect("GET /favicon.ico HTTP/1.1", &uri, &s),
        Err(RedirectError::OtherPath)
    );
    assert_eq!(
        read_redirect("POST /?code=a HTTP/1.1", &uri, &s),
        Err(RedirectError::NotGet("POST".into()))
    );
    for line in [
        "",
        "hello",
        "GET /?code=a",
        "GET http://x/ HTTP/1.1",
        "GET / HTTP/1.1 extra",
    ] {
        assert_eq!(
            read_redirect(line, &uri, &s),
            Err(RedirectError::NotARequest),
            "{line}"
        );
    }
    let repeated = format!("GET /?code=a&code=b&state={} HTTP/1.1", s.as_str());
    assert_eq!(
        read_redirect(&repeated, &uri, &s),
        Err(RedirectError::Repeated("code".into()))
    );
    let empty = format!("GET /?state={}&code= HTTP/1.1", s.as_str());
    assert_eq!(read_redirect(&empty, &uri, &s), Err(RedirectError::NoCode));
}

#[test]
fn the_redemption_form_holds_the_verifier_and_the_same_redirect_uri() {
    let verifier = CodeVerifier::from_random_bytes(&RFC_OCTETS);
    let redirect = redirect_uri();
    let line = format!("GET /?code=abc&state={} HTTP/1.1", state().as_str());
    let code = read_redirect(&line, &redirect, &state()).unwrap();
    let form = redemption_form("client", &code, &redirect, &verifier, "scope");
    assert_eq!(
        form,
        [
            ("grant_type", "authorization_code"),
            ("client_id", "client"),
            ("code", "abc"),
            ("redirect_uri", "http://localhost:53123/"),
            ("code_verifier", RFC_VERIFIER),
            ("scope", "scope"),
        ]
    );
}
