//! What a live run keeps of the set: its set log (always, next to the patch or in `--log DIR`) and its capture
//! (the recorder, `--record`, and the retro buffer, `--retro`). Shared by the headless runner and the editor
//! screen. Control thread.

use crate::capture::Capture;
use crate::engine::ToAudio;
use crate::live::{AudioInfo, Events, Session};
use crate::setlog::Record;
use crate::setlog::input::InputLog;
use crate::setlog::writer::{SetLog, now_seconds};
use std::path::{Path, PathBuf};

/// How a run keeps its set (from the command line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeepOptions {
    /// Record from the start into this `.wav`.
    pub record: Option<PathBuf>,
    /// Minutes of the output always kept in memory (0: none).
    pub retro_minutes: f64,
    /// Where the set log goes (the patch's folder when `None`).
    pub log_dir: Option<PathBuf>,
    /// No set log at all.
    pub no_log: bool,
}

pub struct Keep {
    pub capture: Option<Capture>,
    pub log: Option<SetLog>,
    /// The audio input the set plays, beside the log.
    input: Option<InputLog>,
    patch: PathBuf,
    /// Lines for the performer (a log that could not start, a recording that stopped).
    pub messages: Vec<String>,
}

impl Keep {
    /// Start the set log and the capture for `session` playing `patch`.
    pub fn start(patch: &Path, session: &mut Session, opts: &KeepOptions, audio: &AudioInfo) -> Self {
        let mut messages = Vec::new();
        let settings = session.config().settings;
        let rate = settings.sample_rate.round() as u32;
        let log = if opts.no_log {
            None
        } else {
            let start = Record::Start {
                sample_rate: rate,
                seed: settings.seed,
                protected: session.config().master.ceiling.is_some(),
                patch: patch.display().to_string(),
                started: now_seconds(),
                device: audio.device.clone(),
                buffer: audio.buffer.unwrap_or(0),
            };
            match SetLog::create(patch, opts.log_dir.as_deref(), &start) {
                Ok(l) => Some(l),
                Err(e) => {
                    messages.push(e);
                    None
                }
            }
        };
        let capture = (opts.record.is_some() || opts.retro_minutes > 0.0).then(|| {
            let (c, ring) = Capture::start(rate, opts.retro_minutes);
            let _ = session.handle().send(ToAudio::Capture(ring));
            if let Some(path) = &opts.record {
                c.record(path.clone());
            }
            c
        });
        Self {
            capture,
            input: log.as_ref().map(|l| InputLog::new(l.path(), rate)),
            log,
            patch: patch.to_path_buf(),
            messages,
        }
    }

    /// Every tick: what went live into the log; the capture's news into `messages`.
    pub fn tick(&mut self, events: &Events) {
        if let Some(log) = &mut self.log {
            for r in &events.log {
                log.write(r);
            }
            if let Some(input) = &mut self.input {
                for r in input.write(&events.input) {
                    log.write(&r);
                }
                if let Some(e) = input.error.take() {
                    self.messages.push(e);
                    self.input = None;
                }
            }
            if log.tick()
                && let Some(input) = &mut self.input
            {
                input.flush();
            }
            if let Some(e) = log.error.take() {
                self.messages.push(e);
                self.log = None;
            }
        }
        if let Some(m) = self.capture.as_ref().and_then(Capture::take_message) {
            self.messages.push(m);
        }
    }

    /// The device was reopened with a new engine: the recorder and the retro buffer go on from it.
    pub fn reattach(&mut self, session: &mut Session) {
        if let Some(c) = &self.capture {
            let _ = session.handle().send(ToAudio::Capture(c.reattach()));
        }
    }

    /// Start or stop recording (to a new `PATCH-take-TIME.wav` beside the patch).
    pub fn toggle_recording(&mut self) {
        let Some(c) = &self.capture else {
            self.messages
                .push("recording needs the capture: start with --record FILE.wav or --retro MIN".into());
            return;
        };
        if c.status().recording.is_some() {
            c.stop();
        } else {
            c.record(self.beside("take", "wav"));
        }
    }

    /// Write the retro buffer (the last minutes) to a new `PATCH-retro-TIME.wav`.
    pub fn save_retro(&mut self) {
        match &self.capture {
            Some(c) => c.save_retro(self.beside("retro", "wav")),
            None => self
                .messages
                .push("no retro buffer: start with --retro MIN (it is on by default)".into()),
        }
    }

    /// `REC 01:23 45.2 MB` while recording.
    pub fn status(&self, sample_rate: u32) -> Option<String> {
        let (_, frames, bytes) = self.capture.as_ref()?.status().recording?;
        let secs = frames / u64::from(sample_rate.max(1));
        Some(format!(
            "REC {:02}:{:02} {:.1} MB",
            secs / 60,
            secs % 60,
            bytes as f64 / 1e6
        ))
    }

    /// The set ends: its last frame into the log, everything to disk.
    pub fn finish(&mut self, session: &Session) {
        if let Some(log) = &mut self.log {
            log.write(&Record::End {
                frame: session.handle_ref().telemetry().rendered(),
            });
            log.flush();
        }
        if let Some(input) = &mut self.input {
            input.flush();
        }
    }

    fn beside(&self, what: &str, ext: &str) -> PathBuf {
        let stem = self
            .patch
            .file_stem()
            .map_or_else(|| "set".into(), |s| s.to_string_lossy().into_owned());
        self.patch
            .with_file_name(format!("{stem}-{what}-{}.{ext}", now_seconds()))
    }
}
