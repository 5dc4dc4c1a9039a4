//! Writing a patch so that nothing typed is ever lost: a temporary file, fsync, rename. Control and UI threads.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `text` to `path` so that a crash at any moment leaves either the old file or the new one, never half.
pub fn atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "patch".into(), |n| n.to_string_lossy().into_owned());
    // A read-only patch stays as it is: the rename would replace it silently (the folder is writable).
    // The messages name the file only: they go in a status line, where a long path would push the reason out.
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if !meta.is_file() {
            return Err(std::io::Error::other(format!("`{name}` is not a plain file any more")));
        }
        if meta.permissions().readonly() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("`{name}` is read-only; make it writable (chmod u+w) or copy it under another name"),
            ));
        }
    }
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        // The new file keeps the old one's permissions (a 0600 patch stays private).
        if let Some(meta) = &existing {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every filesystem lets a directory be synced.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
