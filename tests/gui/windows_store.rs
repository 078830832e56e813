//! The Certificate tab's Windows certificate store source off Windows: the choice is visible but
//! cannot be picked anew, a profile made on Windows shows its store and thumbprint with the reason
//! it cannot be used here, and a test says so in plain words instead of trying.

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::CertKind;
use certconnect::core::profile::{CertificateSource, StoreLocation};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::gui;
use support::probe_env::Env;

const THUMBPRINT: &str = "84E05C1D98BCE3A5421D225B140B36E86A3D5534";

#[test]
fn off_windows_the_store_cannot_be_chosen_anew() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.settle();
    let radio =
        g.h.get_by_role_and_label(Role::RadioButton, "Windows certificate store");
    assert!(
        radio.accesskit_node().is_disabled(),
        "the radio is disabled here"
    );
    radio.click();
    g.settle();
    assert_ne!(g.h.state().draft().cert_kind, CertKind::WindowsStore);
}

#[test]
fn a_profile_from_windows_shows_its_store_and_why_it_cannot_run_here() {
    let env = Env::new();
    let profile = env
        .profile()
        .with_certificate(CertificateSource::WindowsStore {
            location: StoreLocation::LocalMachine,
            thumbprint: THUMBPRINT.into(),
        })
        .unwrap();
    let mut g = gui(&env, Some(profile));
    g.click("Certificate");
    g.settle();
    g.h.get_by_label_contains("The Windows certificate store exists only on Windows");
    let machine =
        g.h.get_by_role_and_label(Role::RadioButton, "Machine Store");
    assert_eq!(
        machine.accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );
    let field = g.h.get_by_role_and_label(Role::TextInput, "Thumbprint");
    assert_eq!(field.value().as_deref(), Some(THUMBPRINT));
    // Nothing is listed (there is no store to list) and the test says why it stops.
    assert!(g.h.query_by_label("Refresh list").is_none());
    g.test_connection();
    // In the run's verdict (and on the certificate card, which loads the same way).
    assert!(
        g.h.get_all_by_label_contains("the Windows certificate store exists only on Windows")
            .count()
            >= 1
    );
    assert!(!g.h.state().is_busy());
    // Switching the location in the form is what will be used.
    g.click("User Store");
    g.settle();
    assert_eq!(
        g.h.state().draft().windows_location,
        StoreLocation::CurrentUser
    );
    match g.h.state().draft().certificate_source().unwrap() {
        CertificateSource::WindowsStore {
            location,
            thumbprint,
        } => {
            assert_eq!(location, StoreLocation::CurrentUser);
            assert_eq!(thumbprint, THUMBPRINT);
        }
        other => panic!("{other:?}"),
    }
}
