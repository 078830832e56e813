//! Opening the system browser at the `/authorize` URL. A trait, so tests supply a browser that
//! follows the URL itself and the app can show the URL where no browser opens.

use std::process::{Command, Stdio};

use thiserror::Error;
use url::Url;

/// Why the browser did not open. The URL is not repeated: it carries the sign-in's `state`.
#[derive(Debug, Error)]
pub enum BrowserError {
    /// Only http and https addresses are opened.
    #[error("the sign-in page's address is not a web address")]
    NotWeb,
    /// The program that opens the browser could not be started.
    #[error(
        "the browser could not be opened ({program}: {reason}); use the device code sign-in instead"
    )]
    Launch {
        /// The program run.
        program: &'static str,
        /// The operating system's reason.
        reason: String,
    },
}

/// Opens a URL in the admin's browser. Returns once the browser was asked; the sign-in then waits
/// for the redirect.
pub trait BrowserOpener: Send + Sync {
    /// Shows `url` to the admin.
    fn open(&self, url: &Url) -> Result<(), BrowserError>;
}

/// The system's default browser: `open` on macOS, `xdg-open` elsewhere on Unix, and on Windows
/// `rundll32 url.dll,FileProtocolHandler`. Each is run directly with the URL as one argument, never
/// through a shell: `cmd /c start` would read the `&` between the URL's parameters as a command
/// separator.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemBrowser;

impl SystemBrowser {
    fn command(url: &str) -> (&'static str, Command) {
        let program = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "rundll32"
        } else {
            "xdg-open"
        };
        let mut command = Command::new(program);
        if cfg!(windows) {
            command.arg("url.dll,FileProtocolHandler");
        }
        command.arg(url);
        (program, command)
    }
}

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BrowserError::NotWeb);
        }
        let (program, mut command) = Self::command(url.as_str());
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| BrowserError::Launch {
                program,
                reason: e.to_string(),
            })?;
        // xdg-open may stay until the browser exits; a named thread reaps it so no zombie is left
        // and the sign-in does not wait for it.
        std::thread::Builder::new()
            .name("browser-opener".into())
            .spawn(move || child.wait().ok())
            .map_err(|e| BrowserError::Launch {
                program,
                reason: e.to_string(),
            })?;
        Ok(())
    }
}
