//! The desktop app without a console window on Windows (the Start-menu shortcut's target). The
//! `certconnect` binary opens the same app when run without arguments, and keeps its console for
//! the command line. `certconnect-gui demo` opens it with the local sandbox, like `certconnect demo`.
#![windows_subsystem = "windows"]

fn main() -> std::process::ExitCode {
    let start = match std::env::args().nth(1).as_deref() {
        Some("demo") => certconnect::gui::Start::Demo,
        _ => certconnect::gui::Start::Normal,
    };
    match certconnect::gui::run(start) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::from(2),
    }
}
