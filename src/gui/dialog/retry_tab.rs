//! Retry & headers: retry mode, status codes, max count, multiply wait, the non-indexed-search
//! option, and extra headers as name/value rows.

use super::headers::HeaderRow;
use super::{DialogState, Errors};
use crate::core::draft::{Field, ProfileDraft};
use crate::core::retry::RetryMode;
use crate::gui::widgets::{self, choice, error_line, note, row, text_field};

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
    let codes = text_field(
        ui,
        "RetryStatusCodeList",
        &mut draft.retry_codes,
        errors.get(Field::RetryStatusCodes),
    );
    errors.left(Field::RetryStatusCodes, &codes);
    let max = text_field(
        ui,
        "RetryCountMax",
        &mut draft.retry_max,
        errors.get(Field::RetryMaxCount),
    );
    errors.left(Field::RetryMaxCount, &max);
    row(ui, "", |ui, _| {
        ui.checkbox(&mut draft.multiply_wait, "RetryMultiplyWaitTime")
            .on_hover_text("Double the wait before each further retry (exponential backoff)")
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
    // A problem of the text itself (say, a profile written by hand) that no row shows.
    if state.headers.problem.is_none() {
        error_line(ui, errors.get(Field::ExtraHeaders));
    }
    // Exactly what will be stored; nothing while a row cannot be (its error says why).
    if let Some(stored) = state.headers.stored_as(&draft.extra_headers) {
        note(
            ui,
            egui::RichText::new(format!("Stored as: {stored}")).weak(),
        );
    }
}

/// The narrowest a header's name or value input gets; below, the value moves to a line of its own.
const NARROWEST: f32 = 160.0;

/// The extra headers as name/value rows. The rows are edited here and written to the draft's
/// `H1:AAA||H2:BBB` text whenever every row is valid; a row that cannot be written (a ':' in a
/// name, '||' in a value, a control character) says so under itself and holds the draft back,
/// so a test or a save never uses headers other than those on screen. A text changed elsewhere
/// (another profile opened) is read back into rows.
fn headers_ui(ui: &mut egui::Ui, draft: &mut ProfileDraft, state: &mut DialogState) {
    ui.label("Extra Headers (sent on Graph requests)")
        .on_hover_text("Extra HTTP headers for every Graph request, as the connector's ExtraHeaders (H1:AAA||H2:BBB)");
    let rows = &mut state.headers;
    if rows.synced != draft.extra_headers {
        rows.read(&draft.extra_headers);
    }
    let mut remove = None;
    for (index, row) in rows.rows.iter_mut().enumerate() {
        let n = index + 1;
        widgets::row(ui, &format!("Header {n}"), |ui, _| {
            let button = 30.0 + ui.spacing().item_spacing.x;
            let room =
                (ui.available_width() - button - 2.0 * ui.spacing().item_spacing.x).max(120.0);
            let name = ui.add(
                egui::TextEdit::singleline(&mut row.name)
                    .id_salt(("header-name", row.key))
                    .hint_text("Name")
                    .desired_width((room * 0.4).floor().max(NARROWEST)),
            );
            name.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Header {n} name"))
            });
            let value = ui.add(
                egui::TextEdit::singleline(&mut row.value)
                    .id_salt(("header-value", row.key))
                    .hint_text("Value")
                    .desired_width((room * 0.6).floor().max(NARROWEST)),
            );
            value.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Header {n} value"))
            });
            if name.lost_focus() || value.lost_focus() {
                row.left = true;
            }
            let remove_button = widgets::danger_button(ui, "Remove");
            remove_button.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Remove header {n}"))
            });
            if remove_button.clicked() {
                remove = Some(index);
            }
        });
        if let Some(problem) = row.problem().filter(|_| row.left || !row.is_blank()) {
            error_line(ui, Some(&problem));
        }
    }
    if let Some(index) = remove {
        rows.rows.remove(index);
    }
    if widgets::row(ui, "", |ui, _| ui.button("Add header").clicked()) {
        rows.add();
    }
    rows.problem = rows.rows.iter().find_map(HeaderRow::problem);
    if rows.problem.is_none() {
        let text = rows.text();
        if text != draft.extra_headers {
            draft.extra_headers.clone_from(&text);
        }
        rows.synced = text;
    }
}
