//! Bounds on everything certconnect reads, so a hostile or mistaken input — `/dev/zero`, a FIFO,
//! a 4 GiB file, an endless stdin — gets a plain error instead of filling the memory or hanging.
//! The limits are far above anything real (a PFX is a few KiB) and documented in
//! `docs/security.md`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// A certificate, key, PFX/P12, JKS or CA file.
pub const CERTIFICATE_FILE_MAX: u64 = 1024 * 1024;
/// One saved profile file.
pub const PROFILE_FILE_MAX: u64 = 1024 * 1024;
/// An export or bundle of profiles.
pub const EXPORT_FILE_MAX: u64 = 16 * 1024 * 1024;
/// A certificate kept by the credential-store vault (its encrypted file).
pub const VAULT_FILE_MAX: u64 = 1024 * 1024;
/// A password or passphrase read from stdin, in bytes.
pub const PASSWORD_MAX: usize = 4096;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, device, socket or directory: reading it could block forever or never end.
    #[error("{}: not a regular file ({kind}); give the path of a file", path.display())]
    NotRegular {
        /// The path as given.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// Larger than the limit for what it should be.
    #[error("{}: {size} bytes, larger than any {what} (at most {limit} bytes)", path.display())]
    TooLarge {
        /// The path as given.
        path: PathBuf,
        /// Its size (or the bytes read before giving up).
        size: u64,
        /// The limit.
        limit: u64,
        /// What the file should have been.
        what: &'static str,
    },
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The OS error kind, when there is one (say, `NotFound`).
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            Self::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// Reads a regular file (a symlink to one is fine) of at most `limit` bytes. Anything else is
/// refused before a byte is read; the file is opened without blocking (a FIFO swapped in after
/// the check cannot hang the open) and read no further than the limit, even if it grows. The
/// bytes are wiped when dropped: key files come through here.
pub fn read_regular(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let io = |source: std::io::Error| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    check_regular(path, &std::fs::metadata(path).map_err(io)?)?;
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    check_regular(path, &meta)?;
    let too_large = |size| ReadError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
        what,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Like [`read_regular`], as UTF-8 text.
pub fn read_regular_text(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Zeroizing<String>, ReadError> {
    let bytes = read_regular(path, limit, what)?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(e) => Err(ReadError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        }),
    }
}

fn check_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(ReadError::NotRegular {
        path: path.to_owned(),
        kind: kind_of(meta),
    })
}

#[cfg(unix)]
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = meta.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Reads stdin up to the first line end (or its end), refusing more than `limit` bytes; the
/// bytes are wiped when dropped.
pub fn read_stdin_line(limit: usize) -> Result<Zeroizing<String>, String> {
    use std::io::BufRead as _;
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let line_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    if line_end > limit {
        return Err(format!(
            "the password on stdin is longer than {limit} bytes; give the password alone"
        ));
    }
    let line = &bytes[..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    std::str::from_utf8(line)
        .map(|text| Zeroizing::new(text.to_owned()))
        .map_err(|_| "the password on stdin is not UTF-8".to_owned())
}
