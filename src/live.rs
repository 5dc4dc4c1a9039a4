//! A live session: the control-thread side of playing a patch. It compiles each new version off the audio thread,
//! plans the swap against the graph actually playing, sends it, and frees what comes back. The headless runner and
//! the TUI share it. Control thread.
//!
//! At most one swap is in flight: every plan links to slots of the graph the audio thread is playing, so the next
//! one is planned only after the audio thread confirms the last. Edits made meanwhile wait (the newest wins).

pub mod chains;
mod report;

pub use report::{AudioInfo, Events, Fault, Report, volume_text};
pub mod evaluate;
pub mod preflight;
pub mod preview;
pub mod transport;

use crate::compile::mutes::{self, Mutes};
use crate::compile::plan;
use crate::compile::{self, GraphSpec, Settings};
use crate::engine::handle::Collected;
use crate::engine::{Engine, EngineHandle, MasterConfig, Swap, SwapMode, ToAudio};
use crate::lang::Diagnostic;
use chains::Built;
pub use chains::SendAt;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveConfig {
    pub settings: Settings,
    pub master: MasterConfig,
    /// How long a retuned value glides.
    pub glide: Duration,
    /// How long a structural change crossfades.
    pub fade: Duration,
    /// Land swaps on the next multiple of this many beats (0: at once).
    pub quantum_beats: f64,
    /// Try each version before sending it (see `preflight`). Off only to test the engine's own safety net.
    pub preflight: bool,
    /// Follow an external MIDI clock (`--clock-in midi`).
    pub clock_in: bool,
    /// Send MIDI clock from the transport (`--clock-out NAME`).
    pub clock_out: bool,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            master: MasterConfig::protected(),
            glide: Duration::from_millis(10),
            fade: Duration::from_millis(20),
            quantum_beats: 0.0,
            preflight: true,
            clock_in: false,
            clock_out: false,
        }
    }
}

pub struct Session {
    handle: EngineHandle,
    config: LiveConfig,
    playing: Built,
    in_flight: Option<(u32, Built)>,
    waiting: Option<(GraphSpec, std::sync::Arc<str>, Vec<Diagnostic>, Instant)>,
    version: u32,
    mutes: Mutes,
    /// The text of a version preflight held back for loudness: saving it again lands it, fading in.
    held: Option<std::sync::Arc<str>>,
    /// The RMS the last version sent had in its trial (before the master); 0 when it went untried.
    trial_rms: f32,
    /// An external clock being followed.
    clock: Option<transport::ClockIn>,
    /// A Link session played along with.
    link: Option<transport::LinkIn>,
    /// Versions sent and not yet landed, as the set log will record them (frame 0 until they land).
    sent: std::collections::HashMap<u32, crate::setlog::Landed>,
    /// Replaying: the next version goes out untried, with these glide and fade frames and this crossfade choice.
    exact: Option<(u32, u32, bool)>,
    /// Records for the set log from the control side (a restart), given out with the next tick's.
    noted: Vec<crate::setlog::Record>,
}

/// How a held-back loud version fades in when the performer saves it again.
const FORCED_FADE: Duration = Duration::from_secs(1);

/// The patch that plays before the first good one: just the bus.
fn silence() -> GraphSpec {
    let out = compile::NodeSpec {
        text: vec![],
        key: "out".into(),
        kind: "out",
        inputs: vec![compile::Source::Const(0.0); 2],
        settings: vec![],
        list: vec![],
        choice: 0,
        span: crate::lang::Span::default(),
    };
    GraphSpec {
        bpm: 120.0,
        nodes: vec![out],
        out: 0,
        sends: vec![],
    }
}

impl Session {
    /// A session playing silence, and the engine to hand to the audio thread.
    pub fn new(config: LiveConfig) -> (Self, Engine) {
        let spec = silence();
        let (graph, slot_of) = compile::build_linked(&spec, &config.settings, &[]).unwrap_or_else(|_| {
            // The empty patch has no loops; this arm only satisfies the types.
            (
                Box::new(crate::engine::Graph {
                    slots: vec![],
                    out: 0,
                    bpm: 120.0,
                    taps: vec![],
                }),
                vec![],
            )
        });
        let (engine, mut handle) = crate::engine::pair(graph, config.settings.sample_rate, config.master);
        if config.clock_out {
            let _ = handle.send(ToAudio::ClockOut(crate::dsp::keys::out::register()));
        }
        let session = Self {
            handle,
            config,
            playing: Built::new(0, spec, "".into(), slot_of),
            in_flight: None,
            waiting: None,
            version: 0,
            mutes: Mutes::default(),
            held: None,
            trial_rms: 0.0,
            clock: config.clock_in.then(transport::ClockIn::listen),
            link: None,
            sent: std::collections::HashMap::new(),
            exact: None,
            noted: Vec::new(),
        };
        (session, engine)
    }

    /// A fresh engine for the patch that is playing (after the audio device was lost); state starts over.
    pub fn restart(&mut self, sample_rate: f32) -> Engine {
        self.config.settings.sample_rate = sample_rate;
        let (spec, src) = self.in_flight.take().map_or_else(
            || (self.playing.spec.clone(), self.playing.src.clone()),
            |(_, b)| (b.spec, b.src),
        );
        let (graph, slot_of) = compile::build_linked(&spec, &self.config.settings, &[]).unwrap_or_else(|_| {
            (
                Box::new(crate::engine::Graph {
                    slots: vec![],
                    out: 0,
                    bpm: spec.bpm,
                    taps: vec![],
                }),
                vec![],
            )
        });
        // The new engine goes on counting frames where the old one stopped: the set log's timeline is one line.
        let at = self.handle.telemetry().rendered();
        let (mut engine, mut handle) = crate::engine::pair(graph, sample_rate, self.config.master);
        engine.start_at(at);
        if self.config.clock_out {
            let _ = handle.send(ToAudio::ClockOut(crate::dsp::keys::out::register()));
        }
        self.handle = handle;
        self.noted.push(crate::setlog::Record::Restart {
            frame: at,
            sample_rate: sample_rate.round() as u32,
        });
        // A fresh engine starts counting versions from 0.
        self.playing = Built::new(0, spec, src, slot_of);
        engine
    }

    /// Compile `src` and send it to the audio thread. A patch with errors changes nothing and returns them.
    /// `Ok(None)` means the new version is waiting for the previous swap to land.
    pub fn reload(&mut self, src: &str) -> Result<Option<Report>, Vec<Diagnostic>> {
        let started = Instant::now();
        let checked = compile::check(src)?;
        if self.in_flight.is_some() {
            self.waiting = Some((checked.spec, src.into(), checked.warnings, started));
            return Ok(None);
        }
        self.send(checked.spec, src.into(), checked.warnings, started).map(Some)
    }

    fn send(
        &mut self,
        mut spec: GraphSpec,
        src: std::sync::Arc<str>,
        warnings: Vec<Diagnostic>,
        started: Instant,
    ) -> Result<Report, Vec<Diagnostic>> {
        // Checked at 48 kHz already; the device's rate may make delay lines longer.
        compile::budget::enforce(&spec, self.config.settings.sample_rate).map_err(|d| vec![d])?;
        // Mutes name chains by their aligned keys, so align first (planning aligns again, finding nothing to do).
        plan::align(&self.playing.spec, &mut spec);
        self.mutes.retain_present(&spec);
        mutes::apply(&mut spec, &self.mutes);
        let mut plan = plan::plan(Some(&self.playing.spec), &mut spec);
        let rate = f64::from(self.config.settings.sample_rate);
        let frames = move |d: Duration| (d.as_secs_f64() * rate).round() as u32;
        let (glide, fade, crossfade) = match self.exact.take() {
            Some(exact) => exact,
            None => {
                let fade = self.preflight(&spec, &src).map_err(|d| vec![d])?;
                (frames(self.config.glide), frames(fade).max(1), fade > self.config.fade)
            }
        };
        if crossfade {
            plan.mode = SwapMode::Crossfade;
        }
        let links: Vec<Option<usize>> = plan
            .links
            .iter()
            .map(|l| l.and_then(|j| self.playing.slot_of.get(j).copied().flatten()))
            .collect();
        let (graph, slot_of) = compile::build_linked(&spec, &self.config.settings, &links).map_err(|_| {
            vec![Diagnostic::error(
                "E006",
                crate::lang::Span::default(),
                "feedback loop with no delay in it",
            )]
        })?;
        self.version += 1;
        // The first version replaces silence: nothing to keep in time with, so it starts at once.
        let quantum = if self.version == 1 {
            0.0
        } else {
            self.config.quantum_beats
        };
        let lands = (quantum > 0.0).then(|| {
            let beat = self.handle.telemetry().beat();
            let at = ((beat / quantum).floor() + 1.0) * quantum;
            ((at / 4.0).floor() as u64 + 1, at - beat)
        });
        let swap = Box::new(Swap {
            graph,
            mode: plan.mode,
            version: self.version,
            glide_frames: glide,
            fade_frames: fade,
            quantum_beats: quantum,
        });
        if self.handle.send(ToAudio::Swap(swap)).is_err() {
            return Err(vec![Diagnostic::error(
                "E100",
                crate::lang::Span::default(),
                "the audio engine is not taking changes (is the device stalled?)",
            )]);
        }
        self.sent.insert(
            self.version,
            crate::setlog::Landed {
                version: self.version,
                frame: 0,
                text: src.to_string(),
                muted: self.mutes.muted.iter().cloned().collect(),
                soloed: self.mutes.soloed.iter().cloned().collect(),
                glide,
                fade,
                crossfade,
                changes: changes_of(&plan, &spec, &self.playing.spec),
                mode: match plan.mode {
                    SwapMode::Move => "move",
                    SwapMode::Crossfade => "crossfade",
                }
                .into(),
            },
        );
        let spec_bpm = spec.bpm;
        let previous_bpm = self
            .in_flight
            .as_ref()
            .map_or(self.playing.spec.bpm, |(_, b)| b.spec.bpm);
        self.propose_tempo(spec_bpm, previous_bpm);
        self.in_flight = Some((self.version, Built::new(self.version, spec, src, slot_of)));
        Ok(Report {
            version: self.version,
            lands,
            bpm: spec_bpm,
            counts: plan.counts,
            mode: plan.mode,
            compile_time: started.elapsed(),
            warnings,
        })
    }

    /// Try the version before it is sent (see `preflight`); returns how long it crossfades in.
    fn preflight(&mut self, spec: &GraphSpec, src: &std::sync::Arc<str>) -> Result<Duration, Diagnostic> {
        if !self.config.preflight {
            return Ok(self.config.fade);
        }
        let forced = self.held.as_deref() == Some(&**src);
        // What plays, as loud as its own trial was (both before the master) or as the master hears it now.
        let rms = self.handle.telemetry().rms_now().max(self.trial_rms);
        match preflight::check(spec, &self.config.settings, rms, !forced) {
            Ok(trial) => {
                self.trial_rms = trial.unwrap_or(0.0);
                self.held = None;
                Ok(if forced { FORCED_FADE } else { self.config.fade })
            }
            Err(h) => {
                self.held = h.forceable.then(|| src.clone());
                Err(h.diagnostic)
            }
        }
    }

    /// Collect what the audio thread sent back (freeing it here) and send any waiting version. Call every tick.
    pub fn tick(&mut self) -> Events {
        let Collected {
            installed,
            faults,
            freed,
            unused,
            journal,
        } = self.handle.collect();
        let mut events = Events {
            freed,
            log: std::mem::take(&mut self.noted),
            ..Events::default()
        };
        if let (Some(v), Some((sent, _))) = (installed, &self.in_flight)
            && v >= *sent
            && let Some((_, built)) = self.in_flight.take()
        {
            self.playing = built;
        }
        if let Some((sent, _)) = &self.in_flight
            && unused.contains(sent)
        {
            events.cancelled = Some(*sent);
            self.in_flight = None;
        }
        for v in &unused {
            self.sent.remove(v);
        }
        for (frame, j) in journal {
            events.log.extend(self.journal(frame, j));
        }
        let mut moved = Vec::new();
        crate::dsp::ctl::drain_moved(&mut moved);
        events.log.extend(moved.into_iter().map(|m| crate::setlog::Record::Ctl {
            frame: m.frame,
            name: m.name.to_string(),
            value: m.value,
        }));
        crate::dsp::capture::drain_taken(&mut events.input);
        let mut placed = Vec::new();
        crate::dsp::midi::input::drain_placed(&mut placed);
        events
            .log
            .extend(placed.into_iter().map(|p| crate::setlog::Record::Midi {
                frame: p.frame,
                port: p.port,
                bytes: [p.msg.status, p.msg.data1, p.msg.data2],
            }));
        if let Some(clock) = &mut self.clock {
            for t in clock.drain() {
                let _ = self.handle.send(transport::to_audio(t));
                events.transport.push(t);
            }
        }
        self.follow_link(&mut events.transport);
        for (version, slot, kind) in faults {
            let (key, span, line) = self.node_of_slot(version, slot as usize);
            events.faults.push(Fault {
                version,
                key,
                kind,
                span,
                line,
            });
        }
        if self.in_flight.is_none()
            && let Some((spec, src, warnings, started)) = self.waiting.take()
            && let Ok(report) = self.send(spec, src, warnings, started)
        {
            events.sent.push(report);
        }
        events
    }

    /// A set-log record for what the audio thread did at `frame`.
    fn journal(&mut self, frame: u64, j: crate::engine::handle::Journal) -> Option<crate::setlog::Record> {
        use crate::engine::handle::Journal;
        match j {
            Journal::Installed(v) => self.sent.remove(&v).map(|mut l| {
                l.frame = frame;
                crate::setlog::Record::Version(l)
            }),
            Journal::Cmd(cmd) => Some(crate::setlog::Record::Cmd { frame, cmd }),
        }
    }

    /// The key and place of a slot in the graph of `version`: the one playing, or the one on its way.
    fn node_of_slot(&self, version: u32, slot: usize) -> (String, crate::lang::Span, usize) {
        let built = match &self.in_flight {
            Some((v, b)) if *v == version => b,
            _ => &self.playing,
        };
        built.slot_of.iter().position(|s| *s == Some(slot)).map_or_else(
            || (format!("slot {slot}"), crate::lang::Span::default(), 0),
            |i| {
                let span = built.spec.nodes[i].span;
                let line = crate::lang::span::line_col(&built.src, span.start).0;
                (built.keys[i].clone(), span, line)
            },
        )
    }

    /// Whether a swap is still on its way to the audio thread.
    pub fn is_settled(&self) -> bool {
        self.in_flight.is_none() && self.waiting.is_none()
    }

    /// Cancel the armed version on its way (and any edit waiting behind it): what plays keeps playing. Its
    /// cancellation is reported by `tick`, once the audio thread has let it go; if it landed first, nothing changes.
    pub fn cancel(&mut self) -> Option<u32> {
        self.waiting = None;
        let (version, _) = self.in_flight.as_ref()?;
        let _ = self.handle.send(ToAudio::Cancel { version: *version });
        Some(*version)
    }

    /// Land changes on the next multiple of this many beats from now on (0: at once).
    pub fn set_quantum(&mut self, beats: f64) {
        self.config.quantum_beats = beats;
    }

    pub fn quantum(&self) -> f64 {
        self.config.quantum_beats
    }

    /// The master volume in dB (0 = as the patch plays it; −∞ … +12).
    pub fn set_volume_db(&mut self, db: f32) {
        let gain = if db <= -60.0 {
            0.0
        } else {
            10f32.powf(db.min(12.0) / 20.0)
        };
        let _ = self.handle.send(ToAudio::Volume(gain));
    }

    pub fn panic(&mut self) {
        let _ = self.handle.send(ToAudio::Panic);
    }

    pub fn resume(&mut self) {
        let _ = self.handle.send(ToAudio::Resume);
    }

    pub fn handle(&mut self) -> &mut EngineHandle {
        &mut self.handle
    }

    pub fn handle_ref(&self) -> &EngineHandle {
        &self.handle
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn config(&self) -> &LiveConfig {
        &self.config
    }
}

/// What a swap does to each node that is not simply kept, by key, for the set log.
fn changes_of(plan: &plan::Plan, new: &GraphSpec, old: &GraphSpec) -> Vec<(String, String)> {
    use plan::Change;
    let mut out: Vec<(String, String)> = new
        .nodes
        .iter()
        .zip(&plan.changes)
        .filter(|(_, c)| **c != Change::Kept)
        .map(|(n, c)| {
            let what = match c {
                Change::Kept => "kept",
                Change::Retuned => "retuned",
                Change::Rewired => "rewired",
                Change::Replaced => "replaced",
                Change::Added => "added",
            };
            (n.key.clone(), what.to_string())
        })
        .collect();
    out.extend(
        plan.removed
            .iter()
            .filter_map(|&i| old.nodes.get(i))
            .map(|n| (n.key.clone(), "removed".to_string())),
    );
    // In key order, as the log writes them.
    out.sort();
    out
}
