//! One line in plain words for each of the connector's labels. The labels stay the connector's own
//! (an admin recognises `RetryCountMax` from the connector's dialog); the hint says what it means.

/// The hint shown when the pointer rests on a field's label or input.
pub fn hint_for(label: &str) -> Option<&'static str> {
    Some(match label {
        "Name" => "A name for this connection; the profile is saved under it.",
        "Token URL preset" => {
            "Which Microsoft cloud the token comes from; it fills in the Token URL and Graph URL."
        }
        "Tenant" => {
            "Your Directory (tenant) ID or a verified domain (contoso.onmicrosoft.com): Entra ID > Overview."
        }
        "Token URL" => "Where the token is requested. Typing here makes the preset Custom.",
        "Client ID" => {
            "The Application (client) ID of the app registration: Entra ID > App registrations > Overview."
        }
        "Application object ID" => {
            "Optional, for rotating the certificate: the \"Object ID\" on the app registration's Overview page (not the client ID)."
        }
        "PFX file" => "The certificate with its private key, as a .pfx or .p12 file.",
        "Keystore alias" => {
            "Which entry of the file to use when it holds several (keytool's -alias); empty for the first."
        }
        "Certificate file" => {
            "The certificate (PEM or DER) whose public half is uploaded to the app."
        }
        "Private key file" => "The certificate's private key (PEM, PKCS#8 or PKCS#1).",
        "Certificate password" => {
            "The password of the file. Never saved in the profile: asked for, or remembered in the credential store."
        }
        "Private key password" => {
            "The password of the private key file. Never saved in the profile: asked for, or remembered in the credential store."
        }
        "Stored certificate" => "A certificate and key kept in the credential store.",
        "Certificate Storage" => {
            "Which Windows certificate store: the user's (certmgr.msc) or the machine's (certlm.msc), Personal folder."
        }
        "Thumbprint" => {
            "The certificate's SHA-1 thumbprint, as certmgr or Get-ChildItem Cert:\\CurrentUser\\My shows it; or pick it below."
        }
        "Graph URL" => "The Microsoft Graph endpoint with its API version; the preset sets it.",
        "Default Site Id" => "The SharePoint site to read: root, host:/sites/path, or a site id.",
        "Default Drive Id" => "The document library to read; empty for the site's default one.",
        "RetryMode" => {
            "Which failures are retried: None, RetryAny (server errors, 429, network) or only the listed status codes."
        }
        "RetryStatusCodeList" => {
            "The HTTP status codes that are retried, separated by |, for example 429|503|423."
        }
        "RetryCountMax" => "How many times a failed request is tried again (0 = never).",
        "Scope" => "What the token is for: the Graph URL's /.default scope.",
        "Assertion algorithm" => {
            "How the client assertion is signed: RS256 (x5t, what Entra expects) or PS256 (x5t#S256)."
        }
        "Assertion lifetime (s)" => "How long the signed client assertion is valid, in seconds.",
        "Timeout (s)" => "The longest a whole test may take, retries included, in seconds.",
        "CA file" => {
            "Extra CA certificates (PEM) to trust, for a proxy or a private endpoint. Empty: the system's."
        }
        "Portal thumbprint" => {
            "Paste the thumbprint shown under Certificates & secrets in the app registration."
        }
        "Subject" => "The new certificate's subject, for example CN=MyClientAppCert.",
        "Key size" => "RSA key size; 2048 is what most connectors use.",
        "Validity (days)" => "How long the new certificate is valid.",
        _ => return None,
    })
}

/// What the status line says once the sandbox demo's profile is open, whichever way the demo was
/// started (the welcome screen or `certconnect demo`). It names the footer's Test connection button.
pub fn demo_hint(profile_name: &str) -> String {
    // The action first: a narrow footer shortens the line from its end (the whole is its hover).
    format!(
        "Press Test connection: the sandbox runs on this computer until certconnect closes; its \
         profile is saved as \"{profile_name}\"."
    )
}
