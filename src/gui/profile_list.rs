//! The side list of saved profiles: search, expiry badges, and the profile commands.

use std::collections::BTreeSet;

use egui::RichText;

use super::widgets::{ERROR, OK, WARN, danger, describe, why_disabled};
use crate::core::profile::ExpiryLevel;
use crate::profile_store::StoredProfile;

/// What the user asked for in the list.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListAction {
    /// Nothing.
    None,
    /// Open this profile.
    Select(String),
    /// The open profile's row was clicked: the keyboard goes to its form.
    FocusOpen,
    /// Start a new profile.
    New,
    /// Copy the open profile.
    Duplicate,
    /// Rename the open profile.
    Rename,
    /// Delete the open profile (after confirmation).
    Delete,
    /// Export the ticked profiles (or the open one).
    Export,
    /// Import an export file.
    Import,
}

/// What the list shows besides the profiles.
pub struct ListView<'a> {
    /// Saved profiles.
    pub profiles: &'a [StoredProfile],
    /// The open profile's id, if it is saved.
    pub selected: Option<&'a str>,
    /// The open profile has unsaved changes.
    pub dirty: bool,
    /// Unix seconds, for the expiry badges.
    pub now: i64,
    /// The open draft's name while it is not saved (new or duplicated), listed first.
    pub unsaved: Option<&'a str>,
}

/// The search field's id (Ctrl+F gives it the focus).
pub fn search_id() -> egui::Id {
    egui::Id::unique("certconnect-profile-search")
}

/// Draws the list.
pub fn profile_list_ui(
    ui: &mut egui::Ui,
    view: &ListView<'_>,
    search: &mut String,
    ticked: &mut BTreeSet<String>,
) -> ListAction {
    let mut action = ListAction::None;
    ui.heading("Profiles");
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(search)
                .id(search_id())
                .desired_width(ui.available_width()),
        )
        .labelled_by(label.id)
        .on_hover_text("Ctrl+F");
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button("New").on_hover_text("Ctrl+N").clicked() {
            action = ListAction::New;
        }
        let saved = view.selected.is_some();
        let duplicate = ui.add_enabled(saved, egui::Button::new("Duplicate"));
        if why_disabled(duplicate, NOT_SAVED).clicked() {
            action = ListAction::Duplicate;
        }
        let rename = ui.add_enabled(saved, egui::Button::new("Rename"));
        if why_disabled(rename, NOT_SAVED)
            .on_hover_text("F2")
            .clicked()
        {
            action = ListAction::Rename;
        }
        let delete = ui.add_enabled(saved, danger("Delete"));
        if why_disabled(delete, NOT_SAVED)
            .on_hover_text("Del (asks first)")
            .clicked()
        {
            action = ListAction::Delete;
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button("Import…").clicked() {
            action = ListAction::Import;
        }
        let any = !view.profiles.is_empty();
        let export = ui.add_enabled(any, egui::Button::new("Export…"));
        if why_disabled(export, "No profile is saved yet: save one to export it.")
            .on_hover_text("Export the ticked profiles, or the open one")
            .clicked()
        {
            action = ListAction::Export;
        }
    });
    ui.separator();
    let needle = search.trim().to_lowercase();
    // Only the rows in view are laid out (a thousand profiles cost what twenty do); the filter is
    // one pass over the names per frame, so search answers as the user types.
    let shown: Vec<&StoredProfile> = view
        .profiles
        .iter()
        .filter(|p| needle.is_empty() || p.profile.name().to_lowercase().contains(&needle))
        .collect();
    let first_row = usize::from(view.unsaved.is_some());
    let row_height = ui
        .spacing()
        .interact_size
        .y
        .max(ui.text_style_height(&egui::TextStyle::Body));
    egui::ScrollArea::vertical()
        .id_salt("profiles")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, first_row + shown.len(), |ui, rows| {
            for row in rows {
                match (row.checked_sub(first_row), view.unsaved) {
                    (None, Some(name)) => {
                        if unsaved_row_ui(ui, name) {
                            action = ListAction::FocusOpen;
                        }
                    }
                    (Some(index), _) => match profile_row_ui(ui, view, shown[index], ticked) {
                        RowClick::None => {}
                        RowClick::Open => action = ListAction::FocusOpen,
                        RowClick::Other(name) => action = ListAction::Select(name),
                    },
                    (None, None) => {}
                }
            }
        });
    action
}

/// A new or duplicated draft is listed until it is saved or discarded; with its Name still empty it
/// is listed as unnamed, as the form shows it. Returns whether it was clicked.
fn unsaved_row_ui(ui: &mut egui::Ui, name: &str) -> bool {
    let text = if name.is_empty() {
        UNNAMED.to_owned()
    } else {
        format!("{name} (unsaved)")
    };
    ui.horizontal(|ui| {
        ui.add_space(ui.spacing().icon_width + ui.spacing().item_spacing.x);
        ui.selectable_label(true, RichText::new(text).italics())
            .clicked()
    })
    .inner
}

/// Why Duplicate, Rename and Delete are off.
const NOT_SAVED: &str = "This needs a saved profile: open one, or save the one being edited.";

/// How the list shows a new profile whose Name is still empty.
pub const UNNAMED: &str = "(unnamed, unsaved)";

/// The mark of an imported profile that was not yet confirmed here, and what confirming does.
const IMPORTED_MARK: &str = "imported";
const IMPORTED_WHY: &str = "Imported and not yet confirmed on this computer: its first Test connection \
     confirms it, and asks first (Trust and test) when it would do something the file's author chose \
     (another sign-in or Graph host, a credential-store entry, a CA file); then the mark goes.";

/// A click on a profile's row.
enum RowClick {
    None,
    /// The open profile's own row.
    Open,
    /// Another profile's row: its name.
    Other(String),
}

/// One saved profile: its export tick box, its name and its certificate's expiry badge. Returns
/// which row the user clicked.
fn profile_row_ui(
    ui: &mut egui::Ui,
    view: &ListView<'_>,
    stored: &StoredProfile,
    ticked: &mut BTreeSet<String>,
) -> RowClick {
    let name = stored.profile.name();
    let mut opened = RowClick::None;
    ui.horizontal(|ui| {
        let mut tick = ticked.contains(name);
        let checkbox = ui.checkbox(&mut tick, "");
        // The box has no visible text; give it an accessible name of its own.
        checkbox.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::accesskit::Role::CheckBox,
                true,
                tick,
                format!("Export {name}"),
            )
        });
        if checkbox.changed() {
            if tick {
                ticked.insert(name.to_owned());
            } else {
                ticked.remove(name);
            }
        }
        let is_open = view.selected == Some(stored.profile.id());
        let text = if is_open && view.dirty {
            format!("{name} •")
        } else {
            name.to_owned()
        };
        // Right to left: the badges keep their room at the row's end and the name takes what is
        // left, shortened with "…" (its full text on hover), so a badge is never cut off.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(info) = stored.profile.certificate_info() {
                let (days, level) = info.expiry(view.now);
                let (color, text) = match level {
                    ExpiryLevel::Fine => (OK, format!("{days} d")),
                    ExpiryLevel::Soon => (WARN, format!("{days} d")),
                    ExpiryLevel::Expired => (ERROR, "expired".to_owned()),
                };
                ui.add(egui::Label::new(RichText::new(text).color(color).small()).extend())
                    .on_hover_text(format!(
                        "Certificate {} expires {}",
                        info.thumbprint_sha1,
                        crate::core::time_fmt::rfc3339(info.not_after)
                    ));
            }
            if !stored.profile.origin().is_local() {
                let mark = ui
                    .add(
                        egui::Label::new(RichText::new(IMPORTED_MARK).color(WARN).small()).extend(),
                    )
                    .on_hover_text(IMPORTED_WHY);
                describe(&mark, IMPORTED_WHY);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                let row = ui
                    .add(egui::Button::selectable(is_open, text.as_str()).truncate())
                    .on_hover_text(text.as_str());
                if !stored.profile.origin().is_local() {
                    // The mark itself takes no focus: tabbing through the rows hears it here.
                    describe(&row, IMPORTED_WHY);
                }
                if row.clicked() {
                    opened = if is_open {
                        RowClick::Open
                    } else {
                        RowClick::Other(name.to_owned())
                    };
                }
            });
        });
    });
    opened
}
