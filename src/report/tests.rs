//! The run model and the text report, from events made by hand.

use super::*;
use crate::core::draft::ProfileDraft;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::Profile;
use crate::probe::{ProbeError, ProbeSummary};

fn profile() -> Profile {
    let draft = ProfileDraft {
        pfx_path: "/certs/private_key.pfx".into(),
        extra_headers: "X-Api-Key:hunter2-secret-value||X-Trace:on".into(),
        ..ProfileDraft::example("Contoso SharePoint")
    };
    draft.parse().expect("valid profile")
}

fn context() -> ReportContext {
    ReportContext {
        app: "certconnect 9.9.9".into(),
        platform: "testos x86_64".into(),
    }
}

fn done(step: Step, details: Vec<Detail>) -> TestEvent {
    TestEvent::Done {
        step,
        duration_ms: 7,
        details,
    }
}

#[test]
fn retries_and_warnings_go_under_their_step() {
    let mut run = RunView::new(profile(), None, 0);
    run.apply(TestEvent::Warning {
        step: Step::Profile,
        message: "multi tenant".into(),
    });
    run.apply(TestEvent::Retrying {
        step: Step::Token,
        retry: 1,
        reason: "HTTP 429".into(),
        wait_ms: 1000,
    });
    let notes = |step: Step| {
        run.steps
            .iter()
            .find(|s| s.step == step)
            .map(|s| s.notes.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        notes(Step::Token),
        [Note {
            kind: NoteKind::Retry,
            text: "HTTP 429; retry 1 in 1000 ms".into()
        }]
    );
    assert_eq!(notes(Step::Profile)[0].kind, NoteKind::Warning);
    assert!(notes(Step::Certificate).is_empty());
}

#[test]
fn a_connected_run_reads_as_a_ticket() {
    let mut run = RunView::new(profile(), None, 1_800_000_000);
    run.apply(done(
        Step::Certificate,
        vec![
            Detail::new("Thumbprint (SHA-1)", "AB12"),
            Detail::new("Key", "RSA 2048 bits"),
        ],
    ));
    run.apply(TestEvent::Retrying {
        step: Step::Token,
        retry: 1,
        reason: "HTTP 503".into(),
        wait_ms: 20,
    });
    run.apply(done(
        Step::Token,
        vec![Detail::new("Roles", "Sites.Read.All")],
    ));
    run.finish(Ok(ProbeSummary {
        token_expires_in: 3599,
        roles: vec!["Sites.Read.All".into()],
        site: Some("Team".into()),
        drive: Some("Documents".into()),
        first_item: None,
        certificate_not_after: None,
    }));
    let text = render_text(&run, &context());
    for expected in [
        "App:        certconnect 9.9.9 (testos x86_64)",
        "Tested at:  2027-01-15T08:00:00Z",
        "Profile:    Contoso SharePoint",
        "Result:     Connected",
        "  Client ID:           8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b",
        "  Certificate:         PFX file /certs/private_key.pfx",
        "  Extra headers:       X-Api-Key (value: 20 chars), X-Trace (value: 2 chars)",
        "  [ ok ] Load certificate (7 ms)\n         Thumbprint (SHA-1):  AB12\n         Key:                 RSA 2048 bits\n",
        "  [ ok ] Request access token (7 ms)\n         Roles:  Sites.Read.All\n         [wait] HTTP 503; retry 1 in 20 ms\n",
        "  [    ] Check settings (not run)",
        "  Connected: the certificate and the token work, and so do site 'Team' and drive 'Documents'.",
        "  Token lifetime:  3599 s",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("hunter2"), "a header value leaked:\n{text}");
}

#[test]
fn a_failed_run_has_title_code_fix_ids_and_raw_error() {
    let mut run = RunView::new(profile(), None, 0);
    run.apply(TestEvent::Started { step: Step::Token });
    let failure = Failure {
        code: "network".into(),
        message: "nothing is listening on 127.0.0.1:9: the connection was refused".into(),
        hint: "Check the Token URL's host and port.".into(),
        status: None,
        details: vec![Detail::new("Trace ID", "t-1")],
        raw: Some(Box::new(
            "error sending request\ntcp connect error: Connection refused".into(),
        )),
    };
    run.finish(Err(ProbeError {
        step: Step::Token,
        failure,
        input_error: false,
        certificate_not_after: None,
    }));
    let text = render_text(&run, &context());
    for expected in [
        "Result:     Failed at 'Request access token': server not reachable",
        "  [FAIL] Request access token (0 ms)",
        "  Code:           network",
        "  What happened:  nothing is listening on 127.0.0.1:9",
        "  Fix:            Check the Token URL's host and port.",
        "  Trace ID:       t-1",
        "  Raw error:      error sending request\n                  tcp connect error: Connection refused\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn a_changed_form_makes_the_run_stale_but_a_new_name_does_not() {
    let run = RunView::new(profile(), None, 0);
    let mut draft = ProfileDraft::from(run.profile());
    assert!(!run.is_stale(&draft, None));
    draft.name = "Renamed".into();
    assert!(!run.is_stale(&draft, None));
    draft.site_id = "contoso.sharepoint.com:/sites/hr".into();
    assert!(run.is_stale(&draft, None));
}

#[test]
fn a_rotation_reports_its_own_steps_and_what_it_did() {
    use crate::ops::Rotation;
    use crate::probe::KeyChanged;
    let mut run = RunView::rotation(profile(), None, 0, false);
    assert_eq!(run.kind, crate::report::RunKind::Rotation);
    assert!(run.steps.iter().all(|s| s.step != Step::RemoveKey));
    assert_eq!(run.steps[2].step, Step::NewCertificate);
    run.finish_rotation(Ok(Rotation {
        new_pfx: Some("/certs/app-20261123.pfx".into()),
        added: Some(KeyChanged {
            key_id: "0f3c1d2e-aaaa-4bbb-8ccc-123456789abc".into(),
            ..KeyChanged::default()
        }),
        switched: true,
        ..Rotation::default()
    }));
    let text = render_text(&run, &ReportContext::default());
    assert!(
        text.starts_with("certconnect certificate rotation report\n"),
        "{text}"
    );
    assert!(text.contains("Make new certificate"), "{text}");
    assert!(
        text.contains("/certs/app-20261123.pfx (key ID 0f3c1d2e-aaaa-4bbb-8ccc-123456789abc)"),
        "{text}"
    );
    // A rotation changes the profile: it never reads as stale.
    assert!(!run.is_stale(&crate::core::draft::ProfileDraft::default(), None));
}
