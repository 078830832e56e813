//! The bodies of the Graph requests that create an app and grant it access.

use serde_json::{Value, json};
use thiserror::Error;

use super::GRAPH_APP_ID;
use super::key_credentials::NewCertificate;
use super::role_ids::ResolvedRole;

/// Why no app can be created with these inputs.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum NewApplicationError {
    /// Graph requires a display name, and the admin needs one to find the app in the portal.
    #[error("give the app a name")]
    EmptyName,
}

/// `POST /applications`: a single-tenant app (`AzureADMyOrg`: only this tenant can use it) with
/// the certificate as its one key and Graph's application roles as the permissions it asks for.
/// Asking is not granting: consent is the `appRoleAssignedTo` step.
pub fn new_application_body(
    display_name: &str,
    certificate: &NewCertificate,
    roles: &[ResolvedRole],
) -> Result<Value, NewApplicationError> {
    let display_name = display_name.trim();
    if display_name.is_empty() {
        return Err(NewApplicationError::EmptyName);
    }
    let resource_access: Vec<Value> = roles
        .iter()
        .map(|role| json!({ "id": role.id, "type": "Role" }))
        .collect();
    let required: Vec<Value> = if resource_access.is_empty() {
        Vec::new()
    } else {
        vec![json!({ "resourceAppId": GRAPH_APP_ID, "resourceAccess": resource_access })]
    };
    Ok(json!({
        "displayName": display_name,
        "signInAudience": "AzureADMyOrg",
        "keyCredentials": [certificate.key_credential()],
        "requiredResourceAccess": required,
    }))
}

/// `POST /servicePrincipals`: the app's identity in the tenant, which roles are granted to.
pub fn service_principal_body(app_id: &str) -> Value {
    json!({ "appId": app_id })
}

/// `POST /servicePrincipals/{graph-sp-id}/appRoleAssignedTo`: admin consent for one role.
pub fn app_role_assignment_body(app_sp_id: &str, graph_sp_id: &str, role: &ResolvedRole) -> Value {
    json!({ "principalId": app_sp_id, "resourceId": graph_sp_id, "appRoleId": role.id })
}

/// What a Sites.Selected app may do on a granted site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteRole {
    /// Read the site.
    Read,
    /// Read and change the site's content.
    Write,
}

impl SiteRole {
    /// The value in `roles`.
    pub fn value(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// `POST /sites/{site-id}/permissions`: grants a Sites.Selected app one site. `app_id` is the
/// client ID; the name is shown in the site's permission list.
pub fn site_permission_body(role: SiteRole, app_id: &str, display_name: &str) -> Value {
    json!({
        "roles": [role.value()],
        "grantedToIdentities": [{ "application": { "id": app_id, "displayName": display_name } }],
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    fn role(value: &str, id: &str) -> ResolvedRole {
        ResolvedRole {
            value: value.into(),
            id: id.into(),
        }
    }

    #[test]
    fn the_new_application_asks_graph_application_roles_with_the_certificate() {
        let der = b"der bytes";
        let certificate = NewCertificate {
            der,
            sha1_thumbprint: &[1; 20],
            display_name: "CN=connector",
        };
        let body = new_application_body(
            "  Contoso connector ",
            &certificate,
            &[role("Sites.Selected", "r-1"), role("Files.Read.All", "r-2")],
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "displayName": "Contoso connector",
                "signInAudience": "AzureADMyOrg",
                "keyCredentials": [{
                    "type": "AsymmetricX509Cert",
                    "usage": "Verify",
                    "key": STANDARD.encode(der),
                    "displayName": "CN=connector",
                }],
                "requiredResourceAccess": [{
                    "resourceAppId": "00000003-0000-0000-c000-000000000000",
                    "resourceAccess": [
                        {"id": "r-1", "type": "Role"},
                        {"id": "r-2", "type": "Role"},
                    ],
                }],
            })
        );
        assert_eq!(
            new_application_body(" ", &certificate, &[]),
            Err(NewApplicationError::EmptyName)
        );
        assert_eq!(
            new_application_body("n", &certificate, &[]).unwrap()["requiredResourceAccess"],
            json!([])
        );
    }

    #[test]
    fn grants_name_the_app_the_resource_and_the_role() {
        assert_eq!(service_principal_body("client"), json!({"appId": "client"}));
        assert_eq!(
            app_role_assignment_body("app-sp", "graph-sp", &role("Sites.Read.All", "r-1")),
            json!({"principalId": "app-sp", "resourceId": "graph-sp", "appRoleId": "r-1"})
        );
        assert_eq!(
            site_permission_body(SiteRole::Write, "client", "Contoso connector"),
            json!({
                "roles": ["write"],
                "grantedToIdentities": [{"application": {"id": "client", "displayName": "Contoso connector"}}],
            })
        );
    }
}
