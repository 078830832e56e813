//! `certconnect app …`: setting up an app registration with an administrator's sign-in.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use crate::core::app_registration::requests::SiteRole;

/// App registration commands.
#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Register a new app from nothing to a tested connection: sign in as an administrator,
    /// create the app with the certificate, its service principal, grant the Microsoft Graph
    /// application roles (admin consent) and the site, wait for Entra, test, save.
    ///
    /// Only the public certificate is sent. Exit status: 0 registered and connected, 1 a step
    /// failed at the service (what was created is listed, with how to finish or undo it), 2 bad
    /// input.
    Register(Box<RegisterArgs>),
    /// Add a certificate to an existing app registration, keeping every key it has.
    ///
    /// Exit status: 0 added (or already there), 1 refused by the service, 2 bad input.
    AddCert(Box<AddCertArgs>),
    /// Show an app registration's certificates (key ID, SHA-1 thumbprint, expiry), its granted
    /// Microsoft Graph application roles and, given a certificate, whether it is registered.
    ///
    /// Exit status: 0 shown, 1 refused by the service, 2 bad input.
    Show(Box<ShowAppArgs>),
    /// Forget the administrator's sign-in remembered with --remember-sign-in (its refresh token
    /// in the OS credential store) for this tenant, sign-in client and cloud.
    ///
    /// Exit status: 0 forgotten (or nothing was remembered), 1 the credential store refused,
    /// 2 bad input.
    SignOut(Box<SignOutArgs>),
}

/// `app sign-out`: which remembered sign-in to forget (the flags of `SignInArgs` that name it,
/// with help that speaks of a past sign-in).
#[derive(Debug, Args)]
#[command(
    mut_arg("sign_in_client_id", |a| a.help("The public client signed in with, when not the default")),
    mut_arg("authority", |a| a.help("The sign-in host, when not the Graph URL's cloud's")),
    mut_arg("graph_url", |a| a.help("Graph base URL including the API version; its cloud names the sign-in host")),
)]
pub struct SignOutArgs {
    /// The tenant signed in to: as it was given to --tenant.
    #[arg(long, value_name = "T")]
    pub tenant: String,
    /// The sign-in client and the cloud.
    #[command(flatten)]
    pub cloud: CloudArgs,
}

/// Which client signs in, at which sign-in host, for which Graph: what names a sign-in.
#[derive(Debug, Args)]
pub struct CloudArgs {
    /// The public client the administrator signs in with (default: Microsoft Graph Command Line
    /// Tools, 14d82eec-204b-4c2f-b7e8-296a70dab67e).
    #[arg(long, value_name = "ID")]
    pub sign_in_client_id: Option<String>,
    /// The sign-in host (default: the Graph URL's cloud's, https://login.microsoftonline.com).
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
    /// Graph base URL including the API version (default: https://graph.microsoft.com/v1.0).
    #[arg(long, value_name = "URL")]
    pub graph_url: Option<String>,
}

/// How the administrator signs in, and where Graph is.
#[derive(Debug, Args)]
pub struct SignInArgs {
    /// Sign in with a device code (the message goes to standard error) instead of the browser.
    #[arg(long)]
    pub device_code: bool,
    /// The sign-in client and the cloud.
    #[command(flatten)]
    pub cloud: CloudArgs,
    /// Extra trusted CA (PEM) for networks that inspect TLS.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Remember this sign-in: its refresh token goes into the OS credential store (never a
    /// file), and the next sign-in with this flag for the same tenant, client and cloud uses it
    /// instead of the browser or a code. `app sign-out` forgets it.
    #[arg(long)]
    pub remember_sign_in: bool,
}

/// Read or write access for a Sites.Selected grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SiteRoleArg {
    /// Read the site.
    Read,
    /// Read and change the site's content.
    Write,
}

impl From<SiteRoleArg> for SiteRole {
    fn from(role: SiteRoleArg) -> Self {
        match role {
            SiteRoleArg::Read => Self::Read,
            SiteRoleArg::Write => Self::Write,
        }
    }
}

/// `app register`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("certificate").required(true).args(["pfx", "cert_pem", "new_cert"])))]
pub struct RegisterArgs {
    /// The tenant the app is registered in: its ID or a verified domain.
    #[arg(long, value_name = "T")]
    pub tenant: String,
    /// The app registration's name.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The certificate: a PFX / P12 file.
    #[arg(long, value_name = "FILE")]
    pub pfx: Option<PathBuf>,
    /// The certificate: a PEM file (with its key, or the key in --key-pem). The final test signs
    /// with the key, so `register` needs it.
    #[arg(long, value_name = "FILE")]
    pub cert_pem: Option<PathBuf>,
    /// The private key (PEM) of --cert-pem, when it is in a file of its own.
    #[arg(long, value_name = "FILE", requires = "cert_pem")]
    pub key_pem: Option<PathBuf>,
    /// Make a new self-signed certificate: this PFX (protected by --password-env) and the public
    /// certificate beside it with the extension .cer. Existing files are never replaced.
    #[arg(long, value_name = "FILE.pfx")]
    pub new_cert: Option<PathBuf>,
    /// The environment variable holding the PFX's or the key's password.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// A Microsoft Graph application role to grant (Sites.Read.All, Sites.Selected,
    /// Files.Read.All, …). Repeatable.
    #[arg(long = "role", value_name = "VALUE")]
    pub roles: Vec<String>,
    /// Grant the app this site (Sites.Selected): the site ID as Graph gives it.
    #[arg(long, value_name = "SITE-ID", requires = "site_role")]
    pub grant_site: Option<String>,
    /// The access --grant-site gives: read or write.
    #[arg(long, value_name = "ROLE", requires = "grant_site")]
    pub site_role: Option<SiteRoleArg>,
    /// How the administrator signs in, and where Graph is.
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// How long to wait for Entra to make the new app usable, in seconds (default 180).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub wait_secs: Option<u64>,
    /// Save the connected profile under this name.
    #[arg(long, value_name = "NAME")]
    pub save_profile: Option<String>,
    /// Print one JSON object instead of the step list.
    #[arg(long)]
    pub json: bool,
}

/// The flags `app add-cert` and `app show` share: the app, a certificate and the sign-in.
#[derive(Debug, Args)]
pub struct ExistingAppArgs {
    /// The tenant of the app: its ID or a verified domain.
    #[arg(long, value_name = "T")]
    pub tenant: String,
    /// The app's Application (client) ID.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The certificate: a PFX / P12 file (only its public certificate is used).
    #[arg(long, value_name = "FILE")]
    pub pfx: Option<PathBuf>,
    /// The certificate: a PEM or DER certificate file.
    #[arg(long, value_name = "FILE")]
    pub cert_pem: Option<PathBuf>,
    /// The environment variable holding the PFX's password.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// How the administrator signs in, and where Graph is.
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `app add-cert`: the certificate to add is required.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("certificate").required(true).args(["pfx", "cert_pem"])))]
pub struct AddCertArgs {
    /// The app, the certificate to add and the sign-in.
    #[command(flatten)]
    pub app: ExistingAppArgs,
}

/// `app show`: a certificate to look for on the app is optional.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("certificate").args(["pfx", "cert_pem"])))]
pub struct ShowAppArgs {
    /// The app, a certificate to look for and the sign-in.
    #[command(flatten)]
    pub app: ExistingAppArgs,
}
