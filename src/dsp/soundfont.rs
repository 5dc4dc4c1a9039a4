//! SoundFontNode: SF2 instruments played by MIDI, through rustysynth. Fonts load once per file on the control
//! thread (a cache keyed by path and modification time, so a reload never re-reads an unchanged font); `process`
//! runs on the audio thread and only renders into preallocated buffers.

use super::midi::nodes::midi_in;
use super::midi::{Cursor, Msg, Note};
use super::{Block, Ctx, Processor};
use rustysynth::{SoundFont, SoundFontError, Synthesizer, SynthesizerSettings};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The synth's internal block: note events land within this many frames of their place.
const SYNTH_BLOCK: usize = 8;
/// The General MIDI percussion channel; rustysynth plays bank 128 (the kits) on it.
const DRUMS: i32 = 9;

type Cached = (PathBuf, Option<SystemTime>, Arc<SoundFont>);
static CACHE: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

/// Load (or reuse) the font at `path`, a file `files::resolve_read` accepted. Control thread. The error names the
/// file and what is wrong with it, in our words: never bytes of the file itself.
pub fn load(path: &Path) -> Result<Arc<SoundFont>, String> {
    let mtime = std::fs::metadata(path)
        .map_err(|e| format!("can't open `{}`: {e}", path.display()))?
        .modified()
        .ok();
    let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, _, font)) = cache.iter().find(|(p, m, _)| p == path && *m == mtime) {
        return Ok(font.clone());
    }
    let bytes = crate::files::read_bytes(path, "a SoundFont", crate::files::FONT_LIMIT).map_err(|e| e.to_string())?;
    let not_sf2 = |why: &str| format!("`{}` is not a usable SoundFont (SF2) file: {why}", path.display());
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"sfbk" {
        return Err(not_sf2("it does not start with an SF2 header"));
    }
    // rustysynth panics on some malformed files rather than returning an error; either way it's the file's fault.
    // The quiet hook keeps that panic's message (and the editor's crash handler) out of it.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let parsed = std::panic::catch_unwind(|| SoundFont::new(&mut std::io::Cursor::new(&bytes)));
    std::panic::set_hook(hook);
    let font = match parsed {
        Ok(Ok(f)) => Arc::new(f),
        Ok(Err(e)) => return Err(not_sf2(&describe(&e))),
        Err(_) => return Err(format!("`{}` is a damaged SoundFont (SF2) file", path.display())),
    };
    cache.retain(|(p, _, _)| p != path);
    cache.push((path.to_path_buf(), mtime, font.clone()));
    Ok(font)
}

/// rustysynth's complaint without the chunk names it quotes from the file.
fn describe(e: &SoundFontError) -> String {
    match e {
        SoundFontError::IoError(_) => "it ends too early".into(),
        SoundFontError::InvalidRiffChunkType { .. }
        | SoundFontError::InvalidListChunkType { .. }
        | SoundFontError::ListContainsUnknownId(_)
        | SoundFontError::SubChunkNotFound(_) => "its chunks are not laid out as an SF2 file's are".into(),
        other => other.to_string(),
    }
}

pub struct Font {
    synth: Option<Synthesizer>,
    channel: i32,
}

impl Font {
    /// A synth on `font` set to `bank`/`preset` (preset 127 = the drum kit, as in the original). `None` plays silence.
    pub fn new(font: Option<Arc<SoundFont>>, sample_rate: f32, bank: f32, preset: f32) -> Self {
        let bank = bank.round().clamp(0.0, 127.0) as i32;
        let preset = preset.round().clamp(0.0, 127.0) as i32;
        let channel = if preset == 127 { DRUMS } else { 0 };
        let synth = font.and_then(|f| {
            let mut s = SynthesizerSettings::new(sample_rate.round() as i32);
            s.block_size = SYNTH_BLOCK;
            // The original (TinySoundFont) adds no reverb or chorus.
            s.enable_reverb_and_chorus = false;
            let mut synth = Synthesizer::new(&f, &s).ok()?;
            if channel != DRUMS {
                synth.process_midi_message(channel, 0xB0, 0x00, bank);
                synth.process_midi_message(channel, 0xC0, preset, 0);
            }
            Some(synth)
        });
        Self { synth, channel }
    }
}

impl Processor for Font {
    // The voices can't be copied into another synth: a replaced SoundFontNode lets its notes ring out in the old
    // graph during the crossfade and starts clean.
    fn copy_state(&mut self, _other: &dyn Processor) {}

    fn reset(&mut self) {
        if let Some(s) = &mut self.synth {
            s.note_off_all(true);
        }
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let [l, r, ..] = outs else { return };
        let Some(synth) = &mut self.synth else {
            l[..n].fill(0.0);
            r[..n].fill(0.0);
            return;
        };
        let mut events = Cursor::new(midi_in(ins, 0));
        let mut from = 0;
        for i in 0..n {
            while let Some(m) = events.at(i) {
                if i > from {
                    synth.render(&mut l[from..i], &mut r[from..i]);
                    from = i;
                }
                play(synth, self.channel, m);
            }
        }
        synth.render(&mut l[from..n], &mut r[from..n]);
    }
}

fn play(synth: &mut Synthesizer, channel: i32, m: Msg) {
    match m.note() {
        Note::On { note, velocity } => synth.note_on(channel, i32::from(note), i32::from(velocity)),
        Note::Off { note } => synth.note_off(channel, i32::from(note)),
        // Controllers and bends pass on; program changes would fight the node's own preset.
        Note::Other if m.status & 0xF0 != 0xC0 => {
            synth.process_midi_message(
                channel,
                i32::from(m.status & 0xF0),
                i32::from(m.data1),
                i32::from(m.data2),
            );
        }
        Note::Other => {}
    }
}
