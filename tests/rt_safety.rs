//! Real-time safety: `Engine::process` must not allocate or free. This binary installs `AllocDisabler` as the
//! global allocator and renders every example patch, and the awkward cases, through it.

use assert_no_alloc::{AllocDisabler, assert_no_alloc, reset_violation_count, violation_count};
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

fn engine(src: &str) -> Engine {
    let (graph, _) = compile::compile(src, &Settings::default()).expect("compiles");
    Engine::new(graph, 48_000.0, MasterConfig::protected())
}

/// Render 2 s in host buffers of several sizes (odd ones split blocks unevenly) with allocation forbidden.
fn violations_while_rendering(src: &str) -> u32 {
    let mut e = engine(src);
    let mut buffers: Vec<Vec<f32>> = [1usize, 37, 64, 256, 1000].iter().map(|n| vec![0.0; 2 * n]).collect();
    reset_violation_count();
    assert_no_alloc(|| {
        for _ in 0..40 {
            for b in &mut buffers {
                e.process(b);
            }
        }
    });
    violation_count()
}

#[test]
fn rendering_never_allocates() {
    let mut srcs: Vec<(String, String)> = std::fs::read_dir("patches")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "syn"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    srcs.push(("every node".into(), EVERY_NODE.into()));
    for (name, src) in &srcs {
        assert_eq!(violations_while_rendering(src), 0, "{name} allocated on the audio path");
    }
}

#[test]
fn the_guard_does_catch_allocation() {
    reset_violation_count();
    assert_no_alloc(|| std::hint::black_box(vec![1u8; 64]).len());
    assert!(violation_count() > 0);
}

const EVERY_NODE: &str = "
bpm 130
s = seq [a3 _ c4 e4] every=1/4
g = adsr s.gate
p = perc (clock 1/2)
w = noise pink -> sample_hold (clock 1) -> slew 0.1
x = (saw s) + (square s width=w*0.3+0.5) + (triangle s) + (sine s) + (phasor 3)
x -> lowpass cutoff=w*500+900 q=3 -> highpass 80 -> bandpass 700 q=0.5 -> gain g*0.1 -> clip 0.9 -> drive 2
  -> mix b=(noise*p) amount=0.2 -> delay 0.2 feedback=0.5 -> reverb -> out
x -> gain 0.05 -> pan (sine 0.3) -> out
";
