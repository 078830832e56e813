//! The Test connection panel: each step live with a spinner, tick or cross and its duration, its
//! findings as a key/value grid and its retries and warnings under it; then the verdict in plain
//! words with the fix, the support ids and the raw error behind "Details"; and *Copy report*.
//!
//! Everything wraps to the width the panel is given (it may sit beside the form or under it), and
//! every value can be selected and copied.
//!
//! A test that failed where "Set up in Entra…" can help (the app unknown, the certificate not on
//! it, a permission missing) offers that fix as a button; pressing it is returned, not applied.

use egui::{Color32, RichText};

use super::widgets::{ERROR, OK, WARN, copy_button, copy_button_with};
use crate::core::app_registration::setup_fix::{SetupFix, setup_fix};
use crate::core::event::{Detail, Failure, Step};
use crate::probe::ProbeSummary;
use crate::report::{NoteKind, ReportContext, RunKind, RunView, StepState, StepView, Verdict};
use crate::report::{failure_title, render_text};

/// What the admin asked for in the test panel.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestPanelAction {
    /// Nothing.
    None,
    /// Open "Set up in Entra…" for this fix.
    SetupFix(SetupFix),
    /// Put the app a stopped setup left into the form (unsaved).
    UseSetupApp,
    /// Put the app a stopped setup left into the form, then open "Set up in Entra…" on it for
    /// this fix.
    SetupAppFix(SetupFix),
}

/// Draws a run; `stale` when the settings changed since it ran.
pub fn test_panel_ui(ui: &mut egui::Ui, run: &RunView, stale: bool) -> TestPanelAction {
    let mut action = TestPanelAction::None;
    if run.verdict.is_some() {
        ui.horizontal_wrapped(|ui| {
            copy_button_with(
                ui,
                "Copy report",
                "Copy the whole run as plain text, for a ticket (no secrets in it)",
                || render_text(run, &ReportContext::default()),
            );
        });
    }
    if stale {
        wrapped(
            ui,
            RichText::new("Settings changed since this run: test again to check them.")
                .strong()
                .color(WARN),
        );
        ui.separator();
    }
    // The verdict first: it is what the admin came for, and a long run would push it out of
    // sight below the steps.
    match &run.verdict {
        None => {}
        Some(Verdict::Connected(summary)) => connected_ui(ui, summary),
        Some(Verdict::Rotated(rotation)) => {
            let color = if rotation.removal_failed.is_some() {
                WARN
            } else {
                OK
            };
            let title = crate::report::rotated_title(rotation);
            ui.label(RichText::new(title).strong().color(color));
            ui.add(
                egui::Label::new(crate::report::rotated_sentence(rotation))
                    .wrap()
                    .selectable(true),
            );
        }
        Some(Verdict::Failed { step, failure }) => {
            failed_ui(ui, run.label(*step), failure);
            // Only a test's verdict: a setup's own failure already is the wizard's run.
            let fix = setup_fix(*step, failure).filter(|_| run.kind == RunKind::Test && !stale);
            let button = fix.map(|fix| ui.button(fix.label()).on_hover_text(fix.explanation()));
            if let Some(button) = &button {
                scroll_when_focused(button);
            }
            if let (Some(fix), Some(button)) = (fix, button)
                && button.clicked()
            {
                action = TestPanelAction::SetupFix(fix);
            }
            if run.kind == RunKind::Registration
                && let Some(asked) = setup_app_ui(ui, run)
            {
                action = asked;
            }
        }
    }
    if run.verdict.is_some() {
        ui.separator();
    }
    for view in &run.steps {
        step_ui(ui, view, run.label(view.step));
    }
    action
}

/// The way on after a setup that stopped with an app the profile does not point at: use it in
/// the profile, and grant it what the setup's test found missing.
fn setup_app_ui(ui: &mut egui::Ui, run: &RunView) -> Option<TestPanelAction> {
    let app = run.setup_app.as_ref()?;
    let mut asked = None;
    if run.setup_app_used {
        wrapped(
            ui,
            RichText::new(format!(
                "Client ID {} and object ID {} are in the form, not saved yet: Save keeps them.",
                app.client_id, app.object_id
            ))
            .color(WARN),
        );
    } else {
        let button = ui
            .button("Use this app in the profile")
            .on_hover_text(format!(
                "Put client ID {} and object ID {} in the form (not saved until you press Save)",
                app.client_id, app.object_id
            ));
        scroll_when_focused(&button);
        if button.clicked() {
            asked = Some(TestPanelAction::UseSetupApp);
        }
    }
    if let Some(fix @ SetupFix::GrantPermission(_)) = run.setup_fix {
        let button = ui.button(fix.label()).on_hover_text(fix.explanation());
        scroll_when_focused(&button);
        if button.clicked() {
            asked = Some(TestPanelAction::SetupAppFix(fix));
        }
    }
    asked
}

/// Brings a control reached with Tab into view inside its scroll area.
pub fn scroll_when_focused(response: &egui::Response) {
    if response.gained_focus() {
        response.scroll_to_me(None);
    }
}

/// Brings a step that just started into view, once: in a small window the running step would
/// otherwise sit below the visible part while the finished ones fill it. "Once" means until it has
/// been seen in view: a pass that egui discards (a new grid sizing itself) drops its scroll
/// request, so the request is made again until it took. Afterwards the admin's own scrolling is
/// left alone.
fn scroll_to_once(ui: &egui::Ui, row: &egui::Response, what: &'static str) {
    let key = egui::Id::unique("certconnect-test-panel-scrolled-to");
    if ui.ctx().data(|d| d.get_temp::<&'static str>(key)) == Some(what) {
        return;
    }
    let visible = ui.clip_rect();
    let top_in_view = visible.y_range().contains(row.rect.min.y);
    let fits = row.rect.max.y <= visible.max.y || row.rect.height() > visible.height();
    if top_in_view && fits {
        ui.ctx().data_mut(|d| d.insert_temp(key, what));
    } else {
        // At once, not animated: a button that glides for a moment under the pointer can be missed.
        row.scroll_to_me_animation(None, egui::style::ScrollAnimation::none());
        // The scroll area moves on the next pass: ask for one, or it waits for the next input.
        ui.ctx().request_repaint();
    }
}

/// The scroll area a run is drawn in, in exactly the room the panel gives it. A solid scroll bar
/// keeps its own strip (the default floating one lies over the ends of long values: key IDs,
/// thumbprints). The run follows its running step down; when the verdict first shows, the area
/// starts again at the top, where the verdict and Copy report are. That is an offset set for each
/// pass until one ends there, not a scroll request: a request made in a pass egui discards (a new
/// grid sizing itself) would be lost.
///
/// The run never sizes its panel: a resizable panel grows to what its content takes and keeps that
/// size, so content a few pixels too wide for one pass would move the divider for good. That
/// happens on every run that outgrows the panel's height: the scroll bar appears and takes its
/// strip, but a findings grid keeps its value column as wide as it was the pass before (egui
/// grids do), so for that pass the grid, the scroll area and the panel were wider by the bar's
/// width. The area is therefore drawn in a child confined and clipped to the panel's room, and the
/// panel is told it took exactly that room.
pub fn run_scroll_area(ui: &mut egui::Ui, run: Option<&RunView>, body: impl FnOnce(&mut egui::Ui)) {
    let room = ui.available_rect_before_wrap();
    let mut area_ui = ui.new_child(
        egui::UiBuilder::new()
            .id_salt("run-room")
            .max_rect(room)
            .layout(*ui.layout()),
    );
    area_ui.shrink_clip_rect(room);
    scroll_area_ui(&mut area_ui, run, body);
    ui.advance_cursor_after_rect(room);
}

fn scroll_area_ui(ui: &mut egui::Ui, run: Option<&RunView>, body: impl FnOnce(&mut egui::Ui)) {
    let finished = run.is_some_and(|run| run.verdict.is_some());
    let key = egui::Id::unique("certconnect-run-verdict-shown");
    let shown = ui.ctx().data(|d| d.get_temp::<bool>(key)).unwrap_or(false);
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("run")
        .auto_shrink([false, false]);
    if finished && !shown {
        area = area.vertical_scroll_offset(0.0);
    }
    let at_top = area.show(ui, body).state.clamped_offset().y <= 0.0;
    // Done once a pass that counts ends at the top: a scroll request made by the pass before
    // (the running step's) is applied in this one and may have taken it down again.
    if !ui.ctx().will_discard() && (!finished || shown || at_top) {
        ui.ctx().data_mut(|d| d.insert_temp(key, finished));
    } else {
        ui.ctx().request_repaint();
    }
}

/// A label that wraps to the width it is given.
fn wrapped(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).wrap())
}

fn step_ui(ui: &mut egui::Ui, view: &StepView, label: &str) {
    // The mark says the state to the eye; the row's accessible name says it to a screen reader.
    let row = ui.horizontal(|ui| match &view.state {
        StepState::Pending => {
            mark(ui, Mark::Pending);
            wrapped(ui, RichText::new(label).color(Color32::GRAY))
        }
        StepState::Running => {
            ui.spinner();
            wrapped(ui, label)
        }
        StepState::Done { duration_ms, .. } => {
            mark(ui, Mark::Tick);
            wrapped(ui, format!("{label} ({duration_ms} ms)"))
        }
        StepState::Failed { duration_ms } => {
            mark(ui, Mark::Cross);
            wrapped(ui, format!("{label} ({duration_ms} ms)"))
        }
    });
    let spoken = match &view.state {
        StepState::Pending => format!("{label}: not run yet"),
        StepState::Running => format!("{label}: running"),
        StepState::Done { duration_ms, .. } => format!("{label}: done in {duration_ms} ms"),
        StepState::Failed { duration_ms } => format!("{label}: failed after {duration_ms} ms"),
    };
    row.inner
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
    if view.state == StepState::Running {
        scroll_to_once(ui, &row.response, view.step.name());
    }
    let details = match &view.state {
        StepState::Done { details, .. } => details.as_slice(),
        _ => &[],
    };
    if details.is_empty() && view.notes.is_empty() {
        return;
    }
    // An indent, not leading spaces, so wrapped lines keep their place.
    ui.indent(("step", view.step.name()), |ui| {
        details_grid(ui, view.step, details);
        for note in &view.notes {
            let text = match note.kind {
                NoteKind::Retry => note.text.clone(),
                NoteKind::Warning => format!("Warning: {}", note.text),
            };
            wrapped(ui, RichText::new(text).color(WARN));
        }
    });
}

/// Findings as an aligned grid: the label column as wide as its longest label, the values
/// wrapping in the rest of the width, selectable.
fn details_grid(ui: &mut egui::Ui, step: Step, details: &[Detail]) {
    if details.is_empty() {
        return;
    }
    let weak = ui.visuals().weak_text_color();
    egui::Grid::new(("details", step.name()))
        .num_columns(2)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for detail in details {
                ui.label(RichText::new(&detail.label).color(weak));
                ui.add(egui::Label::new(&detail.value).wrap().selectable(true));
                ui.end_row();
            }
        });
}

fn connected_ui(ui: &mut egui::Ui, summary: &ProbeSummary) {
    ui.label(RichText::new("Connected").strong().color(OK));
    let mut text = format!("Token valid for {} s", summary.token_expires_in);
    if let (Some(site), Some(drive)) = (&summary.site, &summary.drive) {
        text.push_str(&format!("; site '{site}', drive '{drive}'"));
    }
    wrapped(ui, text);
    let roles = if summary.roles.is_empty() {
        "(none)".into()
    } else {
        summary.roles.join(", ")
    };
    wrapped(ui, format!("Roles: {roles}"));
}

fn failed_ui(ui: &mut egui::Ui, step: &str, failure: &Failure) {
    // AADSTS and Graph codes stay as they are (admins search for them); certconnect's own codes
    // are shown as words.
    wrapped(
        ui,
        RichText::new(format!(
            "Failed at '{}': {}",
            step,
            failure_title(&failure.code)
        ))
        .strong()
        .color(ERROR),
    );
    ui.add(egui::Label::new(&failure.message).wrap().selectable(true));
    wrapped(ui, RichText::new(format!("Fix: {}", failure.hint)).strong());
    if let Some(status) = failure.status {
        wrapped(ui, format!("HTTP status: {status}"));
    }
    for detail in &failure.details {
        // The Copy button keeps its place at the row's end and the value wraps beside it, so the
        // button never lands alone on a line of its own.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::TOP), |ui| {
            // Support asks for the ids: each has its own Copy button.
            if detail.label.to_ascii_lowercase().ends_with("id") {
                let hover = format!("Copy the {}", detail.label);
                copy_button(ui, "Copy", &hover, &detail.value);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::TOP), |ui| {
                ui.add(
                    egui::Label::new(format!("{}: {}", detail.label, detail.value))
                        .wrap()
                        .selectable(true),
                );
            });
        });
    }
    if let Some(raw) = &failure.raw {
        egui::CollapsingHeader::new("Details")
            .id_salt("raw-error")
            .default_open(false)
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(raw.as_str()).monospace())
                        .wrap()
                        .selectable(true),
                );
            });
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

#[cfg(test)]
#[path = "test_panel_tests.rs"]
mod tests;
