//! `synchrotron-tui PATCH --headless`: play a patch and reload it on every save, printing one line per reload.
//! The performer edits in any editor. Control thread; the audio runs on the device's (or the null output's) thread.

use crate::audio::null::NullOutput;
use crate::lang::diagnostic::render_all;
use crate::live::{AudioInfo, LiveConfig, Session};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
}

/// Start the OSC listener when asked.
pub fn start_osc(opts: &Options) -> Result<Option<crate::osc::Osc>, RunError> {
    opts.osc
        .map(|port| crate::osc::Osc::start(&format!("127.0.0.1:{port}")))
        .transpose()
        .map_err(RunError::Audio)
}

/// Carry out an OSC command; returns what to say.
pub fn osc_command(cmd: &crate::osc::OscCommand, session: &mut Session) -> String {
    use crate::osc::OscCommand;
    match cmd {
        OscCommand::Panic => {
            session.panic();
            "osc: panic: muted, tails cleared".into()
        }
        OscCommand::Unmute => {
            session.resume();
            "osc: unmuted".into()
        }
        OscCommand::Tempo(b) => {
            let _ = session.handle().send(crate::engine::ToAudio::Tempo(*b));
            format!("osc: tempo {b:.1} (the patch's bpm is ignored from now on)")
        }
        OscCommand::Reload => "osc: reload".into(),
    }
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
    let (mut session, mut sink, _) = start(opts)?;
    let mut keep = crate::keep::Keep::start(&opts.patch, &mut session, &opts.keep);
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
    report_reload(&mut session, &opts.patch, &src);
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
    let mut last_clock: Option<String> = None;
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
        if let Some(c) = session.clock_status()
            && Some(&c) != last_clock.as_ref()
            && changed_enough(last_clock.as_deref(), &c)
        {
            say!("{c}");
            last_clock = Some(c);
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

enum Command {
    Panic,
    Resume,
    /// Take back the armed change before it lands.
    Cancel,
    /// Master volume down or up a step.
    Volume(bool),
    Quit,
    /// Start or stop recording.
    Record,
    /// Write the retro buffer out.
    Retro,
    /// Something else was typed: said back with the commands there are.
    Unknown(String),
    /// A line too long to be a command, skipped.
    Ignored(String),
}

/// The longest command line read; longer ones are skipped whole (stdin may be `/dev/zero` or a paste).
const MAX_COMMAND: usize = 256;

/// Commands typed on stdin, one per line. The reader thread ends with stdin.
fn commands() -> mpsc::Receiver<Command> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        while let Some(line) = read_command(&mut stdin) {
            let last = line.contains("stdin is ignored");
            let cmd = match line.trim() {
                "" => continue,
                marker if marker.starts_with("(a line over") => Command::Ignored(marker.to_string()),
                "p" | "panic" => Command::Panic,
                "r" | "resume" => Command::Resume,
                "c" | "cancel" => Command::Cancel,
                "-" => Command::Volume(false),
                "+" => Command::Volume(true),
                "q" | "quit" => Command::Quit,
                "t" | "rec" => Command::Record,
                "w" | "retro" => Command::Retro,
                other => Command::Unknown(other.chars().take(40).filter(|c| !c.is_control()).collect()),
            };
            if tx.send(cmd).is_err() || last {
                break;
            }
        }
    });
    rx
}

/// One line of at most `MAX_COMMAND` bytes; a longer one is skipped to its end in bounded pieces and comes back as
/// a marker. `None` at the end of input, or after a megabyte with no line end (stdin is not a person typing then).
fn read_command(input: &mut impl std::io::BufRead) -> Option<String> {
    use std::io::{BufRead as _, Read as _};
    let mut line = Vec::new();
    let n = (&mut *input)
        .take(MAX_COMMAND as u64 + 1)
        .read_until(b'\n', &mut line)
        .ok()?;
    if n == 0 {
        return None;
    }
    if line.len() > MAX_COMMAND && line.last() != Some(&b'\n') {
        let mut skip = Vec::with_capacity(64 * 1024);
        for _ in 0..16 {
            skip.clear();
            let m = (&mut *input).take(64 * 1024).read_until(b'\n', &mut skip).ok()?;
            if m == 0 || skip.last() == Some(&b'\n') {
                return Some(format!("(a line over {MAX_COMMAND} bytes)"));
            }
        }
        return Some(format!(
            "(a line over {MAX_COMMAND} bytes, and no line end in a megabyte: stdin is ignored)"
        ));
    }
    Some(String::from_utf8_lossy(&line).into_owned())
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
fn report_reload(session: &mut Session, path: &Path, src: &str) -> bool {
    let name = path.display().to_string();
    match session.reload(src) {
        Ok(Some(report)) => {
            if !report.warnings.is_empty() {
                say_err!("{}", render_all(&report.warnings, &name, src));
            }
            say!("{report}");
            return report.lands.is_some();
        }
        Ok(None) => {}
        Err(diags) => {
            say_err!("{}", render_all(&diags, &name, src));
            let errors = diags.iter().filter(|d| d.is_error()).count();
            if session.holding() {
                say!(
                    "v{} keeps playing: the new version is held back (save it again to land it, fading in over 1 s)",
                    session.version()
                );
            } else {
                say!("v{} keeps playing: {name} has {errors} error(s)", session.version());
            }
        }
    }
    false
}

/// Whether a clock line is worth printing: any change of state, or a tempo (`clock 120.0`) a tenth of a bpm or
/// more from the last one printed.
fn changed_enough(last: Option<&str>, now: &str) -> bool {
    let bpm = |s: &str| s.strip_prefix("clock ").and_then(|t| t.parse::<f64>().ok());
    match (last.and_then(bpm), bpm(now)) {
        (Some(a), Some(b)) => (a - b).abs() >= 0.1,
        _ => true,
    }
}

/// A session and engine prepared elsewhere (a replayed set, `replay --at T --open`), to go on live instead of a new
/// one. Taken by the next `start`.
static PREPARED: std::sync::Mutex<Option<(Session, crate::engine::Engine)>> = std::sync::Mutex::new(None);

/// Hand `start` a session to continue (with its engine) rather than starting from silence.
pub fn continue_with(session: Session, engine: crate::engine::Engine) {
    *PREPARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((session, engine));
}

/// A new session, or the one prepared to continue (which must run at the device's rate).
fn new_session(live: LiveConfig) -> Result<(Session, crate::engine::Engine), RunError> {
    let prepared = PREPARED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    match prepared {
        Some((s, _)) if s.config().settings.sample_rate != live.settings.sample_rate => Err(RunError::Audio(format!(
            "the set was played at {} Hz and the device runs at {} Hz; ask for the set's rate with --sample-rate",
            s.config().settings.sample_rate,
            live.settings.sample_rate
        ))),
        Some(p) => Ok(p),
        None => Ok(Session::new(live)),
    }
}

/// Open the device (or the null output) and start a session on it, joining Link when asked.
pub fn start(opts: &Options) -> Result<(Session, Sink, AudioInfo), RunError> {
    #[allow(unused_mut)]
    let (mut session, sink, info) = open_session(opts)?;
    #[cfg(feature = "link")]
    if opts.link {
        // Announces this app on the local network: only when the performer asks.
        session.join_link(Box::new(crate::clock::link::AbletonLink::join(120.0)));
        if !opts.quiet {
            say!("Ableton Link on: tempo and phase follow the session");
        }
    }
    Ok((session, sink, info))
}

fn open_session(opts: &Options) -> Result<(Session, Sink, AudioInfo), RunError> {
    let mut live = opts.live;
    let buffer = opts.buffer_size.unwrap_or(256) as usize;
    #[cfg(feature = "cpal")]
    if !opts.no_audio {
        use crate::audio::cpal_backend::{self, AudioError, Request};
        let req = Request {
            device: opts.device.clone(),
            sample_rate: opts.sample_rate,
            buffer_size: opts.buffer_size,
        };
        match cpal_backend::open(&req) {
            Ok(opened) => {
                live.settings.sample_rate = opened.sample_rate() as f32;
                let (session, engine) = new_session(live)?;
                let telemetry = session_telemetry(&session);
                let buf = opened.buffer_size().map_or("default".into(), |n| format!("{n}"));
                if !opts.quiet {
                    say!(
                        "playing on {} at {} Hz, buffer {buf}",
                        opened.name,
                        opened.sample_rate()
                    );
                }
                let info = AudioInfo {
                    device: opened.name.clone(),
                    sample_rate: opened.sample_rate(),
                    buffer: opened.buffer_size(),
                };
                match opened.start(engine, telemetry) {
                    Ok(out) => return Ok((session, Sink::Device(out), info)),
                    Err(e) if opts.device.is_some() => return Err(RunError::Audio(e.to_string())),
                    Err(e) => {
                        if !opts.quiet {
                            say!("{e}; running silently (edits are still checked and compiled)");
                        }
                        let mut session = session;
                        let engine = session.restart(live.settings.sample_rate);
                        let info = AudioInfo {
                            device: "no device (silent)".into(),
                            ..info
                        };
                        return Ok((session, Sink::Null(NullOutput::start(engine, buffer)), info));
                    }
                }
            }
            Err(e @ (AudioError::DeviceNotFound { .. } | AudioError::UnsupportedFormat)) => {
                return Err(RunError::Audio(e.to_string()));
            }
            Err(e) if opts.device.is_some() || opts.sample_rate.is_some() || opts.buffer_size.is_some() => {
                return Err(RunError::Audio(e.to_string()));
            }
            Err(e) => {
                if !opts.quiet {
                    say!("{e}; running silently (edits are still checked and compiled)");
                }
            }
        }
    }
    live.settings.sample_rate = opts.sample_rate.unwrap_or(48_000) as f32;
    let (session, engine) = new_session(live)?;
    let info = AudioInfo {
        device: "no device (silent)".into(),
        sample_rate: live.settings.sample_rate as u32,
        buffer: Some(buffer as u32),
    };
    Ok((session, Sink::Null(NullOutput::start(engine, buffer)), info))
}

#[cfg(feature = "cpal")]
fn session_telemetry(session: &Session) -> Arc<crate::engine::telemetry::Telemetry> {
    // The handle is borrowed mutably elsewhere; the telemetry is shared.
    session.handle_ref().telemetry().clone()
}

/// Retry the device every second until it comes back or we are stopped; meanwhile play silently.
pub fn reopen(opts: &Options, session: &mut Session, stop: &AtomicBool) -> Sink {
    #[cfg(feature = "cpal")]
    {
        use crate::audio::cpal_backend::{self, Request};
        let req = Request {
            device: opts.device.clone(),
            sample_rate: opts.sample_rate,
            buffer_size: opts.buffer_size,
        };
        while !stop.load(Ordering::Relaxed) {
            if let Ok(opened) = cpal_backend::open(&req) {
                let engine = session.restart(opened.sample_rate() as f32);
                let telemetry = session_telemetry(session);
                if let Ok(out) = opened.start(engine, telemetry) {
                    if !opts.quiet {
                        say!("audio device back: {}", opened_name(&req));
                    }
                    return Sink::Device(out);
                }
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let _ = stop;
    let engine = session.restart(opts.sample_rate.unwrap_or(48_000) as f32);
    Sink::Null(NullOutput::start(engine, opts.buffer_size.unwrap_or(256) as usize))
}

#[cfg(feature = "cpal")]
fn opened_name(req: &crate::audio::cpal_backend::Request) -> String {
    req.device.clone().unwrap_or_else(|| "the default device".into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_bounded() {
        let mut zeros = std::io::BufReader::new(std::io::Read::take(std::io::repeat(0), 10 << 20));
        let line = read_command(&mut zeros).unwrap();
        assert!(line.contains("stdin is ignored"), "{line}");
        let mut long = std::io::Cursor::new([vec![b'x'; 1000], b"\nq\n".to_vec()].concat());
        assert_eq!(read_command(&mut long).as_deref(), Some("(a line over 256 bytes)"));
        assert_eq!(read_command(&mut long).as_deref(), Some("q\n"));
        assert_eq!(read_command(&mut long), None);
        let mut typed = std::io::Cursor::new(b"p\nwhat\n".to_vec());
        assert_eq!(read_command(&mut typed).as_deref(), Some("p\n"));
        assert_eq!(read_command(&mut typed).as_deref(), Some("what\n"));
    }
}
