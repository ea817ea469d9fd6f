//! The Assistid desktop program.
// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match assistid_desktop::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Assistid kunde inte starta: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
