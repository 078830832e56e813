//! Small building blocks: colours, and fields whose visible label is tied to the input (screen
//! readers, keyboard users and UI tests all find a field by its label).
//!
//! Rows adapt to the width they are given: the label sits left of the input while both fit, and
//! above it when they do not; inputs take the whole width that is left; messages wrap. So nothing
//! in the form is ever wider than the form.

use egui::{Color32, RichText, TextEdit};

use super::hints::hint_for;

/// Success.
pub const OK: Color32 = Color32::from_rgb(0x2e, 0x9e, 0x44);
/// Blocking problems.
pub const ERROR: Color32 = Color32::from_rgb(0xd0, 0x3b, 0x3b);
/// Warnings.
pub const WARN: Color32 = Color32::from_rgb(0xd9, 0x8c, 0x1f);

/// Width of the label column.
pub const LABEL_WIDTH: f32 = 150.0;
/// The narrowest an input may be beside its label; below that the label goes above the input.
pub const MIN_INPUT_WIDTH: f32 = 200.0;

/// Whether labels go above their inputs at this width.
pub fn is_stacked(ui: &egui::Ui) -> bool {
    ui.available_width() < LABEL_WIDTH + ui.spacing().item_spacing.x + MIN_INPUT_WIDTH
}

/// A labelled single-line text field with its error (if any) underneath. Returns the input's response.
pub fn text_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
) -> egui::Response {
    text_field_with(ui, label, value, error, false, true)
}

/// A text field that stays in place but takes no input while `enabled` is false, so rows never
/// appear or vanish under the cursor.
pub fn text_field_enabled(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
    enabled: bool,
) -> egui::Response {
    text_field_with(ui, label, value, error, false, enabled)
}

/// A labelled password field (masked).
pub fn password_field(ui: &mut egui::Ui, label: &str, value: &mut String) -> egui::Response {
    text_field_with(ui, label, value, None, true, true)
}

fn text_field_with(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    error: Option<&str>,
    password: bool,
    enabled: bool,
) -> egui::Response {
    let response = row(ui, label, |ui, label_id| {
        let width = ui.available_width();
        // The id comes from the label, not from the position: a row appearing above never
        // hands this field's focus (and the keys typed next) to another field.
        let response = ui
            .add_enabled(
                enabled,
                TextEdit::singleline(value)
                    .id_salt(("field", label))
                    .password(password)
                    .desired_width(width),
            )
            .labelled_by(label_id);
        with_hint(response, label)
    });
    error_line(ui, error);
    response
}

fn with_hint(response: egui::Response, label: &str) -> egui::Response {
    match hint_for(label) {
        Some(hint) => response.on_hover_text(hint),
        None => response,
    }
}

/// The red line under a field with a problem; it wraps within the form. The message starts with a
/// capital here: core words its messages in lowercase for the command line's "error: …".
pub fn error_line(ui: &mut egui::Ui, error: Option<&str>) {
    if let Some(error) = error {
        indented(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(capitalised(error)).color(ERROR)).wrap());
        });
    }
}

/// The text with its first letter in upper case, as a message on its own line starts.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A line of text in the input column (under the inputs), wrapped within the form.
pub fn note(ui: &mut egui::Ui, text: impl Into<RichText>) {
    let text = text.into();
    indented(ui, |ui| {
        ui.add(egui::Label::new(text).wrap());
    });
}

/// Runs `add` in the input column: indented by the label column beside labels, flush when labels
/// are stacked above their inputs.
pub fn indented<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    if is_stacked(ui) {
        return add(ui);
    }
    ui.horizontal_top(|ui| {
        ui.add_space(LABEL_WIDTH + ui.spacing().item_spacing.x);
        ui.vertical(add).inner
    })
    .inner
}

/// A labelled row for any widget; the widgets wrap onto further lines when they do not fit.
/// An empty label indents the widgets into the input column.
pub fn row<R>(ui: &mut egui::Ui, label: &str, add: impl FnOnce(&mut egui::Ui, egui::Id) -> R) -> R {
    if label.is_empty() {
        return indented(ui, |ui| {
            ui.horizontal_wrapped(|ui| add(ui, ui.scope_id())).inner
        });
    }
    if is_stacked(ui) {
        let label_response = with_hint(ui.label(label), label);
        return ui.horizontal_wrapped(|ui| add(ui, label_response.id)).inner;
    }
    ui.horizontal_top(|ui| {
        let label_response = with_hint(
            ui.add_sized(
                [LABEL_WIDTH, ui.spacing().interact_size.y],
                egui::Label::new(label).wrap(),
            ),
            label,
        );
        ui.horizontal_wrapped(|ui| add(ui, label_response.id)).inner
    })
    .inner
}

/// A labelled drop-down choosing one of `options`, each shown with `text`.
pub fn choice<T: PartialEq + Copy>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    options: &[T],
    text: impl Fn(T) -> String,
) {
    row(ui, label, |ui, label_id| {
        let width = ui.available_width() - ui.spacing().icon_width - ui.spacing().item_spacing.x;
        let response = egui::ComboBox::from_id_salt(label)
            .selected_text(text(*value))
            .width(width.max(80.0))
            .show_ui(ui, |ui| {
                for option in options {
                    ui.selectable_value(value, *option, text(*option));
                }
            })
            .response
            .labelled_by(label_id);
        with_hint(response, label);
    });
}

/// A button for an action that deletes or removes something: red, so it never looks like the
/// harmless buttons beside it.
pub fn danger_button(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(danger(text))
}

/// The destructive button itself, for `ui.add_enabled`.
pub fn danger(text: &str) -> Danger {
    Danger(text.to_owned())
}

/// A destructive button: red text while it can be pressed, greyed like any other button when
/// disabled. It has no outline of its own, so the outline egui draws on hover and on keyboard
/// focus shows on it as on every button; a focused one also gets a ring in the selection colour,
/// which a red outline never hides.
pub struct Danger(String);

/// Width of the ring round a focused destructive button.
pub const FOCUS_RING_WIDTH: f32 = 2.0;

impl egui::Widget for Danger {
    fn ui(self, ui: &mut egui::Ui) -> egui::Response {
        let text = RichText::new(self.0);
        let text = if ui.is_enabled() {
            text.color(ERROR)
        } else {
            text
        };
        let response = ui.add(egui::Button::new(text).wrap_mode(egui::TextWrapMode::Extend));
        if response.has_focus() {
            let ring = egui::Stroke::new(FOCUS_RING_WIDTH, ui.visuals().selection.stroke.color);
            ui.painter().rect_stroke(
                response.rect,
                ui.visuals().widgets.active.corner_radius,
                ring,
                egui::StrokeKind::Outside,
            );
        }
        response
    }
}

/// How long a Copy button says "Copied", in seconds.
const COPIED_FOR: f64 = 2.0;

/// A small Copy button that puts `text` on the clipboard and says "Copied" beside itself for a
/// moment, so the admin knows it worked.
pub fn copy_button(ui: &mut egui::Ui, label: &str, hover: &str, text: &str) {
    copy_button_with(ui, label, hover, || text.to_owned());
}

/// A [`copy_button`] whose text is made only when it is clicked (a whole report, say, which
/// need not be rendered in every frame the button is drawn).
pub fn copy_button_with(
    ui: &mut egui::Ui,
    label: &str,
    hover: &str,
    text: impl FnOnce() -> String,
) {
    let response = ui.small_button(label).on_hover_text(hover);
    let key = response.id.with("copied");
    let now = ui.input(|i| i.time);
    if response.clicked() {
        ui.ctx().copy_text(text());
        ui.data_mut(|d| d.insert_temp(key, now));
    }
    let copied_at: Option<f64> = ui.data(|d| d.get_temp(key));
    if let Some(at) = copied_at.filter(|at| now - at < COPIED_FOR) {
        ui.label(RichText::new("Copied").color(OK));
        // Wake up once more to take the word away again.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(COPIED_FOR - (now - at)));
    }
}

/// A control that may be disabled says why while it is: on hover and to screen readers.
pub fn why_disabled(response: egui::Response, why: &str) -> egui::Response {
    if response.enabled() {
        return response;
    }
    describe(&response, why);
    response.on_disabled_hover_text(why)
}

/// Gives a widget an accessible description, which a screen reader reads after its name. For why
/// a button is disabled: egui shows that only as hover text, which a keyboard or screen-reader
/// user never gets.
pub fn describe(response: &egui::Response, description: &str) {
    if !description.is_empty() {
        response.ctx.accesskit_node_builder(response.id, |node| {
            node.set_description(description);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shapes one frame paints with a destructive button, enabled or not, focused or not.
    fn paint_danger(enabled: bool, focused: bool) -> Vec<egui::epaint::ClippedShape> {
        let ctx = egui::Context::default();
        let mut shapes = Vec::new();
        // Two frames: a focus request takes effect in the frame after it is made.
        for _ in 0..2 {
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                let response = ui.add_enabled(enabled, danger("Delete"));
                if focused {
                    response.request_focus();
                }
            });
            // No renderer here to take the font atlas.
            output.textures_delta.clear();
            shapes = output.shapes;
        }
        shapes
    }

    fn text_colours(shapes: &[egui::epaint::ClippedShape]) -> Vec<Color32> {
        shapes
            .iter()
            .filter_map(|s| match &s.shape {
                egui::Shape::Text(text) => text.galley.job.sections.first().map(|s| s.format.color),
                _ => None,
            })
            .collect()
    }

    fn focus_rings(shapes: &[egui::epaint::ClippedShape]) -> usize {
        shapes
            .iter()
            .filter(
                |s| matches!(&s.shape, egui::Shape::Rect(r) if r.stroke.width == FOCUS_RING_WIDTH),
            )
            .count()
    }

    #[test]
    fn a_disabled_danger_button_is_not_red() {
        assert_eq!(text_colours(&paint_danger(true, false)), vec![ERROR]);
        let disabled = text_colours(&paint_danger(false, false));
        assert_eq!(disabled.len(), 1);
        assert_ne!(disabled[0], ERROR);
    }

    #[test]
    fn a_focused_danger_button_shows_a_ring_and_an_unfocused_one_no_outline_of_its_own() {
        assert_eq!(focus_rings(&paint_danger(true, true)), 1);
        assert_eq!(focus_rings(&paint_danger(true, false)), 0);
        let red_outlines = paint_danger(true, false)
            .iter()
            .filter(|s| matches!(&s.shape, egui::Shape::Rect(r) if r.stroke.color == ERROR || r.stroke.color == ERROR.gamma_multiply(0.8)))
            .count();
        assert_eq!(red_outlines, 0);
    }
}
