//! Never lose work: atomic saves (temporary file, fsync, rename) and the recovery file written if the app panics.
//! UI thread (the panic hook runs on whichever thread panicked).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::files::save_atomic as atomic;

/// The text to rescue if we crash or are ended, where the patch lives, and whether the text is unsaved.
static RESCUE: Mutex<Option<(PathBuf, String, bool)>> = Mutex::new(None);

/// Remember the buffer, so a panic or an ending signal can write it out.
pub fn remember(path: &Path, text: &str, unsaved: bool) {
    if let Ok(mut r) = RESCUE.lock() {
        *r = Some((path.to_path_buf(), text.to_string(), unsaved));
    }
}

/// Write the remembered buffer to `PATCH.recovered` if it is unsaved. Safe from any thread; the app calls it when
/// it is ended (a signal, the terminal gone) without the performer's say.
pub fn rescue() {
    let saved = RESCUE.lock().ok().and_then(|r| r.clone());
    if let Some((path, text, true)) = saved {
        let _ = atomic(&recovery_path(&path), &text);
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
        if let Some((path, text, _)) = saved {
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
    use std::os::unix::fs::PermissionsExt;

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
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        atomic(&p, "three").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the saved file keeps its permissions");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = atomic(&p, "four").unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "three",
            "a read-only patch is left alone"
        );
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
        assert_eq!(recovery_path(&p), dir.join("a.syn.recovered"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
