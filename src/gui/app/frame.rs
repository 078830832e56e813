//! One frame: the profile list, the footer, the test panel and the dialog. The panels draw and
//! return what the user asked for; this file turns that into the app's actions.
//!
//! Layout: three columns (list, form, test run) while they fit; below
//! [`THREE_COLUMNS_MIN_WIDTH`] the test run moves under the form, where it can be folded away.
//! No panel's content is ever wider than its panel, so the dividers stay where the user put them;
//! their sizes are kept in the UI preferences.

use super::CertconnectApp;
use crate::core::draft::CertKind;
use crate::gui::dialog::{DialogAction, DialogContext, Errors, StoreView, dialog_ui};
use crate::gui::profile_list::{ListView, profile_list_ui};
use crate::gui::test_panel::{TestPanelAction, run_scroll_area, test_panel_ui};
use crate::gui::welcome::{WelcomeAction, welcome_ui};
use crate::gui::widgets::{ERROR, OK};
use crate::probe::system_now;

/// Below this window width the list, the form and the test run no longer fit side by side: the
/// test run moves under the form.
pub const THREE_COLUMNS_MIN_WIDTH: f32 = 1100.0;

/// Where the last frame put each part of the window (for tests and for remembering sizes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutRects {
    /// The whole window.
    pub window: egui::Rect,
    /// The profile list.
    pub list: egui::Rect,
    /// The form (the dialog, or the welcome screen).
    pub form: egui::Rect,
    /// The test panel.
    pub test: egui::Rect,
    /// The test panel is beside the form (not under it).
    pub wide: bool,
}

impl Default for LayoutRects {
    fn default() -> Self {
        Self {
            window: egui::Rect::NOTHING,
            list: egui::Rect::NOTHING,
            form: egui::Rect::NOTHING,
            test: egui::Rect::NOTHING,
            wide: true,
        }
    }
}

/// The footer's line while a rotation of a profile no longer open runs.
const ROTATION_IN_BACKGROUND: &str =
    "A certificate rotation runs in the background; its result will show here.";

/// What the footer asks for.
#[must_use]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Footer {
    None,
    Save,
    Test,
    Cancel,
    Theme(crate::gui::prefs::ThemeChoice),
}

impl CertconnectApp {
    pub(super) fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let window = ui.available_rect_before_wrap();
        let wide = window.width() >= THREE_COLUMNS_MIN_WIDTH;
        let field_errors = self.field_errors();
        let errors =
            Errors::from(&field_errors, &self.dialog).hold_back_steps(&self.draft, &self.dialog);
        let testing = self.is_testing();
        let rotating = self.is_rotating();
        let can_test = field_errors.is_empty() && !testing && !rotating;
        // What a disabled Test connection says on hover.
        let why_not = match field_errors.first() {
            _ if testing => "A test is running.".to_owned(),
            _ if rotating => "A certificate rotation is running.".to_owned(),
            Some(error) => format!("Fix this first — {error}"),
            None => String::new(),
        };
        if self.modal.is_none() {
            self.shortcuts(&ctx, can_test);
        }

        let list_action = self.list_panel(ui, window);
        self.handle_list(list_action);

        let footer = egui::Panel::bottom("footer")
            .show(ui, |ui| self.footer_ui(ui, can_test, testing, &why_not))
            .inner;
        match footer {
            Footer::Save => {
                self.save(None);
                // A click leaves the keyboard nowhere: it goes to the open tab, one Tab from the
                // form's fields, as after Ctrl+S.
                self.dialog.focus = Some(crate::gui::dialog::FormFocus::OpenTab);
            }
            Footer::Test => self.start_test_shown(),
            Footer::Cancel => {
                if let Some(cancel) = &self.test_cancel {
                    cancel.cancel();
                }
                self.cancel_rotation();
                self.cancel_setup();
            }
            Footer::Theme(theme) => {
                self.prefs.theme = theme;
                ctx.set_theme(theme.preference());
            }
            Footer::None => {}
        }

        self.test_panel(ui, window, wide);

        let central = egui::CentralPanel::default().show(ui, |ui| {
            if self.shows_welcome() {
                let action = welcome_ui(ui);
                return (DialogAction::None, action);
            }
            let store = match &self.deps.vault {
                Ok(vault) => Ok(StoreView {
                    name: vault.store().name().to_owned(),
                    certificates: &self.stored,
                }),
                Err(reason) => Err(reason.clone()),
            };
            let creating = self.is_running(crate::gui::inbox::JobKind::NewCertificate);
            let rotation = self.rotation_availability();
            self.windows.loading = self.is_running(crate::gui::inbox::JobKind::WindowsStoreList);
            self.key_vault.loading = self.is_running(crate::gui::inbox::JobKind::KeyVaultList);
            self.key_vault.other_profiles = self.vault_profile_choices();
            self.pkcs11.loading = self.is_running(crate::gui::inbox::JobKind::Pkcs11List);
            let cx = DialogContext {
                errors: &errors,
                card: &self.card,
                browsing: self.is_browsing(),
                store: &store,
                creating,
                windows: &self.windows,
                key_vault: &self.key_vault,
                pkcs11: &self.pkcs11,
                now: system_now(),
                rotation: &rotation,
            };
            let action = dialog_ui(ui, &mut self.draft, &mut self.dialog, &cx);
            (action, WelcomeAction::None)
        });
        self.layout = LayoutRects {
            window,
            form: central.response.rect,
            wide,
            ..self.layout
        };
        let (action, welcome) = central.inner;
        self.dialog.touched.extend(errors.take_left());
        self.handle_dialog(action);
        self.handle_welcome(welcome);
        self.show_modal(&ctx);
    }

    /// Ctrl+S save, Ctrl+Enter test, Ctrl+N new, F2 rename, Del delete (asked first), Ctrl+Tab and
    /// Ctrl+Shift+Tab the next and previous tab, Ctrl+F the search field.
    fn shortcuts(&mut self, ctx: &egui::Context, can_test: bool) {
        use egui::{Key, Modifiers};
        let pressed =
            |modifiers: Modifiers, key: Key| ctx.input_mut(|i| i.consume_key(modifiers, key));
        if pressed(Modifiers::COMMAND, Key::S) {
            self.save(None);
            // With the keyboard nowhere, it goes to the open tab, one Tab from the form's fields.
            if ctx.memory(|m| m.focused().is_none()) {
                self.dialog.focus = Some(crate::gui::dialog::FormFocus::OpenTab);
            }
        }
        if can_test && pressed(Modifiers::COMMAND, Key::Enter) {
            self.start_test_shown();
        }
        if pressed(Modifiers::COMMAND, Key::N) {
            self.handle_list(crate::gui::profile_list::ListAction::New);
        }
        if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::Tab) {
            self.dialog.tab = self.dialog.tab.previous();
        }
        if pressed(Modifiers::COMMAND, Key::Tab) {
            self.dialog.tab = self.dialog.tab.next();
        }
        if pressed(Modifiers::COMMAND, Key::F) {
            ctx.memory_mut(|m| m.request_focus(crate::gui::profile_list::search_id()));
        }
        // F2 and Del act on the profile only while no text field has the keyboard: Del in a
        // field deletes a character, never a profile. (A focused button, such as the open tab
        // after a profile is opened, leaves them to the profile.)
        if self.saved_id.is_some() && !ctx.text_edit_focused() {
            if pressed(Modifiers::NONE, Key::F2) {
                self.handle_list(crate::gui::profile_list::ListAction::Rename);
            }
            if pressed(Modifiers::NONE, Key::Delete) {
                self.handle_list(crate::gui::profile_list::ListAction::Delete);
            }
        }
    }

    /// Starts a test and makes sure its panel is open to watch it.
    fn start_test_shown(&mut self) {
        self.prefs.test_open = true;
        self.dialog.reveal_all = true;
        self.dialog.insisted = true;
        self.start_test();
    }

    fn list_panel(
        &mut self,
        ui: &mut egui::Ui,
        window: egui::Rect,
    ) -> crate::gui::profile_list::ListAction {
        let unsaved_name = self.unsaved_entry();
        let view = ListView {
            profiles: &self.loaded.profiles,
            selected: self.saved_id.as_deref(),
            dirty: self.is_dirty(),
            now: system_now(),
            unsaved: unsaved_name.as_deref(),
        };
        let mut search = std::mem::take(&mut self.search);
        let mut ticked = std::mem::take(&mut self.ticked);
        let list = egui::Panel::left("profiles")
            .resizable(true)
            .default_size(self.prefs.list_width)
            .size_range(180.0..=(window.width() * 0.3).max(200.0))
            .show(ui, |ui| {
                profile_list_ui(ui, &view, &mut search, &mut ticked)
            });
        self.search = search;
        self.ticked = ticked;
        self.layout.list = list.response.rect;
        self.prefs.list_width = list.response.rect.width();
        list.inner
    }

    /// The name the list shows for the open draft while it is not saved, if it is to be listed.
    fn unsaved_entry(&self) -> Option<String> {
        if self.saved_id.is_some() || self.shows_welcome() {
            return None;
        }
        Some(self.draft.name.trim().to_owned())
    }

    /// The test run: beside the form in a wide window, under it (and foldable) in a narrow one.
    fn test_panel(&mut self, ui: &mut egui::Ui, window: egui::Rect, wide: bool) {
        let stale = self.has_verdict() && self.run_is_stale();
        let welcome = self.shows_welcome();
        let run = self.run.as_ref();
        let title = run
            .map_or(crate::report::RunKind::Test, |run| run.kind)
            .title();
        let mut toggle = false;
        let mut panel_action = TestPanelAction::None;
        let mut body = |ui: &mut egui::Ui, toggle: &mut bool, open: bool| {
            ui.horizontal(|ui| {
                ui.heading(title);
                if !wide && run.is_some() {
                    let text = if open { "Hide" } else { "Show" };
                    *toggle = ui
                        .button(text)
                        .on_hover_text("Show or hide the test run")
                        .clicked();
                }
            });
            if !open {
                if run.is_none() && welcome {
                    ui.label("Once a profile is open, its test runs here.");
                } else if run.is_none() {
                    ui.label("Ctrl+Enter runs it; the steps appear here.");
                }
                return;
            }
            run_scroll_area(ui, run, |ui| match run {
                Some(run) => panel_action = test_panel_ui(ui, run, stale),
                // The welcome screen has no Test connection button to name.
                None if welcome => {
                    ui.add(egui::Label::new("Once a profile is open, its test runs here step by step: the certificate, an assertion, a token, the site and drive.").wrap());
                }
                None => {
                    ui.add(egui::Label::new("Press Test connection (Ctrl+Enter) to load the certificate, sign an assertion, get a token and read the site and drive.").wrap());
                }
            });
        };
        // Under the form, the panel takes room from the form only once there is a run to show.
        let open = self.prefs.test_open && (wide || run.is_some());
        let response = if wide {
            egui::Panel::right("test")
                .resizable(true)
                .default_size(self.prefs.test_width)
                .size_range(300.0..=(window.width() * 0.4).max(320.0))
                .show(ui, |ui| body(ui, &mut toggle, true))
                .response
        } else if open {
            egui::Panel::bottom("test-below")
                .resizable(true)
                .default_size(self.prefs.test_height)
                .size_range(120.0..=(window.height() * 0.6).max(140.0))
                .show(ui, |ui| body(ui, &mut toggle, true))
                .response
        } else {
            egui::Panel::bottom("test-below-folded")
                .resizable(false)
                .show(ui, |ui| body(ui, &mut toggle, false))
                .response
        };
        self.layout.test = response.rect;
        if wide {
            self.prefs.test_width = response.rect.width();
        } else if open {
            self.prefs.test_height = response.rect.height();
        }
        if toggle {
            self.prefs.test_open = !open;
        }
        match panel_action {
            TestPanelAction::None => {}
            TestPanelAction::SetupFix(fix) => self.open_setup_fix(fix),
            TestPanelAction::UseSetupApp => self.use_setup_app(),
            TestPanelAction::SetupAppFix(fix) => {
                self.use_setup_app();
                self.open_setup_fix(fix);
            }
        }
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
            DialogAction::Browse(use_) => self.browse(use_),
            DialogAction::ListWindowsStore(location) => self.list_windows_store(location),
            DialogAction::ListKeyVault => self.list_key_vault(),
            DialogAction::ListPkcs11 { with_pin } => self.ask_or_list_tokens(with_pin),
            DialogAction::FindPkcs11Modules => self.find_pkcs11_modules(),
            DialogAction::SignInKeyVault { device_code } => self.sign_in_key_vault(device_code),
            DialogAction::CancelKeyVaultSignIn => self.cancel_key_vault_sign_in(),
            DialogAction::Rotate => self.ask_rotation(),
            DialogAction::SetupEntra => self.open_setup_entra(false),
        }
    }

    fn handle_welcome(&mut self, action: WelcomeAction) {
        match action {
            WelcomeAction::None => {}
            WelcomeAction::New => {
                self.started_draft = true;
                self.dialog.focus = Some(crate::gui::dialog::FormFocus::Name);
            }
            WelcomeAction::Demo => self.start_demo(),
            WelcomeAction::Import => self.handle_list(crate::gui::profile_list::ListAction::Import),
            WelcomeAction::SetupEntra => self.open_setup_entra(true),
        }
    }

    fn footer_ui(&self, ui: &mut egui::Ui, can_test: bool, testing: bool, why_not: &str) -> Footer {
        let mut footer = Footer::None;
        let welcome = self.shows_welcome();
        // The theme switch takes its room at the right first; the rest wraps in what is left, so
        // a long status line never runs under it.
        // One row high to start with (as `horizontal`): a layout given the panel's whole height
        // would centre the row in it.
        let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
        let right_to_left = egui::Layout::right_to_left(egui::Align::Center);
        ui.allocate_ui_with_layout(row, right_to_left, |ui| {
            let mut theme = self.prefs.theme;
            egui::ComboBox::from_id_salt("theme")
                .selected_text(theme.label())
                .show_ui(ui, |ui| {
                    for choice in crate::gui::prefs::ThemeChoice::ALL {
                        ui.selectable_value(&mut theme, choice, choice.label());
                    }
                })
                .response
                .on_hover_text("Light, dark, or as the system is")
                // Named "Theme" for screen readers (the hover text would be read instead).
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Theme"));
            if theme != self.prefs.theme {
                footer = Footer::Theme(theme);
            }
            ui.with_layout(
                egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true),
                |ui| {
                    if welcome {
                        // Nothing to save or test yet.
                    } else if ui.button("Save").on_hover_text("Ctrl+S").clicked() {
                        footer = Footer::Save;
                    }
                    if !welcome {
                        let test = ui
                            .add_enabled(can_test, egui::Button::new("Test connection"))
                            .on_hover_text("Ctrl+Enter")
                            .on_disabled_hover_text(why_not);
                        if !can_test {
                            crate::gui::widgets::describe(&test, why_not);
                        }
                        if test.clicked() {
                            footer = Footer::Test;
                        }
                    }
                    if (testing || self.rotation_cancellable() || self.is_registering())
                        && ui.button("Cancel").clicked()
                    {
                        footer = Footer::Cancel;
                    }
                    if self.is_dirty() {
                        ui.label("• unsaved changes");
                    }
                    if self.rotates_out_of_sight() {
                        ui.spinner();
                        ui.label(ROTATION_IN_BACKGROUND);
                    }
                    if let Some(status) = &self.status {
                        // One line that ends in "…" where it would reach the theme switch; egui shows
                        // all of a shortened label on hover (a second hover text would repeat it).
                        let color = if status.error { ERROR } else { OK };
                        let text = egui::RichText::new(&status.text).color(color);
                        ui.add(egui::Label::new(text).truncate());
                    }
                },
            );
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
                self.started_draft = true;
                self.draft.cert_kind = CertKind::PfxFile;
                self.draft.pfx_path = path.display().to_string();
                self.dialog.tab = crate::gui::dialog::Tab::Certificate;
                // The keyboard goes to that tab; a pending "focus Name" (from the draft opened
                // at start, behind the welcome screen) would switch back to General.
                self.dialog.focus = Some(crate::gui::dialog::FormFocus::OpenTab);
            } else {
                self.set_status(
                    format!("{} is not a .pfx or .p12 file", path.display()),
                    true,
                );
            }
        }
    }
}
