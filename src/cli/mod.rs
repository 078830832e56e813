//! The command-line front end. It parses arguments, calls the core and adapters, and prints.
//!
//! Exit codes are part of the contract for scripts: 0 success, 1 the checked thing is not usable
//! (blocking finding, failed connection), 2 bad input or a file that cannot be read.

mod app_args;
mod app_cmd;
mod app_sign_in;
mod args;
mod bundle_cmd;
mod cert_cmd;
mod cert_new;
mod completions_cmd;
mod credential_store_cmd;
mod key_cmd;
mod key_vault_cmd;
mod password;
mod pkcs11_cmd;
mod print;
mod profile_cmd;
mod sandbox_cmd;
pub(crate) mod term;
mod test_all;
mod test_cmd;
mod test_print;
mod timings;
mod version;
mod windows_cert_store_cmd;

use std::process::ExitCode;

use clap::Parser as _;

pub use args::Cli;
use args::{CertCommand, Command};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out.
    Ok,
    /// The input was fine, but what it describes is not usable.
    Failed,
    /// Bad input, usage error or unreadable file.
    BadInput,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
            Outcome::BadInput => ExitCode::from(2),
        }
    }
}

/// Runs the CLI with the process's arguments.
pub fn run() -> ExitCode {
    timings::mark_start();
    let cli = Cli::parse();
    if cli.version {
        version::print(cli.verbose);
        return ExitCode::SUCCESS;
    }
    let outcome = match cli.command {
        Some(Command::Cert {
            command: CertCommand::Inspect(args),
        }) => cert_cmd::inspect(&args),
        Some(Command::Cert {
            command: CertCommand::New(args),
        }) => cert_new::run(&args),
        Some(Command::Cert {
            command: CertCommand::List(args),
        }) if args.pkcs11_module.is_some() => pkcs11_cmd::list(&args),
        Some(Command::Cert {
            command: CertCommand::List(args),
        }) => windows_cert_store_cmd::list(&args),
        Some(Command::Cert {
            command: CertCommand::Import(args),
        }) => windows_cert_store_cmd::import(&args),
        Some(Command::Cert {
            command: CertCommand::Upload(args),
        }) => key_cmd::upload(&args),
        Some(Command::Cert {
            command: CertCommand::RemoveKey(args),
        }) => key_cmd::remove_key(&args),
        Some(Command::Cert {
            command: CertCommand::Rotate(args),
        }) => key_cmd::rotate(&args),
        Some(Command::Profile { command }) => profile_cmd::run(command),
        Some(Command::Test(args)) => test_cmd::run(&args),
        Some(Command::App { command }) => app_cmd::run(command),
        Some(Command::Sandbox(args)) => sandbox_cmd::run(&args),
        Some(Command::Demo(args)) => match crate::sandbox::parse_faults(&args.fault) {
            Ok(faults) => open_app(crate::gui::Start::Demo { faults }),
            Err(message) => print::usage_error(false, &message),
        },
        Some(Command::Store { command }) => credential_store_cmd::run(command),
        Some(Command::Completions { shell }) => completions_cmd::completions(shell),
        Some(Command::Man { out }) => completions_cmd::man(out.as_deref()),
        None => open_app(crate::gui::Start::Normal),
    };
    // The command's work is done: hardware-token modules it loaded are finalised.
    crate::cert::pkcs11::finalize_all();
    outcome.into()
}

fn open_app(start: crate::gui::Start) -> Outcome {
    match crate::gui::run(start) {
        Ok(()) => Outcome::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("The command line works without a display: certconnect --help");
            Outcome::BadInput
        }
    }
}

/// The current time in Unix seconds; the one place the CLI reads the clock.
pub(crate) fn now() -> i64 {
    crate::probe::system_now()
}
