//! Microsoft Graph's service principal in the sandbox tenant and the application roles it
//! offers, with the ids Graph publishes (the same in every tenant).

use serde_json::{Value, json};

/// Microsoft Graph's application id, the same everywhere.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The object id of Graph's service principal in the sandbox tenant (it differs per tenant).
pub const GRAPH_SERVICE_PRINCIPAL_ID: &str = "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e";

/// Graph application roles: value, id, what it allows.
pub const GRAPH_APP_ROLES: [(&str, &str, &str); 10] = [
    (
        "Sites.Read.All",
        "332a536c-c7ef-4017-ab91-336970924f0d",
        "Allows the app to read documents and list items in all site collections without a signed in user.",
    ),
    (
        "Sites.ReadWrite.All",
        "9492366f-7969-46a4-8d15-ed1a20078fff",
        "Allows the app to create, read, update, and delete documents and list items in all site collections without a signed in user.",
    ),
    (
        "Sites.Manage.All",
        "0c0bf378-bf22-4481-8f81-9e89a9b4960a",
        "Allows the app to create or delete document libraries and lists in all site collections without a signed in user.",
    ),
    (
        "Sites.FullControl.All",
        "a82116e5-55eb-4c41-a434-62fe8a61c773",
        "Allows the app to have full control of all site collections without a signed in user.",
    ),
    (
        "Sites.Selected",
        "883ea226-0bf2-4a8f-9f9d-92c9162a727d",
        "Allow the application to access a subset of site collections without a signed in user. The specific site collections and the permissions granted will be configured in SharePoint Online.",
    ),
    (
        "Files.Read.All",
        "01d4889c-1287-42c6-ac1f-5d1e02578ef6",
        "Allows the app to read all files in all site collections without a signed in user.",
    ),
    (
        "Files.ReadWrite.All",
        "75359482-378d-4052-8f01-80520e7db3cd",
        "Allows the app to read, create, update and delete all files in all site collections without a signed in user.",
    ),
    (
        "Application.Read.All",
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        "Allows the app to read all applications and service principals without a signed-in user.",
    ),
    (
        "Application.ReadWrite.All",
        "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        "Allows the app to create, read, update and delete applications and service principals without a signed-in user.",
    ),
    (
        "AppRoleAssignment.ReadWrite.All",
        "06b708a9-e830-4db3-a914-8e69da51d44f",
        "Allows the app to manage permission grants for application permissions to any API (including Microsoft Graph) and application assignments for any app, without a signed-in user.",
    ),
];

/// The value (`Sites.Read.All`) of the Graph application role with this id.
pub fn role_value(app_role_id: &str) -> Option<&'static str> {
    GRAPH_APP_ROLES
        .iter()
        .find(|(_, id, _)| id.eq_ignore_ascii_case(app_role_id))
        .map(|(value, _, _)| *value)
}

/// Graph's service principal as `GET /servicePrincipals(appId='…')` returns it.
pub fn graph_service_principal() -> Value {
    let roles: Vec<Value> = GRAPH_APP_ROLES
        .iter()
        .map(|(value, id, description)| {
            json!({
                "allowedMemberTypes": ["Application"],
                "description": description,
                "displayName": description,
                "id": id,
                "isEnabled": true,
                "origin": "Application",
                "value": value,
            })
        })
        .collect();
    json!({
        "id": GRAPH_SERVICE_PRINCIPAL_ID,
        "appId": GRAPH_APP_ID,
        "displayName": "Microsoft Graph",
        "servicePrincipalType": "Application",
        "appRoles": roles,
    })
}
