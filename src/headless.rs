//! `synchrotron-tui PATCH --headless`: play a patch and reload it on every save, printing one line per reload.
//! The performer edits in any editor. Control thread; the audio runs on the device's (or the null output's) thread.

use crate::audio::null::NullOutput;
use crate::lang::diagnostic::render_all;
use crate::live::{LiveConfig, Session};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use start::{continue_with, osc_command, reopen, start, start_osc};

#[derive(Debug, Clone)]
pub struct Options {
    pub patch: PathBuf,
    pub live: LiveConfig,
    pub device: Option<String>,
    pub sample_rate: Option<u32>,
    pub buffer_size: Option<u32>,
    /// Play silently without looking for a device (tests, machines without sound).
    pub no_audio: bool,
    /// Print nothing (the TUI owns the screen).
    pub quiet: bool,
    /// Play along with an Ableton Link session (`--link`; only builds with the `link` feature join one).
    pub link: bool,
    /// The set log and the capture.
    pub keep: crate::keep::KeepOptions,
    /// Open the editor on this text (already playing) instead of the file's (`replay --at T --open`).
    pub open_text: Option<String>,
    /// Listen for OSC on this loopback UDP port.
    pub osc: Option<u16>,
    /// Serve Synchrotron's REST API.
    pub serve: Option<crate::serve::ServeOptions>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Read(String),
    #[error("cannot watch `{0}` for changes: {1}")]
    Watch(String, String),
    #[error("{0}")]
    Audio(String),
}

/// Where the sound goes.
pub enum Sink {
    #[cfg(feature = "cpal")]
    Device(crate::audio::cpal_backend::Output),
    Null(#[allow(dead_code)] NullOutput),
}

impl Sink {
    pub fn lost(&self) -> bool {
        match self {
            #[cfg(feature = "cpal")]
            Sink::Device(o) => o.lost.load(Ordering::Relaxed),
            Sink::Null(_) => false,
        }
    }
}

/// `println!` that never panics: after a hang-up the terminal is gone and writes fail; the session ends cleanly.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// `eprint!` that never panics.
macro_rules! say_err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($t)*);
    }};
}

// After the macros, which they use.
mod commands;
mod remote;
mod start;

use commands::{Command, commands};

/// The signals that end a session cleanly: interrupt (Ctrl-C), terminate, hang-up (the terminal closed) and quit.
pub const END_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];

/// How long a session may take to wind down after an ending signal before the process ends regardless.
const WIND_DOWN: Duration = Duration::from_secs(2);

/// A flag that `END_SIGNALS` set, and a watchdog behind it: once set, the caller has `WIND_DOWN` to keep what must
/// be kept and restore the terminal, then the process ends even if something hangs (a terminal gone mid-write,
/// an audio device that never returns). A signal therefore always ends the process.
///
/// `rescue` runs on the watchdog as soon as the flag is set, so what it keeps is kept even if the caller hangs.
pub fn end_on_signals(rescue: fn()) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in END_SIGNALS {
        let _ = signal_hook::flag::register(sig, stop.clone());
    }
    let watched = stop.clone();
    let _ = std::thread::Builder::new().name("wind-down".into()).spawn(move || {
        while !watched.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
        rescue();
        std::thread::sleep(WIND_DOWN);
        std::process::exit(0);
    });
    stop
}

/// Run until one of `END_SIGNALS` or `q`.
pub fn run(opts: &Options) -> Result<(), RunError> {
    let stop = end_on_signals(|| {});
    let src = read(&opts.patch)?;
    let (mut session, mut sink, info) = start(opts)?;
    let mut keep = crate::keep::Keep::start(&opts.patch, &mut session, &opts.keep, &info);
    if let Some(log) = &keep.log {
        say!("set log: {}", log.path().display());
    }
    if let Some(r) = &opts.keep.record {
        say!("recording to {}", r.display());
    }
    let osc = start_osc(opts)?;
    if let Some(o) = &osc {
        say!(
            "OSC on {} (/syn/ctl/NAME value, /syn/panic, /syn/unmute, /syn/tempo, /syn/reload)",
            o.addr
        );
    }
    let mut osc_unknown = 0;
    let serve = remote::start_serve(opts)?;
    if let Some(s) = &serve {
        // Before any request can be answered from it.
        s.publish(&src);
        say!("REST API on http://{} (SynchrotronUI, its console, curl)", s.addr);
    }
    report_reload(&mut session, &opts.patch, &src);
    crate::sample::watch();
    let mut last = src;
    let (_watcher, events) = watch(&opts.patch)?;
    let commands = commands();
    say!(
        "type p + Enter to mute everything (panic), r to resume, c to cancel an armed change, - or + for the master volume, t to record on/off, w to write the last minutes, q to quit"
    );
    let mut dirty: Option<Instant> = None;
    let mut emptied: Option<Instant> = None;
    // A quantised version was sent and has not landed yet.
    let mut armed = false;
    let mut volume_db = 0i32;
    let mut reported_xruns = 0;
    let mut last_debug = (String::new(), Instant::now());
    let mut last_clock: Option<crate::live::transport::TempoSource> = None;
    while !stop.load(Ordering::Relaxed) {
        while let Ok(changed) = events.try_recv() {
            if changed {
                dirty = Some(Instant::now());
            }
        }
        // Editors write in several steps; wait for them to settle.
        if dirty.is_some_and(|t| t.elapsed() > Duration::from_millis(30)) {
            dirty = None;
            // A version preflight held back for loudness lands when the same text is saved again.
            if let Ok(src) = read_settled(&opts.patch)
                && (src != last || session.holding())
            {
                if src.trim().is_empty() && !last.trim().is_empty() {
                    // Most often a save caught half-way: silence only if the file stays empty.
                    if emptied.is_none() {
                        say!(
                            "{} is empty; v{} keeps playing unless it stays empty for a second",
                            opts.patch.display(),
                            session.version()
                        );
                    }
                    emptied.get_or_insert_with(Instant::now);
                } else {
                    emptied = None;
                    armed |= report_reload(&mut session, &opts.patch, &src);
                    last = src;
                }
            }
        }
        if emptied.is_some_and(|t| t.elapsed() >= EMPTY_FOR) {
            emptied = None;
            if read_settled(&opts.patch).is_ok_and(|src| src.trim().is_empty()) {
                armed |= report_reload(&mut session, &opts.patch, "");
                last = String::new();
            }
        }
        while let Ok(cmd) = commands.try_recv() {
            match cmd {
                Command::Panic => {
                    session.panic();
                    say!("panic: muted, tails cleared (r + Enter to resume)");
                }
                Command::Resume => {
                    session.resume();
                    say!("resumed");
                }
                Command::Quit => stop.store(true, Ordering::Relaxed),
                Command::Record => keep.toggle_recording(),
                Command::Retro => keep.save_retro(),
                Command::Volume(up) => {
                    volume_db = (volume_db + if up { 3 } else { -3 }).clamp(-60, 12);
                    session.set_volume_db(volume_db as f32);
                    say!("master volume {}", crate::live::volume_text(volume_db));
                }
                Command::Cancel => match session.cancel() {
                    Some(v) => say!("cancelling v{v}"),
                    None => say!("nothing is waiting to land"),
                },
                Command::Ignored(what) => say!("stdin: {what} ignored"),
                Command::Unknown(what) => {
                    say!(
                        "unknown command `{what}`: type p (panic), r (resume), c (cancel an armed change), - or + \
                         (master volume), t (record on/off), w (write the last minutes) or q (quit), then Enter"
                    );
                }
            }
        }
        if let Some(o) = &osc {
            for cmd in o.take_commands() {
                say!("{}", osc_command(&cmd, &mut session));
                if cmd == crate::osc::OscCommand::Reload
                    && let Ok(src) = read_settled(&opts.patch)
                {
                    armed |= report_reload(&mut session, &opts.patch, &src);
                    last = src;
                }
            }
            if let Some((n, addr)) = o.unknown().filter(|(n, _)| *n != osc_unknown) {
                osc_unknown = n;
                say!("osc: {n} message(s) went nowhere (last {addr})");
            }
        }
        if let Some(s) = &serve {
            armed |= remote::serve_calls(s, &mut session, &opts.patch, &mut last);
        }
        if crate::sample::take_changed() {
            // Decoded on the samples thread already: the version playing again, with the new file crossfaded in.
            say!("a sample file changed on disk: it comes in now");
            let playing = session.newest_src().to_string();
            armed |= report_reload(&mut session, &opts.patch, &playing);
        }
        let ev = session.tick();
        keep.tick(&ev);
        for m in keep.messages.drain(..) {
            say!("{m}");
        }
        for r in ev.sent {
            armed |= r.lands.is_some();
            say!("{r}");
        }
        if let Some(v) = ev.cancelled {
            armed = false;
            say!("v{v} cancelled: the version before it plays on");
        }
        if armed && session.is_settled() {
            armed = false;
            say!("v{} landed", session.version());
        }
        for fault in ev.faults {
            say!("{}", fault.describe());
        }
        // The clock's tempo only when it settles somewhere new (a tenth of a bpm), and when it is lost.
        if let Some(t) = session.tempo_source()
            && t.news_after(last_clock.as_ref())
        {
            say!("{t}");
            last_clock = Some(t);
        }
        if last_debug.1.elapsed() >= Duration::from_millis(250) {
            let line = crate::dsp::io::debug_line();
            if line != last_debug.0 && !line.is_empty() {
                say!("debug: {line}");
                last_debug.0 = line;
            }
            last_debug.1 = Instant::now();
        }
        for line in crate::audio::device_thread::take_reports() {
            say!("{line}");
        }
        let xruns = session.handle().levels().xruns;
        if xruns > reported_xruns {
            say!("audio: {xruns} dropout(s) so far");
            reported_xruns = xruns;
        }
        if sink.lost() {
            say!("audio device lost; trying to reopen it every second (editing still works)");
            sink = reopen(opts, &mut session, &stop);
            keep.reattach(&mut session);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(sink);
    let ev = session.tick();
    keep.tick(&ev);
    keep.finish(&session);
    drop(keep);
    say!("stopped");
    Ok(())
}

/// An empty patch file replaces a playing one only after staying empty this long.
const EMPTY_FOR: Duration = Duration::from_secs(1);

/// The patch after a change: read once another program's save has settled.
fn read_settled(path: &Path) -> Result<String, crate::files::FileError> {
    crate::files::read_settled(path, "a patch", crate::files::PATCH_LIMIT)
}

fn read(path: &Path) -> Result<String, RunError> {
    crate::cli::read_patch(path).map_err(RunError::Read)
}

/// Reload and say how it went; true when the version sent is armed (quantised) and has yet to land.
pub(crate) fn report_reload(session: &mut Session, path: &Path, src: &str) -> bool {
    reload_and_say(session, path, src).unwrap_or(false)
}

/// Reload and say how it went: whether the version was armed (quantised), or the diagnostics it failed with.
pub(crate) fn reload_and_say(session: &mut Session, path: &Path, src: &str) -> Result<bool, String> {
    let name = path.display().to_string();
    match session.reload(src) {
        Ok(Some(report)) => {
            if !report.warnings.is_empty() {
                say_err!("{}", render_all(&report.warnings, &name, src));
            }
            say!("{report}");
            Ok(report.lands.is_some())
        }
        Ok(None) => Ok(false),
        Err(diags) => {
            let text = render_all(&diags, &name, src);
            say_err!("{text}");
            let errors = diags.iter().filter(|d| d.is_error()).count();
            if session.holding() {
                say!(
                    "v{} keeps playing: the new version is held back (save it again to land it, fading in over 1 s)",
                    session.version()
                );
            } else {
                say!("v{} keeps playing: {name} has {errors} error(s)", session.version());
            }
            Err(text)
        }
    }
}

/// Watch the patch's folder (editors often replace the file rather than write it) and report changes to it.
pub fn watch(path: &Path) -> Result<(notify::RecommendedWatcher, mpsc::Receiver<bool>), RunError> {
    let err = |e: notify::Error| RunError::Watch(path.display().to_string(), e.to_string());
    let name = path.file_name().map(std::ffi::OsStr::to_os_string);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let ours = event
                .paths
                .iter()
                .any(|p| p.file_name().map(std::ffi::OsStr::to_os_string) == name);
            let _ = tx.send(ours && !event.kind.is_access());
        }
    })
    .map_err(err)?;
    watcher.watch(&dir, RecursiveMode::NonRecursive).map_err(err)?;
    Ok((watcher, rx))
}
