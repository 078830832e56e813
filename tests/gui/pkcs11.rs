//! A hardware-token (PKCS#11) profile in the app: the Certificate tab shows the source, and an
//! imported profile's module (native code its author chose) is loaded only once it is confirmed.

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::CertKind;
use certconnect::core::profile::{Origin, PasswordSource};
use certconnect::profile_store::ProfileStore;
use egui_kittest::kittest::Queryable as _;
use gui_harness::gui;
use support::probe_env::Env;
use support::s;

#[test]
fn an_imported_token_profile_loads_its_module_only_once_confirmed() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    // Not a module: trying to load it fails with its own message, which shows when it is tried.
    let module = env.ws.write("vendor-pkcs11.so", b"not a module");
    let mut draft = env.draft();
    draft.name = "Token".into();
    draft.cert_kind = CertKind::Pkcs11;
    draft.pkcs11.uri = "pkcs11:token=app-token;object=app-key".into();
    draft.pkcs11.module = s(&module).into();
    draft.password = PasswordSource::Ask;
    let profile = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    store.save(&profile).unwrap();
    let mut g = gui(&env, None);
    g.click("Token");
    g.settle();
    g.click("Certificate");
    g.settle();
    g.h.get_by_label_contains("Hardware token (PKCS#11)");
    g.h.get_by_label_contains("pkcs11:token=app-token;object=app-key");
    g.h.get_by_label_contains("loads the PKCS#11 module");
    assert!(
        g.h.query_by_label_contains("cannot be loaded").is_none(),
        "the module was not tried before the profile was confirmed"
    );
    g.button("Test connection");
    g.button("Trust and test");
    g.wait_until(|app| app.has_verdict() && !app.is_busy());
    g.settle();
    // Confirmed: the card and the test tried the module, and say it is not one.
    assert!(
        g.h.query_by_label_contains("loads the PKCS#11 module")
            .is_none()
    );
    assert_eq!(
        g.h.query_all_by_label_contains("cannot be loaded").count(),
        2,
        "the card and the verdict"
    );
    assert!(
        env.sandbox.requests().is_empty(),
        "nothing left the machine"
    );
}
