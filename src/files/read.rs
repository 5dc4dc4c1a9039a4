//! Bounded reads: only regular files, opened without blocking (a FIFO or a device can't stall the open), refused
//! past a size limit before a byte is read, and read on a helper thread so a stalled disk times out instead of
//! freezing the editor or the reload loop. Control and UI threads.

use super::{FileError, special_kind};
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// The largest patch or script read: far above any hand-written set, small enough to check in well under a second.
pub const PATCH_LIMIT: u64 = 8 << 20;
/// The largest SoundFont read (General MIDI fonts are 1–150 MB).
pub const FONT_LIMIT: u64 = 1 << 30;
/// How long one read may take before it is given up.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The text of `path`, at most `limit` bytes. A leading byte-order mark is dropped.
pub fn read_text(path: &Path, what: &'static str, limit: u64) -> Result<String, FileError> {
    let bytes = read_bytes(path, what, limit)?;
    let mut text = String::from_utf8(bytes).map_err(|_| FileError::NotText(path.to_path_buf()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The text of a file another program may be writing right now (an editor saving in place): read until two
/// looks at it agree (same size and time, and the size is what was read), and give an empty read a few more
/// chances, since a truncate-then-write save is empty for a moment. Bounded: at most about 200 ms of retries.
pub fn read_settled(path: &Path, what: &'static str, limit: u64) -> Result<String, FileError> {
    let look = || std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()));
    let mut text = read_text(path, what, limit)?;
    for _ in 0..20 {
        let before = look();
        let settled = before.is_some_and(|(len, _)| len == text.len() as u64 + bom_len(path));
        if settled && !text.is_empty() {
            std::thread::sleep(Duration::from_millis(5));
            if look() == before {
                return Ok(text);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
        text = read_text(path, what, limit)?;
    }
    Ok(text)
}

/// Bytes a byte-order mark takes at the start of the file (`read_text` drops it).
fn bom_len(path: &Path) -> u64 {
    let mut head = [0u8; 3];
    open_nonblocking(path)
        .ok()
        .and_then(|mut f| f.read_exact(&mut head).ok())
        .map_or(0, |()| if head == [0xEF, 0xBB, 0xBF] { 3 } else { 0 })
}

/// The bytes of the regular file `path`, at most `limit` of them (`what` names the kind in the error).
pub fn read_bytes(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, FileError> {
    let owned = path.to_path_buf();
    let (tx, rx) = mpsc::channel();
    // The helper owns everything it touches, so if it hangs in the kernel only it is lost, never the caller.
    let spawned = std::thread::Builder::new().name("file-read".into()).spawn(move || {
        let _ = tx.send(read_now(&owned, what, limit));
    });
    if spawned.is_err() {
        return read_now(path, what, limit);
    }
    rx.recv_timeout(TIMEOUT)
        .unwrap_or_else(|_| Err(FileError::TimedOut(path.to_path_buf(), TIMEOUT.as_secs())))
}

fn read_now(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, FileError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata().map_err(|e| FileError::io(path, &e))?;
    if let Some(kind) = special_kind(&meta) {
        return Err(FileError::Special(path.to_path_buf(), kind));
    }
    let too_large = |size| FileError::TooLarge {
        path: path.to_path_buf(),
        what,
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: the cap holds whatever its size said.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::io(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Open for reading without waiting for a writer (FIFOs) or a device; regular files read normally after it.
fn open_nonblocking(path: &Path) -> Result<std::fs::File, FileError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    opts.open(path).map_err(|e| FileError::io(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("synchrotron-read-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn special_files_are_refused_at_once() {
        let d = dir("special");
        let fifo = d.join("pipe.syn");
        mkfifo(&fifo);
        for p in [
            fifo.as_path(),
            Path::new("/dev/zero"),
            Path::new("/dev/urandom"),
            d.as_path(),
        ] {
            let started = std::time::Instant::now();
            let e = read_text(p, "a patch", PATCH_LIMIT).unwrap_err();
            assert!(matches!(e, FileError::Special(..)), "{p:?}: {e}");
            assert!(started.elapsed() < Duration::from_secs(2), "{p:?} blocked");
        }
        let _ = std::fs::remove_dir_all(&d);
    }

    /// `mkfifo(1)` keeps the test free of `unsafe`.
    pub fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
    }

    #[test]
    fn large_files_are_refused_before_they_are_read_and_a_bom_is_dropped() {
        let d = dir("large");
        let big = d.join("big.syn");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(PATCH_LIMIT + 1).unwrap();
        let e = read_text(&big, "a patch", PATCH_LIMIT).unwrap_err();
        assert!(e.to_string().contains("over the limit for a patch"), "{e}");
        let bom = d.join("bom.syn");
        std::fs::write(&bom, "\u{feff}sine 440 -> out\n").unwrap();
        assert_eq!(read_text(&bom, "a patch", PATCH_LIMIT).unwrap(), "sine 440 -> out\n");
        let bad = d.join("bad.syn");
        std::fs::write(&bad, [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(read_text(&bad, "a patch", 10), Err(FileError::NotText(_))));
        let _ = std::fs::remove_dir_all(&d);
    }
}
