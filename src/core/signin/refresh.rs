//! A remembered administrator sign-in: the refresh token kept (only when the admin chose it) in
//! the OS credential store under the cloud, tenant and sign-in client it belongs to, the form
//! that redeems it (`grant_type=refresh_token`, a public client: no secret), and which refusals
//! mean it is spent and a new interactive sign-in is needed.

use url::Url;

use crate::core::token_response::EntraError;

/// The OAuth `error` of a refresh token Entra no longer accepts (RFC 6749 §5.2).
const INVALID_GRANT: &str = "invalid_grant";

/// The OAuth `error` Entra sends when a policy wants the admin at a sign-in page again (MFA,
/// Conditional Access, a password change).
const INTERACTION_REQUIRED: &str = "interaction_required";

/// The credential-store entry of a remembered sign-in: one per cloud (the sign-in host), tenant
/// (as typed, in lower case) and sign-in client ID, so a token is only ever offered where it was
/// issued. A loopback host (the local sandbox) is named without its port: the sandbox takes a new
/// port each time it starts, and one entry per port would leave a refresh token behind each run.
pub fn remembered_sign_in_entry(authority: &Url, tenant: &str, client_id: &str) -> String {
    format!(
        "admin-sign-in/{}/{}/{}",
        cloud_of(authority),
        tenant.trim().to_ascii_lowercase(),
        client_id.trim().to_ascii_lowercase()
    )
}

/// The sign-in host as the entry names it: its origin, without the port on loopback.
fn cloud_of(authority: &Url) -> String {
    match (
        crate::core::url_rules::is_loopback(authority),
        authority.host_str(),
    ) {
        (true, Some(host)) => format!("{}://{host}", authority.scheme()),
        _ => authority.origin().ascii_serialization(),
    }
}

/// The form that redeems a refresh token at `/token`, asking the same scopes as the sign-in it
/// stands for.
pub fn refresh_form<'a>(
    client_id: &'a str,
    refresh_token: &'a str,
    scope: &'a str,
) -> [(&'static str, &'a str); 4] {
    [
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("refresh_token", refresh_token),
        ("scope", scope),
    ]
}

/// Whether Entra's refusal of a refresh token means it is spent for good: expired
/// (AADSTS70008, 700082), revoked (50173), refused for another reason (`invalid_grant`), or a
/// policy asking for an interactive sign-in. The entry is then forgotten and the admin signs in
/// again; any other refusal (the service busy, the client unknown) is not the token's fault.
pub fn refresh_token_spent(error: &EntraError) -> bool {
    error.error == INVALID_GRANT
        || error.error == INTERACTION_REQUIRED
        || error
            .error_codes
            .iter()
            .any(|code| matches!(code, 70008 | 700082 | 700084 | 50173 | 50076 | 50079))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(error: &str, codes: &[u32]) -> EntraError {
        EntraError {
            error: error.to_owned(),
            error_description: String::new(),
            error_codes: codes.to_vec(),
            timestamp: None,
            trace_id: None,
            correlation_id: None,
            error_uri: None,
        }
    }

    #[test]
    fn the_entry_names_cloud_tenant_and_client() {
        let global = Url::parse("https://login.microsoftonline.com").unwrap();
        let sandbox = Url::parse("http://127.0.0.1:4242/").unwrap();
        let client = "14D82EEC-204B-4C2F-B7E8-296A70DAB67E";
        assert_eq!(
            remembered_sign_in_entry(&global, " Contoso.onmicrosoft.com ", client),
            "admin-sign-in/https://login.microsoftonline.com/contoso.onmicrosoft.com/14d82eec-204b-4c2f-b7e8-296a70dab67e"
        );
        assert_ne!(
            remembered_sign_in_entry(&global, "contoso.onmicrosoft.com", client),
            remembered_sign_in_entry(&sandbox, "contoso.onmicrosoft.com", client)
        );
    }

    #[test]
    fn a_loopback_sign_in_host_is_one_entry_whatever_its_port() {
        let client = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
        let entry = |authority: &str| {
            remembered_sign_in_entry(&Url::parse(authority).unwrap(), "t", client)
        };
        assert_eq!(
            entry("http://127.0.0.1:4242/"),
            format!("admin-sign-in/http://127.0.0.1/t/{client}")
        );
        assert_eq!(
            entry("http://127.0.0.1:4242/"),
            entry("http://127.0.0.1:5151")
        );
        assert_eq!(
            entry("http://localhost:4242"),
            entry("http://localhost:5151")
        );
        assert_eq!(entry("http://[::1]:4242"), entry("http://[::1]:5151"));
        // Elsewhere the port is part of the host's identity.
        assert_ne!(
            entry("https://login.example.com:8443"),
            entry("https://login.example.com")
        );
    }

    #[test]
    fn expired_revoked_and_invalid_grants_are_spent_a_busy_service_is_not() {
        assert!(refresh_token_spent(&refusal("invalid_grant", &[70008])));
        assert!(refresh_token_spent(&refusal("invalid_grant", &[700082])));
        assert!(refresh_token_spent(&refusal("invalid_grant", &[50173])));
        assert!(refresh_token_spent(&refusal("invalid_grant", &[])));
        assert!(refresh_token_spent(&refusal(
            "interaction_required",
            &[50076]
        )));
        assert!(!refresh_token_spent(&refusal(
            "temporarily_unavailable",
            &[50196]
        )));
        assert!(!refresh_token_spent(&refusal("invalid_client", &[700016])));
    }
}
