//! Loaded PKCS#11 modules, one per module file per process.
//!
//! `C_Initialize` may be called once per module per process: a second call answers
//! `CKR_CRYPTOKI_ALREADY_INITIALIZED`, and two contexts finalising each other's module break
//! both. So every load goes through this registry, keyed by the module's canonical path. Modules
//! stay loaded and initialised while the process works; every session certconnect opened is
//! closed when its credential is dropped, and [`finalize_all`] calls `C_Finalize` on the way out
//! (the command line when its command ends, the app when its window closes) for each module that
//! certconnect initialised and nothing uses any more. A module still in use by a job that outlives
//! the window is left to the OS, which unloads it with the process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};

use super::error::Pkcs11Error;

/// A loaded, initialised module.
#[derive(Debug)]
pub struct Module {
    /// The module's context.
    pub context: Pkcs11,
    /// certconnect called `C_Initialize` (not another library in this process), so it finalises.
    initialized_here: bool,
}

fn registry() -> &'static Mutex<HashMap<PathBuf, Arc<Module>>> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Arc<Module>>>> = OnceLock::new();
    MODULES.get_or_init(Mutex::default)
}

/// Loads and initialises the module at `path`, or returns the one already loaded from the same
/// file. The path must be a regular file: loading runs the module's native code.
pub fn load(path: &Path) -> Result<Arc<Module>, Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::load");
    let not_a_file = || Pkcs11Error::NotAFile {
        path: path.to_owned(),
    };
    let canonical = std::fs::canonicalize(path).map_err(|_| not_a_file())?;
    if !std::fs::metadata(&canonical)
        .map_err(|_| not_a_file())?
        .is_file()
    {
        return Err(not_a_file());
    }
    let mut modules = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(module) = modules.get(&canonical) {
        return Ok(Arc::clone(module));
    }
    let not_loadable = |reason: String| Pkcs11Error::ModuleNotLoadable {
        path: path.to_owned(),
        reason,
    };
    let context = Pkcs11::new(&canonical).map_err(|e| not_loadable(load_reason(&e)))?;
    let initialized_here =
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => true,
            // Another library in this process initialised it first: it is usable as it is.
            Err(Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => false,
            Err(e) => return Err(not_loadable(format!("C_Initialize failed: {e}"))),
        };
    let module = Arc::new(Module {
        context,
        initialized_here,
    });
    modules.insert(canonical, Arc::clone(&module));
    Ok(module)
}

/// Calls `C_Finalize` on every module certconnect initialised that nothing holds any more, and
/// forgets them all; returns how many were finalised. Called once the work is done: a later load
/// initialises the module again.
pub fn finalize_all() -> usize {
    let modules: Vec<Arc<Module>> = registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .drain()
        .map(|(_, module)| module)
        .collect();
    modules
        .into_iter()
        .filter_map(|module| Arc::try_unwrap(module).ok())
        .filter(|module| module.initialized_here)
        // A module that fails to finalise is unloaded with the process all the same.
        .filter(|module| module.context.clone().finalize().is_ok())
        .count()
}

fn load_reason(error: &Error) -> String {
    match error {
        Error::LibraryLoading(e) => format!("not a loadable library ({e})"),
        Error::MissingSymbol(symbol) => {
            format!("a library, but not a PKCS#11 module (no {symbol})")
        }
        other => other.to_string(),
    }
}
