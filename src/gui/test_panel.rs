//! The Test connection panel: each step live with a spinner, tick or cross and its duration, then
//! the verdict with the code, message, fix and support ids.

use egui::{Color32, RichText};

use super::run_view::{RunView, StepState, Verdict};
use super::widgets::{ERROR, OK, WARN};

/// Draws a run; `stale` when the settings changed since it ran.
pub fn test_panel_ui(ui: &mut egui::Ui, run: &RunView, stale: bool) {
    if stale {
        ui.label(
            RichText::new("Settings changed since this run: test again to check them.")
                .strong()
                .color(WARN),
        );
        ui.separator();
    }
    for (step, state) in &run.steps {
        ui.horizontal(|ui| match state {
            StepState::Pending => {
                mark(ui, Mark::Pending);
                ui.label(RichText::new(step.label()).color(Color32::GRAY));
            }
            StepState::Running => {
                ui.spinner();
                ui.label(step.label());
            }
            StepState::Done { duration_ms, .. } => {
                mark(ui, Mark::Tick);
                ui.label(format!("{} ({duration_ms} ms)", step.label()));
            }
            StepState::Failed { duration_ms } => {
                mark(ui, Mark::Cross);
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
                    let hover = format!("Copy the {}", detail.label);
                    super::widgets::copy_button(ui, "Copy", &hover, &detail.value);
                });
            }
        }
    }
}

/// How a step's mark looks.
#[derive(Clone, Copy)]
enum Mark {
    Pending,
    Tick,
    Cross,
}

/// A step's status mark, painted with lines so it needs no symbol font: a hollow circle while
/// pending, a green tick when done, a red cross when failed.
fn mark(ui: &mut egui::Ui, mark: Mark) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    let painter = ui.painter();
    let c = rect.center();
    let at = |x: f32, y: f32| egui::pos2(c.x + x, c.y + y);
    match mark {
        Mark::Pending => {
            painter.circle_stroke(c, 4.5, egui::Stroke::new(1.5, Color32::GRAY));
        }
        Mark::Tick => {
            let stroke = egui::Stroke::new(2.0, OK);
            painter.line_segment([at(-5.0, 0.0), at(-1.5, 4.0)], stroke);
            painter.line_segment([at(-1.5, 4.0), at(5.5, -4.5)], stroke);
        }
        Mark::Cross => {
            let stroke = egui::Stroke::new(2.0, ERROR);
            painter.line_segment([at(-4.5, -4.5), at(4.5, 4.5)], stroke);
            painter.line_segment([at(-4.5, 4.5), at(4.5, -4.5)], stroke);
        }
    }
}
