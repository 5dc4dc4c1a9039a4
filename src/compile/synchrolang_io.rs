//! Checks for Synchrolang's MIDI, SoundFont and file nodes that need more than wiring: a chord name worked out into
//! notes, a SoundFont that must exist and load, MIDI and samples kept apart. Control thread.

use super::graph::NodeSpec;
use crate::dsp::midi::chord;
use crate::dsp::registry::NodeDef;
use crate::dsp::soundfont;
use crate::files;
use crate::lang::{Diagnostic, Span};

/// Finish a node whose text settings mean something: ChordNode's notes go into its list; SoundFontNode's file is
/// loaded now (cached), so a missing or broken font is an error with its place, not a silent node; WavFileNode's
/// file must be one it may write (see `files`).
pub fn check_node(def: &NodeDef, node: &mut NodeSpec, span: Span) -> Result<(), Diagnostic> {
    let text = |k: usize| node.text.get(k).cloned().unwrap_or_default();
    match def.name {
        "ChordNode" => {
            let octave = node.settings.first().copied().unwrap_or(4.0);
            let notes = chord::notes(&text(0), &text(1), octave).map_err(|e| {
                Diagnostic::error("E014", span, e).with_help(
                    "chords are a root and a quality (C, Cm7, F#dim, Bbmaj7, Gsus4) or a numeral in the key (V7, IIm7)",
                )
            })?;
            node.list = notes.into_iter().map(|k| Some(f32::from(k))).collect();
        }
        "SoundFontNode" => {
            files::resolve_read(&text(0))
                .map_err(|e| e.to_string())
                .and_then(|path| soundfont::load(&path).map(drop))
                .map_err(|e| {
                    Diagnostic::error("E015", span, e).with_help(
                        "link a path to an .sf2 file (`new \"piano.sf2\" sf; link sf.out -> synth.path`); relative \
                         paths are looked up next to the patch",
                    )
                })?;
        }
        "WavFileNode" => {
            files::resolve_write(&text(0)).map_err(|e| {
                Diagnostic::error("E016", span, e.to_string()).with_help(
                    "name a new file next to the patch (`new \"take2.wav\" p; link p.out -> tape.path`), or pass \
                     --overwrite to replace it",
                )
            })?;
        }
        _ => {}
    }
    Ok(())
}

/// MIDI linked into a sample input, or samples into a MIDI input (the original crashed its render thread).
pub fn kind_mismatch(from: &str, def: &NodeDef, span: Span, input: &str, want_midi: bool) -> Diagnostic {
    if want_midi {
        Diagnostic::error(
            "E004",
            span,
            format!("`{from}` ({}) gives samples, but `{input}` takes MIDI", def.name),
        )
        .with_help("MIDI comes from a MidiInputNode, MidiSequenceNode, ChordNode or another MIDI node")
    } else {
        Diagnostic::error(
            "E004",
            span,
            format!("`{from}` ({}) gives MIDI, but `{input}` takes samples", def.name),
        )
        .with_help("turn MIDI into sound with a SoundFontNode, or into a frequency with a MonophonicRenderNode")
    }
}
