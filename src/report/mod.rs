//! A test run as both front ends show it: the run model built from the probe's events, the titles
//! people read instead of failure codes, and the plain-text report for tickets.
//!
//! One model for the CLI and the app (no egui here): the app draws a [`RunView`] and copies
//! [`render_text`] of it; `certconnect test --report` prints the same text.

mod pkcs11_settings;
mod run;
mod settings;
mod text;
mod title;

pub use run::{Note, NoteKind, RunKind, RunView, SetupApp, StepState, StepView, Verdict};
pub use settings::settings_lines;
pub use text::{ReportContext, render_text, rotated_sentence, rotated_title};
pub use title::failure_title;

#[cfg(test)]
mod tests;
