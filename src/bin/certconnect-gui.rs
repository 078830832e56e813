//! The desktop app without a console window on Windows (the Start-menu shortcut's target). The
//! `certconnect` binary opens the same app when run without arguments, and keeps its console for
//! the command line.
#![windows_subsystem = "windows"]

fn main() -> std::process::ExitCode {
    match certconnect::gui::run(certconnect::gui::Start::Normal) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::from(2),
    }
}
