//! A graph's estimated processing cost, for the preview's CPU figure: nanoseconds per frame per node kind,
//! measured with `render --raw` on the development machine (one core of a 2-core VM) and kept as a table so the
//! estimate is the same on every run. Pure; control thread.

use super::graph::GraphSpec;

/// Estimated nanoseconds one frame of a node of `kind` takes.
pub fn node_ns(kind: &str) -> f64 {
    match kind {
        "gain" | "clip" | "mul" | "add" | "sub" | "div" | "neg" | "sum" | "out" | "mix" => 0.5,
        "sine" | "phasor" => 1.5,
        "saw" | "triangle" | "drive" | "sample_hold" | "input" => 2.5,
        "lowpass" | "highpass" | "bandpass" | "pan" | "slew" => 3.5,
        "adsr" | "perc" => 6.0,
        "delay" => 9.0,
        "seq" | "clock" => 13.0,
        "reverb" => 35.0,
        "SoundFontNode" => 60.0,
        "WavFileNode" => 10.0,
        // square, noise, and the rest.
        _ => 3.0,
    }
}

/// Estimated share of one core (in %) the graph takes at `sample_rate`.
pub fn cpu_percent(spec: &GraphSpec, sample_rate: f32) -> f64 {
    let ns: f64 = spec.nodes.iter().map(|n| node_ns(n.kind)).sum();
    ns * f64::from(sample_rate) / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reverb_costs_more_than_a_sine_and_the_estimate_scales_with_the_rate() {
        let spec = |src: &str| crate::compile::check(src).expect("checks").spec;
        let sine = cpu_percent(&spec("sine 440 -> out"), 48_000.0);
        let verb = cpu_percent(&spec("sine 440 -> reverb -> out"), 48_000.0);
        assert!(verb > 5.0 * sine, "{sine} {verb}");
        let doubled = cpu_percent(&spec("sine 440 -> out"), 96_000.0);
        assert!((doubled - 2.0 * sine).abs() < 1e-9);
    }
}
