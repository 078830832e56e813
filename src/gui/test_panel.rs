//! The Test connection panel: each step live with a spinner, tick or cross and its duration, then
//! the verdict with the code, message, fix and support ids.

use egui::{Color32, RichText};

use super::run_view::{RunView, StepState, Verdict};
use super::widgets::{ERROR, OK, WARN};

/// Draws a run.
pub fn test_panel_ui(ui: &mut egui::Ui, run: &RunView) {
    for (step, state) in &run.steps {
        ui.horizontal(|ui| match state {
            StepState::Pending => {
                ui.label(RichText::new("○").color(Color32::GRAY));
                ui.label(RichText::new(step.label()).color(Color32::GRAY));
            }
            StepState::Running => {
                ui.spinner();
                ui.label(step.label());
            }
            StepState::Done { duration_ms, .. } => {
                ui.label(RichText::new("✔").color(OK));
                ui.label(format!("{} ({duration_ms} ms)", step.label()));
            }
            StepState::Failed { duration_ms } => {
                ui.label(RichText::new("✖").color(ERROR));
                ui.label(format!("{} ({duration_ms} ms)", step.label()));
            }
        });
        if let StepState::Done { details, .. } = state {
            for detail in details {
                ui.label(
                    RichText::new(format!("      {}: {}", detail.label, detail.value)).small(),
                );
            }
        }
    }
    for note in &run.notes {
        ui.label(RichText::new(note).color(WARN));
    }
    match &run.verdict {
        None => {}
        Some(Verdict::Connected(summary)) => {
            ui.separator();
            ui.label(RichText::new("Connected").strong().color(OK));
            let mut text = format!("Token valid for {} s", summary.token_expires_in);
            if let (Some(site), Some(drive)) = (&summary.site, &summary.drive) {
                text.push_str(&format!("; site '{site}', drive '{drive}'"));
            }
            ui.label(text);
            ui.label(format!(
                "Roles: {}",
                if summary.roles.is_empty() {
                    "(none)".into()
                } else {
                    summary.roles.join(", ")
                }
            ));
        }
        Some(Verdict::Failed { step, failure }) => {
            ui.separator();
            ui.label(
                RichText::new(format!("Failed at '{}': {}", step.label(), failure.code))
                    .strong()
                    .color(ERROR),
            );
            ui.label(&failure.message);
            ui.label(RichText::new(format!("Fix: {}", failure.hint)).strong());
            for detail in &failure.details {
                ui.horizontal(|ui| {
                    ui.label(format!("{}: {}", detail.label, detail.value));
                    if ui
                        .small_button("Copy")
                        .on_hover_text(format!("Copy the {}", detail.label))
                        .clicked()
                    {
                        ui.ctx().copy_text(detail.value.clone());
                    }
                });
            }
        }
    }
}
