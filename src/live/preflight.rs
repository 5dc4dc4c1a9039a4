//! Preflight: before a new version is sent, a fresh copy of it runs silently here for 200 ms. A version that goes
//! NaN or infinite, runs away, or comes out more than 12 dB louder than what is playing is held back, with the line
//! to blame; what plays keeps playing. Saving the same text again lands a held loud version anyway, fading in over a
//! second. Control thread.

use crate::compile::{GraphSpec, Settings};
use crate::dsp::simd::Simd;
use crate::dsp::{Ctx, MAX_BLOCK};
use crate::engine::graph::FaultKind;
use crate::lang::{Diagnostic, Span};

/// How long the new version is tried.
pub const TRIAL_SECONDS: f32 = 0.2;
/// A version may be this much louder (RMS) than what plays: +12 dB.
const JUMP: f32 = 3.981;
/// What plays counts as at least this loud (−12 dBFS RMS), so a first patch at a normal level is never held.
const FLOOR: f32 = 0.251;

/// Why a version was held back.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub diagnostic: Diagnostic,
    /// Only loudness can be overridden (by saving the same text again); a NaN or a runaway would just be muted.
    pub forceable: bool,
}

/// Nodes with effects outside the graph (files, devices, the debug display): trying them would write, open or
/// show things twice, so a version holding one goes out untried.
fn untried(spec: &GraphSpec) -> bool {
    spec.nodes
        .iter()
        .any(|n| n.def().is_sink() || matches!(n.kind, "input" | "RecordingNode" | "MidiInputNode" | "SoundFontNode"))
}

/// Try `spec` against what plays (`playing_rms`). `loudness` off skips the level check. Returns the trial's RMS
/// (before the master), or `None` when the version could not be tried.
pub fn check(spec: &GraphSpec, settings: &Settings, playing_rms: f32, loudness: bool) -> Result<Option<f32>, Held> {
    if untried(spec) {
        return Ok(None);
    }
    let Ok((mut graph, slot_of)) = crate::compile::build_linked(spec, settings, &[]) else {
        return Ok(None);
    };
    let rate = settings.sample_rate;
    let total = (TRIAL_SECONDS * rate) as usize;
    let simd = Simd::best();
    let (mut done, mut energy, mut counted) = (0usize, 0f64, 0usize);
    let mut chain_peak = vec![0f32; spec.sends.len()];
    while done < total {
        let n = (total - done).min(MAX_BLOCK);
        let beat = done as f64 * spec.bpm / 60.0 / f64::from(rate);
        let ctx = Ctx::with_simd(simd, rate, n, beat, spec.bpm);
        if let Some((slot, kind)) = graph.run(&ctx) {
            let node = slot_of.iter().position(|s| *s == Some(slot));
            return Err(fault(spec, node, kind));
        }
        for t in &graph.taps {
            if let Some(out) = graph
                .slots
                .get(t.slot as usize)
                .and_then(|s| s.outs.get(t.port as usize))
                && let Some(p) = chain_peak.get_mut(t.chain as usize)
            {
                *p = out[..n].iter().fold(*p, |m, x| m.max(x.abs()));
            }
        }
        // The level of the second half, once the attack is over.
        if done >= total / 2 {
            let (l, r) = graph.output(n);
            energy += l.iter().chain(r).map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>();
            counted += 2 * n;
        }
        done += n;
    }
    let rms = (energy / counted.max(1) as f64).sqrt() as f32;
    if loudness && rms > JUMP * playing_rms.max(FLOOR) {
        return Err(too_loud(spec, &chain_peak, rms, playing_rms));
    }
    Ok(Some(rms))
}

fn fault(spec: &GraphSpec, node: Option<usize>, kind: FaultKind) -> Held {
    let span = node.map_or(Span::default(), |i| spec.nodes[i].span);
    let what = match kind {
        FaultKind::NotFinite => "its output becomes NaN or infinite",
        FaultKind::Runaway => "it runs away (a feedback loop growing past full scale)",
    };
    let name = node.map_or("a node", |i| spec.nodes[i].kind);
    Held {
        diagnostic: Diagnostic::error("E018", span, format!("held back: `{name}` here: {what}"))
            .with_label("tried for 200 ms before sending")
            .with_help("the version before keeps playing; fix this line and save again"),
        forceable: false,
    }
}

fn too_loud(spec: &GraphSpec, chain_peak: &[f32], rms: f32, playing: f32) -> Held {
    let loudest = (0..chain_peak.len()).max_by(|&a, &b| chain_peak[a].total_cmp(&chain_peak[b]));
    let span = loudest.map_or(Span::default(), |i| spec.sends[i].span);
    let db = |x: f32| 20.0 * x.max(1e-6).log10();
    let jump = db(rms) - db(playing.max(1e-6));
    let jump = if playing < 1e-4 {
        format!("{:+.0} dBFS from silence", db(rms))
    } else {
        format!("{jump:+.0} dB over what plays")
    };
    Held {
        diagnostic: Diagnostic::error("E018", span, format!("held back: this version would jump {jump}"))
            .with_label("the loudest chain")
            .with_help("turn it down, or save the same text again to land it with a 1 s fade-in"),
        forceable: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_it(src: &str, playing: f32) -> Result<Option<f32>, Held> {
        let spec = crate::compile::check(src).expect("checks").spec;
        check(&spec, &Settings::default(), playing, true)
    }

    #[test]
    fn a_blast_is_held_at_its_line_and_a_normal_patch_goes() {
        let held = try_it("sine 220 -> gain 0.1 -> out\nnoise -> gain 1000 -> out\n", 0.07).expect_err("held");
        assert!(held.forceable);
        assert_eq!(held.diagnostic.span.start, 28, "the noise chain: {:?}", held.diagnostic);
        assert!(
            held.diagnostic.message.contains("dB over what plays"),
            "{}",
            held.diagnostic.message
        );
        try_it("sine 220 -> out\n", 0.0).expect("a full-scale sine from silence is not a jump");
        try_it("sine 220 -> gain 2 -> out\n", 0.5).expect("+9 dB goes");
        assert!(try_it("sine 220 -> gain 4 -> out\n", 0.3).is_err(), "+19 dB is held");
    }

    #[test]
    fn a_runaway_or_a_nan_is_held_and_cannot_be_forced() {
        let held = try_it(
            "echo = (noise + echo*2) -> delay 0.001\necho -> gain 0.01 -> out\n",
            0.1,
        )
        .expect_err("held");
        assert!(!held.forceable);
        assert!(
            held.diagnostic.message.contains("runs away"),
            "{}",
            held.diagnostic.message
        );
        let spec = crate::compile::check("sine 0 -> out").expect("checks").spec;
        let settings = Settings::default();
        assert!(check(&spec, &settings, 0.0, false).is_ok());
    }
}
