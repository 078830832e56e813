//! "Set up in Entra…": the choices of a new app registration for the open profile. Where (from the
//! welcome screen: the admin's tenant or the sandbox), how the admin signs in (the browser, or a
//! device code shown here to type on another device), what the connector will do (each choice
//! with what it allows and the warnings), the app's name and the certificate that goes on it.
//! The sign-in and the registration run in the app's background jobs; this only draws and
//! answers. Once started, the steps show on the run ladder.

use std::collections::BTreeSet;

use egui::RichText;

use super::ModalAction;
use crate::admin_signin::DevicePrompt;
use crate::core::app_registration::graph_roles::{ConnectorAccess, role_warnings, roles_for};
use crate::gui::widgets::{ERROR, OK, WARN, copy_button};

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

/// The wizard's state.
#[derive(Clone, Debug)]
pub struct SetupEntra {
    /// Ask where first (opened from the welcome screen).
    pub ask_target: bool,
    /// How to sign in.
    pub method: SignInMethod,
    /// What the connector will do.
    pub access: BTreeSet<usize>,
    /// The app registration's name.
    pub display_name: String,
    /// The tenant the app goes in, as the form names it.
    pub tenant: String,
    /// The certificate that goes on the app, as the form names it.
    pub certificate: String,
    /// The sign-in.
    pub sign_in: SignInState,
    /// Why Start was refused.
    pub error: Option<String>,
}

impl SetupEntra {
    /// The wizard for a profile in `tenant` with `certificate`, its app named `display_name`;
    /// Read sites is chosen, as the connector's guide starts with it.
    pub fn new(display_name: &str, tenant: &str, certificate: &str) -> Self {
        Self {
            ask_target: false,
            method: SignInMethod::Browser,
            access: BTreeSet::from([0]),
            display_name: display_name.to_owned(),
            tenant: tenant.to_owned(),
            certificate: certificate.to_owned(),
            sign_in: SignInState::NotStarted,
            error: None,
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

    /// Why Start cannot run yet, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !matches!(self.sign_in, SignInState::SignedIn { .. }) {
            return Err("Sign in first.".into());
        }
        if self.display_name.trim().is_empty() {
            return Err("Give the app a name.".into());
        }
        if self.access.is_empty() {
            return Err("Choose what the connector will do.".into());
        }
        if self.roles().iter().any(|r| r == "Sites.Selected") {
            return Err("'Only sites granted one by one' needs a site to grant: the command line's `app register --grant-site` does that; here, choose another access.".into());
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
            if ui
                .button("In my tenant")
                .on_hover_text("Fill in the tenant and the certificate in the form, then Set up in Entra… beside Client ID")
                .clicked()
            {
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
    let signing_in = matches!(setup.sign_in, SignInState::Waiting(_));
    ui.label(format!("Tenant: {}", setup.tenant));
    ui.add_space(6.0);
    ui.strong("1. Sign in as an administrator");
    ui.add_enabled_ui(!signing_in, |ui| {
        ui.radio_value(
            &mut setup.method,
            SignInMethod::Browser,
            "With the browser on this computer",
        );
        ui.radio_value(
            &mut setup.method,
            SignInMethod::DeviceCode,
            "With a code, on any device",
        );
    });
    if let Some(method) = sign_in_ui(ui, &setup.sign_in, setup.method) {
        action = ModalAction::SignIn(method);
    }
    ui.add_space(6.0);
    ui.strong("2. What the connector will do");
    for (index, access) in ConnectorAccess::ALL.iter().enumerate() {
        let mut on = setup.access.contains(&index);
        if ui.checkbox(&mut on, access.label()).changed() {
            if on {
                setup.access.insert(index);
            } else {
                setup.access.remove(&index);
            }
        }
        ui.indent(("access", index), |ui| {
            ui.add(egui::Label::new(RichText::new(access.explanation()).small()).wrap());
        });
    }
    let roles = setup.roles();
    let values: Vec<&str> = roles.iter().map(String::as_str).collect();
    for warning in role_warnings(&values) {
        ui.add(egui::Label::new(RichText::new(warning.message()).color(WARN)).wrap());
    }
    ui.add_space(6.0);
    ui.strong("3. The app registration");
    let label = ui.label("App name");
    ui.add(egui::TextEdit::singleline(&mut setup.display_name).id_salt("setup-app-name"))
        .labelled_by(label.id);
    ui.label(format!("Certificate: {}", setup.certificate));
    ui.add(
        egui::Label::new(
            RichText::new("Only the public certificate is uploaded. The app is created with these application permissions and admin consent, then tested and saved to this profile.")
                .small(),
        )
        .wrap(),
    );
    if let Some(error) = &setup.error {
        ui.add(egui::Label::new(RichText::new(error).color(ERROR)).wrap());
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let ready = setup.check();
        let start = ui.add_enabled(ready.is_ok(), egui::Button::new("Start"));
        let start = match &ready {
            Err(why) => start.on_disabled_hover_text(why.as_str()),
            Ok(()) => start,
        };
        if start.clicked() {
            action = ModalAction::StartSetup;
        }
        if ui.button("Cancel").clicked() {
            action = ModalAction::Cancel;
        }
    });
    action
}

/// The sign-in's state: Sign in (again), the device code with its page, or who signed in.
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
                ui.spinner();
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
