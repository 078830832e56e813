//! The tenant's directory as Graph manages it for an admin: applications with their key
//! credentials, service principals, application role assignments and site grants, each written
//! at once where Graph wrote it and replicated after the configured delay to where the token
//! endpoint reads (the `AppRegistry`), as Entra's replication does.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use openssl::hash::MessageDigest;
use openssl::x509::X509;

use super::app_keys::AppRegistry;
use super::config::RegisteredApp;
use super::graph_app_roles::{GRAPH_APP_ROLES, GRAPH_SERVICE_PRINCIPAL_ID, role_value};
use crate::core::thumbprint::to_hex;

/// One certificate on an application.
#[derive(Clone)]
pub(super) struct ManagedKey {
    pub key_id: String,
    pub certificate: X509,
    pub display_name: String,
    pub replicated_at: Instant,
}

/// An application object.
pub(super) struct ManagedApp {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub sign_in_audience: String,
    pub created: String,
    pub keys: Vec<ManagedKey>,
    pub required_resource_access: serde_json::Value,
    /// Roles a configured app had that are not Graph's (kept for the token as they were).
    pub other_roles: Vec<String>,
    pub replicated_at: Instant,
}

/// A service principal of one of the tenant's applications.
pub(super) struct ManagedServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
}

/// An application role of Microsoft Graph granted to a service principal.
pub(super) struct RoleAssignment {
    pub id: String,
    pub principal_id: String,
    pub app_role_id: String,
    pub created: String,
    pub replicated_at: Instant,
}

/// A site granted to an application (`POST /sites/{id}/permissions`).
pub(super) struct SiteGrant {
    pub id: String,
    pub site_id: String,
    pub app_id: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

/// Everything in the directory.
#[derive(Default)]
pub(super) struct DirectoryData {
    pub apps: Vec<ManagedApp>,
    pub service_principals: Vec<ManagedServicePrincipal>,
    pub assignments: Vec<RoleAssignment>,
    pub site_grants: Vec<SiteGrant>,
    /// What was last handed to the token endpoint per client id, so that an unchanged app is not
    /// published again (and keys it rolled itself with addKey stay).
    published: HashMap<String, String>,
}

/// The directory and its replication delay.
pub(super) struct Directory {
    data: Mutex<DirectoryData>,
    delay: Duration,
}

impl Directory {
    /// The directory with the configured apps in it, replicated, with service principals and
    /// their Graph roles assigned, and the key ids the token endpoint's registry gave them.
    pub fn new(apps: &[RegisteredApp], registry: &AppRegistry, delay: Duration) -> Self {
        let now = Instant::now();
        let mut data = DirectoryData::default();
        for app in apps {
            let (client_id, object_id) = (
                app.client_id.to_ascii_lowercase(),
                app.object_id.to_ascii_lowercase(),
            );
            let keys = registry
                .keys(&object_id)
                .into_iter()
                .map(|key| ManagedKey {
                    key_id: key.key_id,
                    certificate: key.certificate,
                    display_name: key.display_name,
                    replicated_at: now,
                })
                .collect();
            let sp_id = uuid::Uuid::new_v4().to_string();
            let mut other_roles = Vec::new();
            for role in &app.roles {
                match GRAPH_APP_ROLES.iter().find(|(value, _, _)| value == role) {
                    Some((_, id, _)) => data.assignments.push(RoleAssignment {
                        id: uuid::Uuid::new_v4().to_string(),
                        principal_id: sp_id.clone(),
                        app_role_id: (*id).to_owned(),
                        created: String::new(),
                        replicated_at: now,
                    }),
                    None => other_roles.push(role.clone()),
                }
            }
            data.service_principals.push(ManagedServicePrincipal {
                id: sp_id,
                app_id: client_id.clone(),
                display_name: client_id.clone(),
            });
            data.apps.push(ManagedApp {
                id: object_id,
                app_id: client_id,
                display_name: String::new(),
                sign_in_audience: "AzureADMyOrg".into(),
                created: String::new(),
                keys,
                required_resource_access: serde_json::json!([]),
                other_roles,
                replicated_at: now,
            });
        }
        let mut published = HashMap::new();
        for app in &data.apps {
            if let Some(fingerprint) = replicated_view(&data, app, now).map(|v| v.fingerprint) {
                published.insert(app.app_id.clone(), fingerprint);
            }
        }
        data.published = published;
        Self {
            data: Mutex::new(data),
            delay,
        }
    }

    /// The directory, locked.
    pub fn lock(&self) -> Option<MutexGuard<'_, DirectoryData>> {
        self.data.lock().ok()
    }

    /// When something written now reaches the token endpoint.
    pub fn replicated_from_now(&self) -> Instant {
        Instant::now() + self.delay
    }

    /// Ends the replication wait of everything written so far.
    pub fn replicate_now(&self) {
        let now = Instant::now();
        if let Some(mut data) = self.lock() {
            for app in &mut data.apps {
                app.replicated_at = app.replicated_at.min(now);
                for key in &mut app.keys {
                    key.replicated_at = key.replicated_at.min(now);
                }
            }
            for assignment in &mut data.assignments {
                assignment.replicated_at = assignment.replicated_at.min(now);
            }
        }
    }

    /// Hands the token endpoint what has replicated: each replicated app with a service
    /// principal, its replicated keys and its replicated Graph roles.
    pub fn publish(&self, registry: &AppRegistry) {
        let now = Instant::now();
        let Some(mut data) = self.lock() else {
            return;
        };
        let views: Vec<(String, String, ReplicatedView)> = data
            .apps
            .iter()
            .filter_map(|app| {
                replicated_view(&data, app, now)
                    .map(|view| (app.app_id.clone(), app.id.clone(), view))
            })
            .collect();
        for (client_id, object_id, view) in views {
            if data.published.get(&client_id) == Some(&view.fingerprint) {
                continue;
            }
            registry.publish(&client_id, &object_id, &view.certificates, &view.roles);
            data.published.insert(client_id, view.fingerprint);
        }
    }
}

struct ReplicatedView {
    certificates: Vec<X509>,
    roles: Vec<String>,
    fingerprint: String,
}

/// What the token endpoint may know of this app now: nothing before the app and its service
/// principal have replicated.
fn replicated_view(data: &DirectoryData, app: &ManagedApp, now: Instant) -> Option<ReplicatedView> {
    if app.replicated_at > now {
        return None;
    }
    let sp = data
        .service_principals
        .iter()
        .find(|sp| sp.app_id == app.app_id)?;
    let certificates: Vec<X509> = app
        .keys
        .iter()
        .filter(|k| k.replicated_at <= now)
        .map(|k| k.certificate.clone())
        .collect();
    let mut roles: Vec<String> = data
        .assignments
        .iter()
        .filter(|a| a.principal_id == sp.id && a.replicated_at <= now)
        .filter_map(|a| role_value(&a.app_role_id).map(str::to_owned))
        .collect();
    roles.extend(app.other_roles.iter().cloned());
    let thumbprints: Vec<String> = certificates
        .iter()
        .map(|c| {
            c.digest(MessageDigest::sha1())
                .map(|d| to_hex(&d))
                .unwrap_or_default()
        })
        .collect();
    let fingerprint = format!("{}|{}", thumbprints.join(","), roles.join(","));
    Some(ReplicatedView {
        certificates,
        roles,
        fingerprint,
    })
}

/// Graph's service principal is the only resource whose roles can be assigned here.
pub(super) fn is_graph_service_principal(id: &str) -> bool {
    id.eq_ignore_ascii_case(GRAPH_SERVICE_PRINCIPAL_ID)
}
