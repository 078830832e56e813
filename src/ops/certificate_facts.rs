//! Keeping a certificate's public facts (subject, thumbprint, end of validity) with its saved
//! profile, so the list's expiry badge and `profile show` need not open the certificate.

use super::OpsError;
use crate::core::profile::{CertificateInfo, Profile};
use crate::profile_store::ProfileStore;

/// Saves `info` as the facts of the saved profile with this id, changing nothing else of it (read
/// and written under one lock). Returns the profile as saved.
pub fn record_certificate_facts(
    store: &ProfileStore,
    id: &str,
    info: CertificateInfo,
) -> Result<Profile, OpsError> {
    let mut locked = store.lock()?;
    let profile = locked.get_by_id(id)?.profile.clone();
    Ok(locked.save(&profile.with_certificate_facts(Some(info)))?)
}
