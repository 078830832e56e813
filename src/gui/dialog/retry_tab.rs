//! Retry & headers: retry mode, status codes, max count, multiply wait, the non-indexed-search
//! option, and extra headers as name/value rows.

use super::{DialogState, Errors};
use crate::core::draft::{Field, ProfileDraft};
use crate::core::retry::RetryMode;
use crate::gui::widgets::{choice, error_line, row, text_field};

pub(super) fn ui(
    ui: &mut egui::Ui,
    draft: &mut ProfileDraft,
    state: &mut DialogState,
    errors: &Errors,
) {
    choice(
        ui,
        "RetryMode",
        &mut draft.retry_mode,
        &RetryMode::ALL,
        |m| m.label().to_owned(),
    );
    text_field(
        ui,
        "RetryStatusCodeList",
        &mut draft.retry_codes,
        errors.get(Field::RetryStatusCodes),
    );
    text_field(
        ui,
        "RetryCountMax",
        &mut draft.retry_max,
        errors.get(Field::RetryMaxCount),
    );
    row(ui, "", |ui, _| {
        ui.checkbox(&mut draft.multiply_wait, "RetryMultiplyWaitTime")
    });
    row(ui, "", |ui, _| {
        ui.checkbox(
            &mut draft.non_indexed_search,
            "Search Option For Non-Indexed Fields",
        )
        .on_hover_text(
            "Sends Prefer: HonorNonIndexedQueriesWarningMayFailRandomly on Graph requests",
        )
    });
    ui.separator();
    ui.label("Extra Headers (sent on Graph requests)");
    let mut remove = None;
    for (index, (name, value)) in state.header_rows.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let n = index + 1;
            let label = ui.label(format!("Header {n} name"));
            ui.add(egui::TextEdit::singleline(name).desired_width(160.0))
                .labelled_by(label.id);
            let label = ui.label("value");
            ui.add(egui::TextEdit::singleline(value).desired_width(220.0))
                .labelled_by(label.id);
            if ui.button(format!("Remove header {n}")).clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        state.header_rows.remove(index);
    }
    if ui.button("Add header").clicked() {
        state.header_rows.push((String::new(), String::new()));
    }
    draft.extra_headers = state
        .header_rows
        .iter()
        .filter(|(name, value)| !(name.trim().is_empty() && value.trim().is_empty()))
        .map(|(name, value)| format!("{name}:{value}"))
        .collect::<Vec<_>>()
        .join("||");
    error_line(ui, errors.get(Field::ExtraHeaders));
    ui.label(egui::RichText::new(format!("Stored as: {}", draft.extra_headers)).small());
}
