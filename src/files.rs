//! Every file the app touches on a patch's behalf: patches, SoundFonts, WAV files written by nodes, rendered output.
//! One door for all of them, so every read is bounded in size and time and never blocks on a FIFO or a device, and
//! every file a patch names stays inside the folders the performer allowed (the patch's own, and `--files DIR`).
//! Control and UI threads; never the audio thread.

mod policy;
mod read;
mod write;

pub use policy::{
    allow_dir, created_this_session, open_for_writing, patch_dir, resolve_read, resolve_write, set_overwrite,
    set_patch_dir,
};
pub use read::{FONT_LIMIT, PATCH_LIMIT, read_bytes, read_settled, read_text};
pub use write::atomic as save_atomic;

use std::path::{Path, PathBuf};

/// Why a file could not be used. Every variant says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("`{0}`: no such file")]
    NotFound(PathBuf),
    #[error("`{0}`: permission denied")]
    Denied(PathBuf),
    #[error("`{0}`: it is {1}, not a plain file; only plain files are read or written")]
    Special(PathBuf, &'static str),
    #[error("`{path}`: {size} bytes is over the limit for {what} ({limit} bytes)")]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        size: u64,
        limit: u64,
    },
    #[error("`{0}`: reading it took longer than {1} s (a stalled disk or network share?)")]
    TimedOut(PathBuf, u64),
    #[error("`{0}`: outside the patch's folder{1}; file nodes only use files there (or in a `--files DIR` folder)")]
    Outside(PathBuf, String),
    #[error("`{0}`: it exists and was not written in this session; pass --overwrite to replace it")]
    Exists(PathBuf),
    #[error("`{0}`: not UTF-8 text")]
    NotText(PathBuf),
    #[error("`{0}`: {1}")]
    Io(PathBuf, String),
}

impl FileError {
    fn io(path: &Path, e: &std::io::Error) -> Self {
        let path = path.to_path_buf();
        match e.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound(path),
            std::io::ErrorKind::PermissionDenied => Self::Denied(path),
            std::io::ErrorKind::AlreadyExists => Self::Exists(path),
            std::io::ErrorKind::IsADirectory => Self::Special(path, "a directory"),
            _ => Self::Io(path, e.to_string()),
        }
    }
}

/// What kind of special file `meta` describes, if it is not a regular file.
fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        Some("not a plain file")
    }
}
