//! One frame: the profile list, the footer, the test panel and the dialog. The panels draw and
//! return what the user asked for; this file turns that into the app's actions.

use std::sync::Arc;

use super::CertconnectApp;
use crate::core::draft::CertKind;
use crate::gui::dialog::{DialogAction, DialogContext, Errors, StoreView, dialog_ui};
use crate::gui::profile_list::{ListView, profile_list_ui};
use crate::gui::test_panel::test_panel_ui;
use crate::gui::widgets::{ERROR, OK};
use crate::probe::system_now;

/// What the footer asks for.
#[must_use]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Footer {
    None,
    Save,
    Test,
    Cancel,
}

impl CertconnectApp {
    pub(super) fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let parsed = self.draft.parse();
        let errors = match &parsed {
            Ok(_) => Errors::from(&[]),
            Err(errors) => Errors::from(errors),
        };
        let testing = self.is_testing();
        let can_test = errors.is_empty() && !testing;
        // What a disabled Test connection says on hover.
        let why_not = match &parsed {
            _ if testing => "A test is running.".to_owned(),
            Err(errors) => format!("Fix this first — {}", errors[0]),
            Ok(_) => String::new(),
        };
        if self.modal.is_none() {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S)) {
                self.save(None);
            }
            if can_test
                && ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter))
            {
                self.start_test();
            }
        }

        let view = ListView {
            profiles: &self.loaded.profiles,
            selected: self.saved_id.as_deref(),
            dirty: self.is_dirty(),
            now: system_now(),
        };
        let mut search = std::mem::take(&mut self.search);
        let mut ticked = std::mem::take(&mut self.ticked);
        let list_action = egui::Panel::left("profiles")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| {
                profile_list_ui(ui, &view, &mut search, &mut ticked)
            })
            .inner;
        self.search = search;
        self.ticked = ticked;
        self.handle_list(list_action);

        let footer = egui::Panel::bottom("footer")
            .show(ui, |ui| self.footer_ui(ui, can_test, testing, &why_not))
            .inner;
        match footer {
            Footer::Save => self.save(None),
            Footer::Test => self.start_test(),
            Footer::Cancel => {
                if let Some(cancel) = &self.test_cancel {
                    cancel.cancel();
                }
            }
            Footer::None => {}
        }

        let stale = self.has_verdict() && self.run_is_stale();
        egui::Panel::right("test").resizable(true).default_size(440.0).min_size(340.0).show(ui, |ui| {
            ui.heading("Test connection");
            egui::ScrollArea::vertical().id_salt("run").show(ui, |ui| match &self.run {
                Some(run) => test_panel_ui(ui, run, stale),
                None => {
                    ui.label("Press Test connection (Ctrl+Enter) to load the certificate, sign an assertion, get a token and read the site and drive.");
                }
            });
        });

        let picker = Arc::clone(&self.deps.picker);
        let store = match &self.deps.vault {
            Ok(vault) => Ok(StoreView {
                name: vault.store().name().to_owned(),
                certificates: &self.stored,
            }),
            Err(reason) => Err(reason.clone()),
        };
        let creating = self.is_running(crate::gui::inbox::JobKind::NewCertificate);
        let action = egui::CentralPanel::default()
            .show(ui, |ui| {
                let cx = DialogContext {
                    errors: &errors,
                    card: &self.card,
                    picker: picker.as_ref(),
                    store: &store,
                    creating,
                };
                dialog_ui(ui, &mut self.draft, &mut self.dialog, &cx)
            })
            .inner;
        self.handle_dialog(action);
        crate::gui::modals::show(self, &ctx);
    }

    fn handle_dialog(&mut self, action: DialogAction) {
        match action {
            DialogAction::None => {}
            DialogAction::ReloadCertificate => self.card.inputs = None,
            DialogAction::AskPassword => self.ask_password(super::password::Purpose::Card, None),
            DialogAction::CreateCertificate => self.create_certificate(),
            DialogAction::ForgetPassword => self.forget_password(),
            DialogAction::ImportIntoStore => self.import_into_store(),
            DialogAction::RemoveStored => self.confirm_remove_stored(),
            DialogAction::PickCompareFile => self.pick_compare_file(),
        }
    }

    fn footer_ui(&self, ui: &mut egui::Ui, can_test: bool, testing: bool, why_not: &str) -> Footer {
        let mut footer = Footer::None;
        ui.horizontal(|ui| {
            if ui.button("Save").on_hover_text("Ctrl+S").clicked() {
                footer = Footer::Save;
            }
            if ui
                .add_enabled(can_test, egui::Button::new("Test connection"))
                .on_hover_text("Ctrl+Enter")
                .on_disabled_hover_text(why_not)
                .clicked()
            {
                footer = Footer::Test;
            }
            if testing && ui.button("Cancel").clicked() {
                footer = Footer::Cancel;
            }
            if self.is_dirty() {
                ui.label("• unsaved changes");
            }
            if let Some(status) = &self.status {
                ui.label(egui::RichText::new(&status.text).color(if status.error {
                    ERROR
                } else {
                    OK
                }));
            }
        });
        footer
    }

    /// A .pfx/.p12 dropped on the window becomes the profile's certificate (the card reloads).
    pub(super) fn take_dropped_file(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()));
        if let Some(path) = dropped {
            let is_pfx = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pfx") || e.eq_ignore_ascii_case("p12"));
            if is_pfx {
                self.draft.cert_kind = CertKind::PfxFile;
                self.draft.pfx_path = path.display().to_string();
                self.dialog.tab = crate::gui::dialog::Tab::Certificate;
            } else {
                self.set_status(
                    format!("{} is not a .pfx or .p12 file", path.display()),
                    true,
                );
            }
        }
    }
}
