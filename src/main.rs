//! The `certconnect` console binary: all the work is in the library.

fn main() -> std::process::ExitCode {
    certconnect::cli::run()
}
