//! Never lose work: atomic saves (temporary file, fsync, rename) and the recovery file written if the app panics.
//! UI thread (the panic hook runs on whichever thread panicked).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Write `text` to `path` so that a crash at any moment leaves either the old file or the new one, never half.
pub fn atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "patch".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
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

/// The text to rescue if we crash, and where the patch lives.
static RESCUE: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// Remember the buffer, so a panic can write it out.
pub fn remember(path: &Path, text: &str) {
    if let Ok(mut r) = RESCUE.lock() {
        *r = Some((path.to_path_buf(), text.to_string()));
    }
}

/// Where the recovery file for `path` goes.
pub fn recovery_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map_or_else(|| "patch.syn".into(), std::ffi::OsStr::to_os_string);
    name.push(".recovered");
    path.with_file_name(name)
}

/// Install after the terminal-restoring hook, so the message lands on a normal screen.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        let saved = RESCUE.lock().ok().and_then(|r| r.clone());
        if let Some((path, text)) = saved {
            let to = recovery_path(&path);
            match std::fs::write(&to, text) {
                Ok(()) => eprintln!("synchrotron-tui crashed; your buffer is saved in {}", to.display()),
                Err(e) => eprintln!(
                    "synchrotron-tui crashed and could not save your buffer to {}: {e}",
                    to.display()
                ),
            }
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_save_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("synchrotron-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.syn");
        atomic(&p, "one").unwrap();
        atomic(&p, "two ♪").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two ♪");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(atomic(&dir.join("no/such/dir.syn"), "x").is_err());
        assert_eq!(recovery_path(&p), dir.join("a.syn.recovered"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
