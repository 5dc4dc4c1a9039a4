//! Writing a set log: append-only JSON lines next to the patch (or in `--log DIR`), flushed to disk at least once a
//! second, so after a crash it reads to its last whole line. Control thread.

use super::Record;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct SetLog {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    flushed: Instant,
    /// The first error writing; the log stops then (the music never does).
    pub error: Option<String>,
}

/// How often the log reaches the disk.
const FLUSH: Duration = Duration::from_millis(500);

impl SetLog {
    /// Start a log for `patch` in `dir` (the patch's folder when `None`), named after the patch and the start time.
    pub fn create(patch: &Path, dir: Option<&Path>, start: &Record) -> Result<Self, String> {
        let stamp = match start {
            Record::Start { started, .. } => *started,
            _ => 0,
        };
        let name = patch
            .file_name()
            .map_or_else(|| "set".into(), |n| n.to_string_lossy().into_owned());
        let folder = dir.map_or_else(
            || patch.parent().unwrap_or(Path::new(".")).to_path_buf(),
            Path::to_path_buf,
        );
        let path = folder.join(format!("{name}.{stamp}.setlog"));
        let file = std::fs::OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot start the set log `{}`: {e}", path.display()))?;
        let mut log = Self {
            path,
            file: std::io::BufWriter::new(file),
            flushed: Instant::now(),
            error: None,
        };
        log.write(start);
        log.flush();
        Ok(log)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&mut self, r: &Record) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = writeln!(self.file, "{}", r.to_json()) {
            self.error = Some(format!("the set log stopped: {e}"));
        }
    }

    /// To disk when half a second has passed since the last time (true when it went).
    pub fn tick(&mut self) -> bool {
        let due = self.flushed.elapsed() >= FLUSH;
        if due {
            self.flush();
        }
        due
    }

    pub fn flush(&mut self) {
        self.flushed = Instant::now();
        if self.error.is_none()
            && let Err(e) = self.file.flush().and_then(|()| self.file.get_ref().sync_data())
        {
            self.error = Some(format!("the set log stopped: {e}"));
        }
    }
}

impl Drop for SetLog {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Seconds since 1970 now, for the log's name and first line (never used to render).
pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
