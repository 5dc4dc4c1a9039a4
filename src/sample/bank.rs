//! Finding a sample by name: a file (`"kick.wav"`, with its extension) next to the patch, or a bank (`"bd"`, `"bd:3"`
//! for its fourth file): the folder `samples/bd/` next to the patch, then `bd/` in each `--samples DIR`, then the
//! built-in kit. Control thread.

use super::kit::KIT;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Where a sample's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    File(PathBuf),
    Builtin(&'static str, &'static [u8]),
}

static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Look for banks in `dir` too (`--samples DIR`, after the patch's own `samples/`). The folder must also be allowed
/// for file nodes (`files::allow_dir`).
pub fn add_dir(dir: &Path) {
    let mut d = DIRS.lock().unwrap_or_else(PoisonError::into_inner);
    if !d.iter().any(|x| x == dir) {
        d.push(dir.to_path_buf());
    }
}

fn is_sound(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "wav" | "flac" | "ogg" | "mp3"))
}

/// The folders banks are looked for in, in order.
pub fn roots() -> Vec<PathBuf> {
    // A patch named without a folder lives in the current one.
    let home = crate::files::patch_dir().unwrap_or_else(|| PathBuf::from("."));
    let mut r = vec![home.join("samples")];
    r.extend(DIRS.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned());
    r
}

/// The sound files of a bank folder, in name order.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_sound(p))
        .collect();
    v.sort();
    v
}

/// Where `name` is: a file name (it has a sound file's extension, or a path), else a bank and its index.
pub fn locate(name: &str) -> Result<Source, String> {
    if is_sound(Path::new(name)) || name.contains('/') {
        return crate::files::resolve_read(name)
            .map(Source::File)
            .map_err(|e| e.to_string());
    }
    let (bank, index) = name
        .split_once(':')
        .map_or((name, 0), |(b, i)| (b, i.parse::<usize>().unwrap_or(0)));
    for root in roots() {
        let files = files_in(&root.join(bank));
        if !files.is_empty() {
            let pick = &files[index % files.len()];
            return crate::files::resolve_read(&pick.display().to_string())
                .map(Source::File)
                .map_err(|e| e.to_string());
        }
    }
    if let Some((n, bytes, _)) = KIT.iter().find(|(n, ..)| *n == bank) {
        return Ok(Source::Builtin(n, bytes));
    }
    let known: Vec<&str> = KIT.iter().map(|(n, ..)| *n).collect();
    Err(format!(
        "`{name}`: no sample bank `{bank}` (a folder `samples/{bank}/` next to the patch, or in a --samples \
         folder) and no such sound in the built-in kit ({})",
        known.join(", ")
    ))
}
