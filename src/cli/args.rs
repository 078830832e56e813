//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::core::profile::StoreLocation;

/// Connection manager for certificate-based app-only access to Microsoft Graph.
#[derive(Debug, Parser)]
#[command(
    name = "certconnect",
    version,
    about,
    max_term_width = 100,
    disable_version_flag = true
)]
pub struct Cli {
    /// Print the version (with --verbose: platform, OpenSSL, renderer and stores too).
    #[arg(short = 'V', long)]
    pub version: bool,
    /// With --version: what this build uses on this machine, for support requests.
    #[arg(long, requires = "version")]
    pub verbose: bool,
    /// What to do; without one, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check certificates before and after uploading them to Entra.
    Cert {
        /// The certificate command.
        #[command(subcommand)]
        command: CertCommand,
    },
    /// Test a connection end to end: certificate, assertion, token, Graph site, drive and items.
    ///
    /// Exit status: 0 connected, 1 the connection failed, 2 bad input or usage.
    Test(Box<TestArgs>),
    /// Set up an app registration as an administrator: register a new app, add a certificate to
    /// one, or show one.
    App {
        /// The app registration command.
        #[command(subcommand)]
        command: super::app_args::AppCommand,
    },
    /// Run the local sandbox: an Entra-like token endpoint and Graph mock on 127.0.0.1.
    Sandbox(SandboxArgs),
    /// Open the desktop app with a local sandbox and a profile for it: press Test connection.
    Demo(DemoArgs),
    /// Certificates kept in the OS credential store (key there, encrypted file in the data directory).
    Store {
        /// The store command.
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// List, show, export and import connection profiles.
    Profile {
        /// The profile command.
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    ///
    /// bash: `source <(certconnect completions bash)` in ~/.bashrc.
    ///
    /// zsh: save it as _certconnect in a directory on fpath.
    ///
    /// fish: save it as ~/.config/fish/completions/certconnect.fish.
    ///
    /// PowerShell: `certconnect completions powershell | Out-String | Invoke-Expression` in $PROFILE.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the man page certconnect(1), or write every command's page to a directory.
    ///
    /// With --out: certconnect.1 and one page per command, as `man certconnect-test` or
    /// `man certconnect-cert-inspect` finds them once DIR is a man1 directory on the manual path.
    Man {
        /// The directory to write the pages to (created if missing; pages there are replaced).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Certificate commands.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Show a certificate's thumbprints, validity and key, and whether Entra will accept it.
    ///
    /// With several files, prints one line each (an expiry watch for scheduled jobs).
    /// Exit status: 0 usable, 1 loads but has a blocking finding (or the thumbprint differs, or it
    /// expires within --fail-within days), 2 cannot be read.
    Inspect(InspectArgs),
    /// Make a new self-signed certificate for an app registration: a PFX to keep, a .cer to upload.
    New(NewCertArgs),
    /// List the certificates of a Windows certificate store (those with a private key, unless --all).
    ///
    /// Windows only. Exit status: 0 listed, 2 the store cannot be opened.
    List(ListCertArgs),
    /// Import a PFX into a Windows certificate store (key non-exportable unless --exportable).
    ///
    /// Windows only. Prints the thumbprint to use with `test --windows-cert`.
    /// Exit status: 0 imported, 2 bad input (unreadable file, wrong password, store refused).
    Import(ImportCertArgs),
    /// Register a new certificate on the app registration (Graph addKey), authorised by the
    /// current one: only the new certificate's public part is sent.
    ///
    /// Needs the Application object ID (the app registration's Overview page).
    /// Exit status: 0 uploaded, 1 refused by the service, 2 bad input.
    Upload(Box<UploadArgs>),
    /// Unregister a certificate from the app registration by key ID (Graph removeKey), authorised
    /// by another current certificate.
    ///
    /// Exit status: 0 removed, 1 refused by the service, 2 bad input.
    RemoveKey(Box<RemoveKeyArgs>),
    /// Rotate a saved profile's certificate: make a new one beside it, upload it, wait for Entra
    /// to accept it, test the connection with it, switch the profile, and remove the old key when
    /// asked.
    ///
    /// Exit status: 0 rotated, 1 a step failed at the service, 2 bad input.
    Rotate(RotateArgs),
}

/// The connection a key change goes through: flags mean what they mean for `test`.
#[derive(Debug, Args)]
pub struct KeyConnectionArgs {
    /// Saved profile to start from.
    pub profile: Option<String>,
    /// Token URL (switches the preset to Custom).
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Tenant ID or domain (single-tenant preset of the profile's cloud).
    #[arg(long, value_name = "T")]
    pub tenant: Option<String>,
    /// Application (client) ID.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Application object ID (the app registration's Overview page; not the client ID).
    #[arg(long, value_name = "OID")]
    pub object_id: Option<String>,
    /// The current certificate: PFX / P12 file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["cert_pem", "key_pem"])]
    pub pfx: Option<PathBuf>,
    /// The current certificate (PEM or DER), with --key-pem.
    #[arg(long, value_name = "FILE", requires = "key_pem")]
    pub cert_pem: Option<PathBuf>,
    /// The current certificate's private key (PEM), with --cert-pem.
    #[arg(long, value_name = "FILE", requires = "cert_pem")]
    pub key_pem: Option<PathBuf>,
    /// The current certificate's password source.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Graph base URL including the API version, e.g. https://graph.microsoft.com/v1.0.
    #[arg(long, value_name = "URL")]
    pub graph_url: Option<String>,
    /// Token request scope (default: the Graph URL's origin + /.default).
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,
    /// Extra trusted CA (PEM) for networks that inspect TLS.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Bound on the whole call, in seconds.
    #[arg(long, value_name = "N")]
    pub timeout_secs: Option<String>,
    /// Print one JSON object instead of the step list.
    #[arg(long)]
    pub json: bool,
}

/// `cert upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The connection and the current certificate.
    #[command(flatten)]
    pub connection: KeyConnectionArgs,
    /// The certificate to register: a .cer, PEM or PFX (only its public certificate is sent).
    #[arg(long = "new", value_name = "NEWCERT")]
    pub new_cert: PathBuf,
    /// The environment variable holding NEWCERT's password, when it is a protected PFX.
    #[arg(long, value_name = "VAR")]
    pub new_password_env: Option<String>,
    /// The name the portal shows for the new certificate.
    #[arg(long, value_name = "S")]
    pub display_name: Option<String>,
}

/// `cert remove-key`.
#[derive(Debug, Args)]
pub struct RemoveKeyArgs {
    /// The connection and the certificate that signs (not the one removed).
    #[command(flatten)]
    pub connection: KeyConnectionArgs,
    /// The key to remove: its key ID (the portal's "Certificate ID").
    #[arg(long, value_name = "GUID")]
    pub key_id: String,
}

/// `cert rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The saved profile whose certificate is rotated.
    pub profile: String,
    /// Validity of the new certificate in years.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::core::validity::MAX_YEARS)))]
    pub years: u32,
    /// Remove the old certificate's key once the profile uses the new one (with --old-key-id).
    #[arg(long, requires = "old_key_id")]
    pub remove_old: bool,
    /// The old certificate's key ID (the portal's "Certificate ID"), for --remove-old.
    #[arg(long, value_name = "GUID", requires = "remove_old")]
    pub old_key_id: Option<String>,
    /// The current certificate's password source.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// The environment variable holding the new PFX's password (default: the current one's).
    #[arg(long, value_name = "VAR")]
    pub new_password_env: Option<String>,
    /// The sign-in, for a profile whose vault is reached by sign-in.
    #[command(flatten)]
    pub vault_sign_in: super::key_vault_cmd::VaultSignInArgs,
    /// Print one JSON object instead of the step list.
    #[arg(long)]
    pub json: bool,
}

/// `cert list`.
#[derive(Debug, Args)]
pub struct ListCertArgs {
    /// Which store: CurrentUser or LocalMachine (the Personal store, `My`).
    #[arg(
        long,
        value_name = "LOCATION",
        required_unless_present_any = ["key_vault", "pkcs11_module"],
        conflicts_with = "key_vault"
    )]
    pub windows_store: Option<StoreLocation>,
    /// An Azure Key Vault (https://NAME.vault.azure.net): its certificates with an RSA key.
    #[arg(long, value_name = "URL", conflicts_with = "pkcs11_module")]
    pub key_vault: Option<String>,
    /// How to reach the vault: cli (az login, the default), managed-identity[:CLIENT-ID],
    /// profile:NAME or sign-in (a person signs in: the browser, or --device-code).
    #[arg(long, value_name = "HOW", requires = "key_vault")]
    pub vault_access: Option<String>,
    /// The sign-in of --vault-access sign-in.
    #[command(flatten)]
    pub vault_sign_in: super::key_vault_cmd::VaultSignInArgs,
    /// List the tokens of this PKCS#11 module and their certificates that have a key, each with
    /// the URI `test --pkcs11` takes.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["windows_store", "all"])]
    pub pkcs11_module: Option<PathBuf>,
    /// The tokens' PIN (--pin-env VAR or --pin-stdin): without it, keys are not checked.
    #[command(flatten)]
    pub pin: PasswordArgs,
    /// Also certificates without a private key (they cannot sign).
    #[arg(long)]
    pub all: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `cert import`.
#[derive(Debug, Args)]
pub struct ImportCertArgs {
    /// The PFX / PKCS#12 file.
    pub pfx: PathBuf,
    /// Which store: CurrentUser or LocalMachine (LocalMachine needs an elevated prompt).
    #[arg(long, value_name = "LOCATION")]
    pub windows_store: StoreLocation,
    /// Let the key be exported again later (by default it cannot leave the store).
    #[arg(long)]
    pub exportable: bool,
    /// How to read the PFX password.
    #[command(flatten)]
    pub password: PasswordArgs,
}

/// `cert new`.
#[derive(Debug, Args)]
pub struct NewCertArgs {
    /// Subject, e.g. CN=MyClientAppCert or "CN=Connector, O=Contoso".
    #[arg(long, value_name = "SUBJECT")]
    pub subject: String,
    /// RSA key size: 2048, 3072 or 4096.
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub key_bits: u32,
    /// Validity in days (default: one year).
    #[arg(long, value_name = "N", conflicts_with = "years")]
    pub days: Option<u32>,
    /// Validity in years.
    #[arg(long, value_name = "N")]
    pub years: Option<u32>,
    /// Where to write the password-protected PFX (AES-256, PBKDF2).
    #[arg(long, value_name = "FILE")]
    pub out_pfx: PathBuf,
    /// Where to write the public certificate to upload (DER .cer).
    #[arg(long, value_name = "FILE")]
    pub out_cer: PathBuf,
    /// Also write the public certificate as PEM.
    #[arg(long, value_name = "FILE")]
    pub out_pem: Option<PathBuf>,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
    /// Also keep the new certificate in the OS credential store under this name.
    #[arg(long, value_name = "NAME")]
    pub store_as: Option<String>,
    /// The PFX password's source (required: the PFX holds the private key).
    #[command(flatten)]
    pub password: PasswordArgs,
}

/// Where a password comes from. Never from the command line, where other users and the shell
/// history could see it.
#[derive(Debug, Args, Default, Clone)]
#[group(multiple = false)]
pub struct PasswordArgs {
    /// Read the password (a hardware token's PIN: --pin-env) from this environment variable.
    #[arg(long, value_name = "VAR", visible_alias = "pin-env")]
    pub password_env: Option<String>,
    /// Read the password (a token's PIN: --pin-stdin) from the first line of standard input.
    #[arg(long, visible_alias = "pin-stdin")]
    pub password_stdin: bool,
}

/// `cert inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// PFX/P12, JKS, PEM or DER (.cer/.crt) files, or an Azure Key Vault certificate's URL
    /// (https://NAME.vault.azure.net/certificates/CERT[/VERSION]).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The keystore alias to use (Java keystores with several keys).
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,
    /// Fail (exit 1) unless the certificate is the one in this file (e.g. the .cer uploaded to Azure).
    #[arg(
        long = "match",
        value_name = "CERTFILE",
        conflicts_with = "expect_thumbprint"
    )]
    pub match_file: Option<PathBuf>,
    /// Fail (exit 1) when a certificate expires within this many days.
    #[arg(long, value_name = "DAYS")]
    pub fail_within: Option<i64>,
    /// Private key file, when the certificate and key are separate PEM files.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// Password source for a PFX or an encrypted key.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Fail (exit 1) unless the certificate has this SHA-1 or SHA-256 thumbprint (spaces, colons, any case).
    #[arg(long, value_name = "HEX")]
    pub expect_thumbprint: Option<String>,
    /// How to reach the vault, for a Key Vault certificate's URL: cli (az login, the default),
    /// managed-identity[:CLIENT-ID], profile:NAME or sign-in (a person signs in: the browser, or
    /// --device-code).
    #[arg(long, value_name = "HOW")]
    pub vault_access: Option<String>,
    /// The sign-in of --vault-access sign-in.
    #[command(flatten)]
    pub vault_sign_in: super::key_vault_cmd::VaultSignInArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Profile commands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List saved profiles.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile.
    Show {
        /// Profile name.
        name: String,
        /// Print JSON instead of RON.
        #[arg(long)]
        json: bool,
    },
    /// Export profiles to one file (it never contains a password or key).
    Export {
        /// Profile names.
        #[arg(required = true)]
        names: Vec<String>,
        /// File to write (a new file; an existing one only with --force).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace FILE if it exists (never a FIFO, a device or a profile file).
        #[arg(long)]
        force: bool,
        /// Also carry each profile's certificate and key, encrypted under a passphrase (for moving a
        /// connection to another machine). Without it, exports hold no secret at all.
        #[arg(long, requires = "passphrase_env")]
        with_certificate: bool,
        /// The environment variable holding the bundle's passphrase (at least 12 characters).
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
        /// The certificates' password source, when not remembered in the credential store.
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Import profiles from an export; taken names get an " (imported)" suffix. A bundle's
    /// certificates go into the OS credential store.
    Import {
        /// Export or bundle file.
        file: PathBuf,
        /// The environment variable holding the bundle's passphrase.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
    },
    /// Trust an imported profile: confirm on this machine the hosts it sends tokens to and the
    /// credential-store entries it names.
    Trust {
        /// Profile name.
        name: String,
    },
}

/// `test`: flags override the profile's fields.
#[derive(Debug, Args, Default)]
pub struct TestArgs {
    /// Saved profile to start from (with --all: a name pattern, * and ? as wildcards).
    pub profile: Option<String>,
    /// Test every saved profile (or those PROFILE matches), a few at a time: one line each, then
    /// a summary. Exit status 0 only when all connect.
    #[arg(long, conflicts_with_all = [
        "token_url", "tenant", "client_id", "pfx", "alias", "cert_pem", "key_pem", "windows_cert",
        "key_vault_cert", "vault_access", "pkcs11", "pkcs11_module",
        "scope", "graph_url", "site_id", "drive_id", "header", "retry_mode", "retry_codes",
        "retry_max", "alg", "send_chain", "remember", "report", "timings",
    ])]
    pub all: bool,
    /// With --all: how many profiles are tested at once (1 to 64).
    #[arg(long, value_name = "N", requires = "all", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Token URL (switches the preset to Custom).
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Tenant ID or domain (single-tenant preset of the profile's cloud).
    #[arg(long, value_name = "T")]
    pub tenant: Option<String>,
    /// Application (client) ID.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// PFX / P12 file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["cert_pem", "key_pem", "windows_cert", "key_vault_cert"])]
    pub pfx: Option<PathBuf>,
    /// The keystore alias to use, when the keystore holds several keys.
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,
    /// Certificate file (PEM or DER), with --key-pem; with --pkcs11, the key's certificate when
    /// the token holds none.
    #[arg(long, value_name = "FILE")]
    pub cert_pem: Option<PathBuf>,
    /// Private key file (PEM), with --cert-pem.
    #[arg(long, value_name = "FILE", requires = "cert_pem")]
    pub key_pem: Option<PathBuf>,
    /// A certificate in the Windows certificate store, by SHA-1 thumbprint; its key signs in place
    /// (non-exportable keys work). Windows only.
    #[arg(long, value_name = "THUMBPRINT", conflicts_with_all = ["cert_pem", "key_pem"])]
    pub windows_cert: Option<String>,
    /// A key on a hardware token (smart card, YubiKey, HSM): an RFC 7512 pkcs11: URI, as
    /// `certconnect cert list --pkcs11-module PATH` prints it. The key signs on the token.
    #[arg(long, value_name = "URI", conflicts_with_all = ["pfx", "key_pem", "windows_cert"])]
    pub pkcs11: Option<String>,
    /// The PKCS#11 module (.so, .dylib, .dll) when the URI names none.
    #[arg(long, value_name = "PATH", requires = "pkcs11")]
    pub pkcs11_module: Option<PathBuf>,
    /// The store of --windows-cert: CurrentUser (default) or LocalMachine.
    #[arg(long, value_name = "LOCATION", requires = "windows_cert")]
    pub windows_store: Option<StoreLocation>,
    /// A certificate in Azure Key Vault (https://NAME.vault.azure.net/certificates/CERT[/VERSION]);
    /// the vault signs the assertion, the key never leaves it.
    #[arg(long, value_name = "URL", conflicts_with_all = ["cert_pem", "key_pem", "windows_cert"])]
    pub key_vault_cert: Option<String>,
    /// How to reach the vault: cli (az login, the default), managed-identity[:CLIENT-ID],
    /// profile:NAME or sign-in (a person signs in: the browser, or --device-code).
    #[arg(long, value_name = "HOW")]
    pub vault_access: Option<String>,
    /// The sign-in of --vault-access sign-in.
    #[command(flatten)]
    pub vault_sign_in: super::key_vault_cmd::VaultSignInArgs,
    /// Password source; without one the key is opened with no password.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Token request scope (default: the Graph URL's origin + /.default).
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,
    /// Graph base URL including the API version, e.g. https://graph.microsoft.com/v1.0.
    #[arg(long, value_name = "URL")]
    pub graph_url: Option<String>,
    /// Site id: root, host:/sites/path, or a full site id.
    #[arg(long, value_name = "ID")]
    pub site_id: Option<String>,
    /// Drive id (default: the site's document library).
    #[arg(long, value_name = "ID")]
    pub drive_id: Option<String>,
    /// Extra Graph headers, 'H1:AAA||H2:BBB'.
    #[arg(long, value_name = "HEADERS")]
    pub header: Option<String>,
    /// none, any or status.
    #[arg(long, value_name = "MODE")]
    pub retry_mode: Option<String>,
    /// Status codes retried in status mode, '429|503|423'.
    #[arg(long, value_name = "CODES")]
    pub retry_codes: Option<String>,
    /// Retries after the first attempt.
    #[arg(long, value_name = "N")]
    pub retry_max: Option<String>,
    /// RS256 (x5t, default) or PS256 (x5t#S256).
    #[arg(long, value_name = "ALG")]
    pub alg: Option<String>,
    /// Send the certificate chain (x5c).
    #[arg(long)]
    pub send_chain: bool,
    /// Extra trusted CA (PEM) for networks that inspect TLS.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Bound on the whole test, in seconds.
    #[arg(long, value_name = "N")]
    pub timeout_secs: Option<String>,
    /// Stop after the token step.
    #[arg(long)]
    pub token_only: bool,
    /// Print where the time went (phases in milliseconds) to standard error.
    #[arg(long)]
    pub timings: bool,
    /// Remember the password in the OS credential store and point the saved PROFILE at it.
    #[arg(long)]
    pub remember: bool,
    /// Print one JSON object instead of the step list.
    #[arg(long)]
    pub json: bool,
    /// Print the plain-text report after the run instead of the live step list: the same text as
    /// the app's Copy report (settings without secrets, steps, verdict, support ids), for a ticket.
    #[arg(long, conflicts_with = "json")]
    pub report: bool,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// A fault for the sandbox to inject, as for `sandbox --fault` (token:slow=3000 shows a slow
    /// server, token:429:retry-after=2 a throttled one). Repeatable.
    #[arg(long, value_name = "SPEC")]
    pub fault: Vec<String>,
}

/// `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8400)]
    pub port: u16,
    /// Where the demo certificate and profile are written.
    #[arg(long, value_name = "DIR", default_value = "certconnect-sandbox")]
    pub dir: PathBuf,
    /// Serve HTTPS with a fresh CA (written to DIR/sandbox-ca.pem).
    #[arg(long)]
    pub tls: bool,
    /// Inject a fault into the next matching request, e.g. token:429:retry-after=2, graph:503, token:slow=3000, graph:malformed, token:html, graph:drop. Repeatable.
    #[arg(long, value_name = "SPEC")]
    pub fault: Vec<String>,
    /// Shift the sandbox clock by this many seconds (shows AADSTS700024 clock-skew diagnosis).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub clock_offset_secs: i64,
    /// Seconds a key added with addKey stays unknown to the token endpoint (AADSTS700027), as
    /// Entra takes a moment to accept an uploaded certificate: shows rotation's wait.
    #[arg(long, value_name = "SECS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=600))]
    pub key_delay_secs: u64,
    /// Also serve a Key Vault with one certificate registered on the demo app (its key stays in
    /// the sandbox) and a managed-identity endpoint.
    #[arg(long)]
    pub key_vault: bool,
}

/// `store` commands.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// List the certificates kept in the credential store.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep a PFX's certificate and key in the credential store under a name profiles can use.
    Import {
        /// PFX / P12 file or Java keystore.
        file: PathBuf,
        /// The name to keep it under.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Keystore alias, when it holds several keys.
        #[arg(long, value_name = "NAME")]
        alias: Option<String>,
        /// The file's password source.
        #[command(flatten)]
        password: PasswordArgs,
    },
    /// Show a stored certificate's report.
    Inspect {
        /// Its name.
        name: String,
    },
    /// Remove a stored certificate and its key (refused while saved profiles use it).
    Remove {
        /// Its name.
        name: String,
        /// Remove it even though saved profiles use it (they stop working until given another).
        #[arg(long)]
        force: bool,
    },
}
