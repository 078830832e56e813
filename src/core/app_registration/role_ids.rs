//! Graph application role IDs, read at run time from Graph's service principal
//! (`GET /servicePrincipals(appId='00000003-…')?$select=id,appRoles`) and matched by value.
//!
//! IDs are never hard-coded: a national cloud or a future Graph may differ, and a wrong ID grants
//! the wrong permission silently, while a value Graph does not list is an error the admin can read.

use serde::Deserialize;
use thiserror::Error;

use super::graph_roles::is_delegated_scope;
use crate::core::guid::is_guid;

/// Graph's service principal as far as granting needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphServicePrincipal {
    /// Its object ID in the tenant: the `resourceId` of every grant.
    pub id: String,
    /// Its application roles.
    pub app_roles: Vec<AppRole>,
}

/// One of Graph's application roles.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    /// The role's ID: the `appRoleId` of a grant, the `id` in `requiredResourceAccess`.
    pub id: String,
    /// `Sites.Read.All`, …
    #[serde(default)]
    pub value: Option<String>,
    /// `Application` for a role an app can hold.
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    /// A disabled role cannot be granted.
    #[serde(default = "enabled")]
    pub is_enabled: bool,
    /// The portal's name for it.
    #[serde(default)]
    pub display_name: Option<String>,
}

fn enabled() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicePrincipalJson {
    id: String,
    app_roles: Vec<AppRole>,
}

/// A role value with the ID Graph gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedRole {
    /// The value as Graph spells it.
    pub value: String,
    /// The role's ID.
    pub id: String,
}

/// Why role values cannot be turned into IDs.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum RoleIdError {
    /// The answer is not Graph's service principal with `id` and `appRoles` (or an ID in it is not
    /// a GUID).
    #[error("Graph's service principal answer is not usable: {0}")]
    BadAnswer(String),
    /// A delegated scope, which is never an application role.
    #[error(
        "{0} is a delegated permission, not an application role; an app that connects with its certificate cannot use it"
    )]
    DelegatedScope(String),
    /// A value Graph does not list among its application roles.
    #[error(
        "Microsoft Graph has no application role '{0}' (check the spelling, e.g. Sites.Read.All)"
    )]
    NotInGraph(String),
    /// Listed, but not for applications or not enabled.
    #[error("Microsoft Graph's role '{0}' cannot be granted to an application")]
    NotGrantable(String),
}

/// Reads Graph's service principal answer.
pub fn parse_graph_service_principal(body: &[u8]) -> Result<GraphServicePrincipal, RoleIdError> {
    let json: ServicePrincipalJson = serde_json::from_slice(body)
        .map_err(|e| RoleIdError::BadAnswer(format!("not the expected JSON ({e})")))?;
    if !is_guid(&json.id) {
        return Err(RoleIdError::BadAnswer("its id is not a GUID".into()));
    }
    if let Some(role) = json.app_roles.iter().find(|r| !is_guid(&r.id)) {
        return Err(RoleIdError::BadAnswer(format!(
            "role {} has an id that is not a GUID",
            role.value.as_deref().unwrap_or("(no value)")
        )));
    }
    Ok(GraphServicePrincipal {
        id: json.id,
        app_roles: json.app_roles,
    })
}

impl GraphServicePrincipal {
    /// The IDs of `values`, each once, in the order given; the first value that cannot be
    /// granted to an application stops it. Values match regardless of case, as admins type them.
    pub fn resolve(&self, values: &[&str]) -> Result<Vec<ResolvedRole>, RoleIdError> {
        let mut resolved: Vec<ResolvedRole> = Vec::new();
        for value in values.iter().map(|v| v.trim()) {
            let role = self.app_roles.iter().find(|r| {
                r.value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
            });
            let role = match role {
                Some(role) => role,
                None if is_delegated_scope(value) => {
                    return Err(RoleIdError::DelegatedScope(value.to_owned()));
                }
                None => return Err(RoleIdError::NotInGraph(value.to_owned())),
            };
            if !role.is_enabled || !role.allowed_member_types.iter().any(|t| t == "Application") {
                return Err(RoleIdError::NotGrantable(value.to_owned()));
            }
            if !resolved.iter().any(|r| r.id == role.id) {
                resolved.push(ResolvedRole {
                    value: role.value.clone().unwrap_or_default(),
                    id: role.id.clone(),
                });
            }
        }
        Ok(resolved)
    }

    /// The value of the role with this ID (to show an app's granted roles), if Graph lists it.
    pub fn value_of(&self, role_id: &str) -> Option<&str> {
        self.app_roles
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(role_id))
            .and_then(|r| r.value.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape Graph answers with (IDs made up for the test, as none is hard-coded anywhere).
    const GRAPH_SP: &[u8] = br#"{
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,appRoles)/$entity",
        "id": "aaaaaaaa-0000-0000-0000-000000000001",
        "appRoles": [
            {"allowedMemberTypes":["Application"],"description":"d","displayName":"Read items in all site collections","id":"11111111-0000-0000-0000-000000000001","isEnabled":true,"origin":"Application","value":"Sites.Read.All"},
            {"allowedMemberTypes":["Application"],"displayName":"Access selected site collections","id":"11111111-0000-0000-0000-000000000002","isEnabled":true,"value":"Sites.Selected"},
            {"allowedMemberTypes":["Application"],"id":"11111111-0000-0000-0000-000000000003","isEnabled":false,"value":"Old.Role"},
            {"allowedMemberTypes":["User"],"id":"11111111-0000-0000-0000-000000000004","isEnabled":true,"value":"Users.Only"}
        ]
    }"#;

    fn graph() -> GraphServicePrincipal {
        parse_graph_service_principal(GRAPH_SP).expect("Graph's answer")
    }

    #[test]
    fn values_resolve_to_graphs_ids_once_each() {
        let graph = graph();
        assert_eq!(graph.id, "aaaaaaaa-0000-0000-0000-000000000001");
        assert_eq!(
            graph
                .resolve(&["sites.selected", "Sites.Read.All", "Sites.Selected"])
                .unwrap(),
            [
                ResolvedRole {
                    value: "Sites.Selected".into(),
                    id: "11111111-0000-0000-0000-000000000002".into()
                },
                ResolvedRole {
                    value: "Sites.Read.All".into(),
                    id: "11111111-0000-0000-0000-000000000001".into()
                },
            ]
        );
        assert_eq!(
            graph.value_of("11111111-0000-0000-0000-000000000001"),
            Some("Sites.Read.All")
        );
        assert_eq!(graph.value_of("11111111-0000-0000-0000-00000000ffff"), None);
    }

    #[test]
    fn a_value_graph_does_not_list_is_a_typed_error() {
        let graph = graph();
        assert_eq!(
            graph.resolve(&["Sites.Read.All", "Sites.Reed.All"]),
            Err(RoleIdError::NotInGraph("Sites.Reed.All".into()))
        );
        assert_eq!(
            graph.resolve(&["User.Read"]),
            Err(RoleIdError::DelegatedScope("User.Read".into()))
        );
        assert_eq!(
            graph.resolve(&["Old.Role"]),
            Err(RoleIdError::NotGrantable("Old.Role".into()))
        );
        assert_eq!(
            graph.resolve(&["Users.Only"]),
            Err(RoleIdError::NotGrantable("Users.Only".into()))
        );
    }

    #[test]
    fn an_answer_without_roles_or_with_bad_ids_is_refused() {
        assert!(matches!(
            parse_graph_service_principal(b"{}"),
            Err(RoleIdError::BadAnswer(_))
        ));
        assert!(matches!(
            parse_graph_service_principal(br#"{"id":"x","appRoles":[]}"#),
            Err(RoleIdError::BadAnswer(_))
        ));
        assert!(matches!(
            parse_graph_service_principal(
                br#"{"id":"aaaaaaaa-0000-0000-0000-000000000001","appRoles":[{"id":"nope","value":"A"}]}"#
            ),
            Err(RoleIdError::BadAnswer(_))
        ));
    }
}
