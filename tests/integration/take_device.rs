//! Keeping the take through the real device (issue 17): the editor plays a patch with an audio input through ALSA
//! (a paced pair of pipes, `fifo.rs`), recording with `--record`, while the performer edits it every way there is
//! (a new chain, a broken save, a quantised save, Ctrl-Enter, panic and unmute) and a controller moves a `ctl`
//! over OSC. Then `replay` renders the set log; the recording and the replay must be the same samples, frame for
//! frame.

use crate::fifo::FifoDevice;
use crate::tmux::Tmux;
use std::net::UdpSocket;

const PATCH: &str = "bpm 240
notes = seq [a3 c4 e4 g4] every=1/2
cut = ctl 900 min=200 max=4000 glide=20ms
saw notes -> lowpass cutoff=cut -> gain 0.1 -> out
input -> gain 0.3 -> out
";

/// The microphone: a 330 Hz tone on the left, 495 Hz on the right.
fn voice(f: usize) -> (f32, f32) {
    let t = f as f32 / 48_000.0;
    (
        0.4 * (std::f32::consts::TAU * 330.0 * t).sin(),
        0.2 * (std::f32::consts::TAU * 495.0 * t).sin(),
    )
}

/// Edit the end of line `line` (1-based; the cursor starts on line 1): `back` characters off, `text` on.
fn edit_line_end(t: &Tmux, line: usize, back: usize, text: &str) {
    t.keys(&["C-Home"]);
    for _ in 1..line {
        t.keys(&["Down"]);
    }
    t.keys(&["End"]);
    for _ in 0..back {
        t.keys(&["BSpace"]);
    }
    t.type_text(text);
}

#[test]
fn a_set_played_through_the_device_replays_to_what_the_device_was_sent() {
    let dev = FifoDevice::start("take-device", 4.0, voice);
    let dir = dev.dir.clone();
    std::fs::write(dir.join("p.syn"), PATCH).unwrap();
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let t = Tmux::run_in(
        "take-device",
        dir.clone(),
        &format!("p.syn --record take.wav --retro 0 --osc {port}"),
    );
    t.keep_pane();
    t.wait_screen("v1 ok");
    dev.wait_audio(1.0);
    // A new chain.
    edit_line_end(&t, 5, 0, "");
    t.keys(&["Enter"]);
    t.type_text("sine 660 -> gain 0.05 -> out");
    t.wait_screen("0.05 -> out");
    t.keys(&["C-s"]);
    t.wait_screen("v2 ok");
    dev.wait_audio(1.0);
    // A broken save: nothing changes.
    t.type_text(" ->");
    t.wait_screen("-> out ->");
    t.keys(&["C-s"]);
    t.wait_screen("saved, but 1 error(s)");
    t.keys(&["BSpace", "BSpace", "BSpace"]);
    dev.wait_audio(0.5);
    // A controller turns the cutoff up.
    let osc = UdpSocket::bind("127.0.0.1:0").unwrap();
    let msg = rosc::OscPacket::Message(rosc::OscMessage {
        addr: "/syn/ctl/cut".into(),
        args: vec![rosc::OscType::Float(3000.0)],
    });
    osc.send_to(&rosc::encoder::encode(&msg).unwrap(), ("127.0.0.1", port))
        .unwrap();
    dev.wait_audio(1.0);
    // A quantised save (the input louder), landing on the bar.
    t.keys(&["F4"]);
    t.wait_screen("quantize on");
    edit_line_end(&t, 5, 10, "0.5 -> out");
    t.wait_screen("gain 0.5 -> out");
    t.keys(&["C-s"]);
    t.wait_screen("v3 ok");
    t.keys(&["F4"]);
    t.wait_screen("quantize off");
    dev.wait_audio(1.0);
    // Alt-Enter (Ctrl-Enter where the terminal tells them apart): the sequencer twice as fast, not saved.
    edit_line_end(&t, 2, 1, "4");
    t.wait_screen("every=1/4");
    t.keys(&["M-Enter"]);
    t.wait_screen("line 2 evaluated");
    dev.wait_audio(1.0);
    // Panic, then unmute.
    t.keys(&["C-p"]);
    t.wait_screen("PANIC");
    dev.wait_audio(0.5);
    t.keys(&["C-u"]);
    t.wait_screen("unmuted");
    dev.wait_audio(1.0);
    // The evaluated line is not saved: quit without saving.
    t.keys(&["C-q"]);
    t.wait_screen("Quit without saving?");
    t.keys(&["y"]);
    assert!(t.ended_with_terminal_restored(), "{}", t.screen());
    let sent = dev.finish();

    let log = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "setlog"))
        .expect("a set log beside the patch");
    let text = std::fs::read_to_string(&log).unwrap();
    for ev in [
        "\"version\"",
        "\"panic\"",
        "\"resume\"",
        "\"ctl\"",
        "\"input\"",
        "\"end\"",
    ] {
        assert!(text.contains(ev), "{ev} missing:\n{text}");
    }
    assert!(
        log.with_extension("input.wav").exists(),
        "the input kept beside the log"
    );
    let take = crate::live_set::assert_binary_replays(&dir, &log, 2 * 48_000 * 2);
    assert!(take.iter().any(|x| x.abs() > 0.05), "it played");
    // The device's own stream is not compared bit for bit: around each time the device ran dry (the pipe is read
    // at its own pace), ALSA's file plugin writes what was left in its buffer, not what the app wrote next.
    assert!(sent.iter().any(|x| x.abs() > 0.05), "the device was sent sound");
}
