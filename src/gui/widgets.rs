//! Small building blocks: colours, and fields whose visible label is tied to the input (screen
//! readers, keyboard users and UI tests all find a field by its label).

use egui::{Color32, RichText, TextEdit};

/// Success.
pub const OK: Color32 = Color32::from_rgb(0x2e, 0x9e, 0x44);
/// Blocking problems.
pub const ERROR: Color32 = Color32::from_rgb(0xd0, 0x3b, 0x3b);
/// Warnings.
pub const WARN: Color32 = Color32::from_rgb(0xd9, 0x8c, 0x1f);

/// Width of the label column.
pub const LABEL_WIDTH: f32 = 150.0;
/// Width of text inputs.
pub const FIELD_WIDTH: f32 = 420.0;

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
    let response = ui
        .horizontal(|ui| {
            let label_response = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
            let width = ui.available_width().min(FIELD_WIDTH);
            // The id comes from the label, not from the position: a row appearing above never
            // hands this field's focus (and the keys typed next) to another field.
            ui.add_enabled(
                enabled,
                TextEdit::singleline(value)
                    .id_salt(("field", label))
                    .password(password)
                    .desired_width(width),
            )
            .labelled_by(label_response.id)
        })
        .inner;
    error_line(ui, error);
    response
}

/// The red line under a field with a problem.
pub fn error_line(ui: &mut egui::Ui, error: Option<&str>) {
    if let Some(error) = error {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + ui.spacing().item_spacing.x);
            ui.label(RichText::new(error).color(ERROR));
        });
    }
}

/// A labelled row for any widget.
pub fn row<R>(ui: &mut egui::Ui, label: &str, add: impl FnOnce(&mut egui::Ui, egui::Id) -> R) -> R {
    ui.horizontal(|ui| {
        let label = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
        add(ui, label.id)
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
        let width = ui.available_width().min(FIELD_WIDTH);
        egui::ComboBox::from_id_salt(label)
            .selected_text(text(*value))
            .width(width)
            .show_ui(ui, |ui| {
                for option in options {
                    ui.selectable_value(value, *option, text(*option));
                }
            })
            .response
            .labelled_by(label_id);
    });
}

/// How long a Copy button says "Copied", in seconds.
const COPIED_FOR: f64 = 2.0;

/// A small Copy button that puts `text` on the clipboard and says "Copied" beside itself for a
/// moment, so the admin knows it worked.
pub fn copy_button(ui: &mut egui::Ui, label: &str, hover: &str, text: &str) {
    let response = ui.small_button(label).on_hover_text(hover);
    let key = response.id.with("copied");
    let now = ui.input(|i| i.time);
    if response.clicked() {
        ui.ctx().copy_text(text.to_owned());
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
