//! AADSTS codes admins meet with certificate credentials, and what to do about each.
//!
//! Branch on the numeric code, never on the message text: Entra rewords messages, codes stay.

/// What an AADSTS code means and how to fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The numeric code.
    pub code: u32,
    /// What it means, in a few words.
    pub meaning: &'static str,
    /// What the admin should do.
    pub fix: &'static str,
}

const HINTS: &[Hint] = &[
    Hint {
        code: 700027,
        meaning: "the certificate is not registered on the app, or the signature is invalid",
        fix: "Compare the thumbprint in the message with the app registration's Certificates & secrets list; upload this certificate's .cer, or pick the PFX (or keystore alias) whose thumbprint is listed.",
    },
    Hint {
        code: 700024,
        meaning: "the client assertion is outside its valid time",
        fix: "This machine's clock is off: sync it (NTP / w32tm /resync) and try again.",
    },
    Hint {
        code: 700016,
        meaning: "the application was not found in the tenant",
        fix: "Check the Client ID (Application ID, not Object ID) and the tenant; an app registered in another cloud needs that cloud's preset.",
    },
    Hint {
        code: 90002,
        meaning: "the tenant was not found",
        fix: "Check the tenant ID or domain and the cloud preset (global, US Government, China).",
    },
    Hint {
        code: 900023,
        meaning: "the tenant identifier is not valid",
        fix: "The tenant must be a GUID or a verified domain; check the token URL for typos or extra path segments.",
    },
    Hint {
        code: 1002012,
        meaning: "the scope is not valid for client credentials",
        fix: "Use the resource with /.default, e.g. https://graph.microsoft.com/.default.",
    },
    Hint {
        code: 70011,
        meaning: "the scope is not valid",
        fix: "Use the resource with /.default, e.g. https://graph.microsoft.com/.default.",
    },
    Hint {
        code: 7000215,
        meaning: "a client secret was sent or is invalid",
        fix: "This connection authenticates with a certificate: remove any client secret from the request.",
    },
    Hint {
        code: 50048,
        meaning: "the assertion's subject does not match its issuer",
        fix: "iss and sub must both be the Client ID; report this as a certconnect bug.",
    },
    Hint {
        code: 50027,
        meaning: "the JWT is invalid",
        fix: "The assertion header or claims are malformed (missing x5t, wrong audience); check the assertion options.",
    },
    Hint {
        code: 50012,
        meaning: "authentication failed",
        fix: "The assertion was refused (audience, signature or a reused jti); check the token URL and the certificate.",
    },
    Hint {
        code: 5002730,
        meaning: "the key is not supported for the signing algorithm",
        fix: "Switch the assertion algorithm between PS256 and RS256.",
    },
    Hint {
        code: 7000112,
        meaning: "the application is disabled",
        fix: "Enable the app registration's service principal (Enterprise applications > Properties > Enabled for users to sign in).",
    },
    Hint {
        code: 700025,
        meaning: "the app is a public client",
        fix: "Client credentials need a confidential app: turn off 'Allow public client flows' on the app registration.",
    },
    Hint {
        code: 500011,
        meaning: "the resource principal was not found in the tenant",
        fix: "The scope names a resource this tenant's cloud does not have: set the Graph URL on the Graph tab to the Graph of the Token URL's cloud (https://graph.microsoft.com/v1.0 for login.microsoftonline.com, the sandbox's own address for the sandbox); the Scope on the Advanced tab follows it (<Graph address>/.default).",
    },
    Hint {
        code: 50049,
        meaning: "unknown or invalid authority",
        fix: "The token URL's host is wrong; pick a preset or correct the login host.",
    },
    Hint {
        code: 9001023,
        meaning: "the endpoint does not support this grant for 'common'",
        fix: "Use the Single tenant preset with your tenant ID instead of Multi tenant.",
    },
    Hint {
        code: 90130,
        meaning: "the endpoint does not support this grant for 'common'",
        fix: "Use the Single tenant preset with your tenant ID instead of Multi tenant.",
    },
    Hint {
        code: 7000218,
        meaning: "the request carries no client assertion or secret",
        fix: "The app may be a public client; make it confidential.",
    },
];

/// The hint for a code, if it is one certconnect knows.
pub fn hint(code: u32) -> Option<&'static Hint> {
    HINTS.iter().find(|h| h.code == code)
}

/// The fix to show for any code: the known one, or a pointer to Microsoft's lookup page.
pub fn fix_for(code: u32) -> String {
    match hint(code) {
        Some(hint) => hint.fix.to_owned(),
        None => format!("Look the code up: https://login.microsoftonline.com/error?code={code}"),
    }
}

/// `AADSTS700027` from a number.
pub fn aadsts(code: u32) -> String {
    format!("AADSTS{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_a_hint() {
        for code in [
            700027, 700024, 700016, 90002, 900023, 1002012, 70011, 7000215, 50048, 50027, 50012,
            5002730, 7000112, 700025, 500011, 50049,
        ] {
            assert!(hint(code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_missing_resource_names_the_fields_to_fix() {
        let fix = fix_for(500011);
        assert!(fix.contains("the Graph URL on the Graph tab"), "{fix}");
        assert!(fix.contains("the Scope on the Advanced tab"), "{fix}");
    }

    #[test]
    fn unknown_codes_link_to_the_lookup_page() {
        assert_eq!(
            fix_for(1),
            "Look the code up: https://login.microsoftonline.com/error?code=1"
        );
        assert_eq!(aadsts(700027), "AADSTS700027");
    }
}
