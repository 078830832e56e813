//! "Set up in Entra…" in the app: the wizard's answers applied. The administrator's sign-in, the
//! search for an existing app and `ops::app_registration::register` (a new app) or
//! `set_up_existing` (an app that exists) run as background jobs with the open draft's ticket; the
//! setup's steps show on the run ladder with Cancel, and it ends on the profile saved with the
//! app's client ID and object ID. A failed test's verdict opens the wizard on its fix. The admin's
//! tokens stay in memory, in this app only; with "Remember this sign-in" ticked, the refresh token
//! goes to the credential store (`ops::remembered_sign_in`) and nowhere else.

use std::path::PathBuf;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::CertconnectApp;
use crate::admin_signin::{
    AdminSession, DeviceCodeEvent, PollTiming, SignInSettings, SystemBrowser, sign_in_with_browser,
    sign_in_with_device_code,
};
use crate::core::app_registration::graph_roles::ConnectorAccess;
use crate::core::app_registration::setup_fix::SetupFix;
use crate::core::authority::tenant_in_token_url;
use crate::core::draft::{CertKind, ProfileDraft};
use crate::core::event::{Step, TestEvent};
use crate::core::profile::PasswordSource;
use crate::core::signin::scopes::{SetupStep, scopes_for};
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::{
    FoundApps, ModalState, SetupEntra, SetupMode, SetupTarget, SignInMethod, SignInState,
};
use crate::ops::NewCertificateRequest;
use crate::ops::app_registration::{
    AdminGraph, AppSetupError, DEFAULT_ENTRA_WAIT, ExistingAppJob, RegisterJob, Registration,
    SetupFailed, SiteGrant, existing_app_steps,
};
use crate::ops::remembered_sign_in::{self, RememberEvent};
use crate::report::RunView;
use crate::sandbox::{SandboxConfig, start_demo};
use crate::secret::Secret;
use zeroize::Zeroizing;

/// A client ID that only lets the form be checked before the app exists (the wizard fills in
/// the real one).
const PLACEHOLDER_CLIENT_ID: &str = "11111111-1111-4111-8111-111111111111";

/// A certificate made in the wizard: RSA 2048, as `cert new` makes by default, valid a year.
const NEW_KEY_BITS: u32 = 2048;
const NEW_DAYS: u32 = 365;

/// The sandbox's device code asks for a poll every second, so the demo does not keep the admin
/// waiting the 5 s Entra asks for.
const SANDBOX_POLL_SECS: u64 = 1;

/// The wizard's background state: the signed-in admin (for the sign-in host and tenant it was
/// for) and what Cancel stops.
#[derive(Default)]
pub(super) struct SetupJobs {
    /// The sign-in host and tenant, the session, and whether it may grant sites.
    session: Option<(String, AdminSession, bool)>,
    cancel: Option<CancellationToken>,
    /// "Remember this sign-in" as last ticked, for the next wizard this session.
    remember: bool,
}

/// Where the open draft's admin signs in.
struct Target {
    authority: Url,
    tenant: String,
    graph_url: Url,
    ca_file: Option<PathBuf>,
}

impl Target {
    fn of(draft: &ProfileDraft) -> Result<Self, String> {
        let token_url = Url::parse(draft.token_url.trim())
            .map_err(|_| "Enter the tenant (or the token URL) on the General tab first.")?;
        let tenant = tenant_in_token_url(draft.token_url.trim())
            .ok_or("The token URL names no tenant: choose the tenant on the General tab first.")?;
        let mut authority = token_url.clone();
        authority.set_path("");
        authority.set_query(None);
        let graph_url = Url::parse(draft.graph_url.trim())
            .map_err(|_| "Enter the Graph URL on the Graph tab first.")?;
        let ca_file = Some(draft.ca_file.trim())
            .filter(|path| !path.is_empty())
            .map(PathBuf::from);
        Ok(Self {
            authority,
            tenant,
            graph_url,
            ca_file,
        })
    }

    fn key(&self) -> String {
        format!("{} {}", self.authority, self.tenant)
    }

    /// `certconnect app sign-out` for this tenant, naming the sign-in host unless it is the
    /// global cloud's (the CLI's default).
    fn sign_out_command(&self) -> String {
        let mut command = format!("certconnect app sign-out --tenant {}", self.tenant);
        let authority = self.authority.as_str().trim_end_matches('/');
        if authority != crate::admin_signin::DEFAULT_AUTHORITY {
            command.push_str(&format!(" --authority {authority}"));
        }
        command
    }
}

impl CertconnectApp {
    /// Whether the open draft's registration is running.
    pub fn is_registering(&self) -> bool {
        self.is_running(JobKind::Register)
    }

    /// The sandbox the app started (the demo, or the wizard's), while it runs.
    pub fn sandbox(&self) -> Option<&crate::sandbox::Sandbox> {
        self.demo.as_ref().map(|demo| &demo.sandbox)
    }

    /// Where the open wizard's sign-in is, when the wizard is open.
    pub fn setup_sign_in_state(&self) -> Option<&SignInState> {
        match &self.modal {
            Some(ModalState::SetupEntra(setup)) => Some(&setup.sign_in),
            _ => None,
        }
    }

    /// The run on the ladder, if any.
    pub fn run_view(&self) -> Option<&RunView> {
        self.run.as_ref()
    }

    /// Opens the wizard: asking where first from the welcome screen, else for the open draft.
    pub(super) fn open_setup_entra(&mut self, from_welcome: bool) {
        if from_welcome {
            let mut setup = SetupEntra::new("", "", "");
            setup.ask_target = true;
            self.modal = Some(ModalState::SetupEntra(Box::new(setup)));
            return;
        }
        if let Some(setup) = self.setup_for_draft() {
            self.modal = Some(ModalState::SetupEntra(Box::new(setup)));
            self.look_for_remembered_sign_in();
        }
    }

    /// Whether a sign-in is remembered for the open wizard's tenant, in the background: if one
    /// is, the wizard says so and ticks Remember, so Sign in uses it.
    fn look_for_remembered_sign_in(&mut self) {
        let (Ok(vault), Ok(target)) = (&self.deps.vault, Target::of(&self.draft)) else {
            return;
        };
        if matches!(
            self.setup_sign_in_state(),
            Some(SignInState::SignedIn { .. }) | None
        ) {
            return;
        }
        let store = std::sync::Arc::clone(vault.store());
        let settings = sign_in_settings(&target, &[SetupStep::Register, SetupStep::Consent]);
        let entry = remembered_sign_in::remembered_entry(&settings);
        let tenant = target.tenant;
        self.spawn(JobKind::SignIn, Reach::OpenDraft, move || {
            // Only whether it is there: the token itself is dropped (wiped) at once.
            let kept = matches!(store.get(&entry).map(|secret| secret.map(Zeroizing::new)), Ok(Some(_)));
            let name = store.name().to_owned();
            Box::new(move |app: &mut Self, _| {
                if let (true, Some(ModalState::SetupEntra(setup))) = (kept, &mut app.modal)
                    && matches!(setup.sign_in, SignInState::NotStarted)
                {
                    setup.remember_sign_in = true;
                    setup.remember_note = Some(format!(
                        "A sign-in to {tenant} is remembered in the {name}: Sign in uses it, with no browser and no code."
                    ));
                }
            })
        });
    }

    /// Opens the wizard on the fix a failed test's verdict offered: add the certificate to the
    /// profile's app, grant it the permission the failed read needed, or set up an app.
    pub(super) fn open_setup_fix(&mut self, fix: SetupFix) {
        let Some(mut setup) = self.setup_for_draft() else {
            return;
        };
        let client_id = self.draft.client_id.trim().to_owned();
        match fix {
            SetupFix::SetUpApp => {}
            SetupFix::UploadCertificate => setup.mode = SetupMode::AddCertificate { client_id },
            SetupFix::GrantPermission(access) => {
                setup.mode = SetupMode::GrantPermission { client_id };
                setup.access = ConnectorAccess::ALL
                    .iter()
                    .position(|a| *a == access)
                    .into_iter()
                    .collect();
            }
        }
        self.modal = Some(ModalState::SetupEntra(Box::new(setup)));
        self.look_for_remembered_sign_in();
    }

    /// Puts the app a stopped setup left in the tenant into the form, unsaved: the run panel and
    /// the status line say Save keeps it.
    pub(super) fn use_setup_app(&mut self) {
        let Some(run) = &mut self.run else {
            return;
        };
        let Some(app) = run.setup_app.clone() else {
            return;
        };
        run.setup_app_used = true;
        self.draft.client_id = app.client_id;
        self.draft.object_id = app.object_id;
        self.set_status(
            "The app's client ID and object ID are in the form, not saved yet: Save keeps them.",
            false,
        );
    }

    /// The wizard for the open draft, or why it cannot open (on the status line).
    fn setup_for_draft(&mut self) -> Option<SetupEntra> {
        if self.is_testing() || self.is_rotating() || self.is_registering() {
            self.set_status(
                "Wait for the running test, rotation or setup to finish.",
                true,
            );
            return None;
        }
        let target = match Target::of(&self.draft) {
            Ok(target) => target,
            Err(why) => {
                self.set_status(why, true);
                return None;
            }
        };
        // A form without a usable certificate gets a new one made in the wizard.
        let certificate = self
            .draft
            .certificate_source()
            .map(|source| describe_certificate(&source))
            .unwrap_or_default();
        let name = certificate_name(&self.draft.name);
        let mut setup = SetupEntra::new(&name, &target.tenant, &certificate);
        let default_pfx = default_new_pfx(&self.deps.store, &name)
            .display()
            .to_string();
        setup.new_pfx.clone_from(&default_pfx);
        setup.default_pfx = default_pfx;
        setup.site_id = self.draft.site_id.trim().to_owned();
        setup.remember_sign_in = self.setup.remember;
        setup.sign_out_command = target.sign_out_command();
        if let Some((key, session, for_site)) = &self.setup.session
            && *key == target.key()
        {
            setup.sign_in = signed_in(session);
            setup.signed_in_for_site = *for_site;
        }
        Some(setup)
    }

    /// Applies the welcome screen's choice of where to register.
    pub(super) fn setup_where(&mut self, target: SetupTarget) {
        match target {
            SetupTarget::MyTenant => {
                self.started_draft = true;
                self.dialog.focus = Some(crate::gui::dialog::FormFocus::Name);
                self.set_status(
                    "Fill in the tenant and choose the certificate, then press Set up in Entra… under Client ID.",
                    false,
                );
            }
            SetupTarget::Sandbox => self.setup_in_sandbox(),
        }
    }

    /// Starts the sandbox (unless it runs), then opens a new profile pointed at it, without an
    /// app yet, and the wizard for it.
    fn setup_in_sandbox(&mut self) {
        if let Some(demo) = &self.demo {
            let profile = demo.profile.clone();
            return self.open_sandbox_setup(&profile);
        }
        if self.is_running(JobKind::Demo) {
            return;
        }
        self.set_status("Starting the sandbox…", false);
        let dir = crate::ops::demo_dir(&self.deps.store);
        self.spawn(JobKind::Demo, Reach::Anywhere, move || {
            let mut config = SandboxConfig::default();
            config.admin.device_code_interval_secs = SANDBOX_POLL_SECS;
            let started = tokio::runtime::Handle::current().block_on(start_demo(&dir, config));
            Box::new(move |app: &mut Self, _| match started {
                Ok(demo) => {
                    let profile = demo.profile.clone();
                    app.demo = Some(demo);
                    app.open_sandbox_setup(&profile);
                }
                Err(e) => app.set_status(format!("The sandbox did not start: {e}"), true),
            })
        });
    }

    fn open_sandbox_setup(&mut self, demo: &crate::core::profile::Profile) {
        let mut draft = ProfileDraft::from(demo);
        draft.name = "Sandbox app".into();
        draft.client_id.clear();
        draft.object_id.clear();
        self.open_new(draft);
        self.open_setup_entra(false);
    }

    /// Signs the administrator in for the open draft's tenant, in the background; the wizard
    /// shows the device code as it comes and who signed in.
    pub(super) fn setup_sign_in(&mut self, method: SignInMethod) {
        let Some(ModalState::SetupEntra(setup)) = &mut self.modal else {
            return;
        };
        let target = match Target::of(&self.draft) {
            Ok(target) => target,
            Err(why) => {
                setup.sign_in = SignInState::Failed(why);
                return;
            }
        };
        setup.sign_in = SignInState::Waiting(None);
        setup.remember_note = None;
        self.setup.remember = setup.remember_sign_in;
        // Only what the chosen steps need: the site grant's permission only for Sites.Selected.
        let for_site = setup.grants_site();
        let mut steps = vec![SetupStep::Register, SetupStep::Consent];
        if for_site {
            steps.push(SetupStep::GrantSite);
        }
        let settings = sign_in_settings(&target, &steps);
        let remember = match (setup.remember_sign_in, &self.deps.vault) {
            (false, _) => None,
            (true, Ok(vault)) => Some(std::sync::Arc::clone(vault.store())),
            (true, Err(why)) => {
                setup.remember_note = Some(format!("This sign-in cannot be remembered: {why}"));
                None
            }
        };
        let key = target.key();
        let cancel = CancellationToken::new();
        self.setup.cancel = Some(cancel.clone());
        let reporter = self.inbox.reporter(self.ticket(), Reach::OpenDraft);
        self.running
            .insert(reporter.job(), (JobKind::SignIn, self.ticket()));
        self.inbox.runtime().spawn(async move {
            let prompts = reporter.clone();
            let notes = reporter.clone();
            let interactive = |settings: SignInSettings| {
                let cancel = cancel.clone();
                async move {
                    let mut report = move |event: DeviceCodeEvent| {
                        if let DeviceCodeEvent::Prompt(prompt) = event {
                            prompts.send(move |app: &mut Self, _| {
                                if let Some(ModalState::SetupEntra(setup)) = &mut app.modal {
                                    setup.sign_in = SignInState::Waiting(Some(prompt));
                                }
                            });
                        }
                    };
                    match method {
                        SignInMethod::Browser => {
                            sign_in_with_browser(&settings, &SystemBrowser, &cancel).await
                        }
                        SignInMethod::DeviceCode => {
                            sign_in_with_device_code(
                                &settings,
                                PollTiming::default(),
                                &mut report,
                                &cancel,
                            )
                            .await
                        }
                    }
                }
            };
            let mut note = move |event: RememberEvent| {
                let text = event.to_string();
                notes.send(move |app: &mut Self, _| {
                    // A refusal stays in view beside what followed it (remembered again).
                    if let Some(ModalState::SetupEntra(setup)) = &mut app.modal {
                        setup.remember_note = Some(match setup.remember_note.take() {
                            Some(earlier) => format!("{earlier}\n{text}"),
                            None => text,
                        });
                    }
                });
            };
            let result =
                remembered_sign_in::sign_in(settings, remember, interactive, &mut note, &cancel)
                    .await;
            reporter.finish(move |app: &mut Self, _| {
                let Some(ModalState::SetupEntra(setup)) = &mut app.modal else {
                    return;
                };
                match result {
                    Ok(session) => {
                        setup.sign_in = signed_in(&session);
                        setup.signed_in_for_site = for_site;
                        app.setup.session = Some((key, session, for_site));
                    }
                    Err(error) => setup.sign_in = SignInState::Failed(error.to_string()),
                }
            });
        });
    }

    /// Forgets the remembered sign-in for the open draft's tenant, in the background; the wizard
    /// says when it is done.
    pub(super) fn forget_sign_in(&mut self) {
        let Some(ModalState::SetupEntra(setup)) = &mut self.modal else {
            return;
        };
        let target = match Target::of(&self.draft) {
            Ok(target) => target,
            Err(why) => {
                setup.remember_note = Some(why.to_owned());
                return;
            }
        };
        let store = match &self.deps.vault {
            Ok(vault) => std::sync::Arc::clone(vault.store()),
            Err(why) => {
                setup.remember_note = Some(format!("The credential store cannot be opened: {why}"));
                return;
            }
        };
        let settings = sign_in_settings(&target, &[]);
        self.spawn(JobKind::SignIn, Reach::OpenDraft, move || {
            let forgotten = remembered_sign_in::forget(store.as_ref(), &settings);
            let name = store.name().to_owned();
            Box::new(move |app: &mut Self, _| {
                if let Some(ModalState::SetupEntra(setup)) = &mut app.modal {
                    setup.remember_note = Some(match forgotten {
                        Ok(()) => format!(
                            "No sign-in to {} is remembered now (the {name} holds none).",
                            settings.tenant
                        ),
                        Err(error) => {
                            format!("The remembered sign-in could not be forgotten: {error}")
                        }
                    });
                }
            })
        });
    }

    /// Looks for existing apps by name or client ID with the signed-in admin's token, in the
    /// background; the wizard lists what was found.
    pub(super) fn find_apps(&mut self, query: String) {
        let (Some(ModalState::SetupEntra(setup)), Some((_, session, _))) =
            (&mut self.modal, &self.setup.session)
        else {
            return;
        };
        let target = match Target::of(&self.draft) {
            Ok(target) => target,
            Err(why) => {
                setup.found = FoundApps::Failed(why);
                return;
            }
        };
        setup.found = FoundApps::Searching;
        setup.picked = None;
        let admin = admin_graph(session, target, self.deps.timing);
        let cancel = self
            .setup
            .cancel
            .get_or_insert_with(CancellationToken::new)
            .clone();
        self.spawn(JobKind::SignIn, Reach::OpenDraft, move || {
            let found = tokio::runtime::Handle::current().block_on(
                crate::ops::app_registration::find_apps(&admin, &query, &cancel),
            );
            Box::new(move |app: &mut Self, _| {
                if let Some(ModalState::SetupEntra(setup)) = &mut app.modal {
                    setup.found = match found {
                        Ok(apps) => {
                            // One match is the one looked for: picked, so Start needs no click.
                            if let [only] = apps.as_slice() {
                                setup.picked = Some(only.clone());
                            }
                            FoundApps::Found(apps)
                        }
                        Err(error) => FoundApps::Failed(format!(
                            "The search failed: {}",
                            error.failure(crate::core::event::Step::ReadApp).message
                        )),
                    };
                }
            })
        });
    }

    /// The wizard was closed: a sign-in under way stops.
    pub(super) fn setup_closed(&mut self) {
        if let Some(cancel) = self.setup.cancel.take() {
            cancel.cancel();
        }
    }

    /// Cancels the open draft's registration (what was created stays listed on the ladder).
    pub(super) fn cancel_setup(&mut self) {
        if self.is_registering()
            && let Some(cancel) = &self.setup.cancel
        {
            cancel.cancel();
        }
    }

    /// Starts the registration the wizard set up; its steps show on the run ladder.
    pub(super) fn start_setup(&mut self, setup: SetupEntra) {
        let Some((_, session, _)) = &self.setup.session else {
            return;
        };
        let target = match Target::of(&self.draft) {
            Ok(target) => target,
            Err(why) => return self.set_status(why, true),
        };
        let (new_certificate, form) = new_certificate_and_form(&setup, &self.draft);
        let mut checked = form.clone();
        checked.client_id = PLACEHOLDER_CLIENT_ID.into();
        let (profile, source) = match (checked.parse(), form.certificate_source()) {
            (Ok(profile), Ok(source)) => (profile, source),
            (Err(errors), _) => {
                let first = errors.first().map(ToString::to_string).unwrap_or_default();
                return self.set_status(format!("Fix the form first — {first}"), true);
            }
            (_, Err(why)) => return self.set_status(why, true),
        };
        let password = match &new_certificate {
            Some(request) => Some(request.password.clone()),
            None => self.typed_password(),
        };
        let vault = self.deps.vault.as_ref().ok().cloned();
        let admin = admin_graph(session, target, self.deps.timing);
        let mut connection = form.clone();
        connection.client_id.clear();
        let display_name = setup.display_name.trim().to_owned();
        let roles = setup.roles_to_grant();
        let site = setup.grants_site().then(|| SiteGrant {
            site_id: setup.site_id.trim().to_owned(),
            role: setup.site_role,
        });
        let existing = setup.existing_client_id().map(str::to_owned);
        let done_word = if existing.is_some() {
            "Set up the app"
        } else {
            "Registered the app"
        };
        let store = self.deps.store.clone();
        let started = crate::probe::system_now();
        let steps = setup_steps(&setup, new_certificate.is_some());
        self.run = Some(RunView::setup(profile, password.clone(), started, &steps));
        let made = new_certificate
            .as_ref()
            .map(|request| (form.clone(), request.password.clone()));
        let cancel = CancellationToken::new();
        self.setup.cancel = Some(cancel.clone());
        let ticket = self.ticket();
        let reporter = self.inbox.reporter(ticket.clone(), Reach::Anywhere);
        self.running
            .insert(reporter.job(), (JobKind::Register, ticket));
        self.inbox.runtime().spawn(async move {
            let events = reporter.clone();
            let run = tokio::spawn(async move {
                let mut report = move |event: TestEvent| {
                    events.send(move |app: &mut Self, current| {
                        if let (true, Some(run)) = (current, &mut app.run) {
                            run.apply(event);
                        }
                    });
                };
                if let Some(request) = new_certificate {
                    crate::ops::app_registration::make_certificate(request, &mut report).await?;
                }
                let loaded = tokio::task::spawn_blocking({
                    let (password, vault) = (password.clone(), vault.clone());
                    move || crate::probe::open_certificate(&source, password, vault.as_deref())
                })
                .await;
                let certificate = match loaded {
                    Ok(Ok(certificate)) => certificate,
                    Ok(Err((failure, _))) => return Err(not_loaded(failure.message)),
                    Err(_) => return Err(not_loaded("the certificate could not be read".into())),
                };
                let job = RegisterJob {
                    admin,
                    display_name,
                    certificate,
                    roles,
                    site,
                    connection,
                    password,
                    vault,
                    wait_max: DEFAULT_ENTRA_WAIT,
                    save_to: Some(store),
                };
                match existing {
                    None => crate::ops::app_registration::register(job, &mut report, &cancel).await,
                    Some(client_id) => {
                        let job = ExistingAppJob {
                            client_id,
                            setup: job,
                        };
                        crate::ops::app_registration::set_up_existing(job, &mut report, &cancel)
                            .await
                    }
                }
            });
            let result = run.await.ok();
            reporter.finish(move |app: &mut Self, current| {
                app.setup_finished(result, made, done_word, current);
            });
        });
    }

    fn setup_finished(
        &mut self,
        result: Option<Result<Registration, SetupFailed<Registration>>>,
        made: Option<(ProfileDraft, Secret)>,
        done_word: &str,
        current: bool,
    ) {
        self.reload();
        // A certificate made here is the form's from now on, with its password typed, even when
        // a later step stopped: it may be on the app already.
        let made = made.filter(
            |_| !matches!(&result, Some(Err(failed)) if failed.step == Step::NewCertificate),
        );
        if let (true, Some((form, password))) = (current, made) {
            self.draft.cert_kind = form.cert_kind;
            self.draft.pfx_path = form.pfx_path;
            self.draft.keystore_alias.clear();
            self.draft.password = form.password;
            self.dialog.password = Zeroizing::new(password.expose().to_owned());
            self.dialog.keep_password_for(&self.draft);
        }
        let saved = match &result {
            Some(Ok(registration)) => registration.profile.clone(),
            _ => None,
        };
        let stopped = match &result {
            Some(Ok(_)) => None,
            Some(Err(failed)) => Some(format!(
                "Set up in Entra stopped at '{}': {}",
                failed.step.setup_label(),
                failed.failure().message
            )),
            None => Some("Set up in Entra stopped unexpectedly.".to_owned()),
        };
        if !current {
            let text = match (&stopped, &saved) {
                (Some(stopped), _) => stopped.clone(),
                (None, Some(profile)) => format!(
                    "Set up in Entra: '{}' is connected and saved.",
                    profile.name()
                ),
                (None, None) => "Set up in Entra: connected.".to_owned(),
            };
            return self.set_status(text, stopped.is_some());
        }
        self.setup.cancel = None;
        // A failure replaces whatever the status line said before (an earlier run's success).
        if let Some(stopped) = stopped {
            self.set_status(stopped, true);
        }
        if let Some(profile) = &saved {
            let draft = ProfileDraft::from(profile);
            self.draft = draft.clone();
            self.baseline = draft;
            self.dialog.keep_password_for(&self.draft);
            self.saved_id = Some(profile.id().to_owned());
            self.set_status(
                format!(
                    "{done_word} and saved '{}' with client ID {}.",
                    profile.name(),
                    profile.client_id()
                ),
                false,
            );
        }
        match (result, &mut self.run) {
            (Some(result), Some(run)) => run.finish_registration(result),
            (None, Some(run)) => run.abandon(),
            _ => {}
        }
    }
}

/// The certificate as the wizard names it: its file, or where it is kept.
fn describe_certificate(source: &crate::core::profile::CertificateSource) -> String {
    use crate::core::profile::CertificateSource;
    match source {
        CertificateSource::PfxFile { path, .. } => path.display().to_string(),
        CertificateSource::PemFiles { certificate, .. } => certificate.display().to_string(),
        CertificateSource::Pkcs11 { uri, .. } => format!("the hardware token key {uri}"),
        CertificateSource::CredentialStore { entry } => {
            format!("'{entry}' in the credential store")
        }
        CertificateSource::WindowsStore { thumbprint, .. } => {
            format!("{thumbprint} in the Windows certificate store")
        }
        CertificateSource::KeyVault { url, .. } => format!("{url} in Azure Key Vault"),
    }
}

/// The New certificate request when the wizard makes one, and the form the setup tests and saves:
/// the open draft, pointed at the new PFX when there is one.
fn new_certificate_and_form(
    setup: &SetupEntra,
    draft: &ProfileDraft,
) -> (Option<NewCertificateRequest>, ProfileDraft) {
    let request = setup.new_certificate.then(|| NewCertificateRequest {
        subject: vec![("CN".to_owned(), certificate_name(&setup.display_name))],
        key_bits: NEW_KEY_BITS,
        days: NEW_DAYS,
        pfx: PathBuf::from(setup.new_pfx.trim()),
        cer: PathBuf::from(setup.new_pfx.trim()).with_extension("cer"),
        pem: None,
        password: Secret::new(setup.new_password.as_str()),
        overwrite: false,
    });
    let mut form = draft.clone();
    if let Some(request) = &request {
        form.cert_kind = CertKind::PfxFile;
        form.pfx_path = request.pfx.display().to_string();
        form.keystore_alias.clear();
        form.password = PasswordSource::Ask;
    }
    (request, form)
}

/// The rungs the wizard's setup runs, for the ladder.
fn setup_steps(setup: &SetupEntra, makes_certificate: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if makes_certificate {
        steps.push(Step::NewCertificate);
    }
    let grants_site = setup.grants_site();
    match setup.existing_client_id() {
        None => steps.extend(
            Step::REGISTRATION
                .into_iter()
                .filter(|step| grants_site || *step != Step::GrantSite),
        ),
        Some(_) => steps.extend(existing_app_steps(
            !setup.roles_to_grant().is_empty(),
            grants_site,
            true,
        )),
    }
    steps
}

/// The new certificate's common name: the app's name, or certconnect's.
fn certificate_name(display_name: &str) -> String {
    match display_name.trim() {
        "" => "certconnect connector".to_owned(),
        name => name.to_owned(),
    }
}

/// Where a certificate made in the wizard goes unless the admin chooses: a `certificates` folder
/// beside the profiles, named after the profile.
fn default_new_pfx(store: &crate::profile_store::ProfileStore, name: &str) -> PathBuf {
    let profiles = store.dir();
    let file: String = name
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let file = match file.trim_matches('-') {
        "" => "connector".to_owned(),
        file => file.to_owned(),
    };
    profiles
        .parent()
        .unwrap_or(profiles)
        .join("certificates")
        .join(format!("{file}.pfx"))
}

/// The sign-in for `steps` where the draft's admin signs in.
fn sign_in_settings(target: &Target, steps: &[SetupStep]) -> SignInSettings {
    let mut settings = SignInSettings::new(
        target.authority.clone(),
        &target.tenant,
        target.graph_url.clone(),
        scopes_for(steps),
    );
    settings.ca_file.clone_from(&target.ca_file);
    settings
}

/// The signed-in admin's connection to the draft's Graph.
fn admin_graph(
    session: &AdminSession,
    target: Target,
    timing: crate::core::retry::RetryTiming,
) -> AdminGraph {
    AdminGraph {
        token: session.access_token.clone(),
        graph_url: target
            .graph_url
            .to_string()
            .trim_end_matches('/')
            .to_owned(),
        ca_file: target.ca_file,
        timing,
    }
}

/// The wizard's line about who signed in.
fn signed_in(session: &AdminSession) -> SignInState {
    SignInState::SignedIn {
        name: session.name.clone(),
        upn: session.upn.clone(),
        tenant_id: session.tenant_id.clone(),
    }
}

/// A registration stopped before its first rung: the certificate could not be loaded.
fn not_loaded(message: String) -> SetupFailed<Registration> {
    SetupFailed {
        step: crate::core::event::Step::Profile,
        error: AppSetupError::Invalid(format!("the certificate could not be loaded: {message}")),
        done: Registration::default(),
        next_steps: Vec::new(),
    }
}
