//! The original's MIDI, SoundFont, file and device nodes, as registry definitions. Their processors live in
//! `midi/`, `soundfont.rs` and `io.rs`. Pure data, any thread; paths resolve on the control thread through `files`.

use super::capture::Recording;
use super::compat::{compat, param, stream};
use super::io::{Debug, WavOut};
use super::midi::input::MidiIn;
use super::midi::looper::Looper;
use super::midi::nodes::{Arpeggiator, Chord, Midi, Sequence, Strum, transposer};
use super::node_def::{BuildCtx, MONO as OUT, NodeDef, ParamDef, ParamKind, STEREO};
use super::soundfont::{self, Font};
use crate::files;

const fn midi(name: &'static str) -> ParamDef {
    param(name, ParamKind::Midi, 0.0)
}

fn text<'a>(c: &'a BuildCtx, k: usize, default: &'a str) -> &'a str {
    c.text.get(k).map_or(default, String::as_str)
}

fn setting(c: &BuildCtx, k: usize, default: f32) -> f32 {
    c.settings.get(k).copied().unwrap_or(default)
}

/// The original's MIDI, SoundFont, file and device node types.
pub static COMPAT_IO_NODES: &[NodeDef] = &[
    compat!(
        "MidiInputNode",
        "MIDI from a device port (by number) and from the app's own virtual port",
        [param("port", ParamKind::Setting, 0.0)],
        OUT,
        midi_out: true,
        |c| Box::new(MidiIn::new(setting(c, 0, 0.0).round() as i32, c.sample_rate))
    ),
    compat!(
        "MidiTriggerNode",
        "1 on each note-on",
        [midi("midi")],
        &["trigger"],
        midi_out: false,
        |_| Box::new(Midi::Trigger)
    ),
    compat!(
        "MidiTranspositionNode",
        "notes moved by round(transposition) semitones (the 2024 name)",
        [midi("midi"), stream("transposition", 0.0)],
        OUT,
        midi_out: true,
        |_| Box::new(transposer())
    ),
    compat!(
        "MidiTransposeNode",
        "notes moved by round(transposition) semitones",
        [midi("midi"), stream("transposition", 0.0)],
        OUT,
        midi_out: true,
        |_| Box::new(transposer())
    ),
    compat!(
        "MonophonicRenderNode",
        "the last note's frequency in Hz (0 when no key is down)",
        [midi("midi")],
        &["frequency"],
        midi_out: false,
        |_| Box::new(Midi::Mono { note: None })
    ),
    compat!(
        "MidiHoldNode",
        "drops note-offs so notes sustain",
        [midi("midi")],
        OUT,
        midi_out: true,
        |_| Box::new(Midi::Hold)
    ),
    compat!(
        "MidiSequenceNode",
        "plays the next note of a list on each trigger",
        [param("sequence", ParamKind::List, 0.0), stream("step", 0.0)],
        OUT,
        midi_out: true,
        |c| Box::new(Sequence {
            notes: c.list.iter().map(|v| v.unwrap_or(0.0).round().clamp(0.0, 127.0) as u8).collect(),
            pos: 0,
            playing: None
        })
    ),
    compat!(
        "MidiArpeggiatorNode",
        "steps through the held notes in press order",
        [midi("notes"), stream("step", 0.0)],
        OUT,
        midi_out: true,
        |_| Box::new(Arpeggiator {
            held: super::midi::nodes::Held::new(),
            next: 0,
            playing: None
        })
    ),
    compat!(
        "ChordNode",
        "a named chord (Cm7, V7 in a key) held while trigger is above 0",
        [
            param("chord", ParamKind::Text("C"), 0.0),
            param("key", ParamKind::Text("C"), 0.0),
            param("octave", ParamKind::Setting, 4.0),
            stream("trigger", 0.0)
        ],
        OUT,
        midi_out: true,
        |c| Box::new(Chord {
            notes: c.list.iter().map(|v| v.unwrap_or(0.0) as u8).collect(),
            on: false
        })
    ),
    compat!(
        "MidiLoopNode",
        "records then loops MIDI: 1st loop pulse records, 2nd plays, later ones restart",
        [midi("source"), stream("loop", 0.0), stream("reset", 0.0)],
        OUT,
        midi_out: true,
        |_| Box::new(Looper::new())
    ),
    compat!(
        "MidiStrumNode",
        "the held pitch classes over every octave, picked by strum 0..1",
        [midi("notes"), stream("strum", 0.0)],
        OUT,
        midi_out: true,
        |_| Box::new(Strum::new())
    ),
    compat!(
        "DebugNode",
        "shows its input's value in the editor's status line and the --headless log",
        [stream("input", 0.0)],
        &[],
        midi_out: false,
        |c| Box::new(Debug::new(c.key))
    ),
    compat!(
        "WavFileNode",
        "writes its input to a mono 32-bit float WAV file (path default output.wav)",
        [param("path", ParamKind::Text("output.wav"), 0.0), stream("signal", 0.0)],
        &[],
        midi_out: false,
        |c| Box::new(WavOut::new(files::resolve_write(text(c, 0, "output.wav")).ok(), c.sample_rate))
    ),
    compat!(
        "RecordingNode",
        "the audio input device's left and right channels",
        [],
        STEREO,
        midi_out: false,
        |c| Box::new(Recording::new(c.sample_rate))
    ),
    compat!(
        "SoundFontNode",
        "an SF2 instrument (bank, preset; preset 127 = drums)",
        [
            param("path", ParamKind::Text("8MBGMSFX.sf2"), 0.0),
            midi("midi"),
            param("bank", ParamKind::Setting, 0.0),
            param("preset", ParamKind::Setting, 0.0)
        ],
        STEREO,
        midi_out: false,
        |c| {
            let font = files::resolve_read(text(c, 0, "8MBGMSFX.sf2"))
                .ok()
                .and_then(|p| soundfont::load(&p).ok());
            Box::new(Font::new(font, c.sample_rate, setting(c, 0, 0.0), setting(c, 1, 0.0)))
        }
    ),
];
