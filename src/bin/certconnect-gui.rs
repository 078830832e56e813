//! The desktop app without a console window on Windows (the Start-menu shortcut's target). The
//! `certconnect` binary opens the same app when run without arguments, and keeps its console for
//! the command line. `certconnect-gui demo [--fault SPEC]...` opens it with the local sandbox, like `certconnect demo`.
#![windows_subsystem = "windows"]

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let start = match certconnect::gui::Start::from_args(&args) {
        Ok(start) => start,
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    match certconnect::gui::run(start) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::from(2),
    }
}
