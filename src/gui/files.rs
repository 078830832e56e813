//! File dialogs behind a trait, so tests never open one (and the UI code never calls rfd directly).

use std::path::PathBuf;
use std::sync::Mutex;

/// Chooses files for the app.
pub trait FilePicker: Send + Sync {
    /// A certificate file to open (PFX/P12, PEM, DER).
    fn pick_certificate(&self) -> Option<PathBuf>;
    /// A PEM private key to open.
    fn pick_key(&self) -> Option<PathBuf>;
    /// A CA bundle (PEM) to open.
    fn pick_ca(&self) -> Option<PathBuf>;
    /// Where to save an export.
    fn save_export(&self) -> Option<PathBuf>;
    /// Where to save a new certificate's PFX (the .cer and .pem go beside it).
    fn save_pfx(&self) -> Option<PathBuf>;
    /// An export to import.
    fn pick_import(&self) -> Option<PathBuf>;
    /// A PKCS#11 module (a shared library). Test pickers answer as for any file.
    fn pick_module(&self) -> Option<PathBuf> {
        self.pick_key()
    }
}

/// The native dialogs (rfd: the XDG portal on Linux, the system dialogs on Windows and macOS).
pub struct RfdPicker;

impl FilePicker for RfdPicker {
    fn pick_module(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose the PKCS#11 module")
            .add_filter("PKCS#11 modules", &["so", "dylib", "dll"])
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn pick_certificate(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose a certificate")
            .add_filter("Certificates", &["pfx", "p12", "pem", "cer", "crt", "der"])
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn pick_key(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose the private key")
            .add_filter("Keys", &["pem", "key"])
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn pick_ca(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose a CA certificate (PEM)")
            .add_filter("PEM", &["pem", "crt", "cer"])
            .pick_file()
    }

    fn save_export(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Export profiles")
            .set_file_name("certconnect-profiles.ron")
            .add_filter("RON", &["ron"])
            .save_file()
    }

    fn save_pfx(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Save the new certificate")
            .set_file_name("private_key.pfx")
            .add_filter("PFX", &["pfx"])
            .save_file()
    }

    fn pick_import(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Import profiles")
            .add_filter("RON", &["ron"])
            .pick_file()
    }
}

/// Answers every dialog with the next queued path (tests, scripted demos).
#[derive(Default)]
pub struct QueuedPicker {
    answers: Mutex<Vec<Option<PathBuf>>>,
}

impl QueuedPicker {
    /// Queues the answer of the next dialog (`None` = the user cancelled).
    pub fn push(&self, answer: Option<PathBuf>) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.insert(0, answer);
        }
    }

    fn next(&self) -> Option<PathBuf> {
        self.answers.lock().ok().and_then(|mut a| a.pop()).flatten()
    }
}

impl FilePicker for QueuedPicker {
    fn pick_certificate(&self) -> Option<PathBuf> {
        self.next()
    }
    fn pick_key(&self) -> Option<PathBuf> {
        self.next()
    }
    fn pick_ca(&self) -> Option<PathBuf> {
        self.next()
    }
    fn save_export(&self) -> Option<PathBuf> {
        self.next()
    }
    fn save_pfx(&self) -> Option<PathBuf> {
        self.next()
    }
    fn pick_import(&self) -> Option<PathBuf> {
        self.next()
    }
}

/// What a file is chosen for. Every action that needs a file shows a path field (typed, pasted,
/// or filled by Browse…), so it works where no native file dialog can open — a server without a
/// desktop portal, a remote session — and the native dialog, which blocks its thread, runs in the
/// background, never on the UI thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileUse {
    /// The profile's PFX file.
    Pfx,
    /// The profile's PEM certificate.
    PemCertificate,
    /// The profile's PEM private key.
    PemKey,
    /// The profile's CA file.
    CaFile,
    /// Where to write an export.
    Export,
    /// An export to import.
    Import,
    /// Where to write a new certificate's PFX.
    NewPfx,
    /// A certificate to read the thumbprint from.
    Compare,
    /// The hardware token's PKCS#11 module.
    Pkcs11Module,
}

impl FileUse {
    /// Asks `picker` (blocking: call it off the UI thread).
    pub fn pick(self, picker: &dyn FilePicker) -> Option<PathBuf> {
        match self {
            Self::Pfx | Self::PemCertificate | Self::Compare => picker.pick_certificate(),
            Self::PemKey => picker.pick_key(),
            Self::CaFile => picker.pick_ca(),
            Self::Export => picker.save_export(),
            Self::Import => picker.pick_import(),
            Self::NewPfx => picker.save_pfx(),
            Self::Pkcs11Module => picker.pick_module(),
        }
    }

    /// A path to start from, for files the app writes: the home folder (from the environment,
    /// no file is read).
    pub fn suggested_path(self) -> String {
        let name = match self {
            Self::Export => "certconnect-profiles.ron",
            Self::NewPfx => "private_key.pfx",
            _ => return String::new(),
        };
        directories::BaseDirs::new()
            .map(|dirs| dirs.home_dir().join(name).display().to_string())
            .unwrap_or_else(|| name.to_owned())
    }
}
