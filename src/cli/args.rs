//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Connection manager for certificate-based app-only access to Microsoft Graph.
#[derive(Debug, Parser)]
#[command(name = "certconnect", version, about, max_term_width = 100)]
pub struct Cli {
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
    /// List, show, export and import connection profiles.
    Profile {
        /// The profile command.
        #[command(subcommand)]
        command: ProfileCommand,
    },
}

/// Certificate commands.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Show a certificate's thumbprints, validity and key, and whether Entra will accept it.
    ///
    /// Exit status: 0 usable, 1 loads but has a blocking finding (or the thumbprint differs), 2 cannot be read.
    Inspect(InspectArgs),
}

/// Where a password comes from. Never from the command line, where other users and the shell
/// history could see it.
#[derive(Debug, Args, Default, Clone)]
#[group(multiple = false)]
pub struct PasswordArgs {
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `cert inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// PFX/P12, PEM or DER (.cer/.crt) file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Private key file, when the certificate and key are separate PEM files.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// Password source for a PFX or an encrypted key.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Fail (exit 1) unless the certificate has this SHA-1 or SHA-256 thumbprint (spaces, colons, any case).
    #[arg(long, value_name = "HEX")]
    pub expect_thumbprint: Option<String>,
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
        /// File to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Import profiles from an export; taken names get an " (imported)" suffix.
    Import {
        /// Export file.
        file: PathBuf,
    },
}
