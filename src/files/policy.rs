//! Where file nodes may reach: names resolve against the patch's folder, and the file they land on (after every
//! `..` and symbolic link) must lie inside it or inside a folder named with `--files`. A node writes only a file it
//! creates itself, or one this session already created, unless the performer passed `--overwrite`. Control thread
//! (WAV writer threads open through it too).

use super::{FileError, special_kind};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

#[derive(Default)]
struct Policy {
    /// The patch's folder as given, for resolving relative names; `None`: the working directory.
    patch_dir: Option<PathBuf>,
    /// Further folders the performer allowed, canonical.
    extra: Vec<PathBuf>,
    overwrite: bool,
    /// Files this session created (canonical), which it may write again.
    created: Vec<PathBuf>,
}

static POLICY: Mutex<Policy> = Mutex::new(Policy {
    patch_dir: None,
    extra: Vec::new(),
    overwrite: false,
    created: Vec::new(),
});

fn policy() -> std::sync::MutexGuard<'static, Policy> {
    POLICY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The folder of the patch being played or checked; relative names in it resolve there.
pub fn set_patch_dir(dir: Option<PathBuf>) {
    policy().patch_dir = dir.filter(|d| !d.as_os_str().is_empty());
}

pub fn patch_dir() -> Option<PathBuf> {
    policy().patch_dir.clone()
}

/// Let file nodes also use `dir` (`--files DIR`).
pub fn allow_dir(dir: &Path) -> Result<(), FileError> {
    let canon = dir.canonicalize().map_err(|e| FileError::io(dir, &e))?;
    if !canon.is_dir() {
        return Err(FileError::Special(dir.to_path_buf(), "not a folder"));
    }
    let mut p = policy();
    if !p.extra.contains(&canon) {
        p.extra.push(canon);
    }
    Ok(())
}

/// Let nodes replace files that exist already (`--overwrite`).
pub fn set_overwrite(on: bool) {
    policy().overwrite = on;
}

/// Whether this session created `path` (so writing it again replaces only our own take).
pub fn created_this_session(path: &Path) -> bool {
    policy().created.iter().any(|c| c == path)
}

/// The allowed folders, canonical: the patch's (or the working directory) first.
fn roots(p: &Policy) -> Vec<PathBuf> {
    let base = p.patch_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut roots: Vec<PathBuf> = base.canonicalize().into_iter().collect();
    roots.extend(p.extra.iter().cloned());
    roots
}

/// `name` as a path: absolute as given, relative to the patch's folder.
fn locate(p: &Policy, name: &str) -> PathBuf {
    let path = PathBuf::from(name);
    match &p.patch_dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

fn inside(roots: &[PathBuf], named: &Path, canon: &Path) -> Result<(), FileError> {
    if roots.iter().any(|r| canon.starts_with(r)) {
        return Ok(());
    }
    Err(outside(roots, named))
}

fn outside(roots: &[PathBuf], named: &Path) -> FileError {
    let folder = roots.first().map_or(String::new(), |r| format!(" ({})", r.display()));
    FileError::Outside(named.to_path_buf(), folder)
}

/// The folder a name lands in and its last component, after checking the folder is allowed.
fn split(roots: &[PathBuf], named: &Path) -> Result<(PathBuf, std::ffi::OsString), FileError> {
    // An absolute name plainly elsewhere is refused before anything about it is looked up, so the answer never
    // says whether something exists outside the allowed folders.
    if named.is_absolute() {
        let plain: PathBuf = named.components().filter(|c| !matches!(c, Component::CurDir)).collect();
        let escapes = plain.components().any(|c| matches!(c, Component::ParentDir));
        if !escapes && !roots.iter().any(|r| plain.starts_with(r)) {
            return Err(outside(roots, named));
        }
    }
    let file = match named.components().next_back() {
        Some(Component::Normal(f)) => f.to_os_string(),
        _ => return Err(FileError::Special(named.to_path_buf(), "a folder name")),
    };
    let parent = match named.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = parent.canonicalize().map_err(|e| FileError::io(&parent, &e))?;
    inside(roots, named, &dir)?;
    Ok((dir, file))
}

/// A file a node reads: it must exist inside an allowed folder (links followed) and be a plain file.
pub fn resolve_read(name: &str) -> Result<PathBuf, FileError> {
    let (named, roots) = {
        let p = policy();
        (locate(&p, name), roots(&p))
    };
    let (dir, file) = split(&roots, &named)?;
    let target = dir.join(file);
    let canon = target.canonicalize().map_err(|e| FileError::io(&named, &e))?;
    inside(&roots, &named, &canon)?;
    let meta = std::fs::metadata(&canon).map_err(|e| FileError::io(&named, &e))?;
    if let Some(kind) = special_kind(&meta) {
        return Err(FileError::Special(named, kind));
    }
    Ok(canon)
}

/// A file a node writes: inside an allowed folder, and either new, or already written by this session, or the
/// performer said `--overwrite`. Checked again when the file is opened (`open_for_writing`).
pub fn resolve_write(name: &str) -> Result<PathBuf, FileError> {
    let (named, roots, overwrite, created) = {
        let p = policy();
        (locate(&p, name), roots(&p), p.overwrite, p.created.clone())
    };
    let (dir, file) = split(&roots, &named)?;
    let target = dir.join(file);
    let Ok(meta) = std::fs::symlink_metadata(&target) else {
        return Ok(target);
    };
    let canon = target.canonicalize().map_err(|e| FileError::io(&named, &e))?;
    inside(&roots, &named, &canon)?;
    let meta = if meta.file_type().is_symlink() {
        std::fs::metadata(&canon).map_err(|e| FileError::io(&named, &e))?
    } else {
        meta
    };
    if let Some(kind) = special_kind(&meta) {
        return Err(FileError::Special(named, kind));
    }
    if !overwrite && !created.contains(&canon) {
        return Err(FileError::Exists(named));
    }
    Ok(canon)
}

/// Open `path` (from `resolve_write`) for writing, creating it. A file that appeared since the check is not
/// replaced unless this session made it or `--overwrite` was given; special files are never opened.
pub fn open_for_writing(path: &Path) -> Result<std::fs::File, FileError> {
    let (overwrite, ours) = {
        let p = policy();
        (p.overwrite, p.created.iter().any(|c| c == path))
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true);
    if overwrite || ours {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never wait on a FIFO, never follow a link planted after the check.
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = opts.open(path).map_err(|e| FileError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| FileError::io(path, &e))?;
    if let Some(kind) = special_kind(&meta) {
        return Err(FileError::Special(path.to_path_buf(), kind));
    }
    let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut p = policy();
    if !p.created.contains(&canon) {
        p.created.push(canon);
    }
    Ok(file)
}
