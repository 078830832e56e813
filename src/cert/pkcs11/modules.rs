//! Which module file to load: the URI's `module-path`, else the one given on the command line,
//! else the profile's, else the first of the platform's usual modules that is present.

use std::path::{Path, PathBuf};

use super::error::Pkcs11Error;
use crate::core::pkcs11_uri::Pkcs11Uri;

/// Where the usual modules (OpenSC's, Yubico's) are installed on this platform.
pub fn usual_modules() -> Vec<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &[
            r"C:\Windows\System32\opensc-pkcs11.dll",
            r"C:\Program Files\OpenSC Project\OpenSC\pkcs11\opensc-pkcs11.dll",
            r"C:\Program Files\Yubico\Yubico PIV Tool\bin\libykcs11.dll",
        ]
    } else if cfg!(target_os = "macos") {
        &[
            "/Library/OpenSC/lib/opensc-pkcs11.so",
            "/opt/homebrew/lib/opensc-pkcs11.so",
            "/usr/local/lib/opensc-pkcs11.so",
            "/usr/local/lib/libykcs11.dylib",
            "/opt/homebrew/lib/libykcs11.dylib",
        ]
    } else {
        &[
            "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib/opensc-pkcs11.so",
            "/usr/lib/x86_64-linux-gnu/libykcs11.so",
            "/usr/lib/aarch64-linux-gnu/libykcs11.so",
            "/usr/lib64/libykcs11.so",
            "/usr/local/lib/libykcs11.so",
        ]
    };
    names.iter().map(PathBuf::from).collect()
}

/// The usual modules that are on this machine (for the app's offer).
pub fn installed_modules() -> Vec<PathBuf> {
    usual_modules()
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}

/// The module to load, in the order of precedence; the error lists every path looked at.
pub fn resolve_module(
    uri: &Pkcs11Uri,
    flag: Option<&Path>,
    profile: Option<&Path>,
) -> Result<PathBuf, Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::resolve_module");
    if let Some(path) = uri.module_path.as_deref() {
        return Ok(PathBuf::from(path));
    }
    if let Some(path) = flag.or(profile) {
        return Ok(path.to_owned());
    }
    let tried = usual_modules();
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or(Pkcs11Error::NoModule { tried })
}
