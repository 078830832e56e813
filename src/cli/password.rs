//! Reading a password from where the user said: an environment variable or standard input.

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
        // One line of at most PASSWORD_MAX bytes: `< /dev/zero` or a pipe that never ends gives
        // an error, not an allocation of gigabytes. The bytes read are wiped when dropped.
        let line = crate::bounded_read::read_stdin_line(crate::bounded_read::PASSWORD_MAX)?;
        return Ok(Some(Secret::new(line.as_str())));
    }
    Ok(None)
}
