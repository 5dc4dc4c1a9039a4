//! Replaying a set log offline: the same versions swapped in on the same frames with the same fades, the same
//! commands on their frames, so the output is sample-identical to what the device was sent. Runs on whatever thread
//! calls it (it plays the audio thread's part itself).

use super::input::LoggedInput;
use super::{Landed, Record};
use crate::engine::{Cmd, Engine, MasterConfig, ToAudio};
use crate::live::{LiveConfig, Session};
use std::path::Path;

/// A set log read back.
#[derive(Debug, Clone, PartialEq)]
pub struct SetLog {
    pub sample_rate: u32,
    pub seed: u64,
    pub protected: bool,
    pub records: Vec<Record>,
    /// The last frame played, when the log says.
    pub end: Option<u64>,
    /// Where the audio input it played is kept (beside the log), when it played any.
    pub input: Option<std::path::PathBuf>,
}

/// Read a log; its torn last line (a crash) is left out.
pub fn read(path: &Path) -> Result<SetLog, String> {
    let text = crate::files::read_text(path, "a set log", 1 << 30).map_err(|e| e.to_string())?;
    let mut set = parse(&text).ok_or_else(|| {
        format!(
            "`{}` is not a set log (its first line is not a start record)",
            path.display()
        )
    })?;
    set.input = Some(super::input::path_beside(path));
    Ok(set)
}

/// The patch a set log was played from (its start record says).
pub fn patch_of(path: &Path) -> Option<std::path::PathBuf> {
    let text = crate::files::read_text(path, "a set log", 1 << 30).ok()?;
    match Record::from_json(text.lines().next()?)? {
        Record::Start { patch, .. } if !patch.is_empty() => Some(patch.into()),
        _ => None,
    }
}

pub fn parse(text: &str) -> Option<SetLog> {
    let mut records: Vec<Record> = text.lines().filter_map(Record::from_json).collect();
    let Some(Record::Start {
        sample_rate,
        seed,
        protected,
        ..
    }) = records.first().cloned()
    else {
        return None;
    };
    records.remove(0);
    let end = records.iter().find_map(|r| match r {
        Record::End { frame } => Some(*frame),
        _ => None,
    });
    Some(SetLog {
        sample_rate,
        seed,
        protected,
        records,
        end,
        input: None,
    })
}

impl SetLog {
    /// The frame a record takes effect at.
    fn frame_of(r: &Record) -> u64 {
        match r {
            Record::Version(l) => l.frame,
            Record::Cmd { frame, .. }
            | Record::End { frame }
            | Record::Midi { frame, .. }
            | Record::Ctl { frame, .. }
            | Record::Input { frame, .. }
            | Record::Restart { frame, .. } => *frame,
            Record::Start { .. } => 0,
        }
    }

    /// The version playing at `frame`.
    pub fn playing_at(&self, frame: u64) -> Option<&Landed> {
        self.records.iter().rev().find_map(|r| match r {
            Record::Version(l) if l.frame <= frame => Some(l),
            _ => None,
        })
    }

    /// The last frame worth rendering: the end, or a few seconds after the last record.
    pub fn last_frame(&self) -> u64 {
        self.end.unwrap_or_else(|| {
            self.records.iter().map(Self::frame_of).max().unwrap_or(0) + 5 * u64::from(self.sample_rate)
        })
    }

    /// Render frames `0..to`, handing `out` each buffer (interleaved stereo) from frame `from` on.
    pub fn render(&self, from: u64, to: u64, out: &mut dyn FnMut(&[f32])) -> Result<(), String> {
        self.run(from, to, out).map(drop)
    }

    /// Play the set offline up to frame `to` and hand back the session and engine as they are then: every node's
    /// state as it was at that moment, ready to go on live.
    pub fn prepare(&self, to: u64) -> Result<(Session, Engine), String> {
        self.run(to, to, &mut |_| {})
    }

    fn run(&self, from: u64, to: u64, out: &mut dyn FnMut(&[f32])) -> Result<(Session, Engine), String> {
        let config = LiveConfig {
            settings: crate::compile::Settings {
                sample_rate: self.sample_rate as f32,
                seed: self.seed,
            },
            master: if self.protected {
                MasterConfig::protected()
            } else {
                MasterConfig::raw()
            },
            preflight: false,
            ..LiveConfig::default()
        };
        let mut input = match &self.input {
            Some(path) => LoggedInput::open(path, &self.records)?,
            None => None,
        };
        let (mut session, mut engine) = Session::new(config);
        let mut at = 0u64;
        let mut buf = vec![0.0f32; 2 * 256];
        // In frame order (MIDI placements are logged a little after the versions around them).
        let mut records: Vec<&Record> = self.records.iter().collect();
        records.sort_by_key(|r| Self::frame_of(r));
        for r in records {
            let when = Self::frame_of(r).min(to);
            play(
                &mut engine,
                &mut session,
                &mut input,
                &mut at,
                when,
                from,
                &mut buf,
                out,
            );
            if at >= to {
                break;
            }
            if let Record::Restart { sample_rate, .. } = r {
                engine = session.restart(*sample_rate as f32);
            }
            apply(&mut session, r)?;
        }
        play(&mut engine, &mut session, &mut input, &mut at, to, from, &mut buf, out);
        Ok((session, engine))
    }
}

/// Render from `*at` up to `until`, in buffers of at most 256 frames.
#[allow(clippy::too_many_arguments)] // reason: one render loop's whole state, passed from two places in `run`
fn play(
    engine: &mut Engine,
    session: &mut Session,
    input: &mut Option<LoggedInput>,
    at: &mut u64,
    until: u64,
    from: u64,
    buf: &mut [f32],
    out: &mut dyn FnMut(&[f32]),
) {
    while *at < until {
        let n = ((until - *at) as usize).min(buf.len() / 2);
        let chunk = &mut buf[..2 * n];
        if let Some(i) = input {
            i.feed(*at, n);
        }
        engine.process(chunk);
        session.tick();
        if *at + n as u64 > from {
            let skip = from.saturating_sub(*at) as usize;
            out(&chunk[2 * skip..]);
        }
        *at += n as u64;
    }
}

fn apply(session: &mut Session, r: &Record) -> Result<(), String> {
    match r {
        Record::Version(l) => {
            session.replay_next(l.glide, l.fade, l.crossfade, &l.muted, &l.soloed);
            session.reload(&l.text).map_err(|d| {
                format!(
                    "v{} no longer compiles: {}",
                    l.version,
                    d.first().map_or("", |d| d.message.as_str())
                )
            })?;
        }
        Record::Cmd { cmd, .. } => {
            let msg = match *cmd {
                Cmd::Panic => Some(ToAudio::Panic),
                Cmd::Resume => Some(ToAudio::Resume),
                Cmd::Volume(g) => Some(ToAudio::Volume(g)),
                Cmd::Tempo(b) => Some(ToAudio::Tempo(b)),
                Cmd::Locate(b) => Some(ToAudio::Locate(b)),
                Cmd::Run(r) => Some(ToAudio::Run(r)),
                Cmd::Capture => None,
            };
            if let Some(m) = msg {
                let _ = session.handle().send(m);
            }
        }
        Record::Midi { frame, port, bytes } => {
            let len = match bytes[0] & 0xF0 {
                0xC0 | 0xD0 => 2,
                _ => 3,
            };
            crate::dsp::midi::input::send_at_frame(*port, *frame, &bytes[..len]);
        }
        Record::Ctl { name, value, .. } => {
            crate::dsp::ctl::set(name, *value);
        }
        Record::Start { .. } | Record::End { .. } | Record::Input { .. } | Record::Restart { .. } => {}
    }
    Ok(())
}
