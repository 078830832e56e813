//! The page at the device code's `verification_uri` (`/devicelogin`), the sandbox's stand-in for
//! Microsoft's `https://microsoft.com/devicelogin`: GET shows a form with the code field and
//! Approve, POST with a code the sandbox issued approves it, so the client polling for it gets its
//! tokens. There is no password: approving signs in the sandbox's configured admin.
//!
//! The form needs no script and carries no CSRF token, and that is safe here: the sandbox listens
//! on 127.0.0.1 only, and a forged POST from another site's page could only approve a code the
//! attacker already knows, whose tokens go to the process that holds the matching device code (a
//! process on this machine), never to the page that posted.

use super::delegated_sign_in::TypedCode;
use super::server::State;

/// The largest form the page reads: a user code is nine characters.
pub(super) const FORM_MAX: usize = 1024;

/// What the page says above the form.
enum Notice {
    /// Nothing yet: type the code.
    Ask,
    /// The code approved; the client gets its tokens on its next poll.
    Approved,
    /// No code like that was issued (or it was used or declined).
    Unknown,
    /// The code's lifetime is over.
    Expired,
    /// The form is larger than a code can make it.
    TooLarge,
}

/// Answers `GET /devicelogin`: the status and the HTML page.
pub(super) fn page(state: &State) -> (u16, String) {
    (200, render(state, &Notice::Ask))
}

/// Answers `POST /devicelogin` with the form's `user_code`: the status and the HTML page.
pub(super) fn submit(state: &State, body: &[u8]) -> (u16, String) {
    if body.len() > FORM_MAX {
        return (413, render(state, &Notice::TooLarge));
    }
    let typed = url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "user_code")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let notice = match state.sign_in.approve_typed(&typed) {
        TypedCode::Approved => Notice::Approved,
        TypedCode::Unknown => Notice::Unknown,
        TypedCode::Expired => Notice::Expired,
    };
    let status = if matches!(notice, Notice::Approved) {
        200
    } else {
        400
    };
    (status, render(state, &notice))
}

/// The page: what it is, the notice, and (unless approved) the form.
fn render(state: &State, notice: &Notice) -> String {
    let admin = &state.config.admin.admin;
    let who = format!("{} ({})", escape(&admin.name), escape(&admin.upn));
    let (class, text) = match notice {
        Notice::Ask => ("", "Enter the code the application shows.".to_owned()),
        Notice::Approved => (
            "ok",
            format!(
                "Approved: {who} is signed in. Go back to the application; you can close this page."
            ),
        ),
        Notice::Unknown => (
            "error",
            "That code is not valid: check it and try again. A code that was used or declined cannot be used again."
                .to_owned(),
        ),
        Notice::Expired => (
            "error",
            "That code has expired. Start the sign-in again in the application to get a new code."
                .to_owned(),
        ),
        Notice::TooLarge => ("error", "That form is too large to be a code.".to_owned()),
    };
    let form = if matches!(notice, Notice::Approved) {
        String::new()
    } else {
        r#"<form method="post" action="/devicelogin">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" maxlength="64" required autofocus>
<button type="submit">Approve</button>
</form>"#
            .to_owned()
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>certconnect sandbox: device sign-in</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em}}.note{{color:#555}}.error{{color:#b00020}}.ok{{color:#1b5e20}}</style>
</head>
<body>
<h1>certconnect sandbox: device sign-in</h1>
<p class="note">This is the local sandbox's stand-in for Microsoft's device sign-in page (https://microsoft.com/devicelogin). No password is asked here: approving signs in the sandbox's admin, {who}. Nothing leaves this machine.</p>
<p class="{class}">{text}</p>
{form}
</body>
</html>
"#
    )
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
