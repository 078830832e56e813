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
                dot(ui, Color32::GRAY, false);
                ui.label(RichText::new(step.label()).color(Color32::GRAY));
            }
            StepState::Running => {
                ui.spinner();
                ui.label(step.label());
            }
            StepState::Done { duration_ms, .. } => {
                dot(ui, OK, true);
                ui.label(format!("{} ({duration_ms} ms)", step.label()));
            }
            StepState::Failed { duration_ms } => {
                dot(ui, ERROR, true);
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

/// A status mark drawn as a circle, so it needs no symbol font (filled: finished; hollow: pending).
fn dot(ui: &mut egui::Ui, color: Color32, filled: bool) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    let painter = ui.painter();
    if filled {
        painter.circle_filled(rect.center(), 5.0, color);
    } else {
        painter.circle_stroke(rect.center(), 4.5, egui::Stroke::new(1.5, color));
    }
}
