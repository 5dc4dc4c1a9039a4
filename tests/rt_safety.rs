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
    // Scripts name files next to them (tiny.sf2); this test is the only one in its binary that opens patches.
    synchrotron_tui::cli::patch_opened(std::path::Path::new("patches/synchrolang/x.syn"));
    let mut srcs: Vec<(String, String)> = ["patches", "patches/synchrolang"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten())
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
input.left -> gain 0.1 -> out
";

use synchrotron_tui::live::{LiveConfig, Session};

/// Patches that exercise every kind of swap: retunes (move), added and removed chains (crossfade), new lists
/// (replace), tempo changes, and broken ones (nothing sent).
const EDITS: &[&str] = &[
    "sine 440 -> gain 0.3 -> out",
    "sine 660 -> gain 0.3 -> out",
    "sine 660 -> gain 0.3 -> delay 0.1 feedback=0.6 -> out",
    "sine 660 -> gain 0.2 -> delay 0.1 feedback=0.6 -> out\nnoise -> bandpass 900 -> gain 0.1 -> reverb -> out",
    "bpm 90\nseq [a3 c4 e4] -> saw -> lowpass 900 -> gain 0.2 -> out",
    "bpm 90\nseq [a3 c4 g4] -> saw -> lowpass 1200 -> gain 0.2 -> out",
    "saw 110 -> lowpas 800 -> out",
    "x = (saw 55 + x*0.5) -> delay 0.05\nx -> gain 0.2 -> out",
];

#[test]
fn swaps_crossfades_glides_and_retirements_never_allocate_on_the_audio_path() {
    let (mut session, mut engine) = Session::new(LiveConfig::default());
    let mut buf = vec![0.0f32; 2 * 256];
    reset_violation_count();
    for round in 0..60 {
        let _ = session.reload(EDITS[round % EDITS.len()]);
        if round % 7 == 3 {
            session.panic();
        }
        if round % 7 == 5 {
            session.resume();
        }
        for _ in 0..8 {
            assert_no_alloc(|| engine.process(&mut buf));
            session.tick();
        }
    }
    assert_eq!(violation_count(), 0);
}

#[test]
fn chain_meters_the_tapped_scope_mutes_and_solos_never_allocate_on_the_audio_path() {
    let (mut session, mut engine) = Session::new(LiveConfig::default());
    let src = "lfo = sine 3\nsaw 110 -> lowpass 800+lfo*300 -> gain 0.2 -> out\nsine 220 -> gain 0.1 -> out.left\nnoise -> gain 0.02 -> pan 0.3 -> out\n";
    session.reload(src).expect("loads");
    let mut buf = vec![0.0f32; 2 * 256];
    let mut peaks = Vec::new();
    reset_violation_count();
    for round in 0..80 {
        match round % 10 {
            // The scope follows the cursor over every line and column, then pins to the master.
            0..=5 => {
                let _ = session.scope_at(Some((round % 5 + 1, round % 17)));
            }
            6 => {
                let _ = session.scope_at(None);
            }
            7 => {
                let _ = session.toggle_chain(2 + round % 3, round % 20 == 7);
            }
            _ => {}
        }
        for _ in 0..8 {
            assert_no_alloc(|| engine.process(&mut buf));
            session.tick();
        }
        session.chain_peaks(&mut peaks);
    }
    assert_eq!(violation_count(), 0);
    assert_eq!(peaks.len(), 3, "three chains metered");
}

#[test]
fn keyboard_voices_controllers_and_a_flood_of_notes_never_allocate_on_the_audio_path() {
    use synchrotron_tui::dsp::midi::input::send_at_frame;
    let (mut session, mut engine) = Session::new(LiveConfig::default());
    let src = "keys = midi poly=8 port=51\ncut = cc 74 min=300 max=5000 curve=exp port=51\nsaw keys.freq*(1+keys.bend/12) -> lowpass cutoff=cut -> gain (adsr keys.gate)*keys.vel*0.1 -> delay 0.2 -> out\n";
    session.reload(src).expect("loads");
    let mut buf = vec![0.0f32; 2 * 256];
    engine.process(&mut buf);
    session.tick();
    reset_violation_count();
    let mut frame = 256u64;
    for round in 0..200u64 {
        // About 10 000 messages a second: notes (stealing), pedal, wheel, controllers.
        for k in 0..53u64 {
            let note = ((round * 7 + k * 13) % 128) as u8;
            let bytes = match k % 5 {
                0 | 1 => [0x90, note, 100],
                2 => [0x80, note, 0],
                3 => [0xE0, (k % 128) as u8, (round % 128) as u8],
                _ => [0xB0, [64, 74, 1][(k % 3) as usize], (round % 128) as u8],
            };
            send_at_frame(51, frame + k * 4, &bytes);
        }
        if round % 50 == 25 {
            let _ = session.reload(&src.replace("lowpass", "highpass"));
        }
        assert_no_alloc(|| engine.process(&mut buf));
        session.tick();
        frame += 256;
    }
    assert_eq!(violation_count(), 0);
}

#[test]
fn the_recorder_ring_and_the_set_log_journal_never_allocate_on_the_audio_path() {
    use synchrotron_tui::engine::ToAudio;
    let (mut session, mut engine) = Session::new(LiveConfig::default());
    // A small ring, so it also fills up (then frames are counted as dropped, never waited for).
    let (tx, mut rx) = rtrb::RingBuffer::<f32>::new(4096);
    let _ = session.handle().send(ToAudio::Capture(tx));
    let mut buf = vec![0.0f32; 2 * 256];
    reset_violation_count();
    for round in 0..100 {
        if round % 10 == 0 {
            let _ = session.reload(EDITS[round / 10 % 4]);
        }
        if round % 25 == 5 {
            session.panic();
        }
        if round % 25 == 9 {
            session.resume();
            session.set_volume_db(-3.0);
        }
        assert_no_alloc(|| engine.process(&mut buf));
        session.tick();
        if round < 50 {
            while rx.pop().is_ok() {}
        }
    }
    assert_eq!(violation_count(), 0);
    assert!(
        session.handle().telemetry().dropped() > 0,
        "the full ring was counted, not waited on"
    );
}

#[test]
fn every_box_is_freed_on_the_control_thread_not_the_audio_thread() {
    let (mut session, mut engine) = Session::new(LiveConfig::default());
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = running.clone();
    let audio = std::thread::spawn(move || {
        let mut buf = vec![0.0f32; 2 * 128];
        reset_violation_count();
        while flag.load(std::sync::atomic::Ordering::Relaxed) {
            assert_no_alloc(|| engine.process(&mut buf));
            std::thread::yield_now();
        }
        // The counter is per thread: this is the audio thread's own record.
        (violation_count(), engine)
    });
    let (mut sent, mut freed) = (0, 0);
    // Keep editing until enough swaps have gone through, however busy the machine is.
    let started = std::time::Instant::now();
    let mut round = 0;
    while sent < 30 && started.elapsed() < std::time::Duration::from_mins(1) {
        if let Ok(Some(_)) = session.reload(EDITS[round % EDITS.len()]) {
            sent += 1;
        }
        let ev = session.tick();
        sent += ev.sent.len();
        freed += ev.freed;
        round += 1;
        std::thread::sleep(std::time::Duration::from_micros(300));
    }
    while !session.is_settled() {
        let ev = session.tick();
        sent += ev.sent.len();
        freed += ev.freed;
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    freed += session.tick().freed;
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    let (violations, engine) = audio.join().unwrap();
    assert_eq!(violations, 0, "the audio thread allocated or freed");
    assert!(sent >= 30, "only {sent} swaps went through in a minute");
    assert_eq!(freed, sent, "every swap sent came back and was freed here");
    // The engine itself is dropped here, on the control thread, after its stream would have stopped.
    drop(engine);
}

#[test]
fn sample_voices_their_steals_and_loops_never_allocate_on_the_audio_path() {
    let dir = std::env::temp_dir().join(format!("synchrotron-rt-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    synchrotron_tui::files::allow_dir(&dir).unwrap();
    let path = dir.join("blip.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..8_000i32 {
        w.write_sample(((i * 37) % 20_000 - 10_000) as i16).unwrap();
        w.write_sample(((i * 11) % 20_000 - 10_000) as i16).unwrap();
    }
    w.finalize().unwrap();
    // Triggers far faster than the voices free up (every voice stolen, over and over), pitch moving, looping.
    let src = format!(
        "sample \"{0}\" trig=(square 90) pitch=(sine 0.5)*12 voices=3 -> out\nsample \"{0}\" trig=1 loop=1 rate=-1.5 start=0.2 end=0.8 -> out\n",
        path.display()
    );
    assert_eq!(violations_while_rendering(&src), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
