//! Keeping the take (issue 17): a set played live (headless, paced in real time with no sound card) with
//! `--record`, edited while it plays (good, broken, a new chain, panic and resume), then replayed from its set log:
//! the replay must equal the recording sample for sample. Also: the log and the WAV survive `kill -9`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::headless as start;

use crate::common::{read_lines, wait_line as wait};
use crate::live_set::{LiveSet, assert_binary_replays};

fn set_log(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "setlog"))
        .expect("a set log beside the patch")
}

fn samples(path: &Path) -> Vec<f32> {
    hound::WavReader::open(path)
        .unwrap()
        .samples::<f32>()
        .map(Result::unwrap)
        .collect()
}

fn save(dir: &Path, text: &str) {
    // Atomic, as an editor saves.
    std::fs::write(dir.join("p.tmp"), text).unwrap();
    std::fs::rename(dir.join("p.tmp"), dir.join("p.syn")).unwrap();
}

#[test]
fn a_replayed_set_log_equals_the_recording_sample_for_sample() {
    let dir = crate::common::scratch("take-replay");
    std::fs::write(dir.join("p.syn"), "sine 220 -> gain 0.2 -> out\n").unwrap();
    let mut child = start(&dir, &["--record", "take.wav"]);
    let lines = read_lines(&mut child);
    wait(&lines, "v1 ok");
    wait(&lines, "type p + Enter");
    std::thread::sleep(Duration::from_millis(300));
    save(&dir, "sine 330 -> gain 0.2 -> out\n");
    wait(&lines, "v2 ok");
    std::thread::sleep(Duration::from_millis(200));
    save(&dir, "sine 330 -> gain 0.2 -> \n");
    wait(&lines, "keeps playing");
    std::thread::sleep(Duration::from_millis(200));
    save(
        &dir,
        "sine 330 -> gain 0.2 -> out\nnoise -> lowpass 800 -> gain 0.1 -> delay 0.05 -> out\n",
    );
    wait(&lines, "v3 ok");
    std::thread::sleep(Duration::from_millis(250));
    let stdin = child.stdin.as_mut().unwrap();
    writeln!(stdin, "p").unwrap();
    wait(&lines, "panic:");
    std::thread::sleep(Duration::from_millis(150));
    writeln!(stdin, "r").unwrap();
    wait(&lines, "resumed");
    std::thread::sleep(Duration::from_millis(300));
    writeln!(stdin, "q").unwrap();
    assert!(child.wait().unwrap().success());

    let log = set_log(&dir);
    let text = std::fs::read_to_string(&log).unwrap();
    for ev in [
        "\"ev\":\"version\"",
        "\"ev\":\"panic\"",
        "\"ev\":\"resume\"",
        "\"ev\":\"end\"",
    ] {
        assert!(text.contains(ev), "{ev} missing:\n{text}");
    }
    assert_binary_replays(&dir, &log, 2 * 48_000);
    // `--at` prints the version playing then: just after the first landed.
    let set = synchrotron_tui::setlog::replay::parse(&text).expect("reads");
    let first = set.records.iter().find_map(|r| match r {
        synchrotron_tui::setlog::Record::Version(l) => Some(l.frame),
        _ => None,
    });
    let when = format!("{:.4}", (first.expect("a version") + 48) as f64 / 48_000.0);
    let at = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(["replay"])
        .arg(&log)
        .args(["--at", &when])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&at.stdout).contains("sine 220"),
        "{}",
        String::from_utf8_lossy(&at.stdout)
    );
}

#[test]
fn after_kill_9_the_recording_and_the_log_read_back() {
    let dir = crate::common::scratch("take-kill");
    std::fs::write(dir.join("p.syn"), "sine 220 -> gain 0.2 -> out\n").unwrap();
    let mut child = start(&dir, &["--record", "take.wav"]);
    let lines = read_lines(&mut child);
    wait(&lines, "v1 ok");
    std::thread::sleep(Duration::from_millis(1_500));
    // timeout's child is the app: kill it, not timeout.
    let _ = Command::new("pkill")
        .args(["-KILL", "-P", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let take = samples(&dir.join("take.wav"));
    assert!(
        take.len() > 2 * 24_000,
        "most of the recording is readable: {} samples",
        take.len()
    );
    assert!(take.iter().all(|s| s.is_finite()));
    let log = std::fs::read_to_string(set_log(&dir)).unwrap();
    let set = synchrotron_tui::setlog::replay::parse(&log).expect("the log reads");
    assert!(set.playing_at(48_000).is_some_and(|v| v.text.contains("sine 220")));
}

#[test]
fn a_full_disk_stops_the_recording_with_a_message_and_the_music_plays_on() {
    let dir = crate::common::scratch("take-full");
    std::fs::write(dir.join("p.syn"), "sine 220 -> gain 0.2 -> out\n").unwrap();
    // A file-size limit of 256 KiB stands in for a full disk (SIGXFSZ ignored, so writes fail with EFBIG).
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 256; exec timeout -s TERM 60 {} p.syn --headless --no-audio --retro 0 --no-log --record take.wav",
            env!("CARGO_BIN_EXE_synchrotron-tui")
        ))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = read_lines(&mut child);
    wait(&lines, "v1 ok");
    wait(&lines, "stopped: ");
    assert!(lines.lock().unwrap().iter().any(|l| l.contains("the music goes on")));
    // Still playing: an edit is still heard (and answered).
    save(&dir, "sine 330 -> gain 0.2 -> out\n");
    wait(&lines, "v2 ok");
    writeln!(child.stdin.as_mut().unwrap(), "q").unwrap();
    assert!(child.wait().unwrap().success());
}

/// A set played in-process with live MIDI (a keyboard through the hub, stamped as the MIDI thread stamps it) and
/// every kind of edit (retune, broken, quantised, an evaluated chain, panic and resume, volume), its output copied
/// as the recorder copies it; the set log it wrote replays to the same samples.
#[test]
fn a_set_with_live_midi_and_every_kind_of_edit_replays_sample_for_sample() {
    use synchrotron_tui::dsp::midi::input::{now_micros, send};
    use synchrotron_tui::setlog::Record;
    let mut set = LiveSet::new();
    let v1 = "keys = midi port=77 poly=4\nsaw keys.freq -> lowpass 1200 -> gain (adsr keys.gate a=3ms r=80ms)*0.2 -> out\nsine 110 -> gain 0.05 -> out\n";
    set.s.reload(v1).expect("v1");
    set.play(20);
    for (k, note) in [60u8, 64, 67].into_iter().enumerate() {
        send(77, now_micros() + k as u64 * 3_000, &[0x90, note, 100]);
    }
    set.play(30);
    set.s.reload(&v1.replace("1200", "2400")).expect("retune");
    set.play(20);
    assert!(set.s.reload("saw keys.freq -> lowpas 800 -> out").is_err(), "broken");
    send(77, now_micros(), &[0x80, 64, 0]);
    set.play(20);
    set.s.set_quantum(1.0);
    set.s
        .reload(&v1.replace("1200", "900").replace("sine 110", "sine 165"))
        .expect("quantised");
    set.play(120);
    set.s.set_quantum(0.0);
    let live = set.s.newest_src().to_string();
    let buffer = live.replace("gain 0.05", "gain 0.08");
    let spliced = synchrotron_tui::live::evaluate::splice(&live, &buffer, 2, 2).expect("splices");
    set.s.reload(&spliced.text).expect("evaluated");
    set.play(30);
    set.s.panic();
    set.play(10);
    set.s.resume();
    set.s.set_volume_db(-6.0);
    send(77, now_micros(), &[0x90, 72, 90]);
    set.play(60);
    let midi = set.log.iter().filter(|r| matches!(r, Record::Midi { .. })).count();
    assert!(midi >= 5, "{:?}", set.log);
    assert!(set.log.iter().filter(|r| matches!(r, Record::Version(_))).count() >= 4);
    set.assert_replays(None, 2 * 48_000);
}

/// `replay --at T --open`: the set is fast-forwarded offline to T and goes on live in the editor, every node as it
/// was then: a sequencer that was on its third step plays on from its third step, not from the first.
#[cfg(feature = "cpal")]
#[test]
fn replay_at_a_moment_opens_the_editor_playing_on_from_there() {
    use crate::common::{ALSA_FILE, alsa_home, captured_bytes, captured_left_from};
    let dir = alsa_home("take-open", ALSA_FILE);
    let patch = dir.join("p.syn");
    let text = "bpm 120\nnotes = seq [a3 c4 e4 g4] every=1 len=1\nsaw notes -> gain 0.2 -> out\n";
    std::fs::write(&patch, text).unwrap();
    let start = synchrotron_tui::setlog::Record::Start {
        sample_rate: 48_000,
        seed: 0,
        protected: true,
        patch: patch.display().to_string(),
        started: 0,
        device: String::new(),
        buffer: 0,
    };
    let v1 = synchrotron_tui::setlog::Record::Version(synchrotron_tui::setlog::Landed {
        version: 1,
        frame: 0,
        text: text.into(),
        muted: vec![],
        soloed: vec![],
        glide: 480,
        fade: 960,
        crossfade: false,
        changes: vec![],
        mode: String::new(),
    });
    let end = synchrotron_tui::setlog::Record::End { frame: 10 * 48_000 };
    std::fs::write(dir.join("set.setlog"), [start, v1, end].map(|r| r.to_json()).join("\n")).unwrap();
    // At 1.25 s the sequencer is on its third step (e4): a step is a beat, half a second.
    let t = crate::tmux::Tmux::run_in("open", dir.clone(), "replay set.setlog --at 1.25 --open");
    let s = t.wait_screen("notes = seq");
    assert!(s.contains("p.syn"), "{s}");
    t.wait_audio(0.2);
    assert!(captured_bytes(&t.dir) > 8 * 9_600);
    // The first frames the device got (the file starts with them): e4's saw, 329.6 Hz, not a3's 220; and a
    // quarter second on, the fourth step.
    let x = captured_left_from(&t.dir, 0, 4_800);
    let f = crate::common::zero_crossing_freq(&x, 48_000.0);
    assert!((f - 329.6).abs() < 5.0, "plays on from the third step: {f} Hz");
    let later = captured_left_from(&t.dir, 8 * 14_400, 4_800);
    let g = crate::common::zero_crossing_freq(&later, 48_000.0);
    assert!((g - 392.0).abs() < 5.0, "then the fourth: {g} Hz");
}

#[test]
fn the_retro_buffer_writes_the_last_moments_without_stopping_anything() {
    let dir = crate::common::scratch("take-retro");
    std::fs::write(dir.join("p.syn"), "sine 220 -> gain 0.2 -> out\n").unwrap();
    let mut child = Command::new("timeout")
        .args(["-s", "TERM", "60"])
        .arg(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(["p.syn", "--headless", "--no-audio", "--no-log", "--retro", "0.02"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = read_lines(&mut child);
    wait(&lines, "v1 ok");
    // Two seconds played; the buffer holds the last 1.2.
    std::thread::sleep(Duration::from_secs(2));
    writeln!(child.stdin.as_mut().unwrap(), "w").unwrap();
    wait(&lines, "written to");
    let line = lines
        .lock()
        .unwrap()
        .iter()
        .find(|l| l.contains("written to"))
        .cloned()
        .unwrap();
    let name = line.split('`').nth(1).expect("the file is named").to_string();
    let x = samples(&dir.join(&name));
    let secs = x.len() as f64 / 2.0 / 48_000.0;
    assert!((secs - 1.2).abs() < 0.05, "the last 1.2 s: {secs}");
    assert!(x[x.len() / 2..].iter().any(|v| v.abs() > 0.1), "it holds the sound");
    // Still playing.
    save(&dir, "sine 330 -> gain 0.2 -> out\n");
    wait(&lines, "v2 ok");
    writeln!(child.stdin.as_mut().unwrap(), "q").unwrap();
    assert!(child.wait().unwrap().success());
}

/// A control moved from outside (as OSC moves it) is logged on the frame its node took the move, and the replay
/// moves it there: the same samples.
#[test]
fn a_set_with_a_control_moved_from_outside_replays_sample_for_sample() {
    use synchrotron_tui::setlog::Record;
    let mut set = LiveSet::new();
    set.s
        .reload(
            "replay_ctl = ctl 300 min=100 max=2000 glide=20ms\nsaw 110 -> lowpass replay_ctl q=4 -> gain 0.2 -> out\n",
        )
        .expect("v1");
    set.play(20);
    for v in [800.0, 1500.0, 150.0] {
        assert!(synchrotron_tui::dsp::ctl::set("replay_ctl", v));
        set.play(15);
    }
    let moves = set.log.iter().filter(|r| matches!(r, Record::Ctl { .. })).count();
    assert_eq!(moves, 3, "{:?}", set.log);
    // The replay starts where the set started.
    synchrotron_tui::dsp::ctl::set("replay_ctl", 300.0);
    set.assert_replays(None, 30_000);
}

/// The device is lost and comes back (a new engine, every node fresh): the recording goes on from the new engine,
/// the set log's frames go on counting, and the replay restarts where the set did, sample for sample.
#[test]
fn a_set_whose_device_was_reopened_replays_sample_for_sample() {
    use synchrotron_tui::keep::{Keep, KeepOptions};
    use synchrotron_tui::live::{LiveConfig, Session};
    let dir = crate::common::scratch("take-reopen");
    let patch = dir.join("p.syn");
    let text = "bpm 150\nnotes = seq [a3 c4 e4] every=1/4\nsaw notes -> lowpass 1500 -> gain 0.2 -> out\n";
    std::fs::write(&patch, text).unwrap();
    let (mut s, mut e) = Session::new(LiveConfig::default());
    let opts = KeepOptions {
        record: Some(dir.join("take.wav")),
        retro_minutes: 0.0,
        log_dir: None,
        no_log: false,
    };
    let mut keep = Keep::start(&patch, &mut s, &opts, &synchrotron_tui::live::AudioInfo::default());
    s.reload(text).expect("loads");
    let mut buf = vec![0.0f32; 2 * 333];
    let mut play = |s: &mut Session, e: &mut synchrotron_tui::engine::Engine, keep: &mut Keep, blocks: usize| {
        for _ in 0..blocks {
            e.process(&mut buf);
            keep.tick(&s.tick());
        }
    };
    play(&mut s, &mut e, &mut keep, 100);
    let lost_at = s.handle().telemetry().rendered();
    drop(e);
    let mut e = s.restart(48_000.0);
    keep.reattach(&mut s);
    play(&mut s, &mut e, &mut keep, 100);
    keep.finish(&s);
    let log = keep.log.as_ref().expect("a set log").path().to_path_buf();
    drop(keep);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&format!("\"ev\":\"restart\",\"frame\":{lost_at}")),
        "{text}"
    );
    assert_eq!(
        s.handle().telemetry().rendered(),
        lost_at + 100 * 333,
        "the frames go on counting"
    );
    let set = synchrotron_tui::setlog::replay::read(&log).expect("reads");
    let mut replayed = Vec::new();
    set.render(0, set.last_frame(), &mut |x| replayed.extend_from_slice(x))
        .expect("replays");
    let take = samples(&dir.join("take.wav"));
    assert_eq!(
        take.len(),
        2 * 200 * 333,
        "the recording went on after the device came back"
    );
    let first = (0..take.len()).find(|&i| take[i].to_bits() != replayed[i].to_bits());
    assert_eq!(first, None, "differs at sample {first:?}");
}
