//! Reading a password from where the user said: an environment variable or standard input.

use std::io::BufRead as _;

use super::args::PasswordArgs;
use crate::secret::Secret;

/// The password, if one was asked for; an error message if it could not be read.
pub(crate) fn read(args: &PasswordArgs) -> Result<Option<Secret>, String> {
    if let Some(var) = &args.password_env {
        return match std::env::var(var) {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(std::env::VarError::NotPresent) => {
                Err(format!("the environment variable {var} is not set"))
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(format!("the environment variable {var} is not valid UTF-8"))
            }
        };
    }
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        let password = line.strip_suffix('\n').unwrap_or(&line);
        let password = password.strip_suffix('\r').unwrap_or(password);
        let secret = Secret::new(password);
        zeroize::Zeroize::zeroize(&mut line);
        return Ok(Some(secret));
    }
    Ok(None)
}
