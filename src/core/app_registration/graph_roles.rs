//! The Graph application roles offered by what the connector will do, what each allows in plain
//! words, and warnings for role lists that do not do what the admin means.
//!
//! The guide admins follow lists delegated scopes (`User.Read`, `openid`, …) that an app-only
//! connector never uses, and Files.*.All beside Sites.Selected quietly undoes the point of
//! Sites.Selected; both are caught here before anything is granted.

/// What the connector will do with SharePoint and OneDrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectorAccess {
    /// Read every site.
    ReadSites,
    /// Read and write every site.
    ReadWriteSites,
    /// Only the sites an administrator grants one by one.
    GrantedSitesOnly,
    /// Read every file.
    ReadFiles,
    /// Read and write every file.
    ReadWriteFiles,
}

impl ConnectorAccess {
    /// Every choice, in the order offered.
    pub const ALL: [Self; 5] = [
        Self::ReadSites,
        Self::ReadWriteSites,
        Self::GrantedSitesOnly,
        Self::ReadFiles,
        Self::ReadWriteFiles,
    ];

    /// The Graph application role's value.
    pub fn role(self) -> &'static str {
        match self {
            Self::ReadSites => "Sites.Read.All",
            Self::ReadWriteSites => "Sites.ReadWrite.All",
            Self::GrantedSitesOnly => "Sites.Selected",
            Self::ReadFiles => "Files.Read.All",
            Self::ReadWriteFiles => "Files.ReadWrite.All",
        }
    }

    /// The choice as offered.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReadSites => "Read sites",
            Self::ReadWriteSites => "Read and write sites",
            Self::GrantedSitesOnly => "Only sites granted one by one",
            Self::ReadFiles => "Read files",
            Self::ReadWriteFiles => "Read and write files",
        }
    }

    /// What the role allows, in plain words. App-only roles have no signed-in user to limit
    /// them, so each says how far it reaches.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::ReadSites => {
                "Sites.Read.All: read every list, library and file in every SharePoint site of the tenant, with no user signed in."
            }
            Self::ReadWriteSites => {
                "Sites.ReadWrite.All: read, create, change and delete items and files in every SharePoint site of the tenant (not the sites' settings or permissions)."
            }
            Self::GrantedSitesOnly => {
                "Sites.Selected: nothing at first. An administrator then grants the app read or write on each site it may use; it sees no other site."
            }
            Self::ReadFiles => {
                "Files.Read.All: read every file in every OneDrive and document library of the tenant."
            }
            Self::ReadWriteFiles => {
                "Files.ReadWrite.All: read, create, change and delete every file in every OneDrive and document library of the tenant."
            }
        }
    }

    /// The choice a role value stands for, if it is one of those offered.
    pub fn of_role(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.role().eq_ignore_ascii_case(value.trim()))
    }
}

/// The role values for `accesses`, each once, in the order chosen.
pub fn roles_for(accesses: &[ConnectorAccess]) -> Vec<&'static str> {
    let mut roles: Vec<&'static str> = Vec::new();
    for access in accesses {
        if !roles.contains(&access.role()) {
            roles.push(access.role());
        }
    }
    roles
}

/// Delegated scopes that admins add by mistake: they only matter when a user signs in.
pub const DELEGATED_SCOPES: [&str; 5] =
    ["User.Read", "openid", "email", "profile", "offline_access"];

/// Whether `value` is one of [`DELEGATED_SCOPES`].
pub fn is_delegated_scope(value: &str) -> bool {
    DELEGATED_SCOPES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(value.trim()))
}

/// A role list that will not do what the admin means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleWarning {
    /// A delegated scope asked for as an application role.
    DelegatedScope(String),
    /// A Files.*.All role beside Sites.Selected.
    FilesBesideSitesSelected(String),
}

impl RoleWarning {
    /// The warning as shown.
    pub fn message(&self) -> String {
        match self {
            Self::DelegatedScope(value) => format!(
                "{value} is a delegated permission: it applies only when a user signs in, and does nothing for an app that connects with its certificate. Leave it out."
            ),
            Self::FilesBesideSitesSelected(value) => format!(
                "{value} gives the app every file in the tenant, so Sites.Selected no longer limits it to the granted sites. Leave {value} out to keep access to granted sites only."
            ),
        }
    }
}

/// The warnings for a list of role values, in the list's order.
pub fn role_warnings(values: &[&str]) -> Vec<RoleWarning> {
    let sites_selected = values
        .iter()
        .any(|v| v.trim().eq_ignore_ascii_case("Sites.Selected"));
    values
        .iter()
        .map(|v| v.trim())
        .filter_map(|value| {
            let lower = value.to_ascii_lowercase();
            if is_delegated_scope(value) {
                Some(RoleWarning::DelegatedScope(value.to_owned()))
            } else if sites_selected && lower.starts_with("files.") && lower.ends_with(".all") {
                Some(RoleWarning::FilesBesideSitesSelected(value.to_owned()))
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_has_its_role_and_an_explanation_naming_it() {
        for access in ConnectorAccess::ALL {
            assert!(
                access.explanation().starts_with(access.role()),
                "{access:?}"
            );
            assert_eq!(ConnectorAccess::of_role(access.role()), Some(access));
        }
        assert_eq!(
            ConnectorAccess::of_role("sites.selected"),
            Some(ConnectorAccess::GrantedSitesOnly)
        );
        assert_eq!(ConnectorAccess::of_role("User.Read"), None);
    }

    #[test]
    fn roles_are_listed_once_in_the_order_chosen() {
        use ConnectorAccess::*;
        assert_eq!(
            roles_for(&[GrantedSitesOnly, ReadFiles, GrantedSitesOnly]),
            ["Sites.Selected", "Files.Read.All"]
        );
        assert_eq!(roles_for(&[]), Vec::<&str>::new());
    }

    #[test]
    fn delegated_scopes_given_as_roles_are_warned_about() {
        let warnings = role_warnings(&[
            "Sites.Read.All",
            "User.Read",
            "openid",
            "email",
            "profile",
            "offline_access",
        ]);
        assert_eq!(warnings.len(), 5);
        assert!(
            warnings
                .iter()
                .all(|w| matches!(w, RoleWarning::DelegatedScope(_)))
        );
        assert!(
            warnings[0]
                .message()
                .contains("User.Read is a delegated permission")
        );
        assert!(role_warnings(&["Sites.Read.All", "Files.Read.All"]).is_empty());
    }

    #[test]
    fn files_all_beside_sites_selected_is_tenant_wide() {
        let warnings = role_warnings(&["Files.ReadWrite.All", "Sites.Selected", "Files.Read.All"]);
        assert_eq!(
            warnings,
            [
                RoleWarning::FilesBesideSitesSelected("Files.ReadWrite.All".into()),
                RoleWarning::FilesBesideSitesSelected("Files.Read.All".into()),
            ]
        );
        assert!(warnings[0].message().contains("every file in the tenant"));
    }
}
