//! A change over REST beside the editor screen (issue 18): the app runs in tmux playing through ALSA (the file
//! plugin), SynchrotronUI's console posts a script, and the performer sees it in the buffer (one undoable edit,
//! saved) and hears it: the pitch moves to the new value without a click.

use crate::common::{ALSA_FILE, SR, alsa_home, captured_bytes, captured_left_from, zero_crossing_freq};
use crate::rest::http;
use crate::tmux::Tmux;

const SCRIPT: &str = "new SineNode osc;
new 220 f;
new PlaybackNode out;
link f.out -> osc.frequency;
link osc.out -> out.left;
link osc.out -> out.right;
";

#[test]
fn a_change_over_rest_shows_in_the_editor_and_is_heard_without_a_click() {
    let dir = alsa_home("rest-tui", ALSA_FILE);
    std::fs::write(dir.join("p.syn"), SCRIPT).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = Tmux::run_in(
        "rest-tui",
        dir.clone(),
        &format!("p.syn --serve 127.0.0.1:{port} --no-log --retro 0"),
    );
    t.wait_screen("v1 ok");
    t.wait_audio(0.5);
    let before = captured_bytes(&dir);
    let (code, v) = http(
        port,
        "POST",
        "/execute",
        &[],
        b"new 330 g; link g.out -> osc.frequency;",
    );
    assert_eq!(code, 200, "{v}");
    // The status says it came over the network (`REST: v2 ok …`) until the swap's own news replaces it; under
    // load that can come first, so wait for the version and the text.
    let s = t.wait_screen("v2 ok");
    assert!(s.contains("new 330 g; link g.out -> osc.frequency;"), "{s}");
    t.wait_audio(0.5);
    // Saved like Ctrl-S: the file holds the change.
    let on_disk = std::fs::read_to_string(dir.join("p.syn")).unwrap();
    assert!(
        on_disk.ends_with("new 330 g; link g.out -> osc.frequency;\n"),
        "{on_disk}"
    );
    // One undoable edit: Ctrl-Z brings the buffer back to the script as it was.
    t.keys(&["C-z"]);
    t.wait_gone("new 330 g");
    // From a moment before the request to now (the capture runs far faster than real time).
    let from = before - 8 * 9_600;
    let left = captured_left_from(&dir, from, ((captured_bytes(&dir) - from) / 8) as usize);
    let start = &left[..9_600];
    let end = &left[left.len() - 9_600..];
    assert!((zero_crossing_freq(start, SR) - 220.0).abs() < 2.0);
    assert!((zero_crossing_freq(end, SR) - 330.0).abs() < 2.0);
    // No click: no step between samples larger than the steady 330 Hz wave's own.
    let step = |x: &[f32]| x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    let own = step(end);
    let worst = step(&left);
    assert!(worst <= own * 1.05, "largest step {worst} vs the wave's own {own}");
}
