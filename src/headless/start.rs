//! Starting a live run: the sound card (or the silent paced stand-in), the session on it (new, or a replayed set's
//! to go on from), Link and OSC, and reopening a lost device. Control thread.

use super::{Options, RunError, Sink};
use crate::audio::null::NullOutput;
use crate::live::{AudioInfo, LiveConfig, Session};
use std::sync::atomic::AtomicBool;

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
fn session_telemetry(session: &Session) -> std::sync::Arc<crate::engine::telemetry::Telemetry> {
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
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
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
            std::thread::sleep(std::time::Duration::from_secs(1));
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
