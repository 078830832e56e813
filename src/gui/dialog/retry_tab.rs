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
    headers_ui(ui, draft, state);
    error_line(ui, errors.get(Field::ExtraHeaders));
    ui.label(egui::RichText::new(format!("Stored as: {}", draft.extra_headers)).small());
}

/// The extra headers as name/value rows. The draft's `H1:AAA||H2:BBB` text is the one source of
/// truth: the rows are read from it each frame and every edit is written straight back.
fn headers_ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, state: &mut DialogState) {
    ui.label("Extra Headers (sent on Graph requests)");
    let mut rows: Vec<(String, String)> = if draft.extra_headers.is_empty() {
        Vec::new()
    } else {
        draft
            .extra_headers
            .split("||")
            .map(|part| match part.split_once(':') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => (part.to_owned(), String::new()),
            })
            .collect()
    };
    if state.header_keys.len() != rows.len() {
        state.header_keys = (0..rows.len()).map(|_| next_key(state)).collect();
    }
    let mut remove = None;
    for (index, (name, value)) in rows.iter_mut().enumerate() {
        let key = state.header_keys[index];
        ui.horizontal(|ui| {
            let n = index + 1;
            let label = ui.label(format!("Header {n} name"));
            ui.add(
                egui::TextEdit::singleline(name)
                    .id_salt(("header-name", key))
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
            let label = ui.label("value");
            ui.add(
                egui::TextEdit::singleline(value)
                    .id_salt(("header-value", key))
                    .desired_width(220.0),
            )
            .labelled_by(label.id);
            if ui.button(format!("Remove header {n}")).clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        rows.remove(index);
        state.header_keys.remove(index);
    }
    if ui.button("Add header").clicked() {
        rows.push((String::new(), String::new()));
        let key = next_key(state);
        state.header_keys.push(key);
    }
    let text = rows
        .iter()
        .map(|(name, value)| format!("{name}:{value}"))
        .collect::<Vec<_>>()
        .join("||");
    if text != draft.extra_headers {
        draft.extra_headers = text;
    }
}

fn next_key(state: &mut DialogState) -> u64 {
    state.next_header_key += 1;
    state.next_header_key
}
