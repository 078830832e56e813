//! Writing a file so that readers see the old content or the new one, never half of it.

use std::io::Write as _;
use std::path::Path;

use super::StoreError;

/// Temporary files of a save are named `.certconnect-XXXXXX.tmp`; a killed save's leftovers are
/// removed by the next load of the profile directory.
pub(crate) const TEMP_PREFIX: &str = ".certconnect-";
/// See [`TEMP_PREFIX`].
pub(crate) const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to disk,
/// then renamed over the target. A crash or a full disk leaves the previous file untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    crate::ui_thread_guard::forbid_on_ui_thread("store::write_atomic");
    let (dir, tmp) = flushed_temp_file(path, bytes)?;
    tmp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    sync_dir(dir);
    Ok(())
}

/// Writes `bytes` to `path` as a new file, complete or not at all, and never replaces an existing
/// file, even one that appears after the caller checked (the final link fails instead of
/// overwriting). An existing `path` is [`StoreError::FileExists`].
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    crate::ui_thread_guard::forbid_on_ui_thread("store::write_new");
    let (dir, tmp) = flushed_temp_file(path, bytes)?;
    tmp.persist_noclobber(path)
        .map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => StoreError::FileExists(path.to_path_buf()),
            _ => StoreError::Io {
                path: path.to_path_buf(),
                source: e.error,
            },
        })?;
    sync_dir(dir);
    Ok(())
}

/// Writes an output the user named (an export, a bundle): refused, whatever `replace` says, when
/// the path is not a regular file (a FIFO, a device, a directory; a symlink to one) or lies in
/// `protected_dir` (the profile directory: an export there would replace or shadow a profile).
/// An existing regular file is replaced only with `replace`, otherwise it is
/// [`StoreError::FileExists`], also when it appears while this runs.
pub fn write_output(
    path: &Path,
    bytes: &[u8],
    replace: bool,
    protected_dir: Option<&Path>,
) -> Result<(), StoreError> {
    check_output(path, replace, protected_dir)?;
    if replace {
        write_atomic(path, bytes)
    } else {
        write_new(path, bytes)
    }
}

/// The checks of [`write_output`], without writing.
pub fn check_output(
    path: &Path,
    replace: bool,
    protected_dir: Option<&Path>,
) -> Result<(), StoreError> {
    if let Some(protected) = protected_dir
        && let (Ok(protected), Some(parent)) = (
            std::fs::canonicalize(protected),
            path.parent().map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            }),
        )
        && std::fs::canonicalize(parent).is_ok_and(|parent| parent == protected)
    {
        return Err(StoreError::InProfileDir(path.to_path_buf()));
    }
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(StoreError::NotRegularFile {
            path: path.to_path_buf(),
            kind: kind_of(&meta),
        }),
        Ok(_) if !replace => Err(StoreError::FileExists(path.to_path_buf())),
        _ => match std::fs::symlink_metadata(path) {
            // A dangling symlink, to be replaced: the rename would put a file in its place, and a
            // stale link is not what the user meant to overwrite. (Without `replace`, the final
            // no-clobber link fails on it as on any existing name.)
            Ok(meta) if replace && meta.file_type().is_symlink() => {
                Err(StoreError::DanglingSymlink(path.to_path_buf()))
            }
            _ => Ok(()),
        },
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// The content in a temporary file beside `path` (same directory, so the final rename or link
/// cannot cross file systems), already on disk.
fn flushed_temp_file<'a>(
    path: &'a Path,
    bytes: &[u8],
) -> Result<(&'a Path, tempfile::NamedTempFile), StoreError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(StoreError::io(dir))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // Owner-only from the first byte, whatever the umask: these files may hold keys (a PFX, a
    // bundle), and the rename keeps the mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(StoreError::io(dir))?;
    tmp.write_all(bytes).map_err(StoreError::io(tmp.path()))?;
    tmp.as_file()
        .sync_all()
        .map_err(StoreError::io(tmp.path()))?;
    Ok((dir, tmp))
}

/// Makes the rename itself durable. Best effort: not every platform or file system allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        handle.sync_all().ok();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_new_never_replaces_a_file_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.cer");
        write_new(&path, b"one").unwrap();
        let error = write_new(&path, b"two").unwrap_err();
        assert!(
            matches!(&error, StoreError::FileExists(existing) if *existing == path),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            format!("{} exists; choose another name", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        for (i, write) in [write_atomic, write_new].into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.pfx"));
            write(&path, b"key").unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
    }

    #[test]
    fn outputs_never_replace_a_device_or_an_unforced_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.ron");
        write_output(&path, b"one", false, None).unwrap();
        assert!(matches!(
            write_output(&path, b"two", false, None),
            Err(StoreError::FileExists(_))
        ));
        write_output(&path, b"two", true, None).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        assert!(matches!(
            write_output(Path::new("/dev/null"), b"x", true, None),
            Err(StoreError::NotRegularFile {
                kind: "a device",
                ..
            })
        ));
        assert!(matches!(
            write_output(dir.path(), b"x", true, None),
            Err(StoreError::NotRegularFile {
                kind: "a directory",
                ..
            })
        ));
        let inside = dir.path().join("p.ron");
        assert!(matches!(
            write_output(&inside, b"x", true, Some(dir.path())),
            Err(StoreError::InProfileDir(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_is_never_followed_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out.ron");
        std::os::unix::fs::symlink(dir.path().join("missing"), &link).unwrap();
        assert!(matches!(
            write_output(&link, b"x", true, None),
            Err(StoreError::DanglingSymlink(_))
        ));
        assert!(matches!(
            write_output(&link, b"x", false, None),
            Err(StoreError::FileExists(_))
        ));
        assert!(!dir.path().join("missing").exists());
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        write_atomic(&path, b"one").unwrap();
        // Renaming onto a non-empty directory fails on every platform.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"x").unwrap();
        assert!(write_atomic(&blocked, b"two").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
