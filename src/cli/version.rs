//! `certconnect --version [--verbose]`: the version, and for support what this build uses here.

use crate::cli::term::outln;

/// Prints the version; `verbose` adds the platform, OpenSSL, renderer order and stores.
pub fn print(verbose: bool) {
    outln!("certconnect {}", env!("CARGO_PKG_VERSION"));
    if !verbose {
        return;
    }
    outln!(
        "platform: {} {} ({})",
        std::env::consts::OS,
        std::env::consts::ARCH,
        std::env::consts::FAMILY
    );
    outln!("OpenSSL: {}", openssl::version::version());
    outln!("renderer: {}", crate::gui::renderer::summary());
    outln!(
        "credential store: {}",
        crate::credential_store::PLATFORM_STORE_NAME
    );
    let windows_store = if cfg!(windows) {
        "available (CurrentUser, LocalMachine)"
    } else {
        "unavailable: it exists only on Windows"
    };
    outln!("Windows certificate store: {windows_store}");
}
