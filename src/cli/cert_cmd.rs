//! `certconnect cert inspect`.

use serde_json::json;

use super::args::InspectArgs;
use super::{Outcome, now, password, print};
use crate::cert::{self, CertError, LoadOptions};
use crate::core::thumbprint;

/// Loads and inspects one certificate file, prints the report, and maps it to an exit outcome.
pub(crate) fn inspect(args: &InspectArgs) -> Outcome {
    let file = args.file.display().to_string();
    let expected = match args
        .expect_thumbprint
        .as_deref()
        .map(thumbprint::parse_pasted)
        .transpose()
    {
        Ok(expected) => expected,
        Err(message) => {
            return print::usage_error(args.json, &format!("--expect-thumbprint: {message}"));
        }
    };
    let password = match password::read(&args.password) {
        Ok(password) => password,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let options = LoadOptions {
        key_path: args.key.as_deref(),
        password: password.as_ref(),
        alias: None,
    };
    let credential = match cert::load_file(&args.file, options) {
        Ok(credential) => credential,
        Err(error) => return load_failed(args.json, &file, &error),
    };
    let report = cert::inspect(&credential, now(), expected.as_deref());
    if args.json {
        let mut value = serde_json::to_value(&report).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("file".into(), json!(file));
        }
        print::json(&value);
    } else {
        print::report(&file, &report);
    }
    if report.usable {
        Outcome::Ok
    } else {
        Outcome::Failed
    }
}

fn load_failed(as_json: bool, file: &str, error: &CertError) -> Outcome {
    if as_json {
        print::json(&json!({
            "file": file,
            "usable": false,
            "error": { "code": error.code(), "message": error.to_string(), "fix": error.fix() },
        }));
    } else {
        eprintln!("error: {file}: {error}");
        eprintln!("fix: {}", error.fix());
    }
    Outcome::BadInput
}
