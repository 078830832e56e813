//! The first screen, while no profile is saved: what the app does, and the ways to start.

/// What the welcome screen asks for.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WelcomeAction {
    /// Nothing.
    None,
    /// Start a new connection (the form).
    New,
    /// Start the local sandbox and open a profile that connects to it.
    Demo,
    /// Import profiles from an export.
    Import,
    /// Register a new app in Entra (the wizard).
    SetupEntra,
}

/// Draws the welcome screen.
pub fn welcome_ui(ui: &mut egui::Ui) -> WelcomeAction {
    let mut action = WelcomeAction::None;
    ui.add_space(24.0);
    ui.heading("Connect to Microsoft Graph with a certificate");
    ui.add_space(8.0);
    ui.add(
        egui::Label::new(
            "certconnect checks app-only connections of OneDrive and SharePoint connectors: the app \
             registration in Microsoft Entra ID, the certificate uploaded to it, a token, and the \
             site and drive — step by step, with the reason and a fix when something is refused.",
        )
        .wrap(),
    );
    ui.add_space(16.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("New connection")
            .on_hover_text("Enter the tenant, client ID and certificate of an app registration")
            .clicked()
        {
            action = WelcomeAction::New;
        }
        if ui
            .button("Set up in Entra…")
            .on_hover_text("Sign in as an administrator and let certconnect register the app, upload the certificate and grant the permissions")
            .clicked()
        {
            action = WelcomeAction::SetupEntra;
        }
        if ui
            .button("Try the sandbox demo")
            .on_hover_text("A local stand-in for Entra ID and Graph, with a certificate made for it: no tenant needed")
            .clicked()
        {
            action = WelcomeAction::Demo;
        }
        if ui
            .button("Import…")
            .on_hover_text("Profiles exported from certconnect (.ron, or a bundle with certificates)")
            .clicked()
        {
            action = WelcomeAction::Import;
        }
    });
    action
}
