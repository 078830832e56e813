//! The Make new certificate rung of a setup that makes the app's certificate on the spot: the New
//! certificate use case (the Certificate tab's and `cert new`'s), run off the async threads and
//! reported as a rung, its folder made first when it is the default one beside the profiles.

use std::path::PathBuf;

use super::{AppSetupError, Registration, SetupFailed, stop};
use crate::core::event::{Detail, Step, TestEvent};
use crate::ops::{NewCertificateRequest, new_certificate};
use crate::probe::StepClock;

/// Makes the certificate `request` asks for and returns its PFX file; a failure is the setup's,
/// at this rung, with nothing sent.
pub async fn make_certificate(
    request: NewCertificateRequest,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<PathBuf, SetupFailed<Registration>> {
    let step = Step::NewCertificate;
    let clock = StepClock::start(step, report);
    let made = tokio::task::spawn_blocking(move || {
        if let Some(folder) = request.pfx.parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("the folder {} cannot be made: {e}", folder.display()))?;
        }
        new_certificate(&request)
            .map(|made| {
                (
                    request.pfx.clone(),
                    request.cer.clone(),
                    made.thumbprint_sha1,
                )
            })
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|_| Err("making the certificate stopped unexpectedly".into()));
    match made {
        Ok((pfx, cer, thumbprint)) => {
            clock.done(
                report,
                vec![
                    Detail::new("PFX", pfx.display()),
                    Detail::new("Public certificate", cer.display()),
                    Detail::new("Thumbprint (SHA-1)", thumbprint),
                ],
            );
            Ok(pfx)
        }
        Err(message) => {
            let error = AppSetupError::Invalid(format!("the certificate was not made: {message}"));
            let (step, error) = stop(&clock, step, error, report);
            Err(SetupFailed {
                step,
                error,
                done: Registration::default(),
                next_steps: Vec::new(),
            })
        }
    }
}
