//! The modals only draw and answer: each test opens one alone, without the app, acts on it as a
//! user would, and reads the answer it returned.

use std::path::PathBuf;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use zeroize::Zeroizing;

use super::{ModalAction, ModalFacts, ModalState, PasswordPrompt, Pending, show};
use crate::gui::app::Purpose;
use crate::gui::files::FileUse;
use crate::gui::rotate_prompt::RotatePrompt;
use crate::secret::Secret;

/// One modal, drawn as the app draws it, until it answers.
struct Shown {
    /// The open modal; `None` once it answered.
    modal: Option<ModalState>,
    /// The modal as it was when it answered.
    closed: Option<ModalState>,
    /// Its answer.
    answer: Option<ModalAction>,
    draft_name: String,
    browsing: bool,
}

fn harness(modal: ModalState) -> Harness<'static, Shown> {
    harness_with(modal, "Contoso", false)
}

fn harness_with(modal: ModalState, draft_name: &str, browsing: bool) -> Harness<'static, Shown> {
    let shown = Shown {
        modal: Some(modal),
        closed: None,
        answer: None,
        draft_name: draft_name.to_owned(),
        browsing,
    };
    let mut h = Harness::new_ui_state(
        |ui, shown: &mut Shown| {
            let Some(modal) = &mut shown.modal else {
                return;
            };
            let facts = ModalFacts {
                draft_name: &shown.draft_name,
                browsing: shown.browsing,
            };
            match show(ui.ctx(), modal, &facts) {
                ModalAction::None => {}
                answer => {
                    shown.closed = shown.modal.take();
                    shown.answer = Some(answer);
                }
            }
        },
        shown,
    );
    h.run_ok();
    h
}

/// What the modal answered; `None` while it is still open.
fn answer<'h>(h: &'h Harness<'_, Shown>) -> Option<&'h ModalAction> {
    h.state().answer.as_ref()
}

fn press(h: &mut Harness<'_, Shown>, key: egui::Key) {
    h.key_press(key);
    h.run_ok();
}

fn button(h: &mut Harness<'_, Shown>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.run_ok();
}

fn is_focused(h: &Harness<'_, Shown>, role: Role, label: &str) -> bool {
    h.get_by_role_and_label(role, label)
        .accesskit_node()
        .is_focused()
}

fn rename(new_name: &str, error: Option<&str>) -> ModalState {
    ModalState::Rename {
        new_name: new_name.to_owned(),
        error: error.map(str::to_owned),
        focused: false,
    }
}

fn password_prompt() -> ModalState {
    ModalState::Password(PasswordPrompt {
        purpose: Purpose::Test,
        whose: "Contoso".into(),
        why: None,
        reason: None,
        typed: Zeroizing::new(String::new()),
        remember: false,
        can_remember: true,
        pin: false,
        focused: false,
    })
}

fn remove_stored(users: &[&str]) -> ModalState {
    ModalState::RemoveStored {
        name: "contoso-cert".into(),
        users: users.iter().map(|&u| u.to_owned()).collect(),
    }
}

#[test]
fn rename_answers_the_typed_name_on_enter() {
    let mut h = harness(rename("", None));
    h.get_by_role_and_label(Role::Dialog, "Rename profile");
    assert!(is_focused(&h, Role::TextInput, "New name"));
    h.get_by_role_and_label(Role::TextInput, "New name")
        .type_text("Sales tenant");
    h.run_ok();
    assert_eq!(answer(&h), None, "typing answers nothing");
    press(&mut h, egui::Key::Enter);
    assert_eq!(
        answer(&h),
        Some(&ModalAction::Rename("Sales tenant".into()))
    );
}

#[test]
fn rename_shows_why_the_last_try_was_refused_and_esc_cancels() {
    let mut h = harness(rename(
        "Prod",
        Some("a profile named 'Prod' exists already"),
    ));
    h.get_by_label("a profile named 'Prod' exists already");
    press(&mut h, egui::Key::Escape);
    assert_eq!(answer(&h), Some(&ModalAction::Cancel));
}

#[test]
fn the_password_prompt_submits_on_enter_with_the_typed_password() {
    let mut h = harness(password_prompt());
    h.get_by_label("The certificate of 'Contoso' needs its password.");
    assert!(is_focused(&h, Role::PasswordInput, "Password"));
    h.get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text("hunter2");
    h.run_ok();
    h.get_by_label("Remember in the credential store (once it works)")
        .click();
    h.run_ok();
    h.get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    h.run_ok();
    press(&mut h, egui::Key::Enter);
    assert_eq!(answer(&h), Some(&ModalAction::SubmitPassword));
    let Some(ModalState::Password(prompt)) = &h.state().closed else {
        panic!("the password prompt answered");
    };
    assert_eq!(prompt.typed.as_str(), "hunter2");
    assert!(prompt.remember);
}

#[test]
fn the_password_prompt_cancels_on_esc() {
    let mut h = harness(password_prompt());
    press(&mut h, egui::Key::Escape);
    assert_eq!(answer(&h), Some(&ModalAction::Cancel));
}

#[test]
fn remove_anyway_removes_a_certificate_profiles_use() {
    let mut h = harness(remove_stored(&["Prod", "Test (unsaved)"]));
    h.get_by_label("Used by 'Prod', 'Test (unsaved)': they will no longer connect.");
    // Enter does not remove what profiles use: only the button does.
    press(&mut h, egui::Key::Enter);
    assert_eq!(answer(&h), None);
    button(&mut h, "Remove anyway");
    assert_eq!(
        answer(&h),
        Some(&ModalAction::RemoveStored {
            name: "contoso-cert".into(),
            anyway: true
        })
    );
}

#[test]
fn enter_removes_a_certificate_no_profile_uses_and_keep_cancels() {
    let mut h = harness(remove_stored(&[]));
    press(&mut h, egui::Key::Enter);
    assert_eq!(
        answer(&h),
        Some(&ModalAction::RemoveStored {
            name: "contoso-cert".into(),
            anyway: false
        })
    );
    let mut h = harness(remove_stored(&[]));
    button(&mut h, "Keep");
    assert_eq!(answer(&h), Some(&ModalAction::Cancel));
}

#[test]
fn delete_answers_delete_on_enter_and_keep_cancels() {
    let mut h = harness(ModalState::ConfirmDelete("Prod".into()));
    h.get_by_role_and_label(Role::Dialog, "Delete profile");
    press(&mut h, egui::Key::Enter);
    assert_eq!(answer(&h), Some(&ModalAction::Delete));
    let mut h = harness(ModalState::ConfirmDelete("Prod".into()));
    button(&mut h, "Keep");
    assert_eq!(answer(&h), Some(&ModalAction::Cancel));
}

#[test]
fn unsaved_changes_answer_with_what_was_pending() {
    let mut h = harness(ModalState::Unsaved(Pending::Select("Beta".into())));
    h.get_by_label("'Contoso' has changes that are not saved.");
    button(&mut h, "Save changes");
    assert_eq!(
        answer(&h),
        Some(&ModalAction::SaveThen(Pending::Select("Beta".into())))
    );
    let mut h = harness_with(ModalState::Unsaved(Pending::New), "", false);
    h.get_by_label("This new profile has changes that are not saved.");
    button(&mut h, "Discard changes");
    assert_eq!(answer(&h), Some(&ModalAction::Discard(Pending::New)));
    let mut h = harness(ModalState::Unsaved(Pending::New));
    button(&mut h, "Keep editing");
    assert_eq!(answer(&h), Some(&ModalAction::Cancel));
}

fn export() -> ModalState {
    ModalState::Export {
        with_certificates: false,
        passphrase: Zeroizing::new(String::new()),
        path: String::new(),
    }
}

#[test]
fn export_answers_the_typed_path_and_passphrase() {
    let mut h = harness(export());
    assert!(is_focused(&h, Role::TextInput, "File"));
    // No path: Export answers nothing.
    press(&mut h, egui::Key::Enter);
    assert_eq!(answer(&h), None);
    h.get_by_role_and_label(Role::TextInput, "File")
        .type_text(" out.bundle ");
    h.run_ok();
    h.get_by_label("Include certificates, encrypted under a passphrase")
        .click();
    h.run_ok();
    h.get_by_role_and_label(Role::PasswordInput, "Bundle passphrase")
        .type_text("correct horse");
    h.run_ok();
    button(&mut h, "Export");
    assert_eq!(
        answer(&h),
        Some(&ModalAction::Export {
            path: PathBuf::from("out.bundle"),
            passphrase: Some(Secret::new("correct horse")),
        })
    );
}

#[test]
fn browse_answers_browse_and_waits_while_a_file_dialog_is_open() {
    let mut h = harness(export());
    button(&mut h, "Browse…");
    assert_eq!(answer(&h), Some(&ModalAction::Browse(FileUse::Export)));
    let h = harness_with(export(), "Contoso", true);
    assert!(
        h.get_by_role_and_label(Role::Button, "Browse…")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn a_path_dialog_answers_its_use_and_the_path_on_enter() {
    let choose = ModalState::ChooseFile {
        use_: FileUse::NewPfx,
        path: String::new(),
        focused: false,
    };
    let mut h = harness(choose);
    h.get_by_role_and_label(Role::Dialog, "Save the new certificate");
    assert!(
        h.get_by_role_and_label(Role::Button, "Create")
            .accesskit_node()
            .is_disabled(),
        "no path yet"
    );
    h.get_by_role_and_label(Role::TextInput, "File")
        .type_text("new.pfx");
    h.run_ok();
    press(&mut h, egui::Key::Enter);
    assert_eq!(
        answer(&h),
        Some(&ModalAction::FileChosen(
            FileUse::NewPfx,
            PathBuf::from("new.pfx")
        ))
    );
}

#[test]
fn a_bundle_import_answers_its_path_and_the_passphrase() {
    let bundle = ModalState::ImportBundle {
        path: PathBuf::from("in.bundle"),
        passphrase: Zeroizing::new(String::new()),
    };
    let mut h = harness(bundle);
    assert!(is_focused(&h, Role::PasswordInput, "Bundle passphrase"));
    h.get_by_role_and_label(Role::PasswordInput, "Bundle passphrase")
        .type_text("correct horse");
    h.run_ok();
    button(&mut h, "Import");
    assert_eq!(
        answer(&h),
        Some(&ModalAction::ImportBundle {
            path: PathBuf::from("in.bundle"),
            passphrase: Secret::new("correct horse"),
        })
    );
}

#[test]
fn an_imported_profile_answers_trust_and_test() {
    let concerns = vec!["sends the token to graph.example".to_owned()];
    let mut h = harness(ModalState::ConfirmTrust { concerns });
    h.get_by_label("'Contoso' was imported from a file, and whoever wrote the file chose this:");
    h.get_by_label("• sends the token to graph.example");
    button(&mut h, "Trust and test");
    assert_eq!(answer(&h), Some(&ModalAction::TrustAndTest));
}

#[test]
fn start_rotation_answers_start_and_leaves_the_checks_to_the_app() {
    let rotate = ModalState::Rotate(RotatePrompt {
        whose: "Contoso".into(),
        object_id: "object".into(),
        years: 1,
        new_password: Zeroizing::new(String::new()),
        // Options the app refuses: the modal answers all the same.
        current_has_password: false,
        in_key_vault: false,
        on_token: false,
        remove_old: false,
        old_key_id: String::new(),
        error: None,
    });
    let mut h = harness(rotate);
    button(&mut h, "Start rotation");
    assert_eq!(answer(&h), Some(&ModalAction::StartRotation));
}

#[test]
fn a_vault_rotation_asks_for_no_pfx_password_and_says_the_vault_makes_it() {
    let prompt = RotatePrompt {
        whose: "Contoso".into(),
        object_id: "object".into(),
        years: 1,
        new_password: Zeroizing::new(String::new()),
        current_has_password: false,
        in_key_vault: true,
        on_token: false,
        remove_old: false,
        old_key_id: String::new(),
        error: None,
    };
    assert_eq!(
        prompt.check(),
        Ok(()),
        "no password: the vault keeps the key"
    );
    let mut h = harness(ModalState::Rotate(prompt));
    assert!(h.query_by_label("New PFX password").is_none());
    h.get_by_label_contains("Key Vault makes the certificate's next version");
    button(&mut h, "Start rotation");
    assert_eq!(answer(&h), Some(&ModalAction::StartRotation));
}
