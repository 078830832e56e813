//! "Set up in Entra…": the choices of an app registration for the open profile. Where (from the
//! welcome screen: the admin's tenant or the sandbox), how the admin signs in (the browser, or a
//! device code shown here to type on another device), which app (a new one with its name, or one
//! that exists, found by name or client ID), what the connector will do (each choice with what it
//! allows and the warnings; for Sites.Selected, read or write on the profile's site) and the
//! certificate that goes on it. Opened from a failed test's verdict, it does that failure's fix
//! on the profile's app: add the certificate, or grant the missing permission.
//! The sign-in, the search and the setup run in the app's background jobs; this only draws and
//! answers. Once started, the steps show on the run ladder.

use std::collections::BTreeSet;

use egui::RichText;
use zeroize::Zeroizing;

use super::ModalAction;
use crate::admin_signin::DevicePrompt;
use crate::core::app_registration::graph_roles::{ConnectorAccess, role_warnings, roles_for};
use crate::core::app_registration::requests::SiteRole;
use crate::gui::widgets::{ERROR, OK, WARN, copy_button};
use crate::ops::app_registration::FoundApp;

/// The Graph role that grants only the sites granted one by one.
const SITES_SELECTED: &str = "Sites.Selected";

/// What the wizard does with the profile's app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupMode {
    /// Register a new app, or pick one that exists (the admin chooses).
    Choose,
    /// Add the profile's certificate to the app with this client ID, keeping its other keys
    /// (the fix for AADSTS700027).
    AddCertificate {
        /// The app's client ID.
        client_id: String,
    },
    /// Grant the app with this client ID the permissions chosen (the fix for Graph's 403).
    GrantPermission {
        /// The app's client ID.
        client_id: String,
    },
}

/// In [`SetupMode::Choose`]: a new app, or one that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppChoice {
    /// Register a new app.
    New,
    /// Use an app that exists.
    Existing,
}

/// Where the search for an existing app is.
#[derive(Clone, Debug, Default)]
pub enum FoundApps {
    /// Not searched yet.
    #[default]
    NotSearched,
    /// Searching.
    Searching,
    /// The apps found (maybe none).
    Found(Vec<FoundApp>),
    /// The search failed, in plain words.
    Failed(String),
}

/// How the administrator signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    /// The system browser, redirected back to this machine.
    Browser,
    /// A code typed at Microsoft's page on any device.
    DeviceCode,
}

/// Where the app is registered, asked when the wizard opens from the welcome screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupTarget {
    /// The admin's own tenant: the form's tenant and certificate.
    MyTenant,
    /// The local sandbox, with a certificate made for it.
    Sandbox,
}

/// Where the sign-in is.
#[derive(Clone, Debug, Default)]
pub enum SignInState {
    /// Not started.
    #[default]
    NotStarted,
    /// Waiting for the admin (with the device code once Entra sent it).
    Waiting(Option<DevicePrompt>),
    /// Signed in.
    SignedIn {
        /// The admin's display name.
        name: String,
        /// The admin's sign-in name.
        upn: String,
        /// The tenant's ID.
        tenant_id: String,
    },
    /// The sign-in failed, in plain words.
    Failed(String),
}

/// The wizard's state. No `Debug`: it holds the new certificate's typed password.
pub struct SetupEntra {
    /// Ask where first (opened from the welcome screen).
    pub ask_target: bool,
    /// What the wizard does with the app.
    pub mode: SetupMode,
    /// A new app or an existing one (in [`SetupMode::Choose`]).
    pub app: AppChoice,
    /// The name or client ID to look for.
    pub search: String,
    /// The apps found.
    pub found: FoundApps,
    /// The existing app picked.
    pub picked: Option<FoundApp>,
    /// Grant the existing app picked the permissions chosen too.
    pub grant_to_existing: bool,
    /// The profile's site (for Sites.Selected), as the form names it.
    pub site_id: String,
    /// Read or write on that site.
    pub site_role: SiteRole,
    /// The sign-in asked for the site-grant permission.
    pub signed_in_for_site: bool,
    /// How to sign in.
    pub method: SignInMethod,
    /// What the connector will do.
    pub access: BTreeSet<usize>,
    /// The app registration's name.
    pub display_name: String,
    /// The tenant the app goes in, as the form names it.
    pub tenant: String,
    /// The certificate that goes on the app, as the form names it (empty: the form has none).
    pub certificate: String,
    /// Make a new certificate for the app (always, when the form has none).
    pub new_certificate: bool,
    /// Where the new certificate's PFX is written (the `.cer` and `.pem` beside it).
    pub new_pfx: String,
    /// Where it goes unless the admin chooses: beside the profiles.
    pub default_pfx: String,
    /// The new PFX's password, as typed; wiped on drop.
    pub new_password: Zeroizing<String>,
    /// The sign-in.
    pub sign_in: SignInState,
    /// Keep the sign-in's refresh token in the credential store and use it next time (off
    /// unless the admin ticks it).
    pub remember_sign_in: bool,
    /// What became of the remembered sign-in (used, refused and forgotten, remembered, forgotten).
    pub remember_note: Option<String>,
    /// The command that forgets it from a terminal, for the checkbox's hover.
    pub sign_out_command: String,
    /// Why Start was refused.
    pub error: Option<String>,
    /// The first control has been given the focus (the wizard has been shown once).
    pub focused: bool,
    /// The search field had the focus last frame: Enter there finds, it does not start.
    pub search_focused: bool,
}

impl SetupEntra {
    /// The wizard for a profile in `tenant` with `certificate`, its app named `display_name`;
    /// Read sites is chosen, as the connector's guide starts with it.
    pub fn new(display_name: &str, tenant: &str, certificate: &str) -> Self {
        Self {
            ask_target: false,
            mode: SetupMode::Choose,
            app: AppChoice::New,
            search: String::new(),
            found: FoundApps::NotSearched,
            picked: None,
            grant_to_existing: false,
            site_id: String::new(),
            site_role: SiteRole::Read,
            signed_in_for_site: false,
            method: SignInMethod::Browser,
            access: BTreeSet::from([0]),
            display_name: display_name.to_owned(),
            tenant: tenant.to_owned(),
            certificate: certificate.to_owned(),
            new_certificate: certificate.is_empty(),
            new_pfx: String::new(),
            default_pfx: String::new(),
            new_password: Zeroizing::new(String::new()),
            sign_in: SignInState::NotStarted,
            remember_sign_in: false,
            remember_note: None,
            sign_out_command: format!("certconnect app sign-out --tenant {}", tenant.trim()),
            error: None,
            focused: false,
            search_focused: false,
        }
    }

    /// The Graph application roles chosen.
    pub fn roles(&self) -> Vec<String> {
        let chosen: Vec<ConnectorAccess> = self
            .access
            .iter()
            .filter_map(|index| ConnectorAccess::ALL.get(*index).copied())
            .collect();
        roles_for(&chosen).into_iter().map(str::to_owned).collect()
    }

    /// Whether the setup grants permissions (a new app always does; an existing one when asked;
    /// adding a certificate never).
    pub fn grants_roles(&self) -> bool {
        match (&self.mode, self.app) {
            (SetupMode::AddCertificate { .. }, _) => false,
            (SetupMode::GrantPermission { .. }, _) | (SetupMode::Choose, AppChoice::New) => true,
            (SetupMode::Choose, AppChoice::Existing) => self.grant_to_existing,
        }
    }

    /// The roles the setup grants.
    pub fn roles_to_grant(&self) -> Vec<String> {
        if self.grants_roles() {
            self.roles()
        } else {
            Vec::new()
        }
    }

    /// Whether the setup grants a site (Sites.Selected is among the roles it grants).
    pub fn grants_site(&self) -> bool {
        self.roles_to_grant().iter().any(|r| r == SITES_SELECTED)
    }

    /// The existing app the setup works on (`None`: a new app).
    pub fn existing_client_id(&self) -> Option<&str> {
        match (&self.mode, self.app) {
            (
                SetupMode::AddCertificate { client_id } | SetupMode::GrantPermission { client_id },
                _,
            ) => Some(client_id),
            (SetupMode::Choose, AppChoice::Existing) => {
                self.picked.as_ref().map(|app| app.client_id.as_str())
            }
            (SetupMode::Choose, AppChoice::New) => None,
        }
    }

    /// Whether the choices need a permission the sign-in did not ask for (the site grant):
    /// "Sign in again" is the way on.
    pub fn needs_sign_in_again(&self) -> bool {
        matches!(self.sign_in, SignInState::SignedIn { .. })
            && self.grants_site()
            && !self.signed_in_for_site
    }

    /// Why Start cannot run yet, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !matches!(self.sign_in, SignInState::SignedIn { .. }) {
            return Err("Sign in first.".into());
        }
        match (&self.mode, self.app) {
            (SetupMode::Choose, AppChoice::New) if self.display_name.trim().is_empty() => {
                return Err("Give the app a name.".into());
            }
            (SetupMode::Choose, AppChoice::Existing) if self.picked.is_none() => {
                return Err("Find the app and pick it from the list.".into());
            }
            _ => {}
        }
        if self.new_certificate {
            if self.new_pfx.trim().is_empty() {
                return Err("Choose where the new certificate's PFX file goes.".into());
            }
            if self.new_password.is_empty() {
                return Err(
                    "Type a password for the new PFX file: it protects its private key.".into(),
                );
            }
        }
        if self.grants_roles() && self.access.is_empty() {
            return Err("Choose what the connector will do.".into());
        }
        if self.grants_site() {
            if self.site_id.trim().is_empty() {
                return Err("'Only sites granted one by one' grants the profile's site: enter it in Default Site Id on the Graph tab first.".into());
            }
            if !self.signed_in_for_site {
                return Err(
                    "Granting the site needs one more permission at sign-in: press Sign in again."
                        .into(),
                );
            }
        }
        Ok(())
    }
}

/// Draws the wizard.
pub fn setup_entra_ui(ui: &mut egui::Ui, setup: &mut SetupEntra) -> ModalAction {
    let mut action = ModalAction::None;
    ui.set_max_width(560.0);
    if setup.ask_target {
        ui.label("Where should the app registration be made?");
        ui.horizontal_wrapped(|ui| {
            let mine = ui
                .button("In my tenant")
                .on_hover_text("Fill in the tenant and the certificate in the form, then Set up in Entra… beside Client ID");
            take_first_focus(&mine, &mut setup.focused);
            if mine.clicked() {
                action = ModalAction::SetupWhere(SetupTarget::MyTenant);
            }
            if ui
                .button("In the sandbox")
                .on_hover_text("A local stand-in for Entra ID and Graph: no tenant needed")
                .clicked()
            {
                action = ModalAction::SetupWhere(SetupTarget::Sandbox);
            }
            if ui.button("Close").clicked() {
                action = ModalAction::Cancel;
            }
        });
        return action;
    }
    // A tall wizard (an app list, a new certificate) scrolls inside a small window, with Start and
    // Cancel in view below it. Its least scrolled height is its most: at once as tall as it will
    // be, so the centred dialog does not creep frame by frame as it would while a scroll area
    // grows into room it learns of a frame late.
    // Room is left below for Start, Cancel and why Start waits (two lines at most).
    let room = (ui.ctx().content_rect().height() - 210.0).max(200.0);
    let ready = setup.check();
    // Enter answers the wizard: Start, when it can. Taken before the controls see it, so it does
    // not also press the focused one; in the search field it finds instead.
    let entered = ready.is_ok()
        && !setup.search_focused
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter));
    egui::ScrollArea::vertical()
        .id_salt("setup-entra-body")
        .max_height(room)
        .min_scrolled_height(room)
        .show(ui, |ui| {
            if let Some(asked) = wizard_body_ui(ui, setup) {
                action = asked;
            }
            keep_focused_in_view(ui);
        });
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let start = ui.add_enabled(ready.is_ok(), egui::Button::new("Start"));
        let start = match &ready {
            Err(why) => crate::gui::widgets::why_disabled(start, why),
            Ok(()) => start,
        };
        if start.clicked() || entered {
            action = ModalAction::StartSetup;
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    // Why Start waits, in view beside it; and Sign in again there when that is the way on.
    if let Err(why) = &ready {
        ui.horizontal_wrapped(|ui| {
            ui.add(egui::Label::new(RichText::new(why.as_str()).color(WARN)).wrap());
            if setup.needs_sign_in_again() && ui.button("Sign in again").clicked() {
                action = ModalAction::SignIn(setup.method);
            }
        });
    }
    action
}

/// A spinner a screen reader names (egui's has no name: it is read as a bare progress bar).
fn named_spinner(ui: &mut egui::Ui, name: &str) {
    let spinner = ui.spinner();
    spinner.ctx.accesskit_node_builder(spinner.id, |node| {
        node.set_label(name);
    });
}

/// Gives the wizard's first control the focus as it opens, asking again until it has it (a
/// request made in the dialog's first, sizing pass is dropped).
fn take_first_focus(first: &egui::Response, focused: &mut bool) {
    if *focused {
        return;
    }
    if first.has_focus() {
        *focused = true;
    } else {
        first.request_focus();
    }
}

/// Scrolls the wizard to the control that just took the focus (Tab moves it, and egui does not
/// follow it inside a scroll area).
fn keep_focused_in_view(ui: &mut egui::Ui) {
    let Some(id) = ui.memory(egui::Memory::focused) else {
        return;
    };
    if let Some(focused) = ui.ctx().read_response(id)
        && focused.gained_focus()
        && ui.min_rect().contains_rect(focused.rect)
        && !ui.clip_rect().contains_rect(focused.rect)
    {
        ui.scroll_to_rect(focused.rect, None);
    }
}

/// The wizard's steps: sign in, the app, what the connector will do, the certificate. Returns
/// Sign in or Find when pressed.
fn wizard_body_ui(ui: &mut egui::Ui, setup: &mut SetupEntra) -> Option<ModalAction> {
    let mut action = None;
    let signing_in = matches!(setup.sign_in, SignInState::Waiting(_));
    let signed_in = matches!(setup.sign_in, SignInState::SignedIn { .. });
    ui.label(format!("Tenant: {}", setup.tenant));
    ui.add_space(6.0);
    ui.strong("1. Sign in as an administrator");
    ui.add_enabled_ui(!signing_in, |ui| {
        let first = ui.radio_value(
            &mut setup.method,
            SignInMethod::Browser,
            "With the browser on this computer",
        );
        take_first_focus(&first, &mut setup.focused);
        ui.radio_value(
            &mut setup.method,
            SignInMethod::DeviceCode,
            "With a code, on any device",
        );
    });
    if let Some(asked) = remember_ui(ui, setup, signing_in) {
        action = Some(asked);
    }
    if let Some(method) = sign_in_ui(ui, &setup.sign_in, setup.method) {
        action = Some(ModalAction::SignIn(method));
    }
    if let Some(note) = &setup.remember_note {
        ui.add(egui::Label::new(RichText::new(note).weak()).wrap());
    }
    ui.add_space(6.0);
    ui.strong("2. The app registration");
    if let Some(asked) = app_ui(ui, setup, signed_in) {
        action = Some(asked);
    }
    if setup.grants_roles() {
        ui.add_space(6.0);
        ui.strong("3. What the connector will do");
        access_ui(ui, setup);
    }
    ui.add_space(6.0);
    certificate_ui(ui, setup);
    let then = match &setup.mode {
        SetupMode::Choose if setup.app == AppChoice::New => {
            "The app is created with these application permissions and admin consent, then tested and saved to this profile."
        }
        _ => {
            "It is added to the app unless it is there already; every certificate the app has is kept. Then the connection is tested and saved to this profile."
        }
    };
    ui.add(
        egui::Label::new(
            RichText::new(format!("Only the public certificate is uploaded. {then}")).weak(),
        )
        .wrap(),
    );
    if let Some(error) = &setup.error {
        ui.add(egui::Label::new(RichText::new(error).color(ERROR)).wrap());
    }
    action
}

/// Remember this sign-in (off by default), with what is kept where and how to forget it, and
/// Forget remembered sign-in. Returns Forget when pressed.
fn remember_ui(ui: &mut egui::Ui, setup: &mut SetupEntra, signing_in: bool) -> Option<ModalAction> {
    let mut asked = None;
    let store = crate::credential_store::PLATFORM_STORE_NAME;
    ui.horizontal_wrapped(|ui| {
        let remember = ui.add_enabled(
            !signing_in,
            egui::Checkbox::new(
                &mut setup.remember_sign_in,
                "Remember this sign-in in the credential store",
            ),
        );
        // The sign-in already made is in memory only: the box is read at the next sign-in.
        if remember.changed() && matches!(setup.sign_in, SignInState::SignedIn { .. }) {
            setup.remember_note = Some(if setup.remember_sign_in {
                format!("The next sign-in will be remembered in the {store}; this one is kept in memory only (press Sign in to remember it now).")
            } else {
                "The next sign-in will not be remembered (one remembered before stays until you forget it).".to_owned()
            });
        }
        remember.on_hover_text(format!(
            "Keeps the sign-in's refresh token in the {store} (never in a file), for this tenant, sign-in client and cloud. The next sign-in with this ticked uses it: no browser, no code. Forget it with Forget remembered sign-in, or {}.",
            setup.sign_out_command
        ));
        if ui
            .add_enabled(!signing_in, egui::Button::new("Forget remembered sign-in"))
            .on_hover_text(format!(
                "Deletes the refresh token kept in the {store} for this tenant"
            ))
            .clicked()
        {
            asked = Some(ModalAction::ForgetSignIn);
        }
    });
    asked
}

/// Which app: the one the fix is for, or a new one with its name, or one that exists, looked
/// for by name or client ID and picked from what was found. Returns Find when pressed.
fn app_ui(ui: &mut egui::Ui, setup: &mut SetupEntra, signed_in: bool) -> Option<ModalAction> {
    let small = |ui: &mut egui::Ui, text: String| {
        ui.add(egui::Label::new(RichText::new(text).weak()).wrap());
    };
    match &setup.mode {
        SetupMode::AddCertificate { client_id } => {
            ui.label(format!("The app with client ID {client_id}"));
            small(
                ui,
                "Entra does not know this profile's certificate on that app (AADSTS700027): it is added to the app.".into(),
            );
            return None;
        }
        SetupMode::GrantPermission { client_id } => {
            ui.label(format!("The app with client ID {client_id}"));
            small(
                ui,
                "Graph refused the read for want of an application permission: the permissions chosen below are granted to the app, with admin consent (those it has stay).".into(),
            );
            return None;
        }
        SetupMode::Choose => {}
    }
    ui.radio_value(&mut setup.app, AppChoice::New, "A new app registration");
    ui.radio_value(&mut setup.app, AppChoice::Existing, "An app that exists");
    if setup.app == AppChoice::New {
        let label = ui.label("App name");
        ui.add(egui::TextEdit::singleline(&mut setup.display_name).id_salt("setup-app-name"))
            .labelled_by(label.id);
        return None;
    }
    let mut asked = None;
    setup.search_focused = false;
    let label = ui.label("Name or client ID");
    let searching = matches!(setup.found, FoundApps::Searching);
    ui.horizontal(|ui| {
        let field = ui
            .add(egui::TextEdit::singleline(&mut setup.search).id_salt("setup-app-search"))
            .labelled_by(label.id);
        let can_find = signed_in && !searching && !setup.search.trim().is_empty();
        let find = ui
            .add_enabled(can_find, egui::Button::new("Find"))
            .on_disabled_hover_text(if signed_in {
                "Type a name or a client ID"
            } else {
                "Sign in first"
            });
        setup.search_focused = field.has_focus();
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if find.clicked() || (can_find && entered) {
            asked = Some(ModalAction::FindApps(setup.search.trim().to_owned()));
        }
    });
    match &setup.found {
        FoundApps::NotSearched => {}
        FoundApps::Searching => {
            ui.horizontal(|ui| {
                named_spinner(ui, "Looking for the app");
                ui.label("Looking for the app…");
            });
        }
        FoundApps::Failed(why) => {
            ui.add(egui::Label::new(RichText::new(why).color(ERROR)).wrap());
        }
        FoundApps::Found(apps) if apps.is_empty() => {
            small(ui, "No app registration has that client ID or a name with those words (an app made moments ago can take a while to be found).".into());
        }
        FoundApps::Found(apps) => {
            for app in apps {
                let name = match app.display_name.as_str() {
                    "" => "(no name)",
                    name => name,
                };
                ui.radio_value(
                    &mut setup.picked,
                    Some(app.clone()),
                    format!("{name} ({})", app.client_id),
                );
            }
        }
    }
    ui.checkbox(
        &mut setup.grant_to_existing,
        "Also grant it the permissions chosen below",
    );
    asked
}

/// The certificate that goes on the app: the profile's, or a new one made here (by the same New
/// certificate use case as the Certificate tab's) into the PFX file named, with its password.
fn certificate_ui(ui: &mut egui::Ui, setup: &mut SetupEntra) {
    if setup.certificate.is_empty() {
        ui.label("Certificate: the profile has none, so a new one is made.");
    } else {
        ui.label(format!("Certificate: {}", setup.certificate));
        ui.checkbox(
            &mut setup.new_certificate,
            "Make a new certificate for the app instead",
        );
    }
    if !setup.new_certificate {
        return;
    }
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "A self-signed RSA 2048 certificate valid for a year, its subject named after the app and its file after the profile; the profile then uses it. By default it goes beside the profiles: {}",
                setup.default_pfx
            ))
            .weak(),
        )
        .wrap(),
    );
    let label = ui.label("New PFX file");
    ui.add(egui::TextEdit::singleline(&mut setup.new_pfx).id_salt("setup-new-pfx"))
        .labelled_by(label.id);
    let label = ui.label("New PFX password");
    ui.add(
        egui::TextEdit::singleline(&mut *setup.new_password)
            .id_salt("setup-new-password")
            .password(true),
    )
    .labelled_by(label.id);
}

/// What the connector will do: each choice with what it allows, the warnings, and for
/// Sites.Selected the profile's site with read or write.
fn access_ui(ui: &mut egui::Ui, setup: &mut SetupEntra) {
    for (index, access) in ConnectorAccess::ALL.iter().enumerate() {
        let mut on = setup.access.contains(&index);
        let checkbox = ui.checkbox(&mut on, access.label());
        // The explanation below is the checkbox's description, so a screen reader reads it with it.
        crate::gui::widgets::describe(&checkbox, access.explanation());
        if checkbox.changed() {
            if on {
                setup.access.insert(index);
            } else {
                setup.access.remove(&index);
            }
        }
        ui.indent(("access", index), |ui| {
            ui.add(egui::Label::new(RichText::new(access.explanation()).weak()).wrap());
        });
    }
    let roles = setup.roles();
    let values: Vec<&str> = roles.iter().map(String::as_str).collect();
    for warning in role_warnings(&values) {
        ui.add(egui::Label::new(RichText::new(warning.message()).color(WARN)).wrap());
    }
    if let Some(warning) = test_would_fail(setup) {
        ui.add(egui::Label::new(RichText::new(warning).color(WARN)).wrap());
    }
    if !setup.grants_site() {
        return;
    }
    match setup.site_id.trim() {
        "" => {
            ui.add(
                egui::Label::new(
                    RichText::new("No site to grant: enter it in Default Site Id on the Graph tab, then open Set up in Entra… again.")
                        .color(ERROR),
                )
                .wrap(),
            );
        }
        site => {
            ui.add(egui::Label::new(format!("The site granted: {site}")).wrap());
            ui.horizontal(|ui| {
                ui.radio_value(&mut setup.site_role, SiteRole::Read, "Read the site");
                ui.radio_value(
                    &mut setup.site_role,
                    SiteRole::Write,
                    "Read and write the site",
                );
            });
        }
    }
}

/// Why the connection test that ends the setup cannot pass with the access chosen, if it cannot:
/// the test reads the profile's site, which needs a site permission (Sites.Selected counts: the
/// setup grants it the site). Start stays allowed: the admin may mean to grant more later.
pub fn test_would_fail(setup: &SetupEntra) -> Option<String> {
    if !setup.grants_roles() || setup.access.is_empty() {
        return None;
    }
    let roles = setup.roles();
    if roles
        .iter()
        .any(|role| crate::core::jwt::SITE_ROLES.contains(&role.as_str()))
    {
        return None;
    }
    let site = match setup.site_id.trim() {
        "" => "the profile's site".to_owned(),
        site => format!("the site {site}"),
    };
    Some(format!(
        "The connection test at the end reads {site}, and files permissions alone do not allow that: Graph will refuse it (403) and the setup stops at that test, the profile not saved. Add Read sites (or Only sites granted one by one) to pass it."
    ))
}

/// The sign-in's state: Sign in (again), the device code with its page, or who signed in (Sign in
/// again, when the choices need a permission the sign-in did not ask for, is beside Start with
/// that reason).
/// Returns the method when Sign in was pressed.
fn sign_in_ui(
    ui: &mut egui::Ui,
    sign_in: &SignInState,
    method: SignInMethod,
) -> Option<SignInMethod> {
    let mut asked = None;
    match sign_in {
        SignInState::NotStarted | SignInState::Failed(_) => {
            if let SignInState::Failed(why) = sign_in {
                ui.add(egui::Label::new(RichText::new(why).color(ERROR)).wrap());
            }
            if ui.button("Sign in").clicked() {
                asked = Some(method);
            }
        }
        SignInState::Waiting(prompt) => {
            ui.horizontal(|ui| {
                named_spinner(ui, "Waiting for the sign-in");
                ui.label("Waiting for the sign-in…");
            });
            if let Some(prompt) = prompt {
                ui.add(egui::Label::new(&prompt.message).wrap());
                ui.horizontal_wrapped(|ui| {
                    ui.label("Code:");
                    ui.add(
                        egui::Label::new(RichText::new(&prompt.user_code).strong().monospace())
                            .selectable(true),
                    );
                    copy_button(ui, "Copy code", "Copy the code", &prompt.user_code);
                });
                ui.horizontal_wrapped(|ui| {
                    ui.label("Page:");
                    ui.hyperlink(&prompt.verification_uri);
                    copy_button(
                        ui,
                        "Copy link",
                        "Copy the sign-in page's address",
                        &prompt.verification_uri,
                    );
                });
            }
        }
        SignInState::SignedIn {
            name,
            upn,
            tenant_id,
        } => {
            ui.label(
                RichText::new(format!("Signed in as {name} ({upn}), tenant {tenant_id}")).color(OK),
            );
        }
    }
    asked
}
