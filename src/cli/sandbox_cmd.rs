//! `certconnect sandbox`: the local Entra-like token endpoint and Graph mock, for trying the flow.

use super::Outcome;
use super::args::SandboxArgs;
use super::term::outln;
use crate::profile_store::{ProfileStore, export_profiles};
use crate::sandbox::{SandboxConfig, parse_faults, start_demo};

/// Runs the sandbox until Ctrl+C.
pub(crate) fn run(args: &SandboxArgs) -> Outcome {
    let faults = match parse_faults(&args.fault) {
        Ok(faults) => faults,
        Err(message) => return super::print::usage_error(false, &message),
    };
    let key_vault = match vault_config(args.key_vault) {
        Ok(vault) => vault,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::BadInput;
        }
    };
    let config = SandboxConfig {
        key_vault,
        faults,
        tls: args.tls,
        clock_offset_secs: args.clock_offset_secs,
        port: args.port,
        key_propagation: std::time::Duration::from_secs(args.key_delay_secs),
        ..SandboxConfig::default()
    };
    // Refused before any certificate is made or file written.
    if let Err(message) = config.check() {
        eprintln!("error: {message}");
        return Outcome::BadInput;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Outcome::BadInput;
        }
    };
    runtime.block_on(async {
        let demo = match start_demo(&args.dir, config).await {
            Ok(demo) => demo,
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::BadInput;
            }
        };
        // The profile goes into a scratch store so it can be exported in the import format.
        let scratch = ProfileStore::at(args.dir.join(".profile"));
        let profile_file = args.dir.join("sandbox-profile.ron");
        // A scratch store left by an earlier run holds the demo profile under its own id; reusing
        // that id replaces it instead of clashing with its name.
        let previous_id = scratch
            .get(demo.profile.name())
            .map(|stored| stored.profile.id().to_owned())
            .unwrap_or_default();
        let profile = demo.profile.clone().with_id(previous_id);
        let exported = scratch.save(&profile).and_then(|_| {
            export_profiles(&scratch, &[demo.profile.name().to_owned()], &profile_file)
        });
        let pfx = args.dir.join("sandbox.pfx");
        outln!(
            "certconnect sandbox listening on {}",
            demo.sandbox.base_url()
        );
        outln!("  token URL   {}", demo.sandbox.token_url());
        outln!("  Graph URL   {}", demo.sandbox.graph_url());
        outln!("  client ID   {}", demo.profile.client_id());
        outln!(
            "  object ID   {} (the app registration's Object ID, for addKey / removeKey)",
            crate::sandbox::DEMO_OBJECT_ID
        );
        outln!(
            "  certificate {} (no password), SHA-1 thumbprint {}",
            pfx.display(),
            demo.thumbprint
        );
        if let Some(key) = demo
            .sandbox
            .key_credentials(crate::sandbox::DEMO_OBJECT_ID)
            .first()
        {
            outln!(
                "  key ID      {} (the certificate's key on the app, for remove-key)",
                key.key_id
            );
        }
        if let Some(ca) = demo.profile.ca_file() {
            outln!("  TLS CA      {}", ca.display());
        }
        outln!();
        outln!("In another terminal, test the connection:");
        let ca = demo
            .profile
            .ca_file()
            .as_ref()
            .map(|p| format!(" --ca-file {}", p.display()))
            .unwrap_or_default();
        outln!(
            "  certconnect test --token-url {} --client-id {} --pfx {} --graph-url {}{ca}",
            demo.sandbox.token_url(),
            demo.profile.client_id(),
            pfx.display(),
            demo.sandbox.graph_url()
        );
        if exported.is_ok() {
            outln!(
                "or import the profile: certconnect profile import {}",
                profile_file.display()
            );
        }
        if args.key_vault {
            print_vault(&demo);
        }
        outln!("Press Ctrl+C to stop.");
        tokio::signal::ctrl_c().await.ok();
        Outcome::Ok
    })
}

/// The demo vault when asked for, else none.
fn vault_config(wanted: bool) -> Result<crate::sandbox::KeyVaultConfig, String> {
    if wanted {
        crate::sandbox::demo_vault()
    } else {
        Ok(crate::sandbox::KeyVaultConfig::default())
    }
}

/// The demo vault's address and the command that tests with its certificate.
fn print_vault(demo: &crate::sandbox::Demo) {
    outln!();
    outln!(
        "Key Vault     {} (certificate {}, managed identity {})",
        demo.sandbox.vault_url(),
        crate::sandbox::DEMO_VAULT_CERTIFICATE,
        crate::sandbox::DEMO_MANAGED_IDENTITY
    );
    outln!("Test with the certificate signed in the vault:");
    outln!(
        "  CERTCONNECT_IMDS_ENDPOINT={} certconnect test --token-url {} --client-id {} --graph-url {} --key-vault-cert {}/certificates/{} --vault-access managed-identity",
        demo.sandbox.base_url(),
        demo.sandbox.token_url(),
        demo.profile.client_id(),
        demo.sandbox.graph_url(),
        demo.sandbox.vault_url(),
        crate::sandbox::DEMO_VAULT_CERTIFICATE
    );
}
