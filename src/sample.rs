//! Samples: sound files decoded once (symphonia), brought to the device's rate once (rubato), and kept across
//! reloads, so a reload never decodes again or stalls. Files are found as every file a patch names is (next to it,
//! or in the folders named with `--files`); everything loaded counts against a memory budget
//! (`--sample-memory`, 1 GB by default). Control thread; players on the audio thread only read what is built here.

pub mod bank;
mod decode;
pub mod kit;
mod resample;

pub use bank::{Source, add_dir, locate};
pub use decode::Decoded;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// A sample ready to play: at the device's rate, one or two channels interleaved.
pub type Sample = Decoded;

/// The largest sound file read.
pub const FILE_LIMIT: u64 = 512 << 20;
static BUDGET: AtomicU64 = AtomicU64::new(1 << 30);

/// Set the memory budget for samples, in bytes (from `--sample-memory`).
pub fn set_budget(bytes: u64) {
    BUDGET.store(bytes, Ordering::Relaxed);
}

/// A file as it was when it was read: a changed file is read again.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

#[derive(Default)]
struct Cache {
    decoded: HashMap<Stamp, Arc<Decoded>>,
    at_rate: HashMap<(Stamp, u32), Arc<Sample>>,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn bytes(d: &Decoded) -> u64 {
    d.data.len() as u64 * 4
}

impl Cache {
    fn used(&self) -> u64 {
        self.decoded.values().map(|d| bytes(d)).sum::<u64>() + self.at_rate.values().map(|d| bytes(d)).sum::<u64>()
    }

    /// Forget older versions of a file that changed.
    fn forget_other_versions(&mut self, s: &Stamp) {
        self.decoded.retain(|k, _| k.path != s.path || k == s);
        self.at_rate.retain(|(k, _), _| k.path != s.path || k == s);
    }
}

fn stamp(source: &Source) -> Result<Stamp, String> {
    match source {
        Source::File(path) => {
            let meta = std::fs::metadata(path).map_err(|e| format!("`{}`: {e}", path.display()))?;
            Ok(Stamp {
                len: meta.len(),
                modified: meta.modified().ok(),
                path: path.clone(),
            })
        }
        Source::Builtin(name, bytes) => Ok(Stamp {
            path: PathBuf::from(format!("(built-in kit)/{name}")),
            len: bytes.len() as u64,
            modified: None,
        }),
    }
}

fn with_cache<T>(f: impl FnOnce(&mut Cache) -> T) -> T {
    let mut guard = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(Cache::default))
}

/// The sample `name` (a file next to the patch, or a bank: see `bank`), decoded at its own rate.
pub fn decoded(name: &str) -> Result<Arc<Decoded>, String> {
    let source = locate(name)?;
    let s = stamp(&source)?;
    if let Some(d) = with_cache(|c| c.decoded.get(&s).cloned()) {
        return Ok(d);
    }
    let data = match &source {
        Source::File(path) => crate::files::read_bytes(path, "a sound file", FILE_LIMIT).map_err(|e| e.to_string())?,
        Source::Builtin(_, bytes) => bytes.to_vec(),
    };
    let budget = BUDGET.load(Ordering::Relaxed);
    let room = budget.saturating_sub(with_cache(|c| c.used()));
    let ext = s.path.extension().and_then(|e| e.to_str()).map(str::to_string);
    let d = decode::decode(data, ext.as_deref(), (room / 4) as usize).map_err(|e| format!("`{name}`: {e}"))?;
    let d = Arc::new(d);
    with_cache(|c| {
        c.forget_other_versions(&s);
        c.decoded.insert(s, d.clone());
    });
    Ok(d)
}

/// The file `name` at `rate`, ready to play.
pub fn load(name: &str, rate: u32) -> Result<Arc<Sample>, String> {
    let s = stamp(&locate(name)?)?;
    if let Some(d) = with_cache(|c| c.at_rate.get(&(s.clone(), rate)).cloned()) {
        return Ok(d);
    }
    let d = decoded(name)?;
    let ready = if d.rate == rate {
        d
    } else {
        let r = resample::to_rate((*d).clone(), rate).map_err(|e| format!("`{name}`: {e}"))?;
        let budget = BUDGET.load(Ordering::Relaxed);
        if with_cache(|c| c.used()) + bytes(&r) > budget {
            return Err(format!(
                "`{name}`: the samples would take more than {} MB (raise --sample-memory)",
                budget / 1_000_000
            ));
        }
        Arc::new(r)
    };
    with_cache(|c| c.at_rate.insert((s, rate), ready.clone()));
    Ok(ready)
}

/// What version of the sample `name` is cached: changes when its file does (for the graph, so a changed file is a
/// changed node, crossfaded in).
pub fn tag(name: &str) -> String {
    locate(name).and_then(|s| stamp(&s)).map_or_else(
        |_| String::new(),
        |s| {
            let t = s
                .modified
                .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{t}", s.len)
        },
    )
}

static CHANGED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static WATCHING: std::sync::Once = std::sync::Once::new();

/// Watch the files of loaded samples (twice a second, on a thread of its own): a changed one is decoded and
/// resampled there, into the cache, and then `take_changed` says so. Call once a session plays.
pub fn watch() {
    WATCHING.call_once(|| {
        let _ = std::thread::Builder::new().name("samples".into()).spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                refresh();
            }
        });
    });
}

/// Read again every cached file that changed on disk.
fn refresh() {
    let cached: Vec<(Stamp, Vec<u32>)> = with_cache(|c| {
        c.decoded
            .keys()
            .filter(|k| !k.path.starts_with("(built-in kit)"))
            .map(|k| {
                let rates = c.at_rate.keys().filter(|(s, _)| s == k).map(|(_, r)| *r).collect();
                (k.clone(), rates)
            })
            .collect()
    });
    for (old, rates) in cached {
        let Ok(new) = stamp(&Source::File(old.path.clone())) else {
            continue;
        };
        if new == old {
            continue;
        }
        let name = old.path.display().to_string();
        // Decoded and resampled here, off the control thread; the next reload finds them ready.
        if decoded(&name).is_ok() && rates.iter().all(|r| load(&name, *r).is_ok()) {
            CHANGED.store(true, Ordering::Relaxed);
        }
    }
}

/// Whether a sample file changed and its new version is ready (once).
pub fn take_changed() -> bool {
    CHANGED.swap(false, Ordering::Relaxed)
}
