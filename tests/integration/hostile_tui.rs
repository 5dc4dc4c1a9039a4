//! The editor screen ending without the performer's say: every signal but SIGKILL keeps unsaved text in
//! `PATCH.recovered` and restores the terminal; the next start offers it back (undoably); a failed save never
//! quits; PANIC works with a dialog open. The real binary in tmux.

use crate::tmux::Tmux;
use std::process::Command;

const PATCH: &str = "sine 440 -> gain 0.5 -> out\n";

#[test]
fn every_ending_signal_keeps_unsaved_text_and_the_next_start_offers_it() {
    for sig in ["-HUP", "-TERM", "-QUIT", "-INT"] {
        let name = format!("sig{}", &sig[1..]).to_lowercase();
        let t = Tmux::start(&name, Some(PATCH));
        t.wait_screen("v1 ok");
        t.keys(&["End"]);
        t.type_text(" # unsaved");
        t.wait_screen("# unsaved");
        t.keep_pane();
        assert!(Command::new("kill").args([sig, &t.pid()]).status().unwrap().success());
        assert!(
            t.ended_with_terminal_restored(),
            "{sig}: the terminal was left in the app's screen"
        );
        let recovered = std::fs::read_to_string(t.dir.join("p.syn.recovered"))
            .unwrap_or_else(|e| panic!("{sig}: no recovery file: {e}"));
        assert_eq!(recovered, "sine 440 -> gain 0.5 -> out # unsaved\n", "{sig}");
        assert_eq!(std::fs::read_to_string(t.dir.join("p.syn")).unwrap(), PATCH);
        if sig != "-HUP" {
            continue;
        }
        // The next start offers it; PANIC works in that dialog; restoring is one undoable edit.
        let again = Tmux::start_in(&format!("{name}-again"), t.keep_dir());
        again.wait_screen("Unsaved text from an earlier session");
        again.keys(&["C-p"]);
        again.wait_screen("PANIC");
        again.keys(&["r"]);
        let s = again.wait_screen("recovered text restored");
        assert!(s.contains("# unsaved") && s.contains("p.syn*"), "{s}");
        assert!(!again.dir.join("p.syn.recovered").exists());
        again.keys(&["C-z"]);
        let s = again.wait_gone("# unsaved");
        assert!(s.contains("sine 440 -> gain 0.5 -> out"), "{s}");
    }
}

#[test]
fn the_app_ends_with_its_terminal_and_keeps_unsaved_text() {
    let t = Tmux::start("gone", Some(PATCH));
    t.wait_screen("v1 ok");
    t.keys(&["End"]);
    t.type_text(" # typed");
    t.wait_screen("# typed");
    let pid = t.pid();
    assert!(
        Command::new("tmux")
            .args(["-L", &t.socket, "kill-server"])
            .status()
            .unwrap()
            .success()
    );
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    let started = std::time::Instant::now();
    while proc_dir.exists() && !std::fs::read_to_string(proc_dir.join("stat")).is_ok_and(|s| s.contains(") Z")) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "still running 5 s after its terminal went away"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let recovered = std::fs::read_to_string(t.dir.join("p.syn.recovered")).unwrap();
    assert!(recovered.contains("# typed"), "{recovered}");
}

#[test]
fn a_save_that_fails_never_quits_and_read_only_patches_stay_as_they_are() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tmux::start("readonly", Some(PATCH));
    t.wait_screen("v1 ok");
    let path = t.dir.join("p.syn");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    t.keys(&["End"]);
    t.type_text(" # mine");
    t.wait_screen("# mine");
    t.keys(&["C-q"]);
    t.wait_screen("Quit without saving?");
    t.keys(&["s"]);
    let s = t.wait_screen("NOT SAVED (not quitting)");
    assert!(s.contains("read-only"), "{s}");
    assert!(t.running(), "the text is not on disk, so the app stays");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), PATCH);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444, "not replaced by a writable file");
    // PANIC in the help screen silences the sound.
    t.keys(&["F1"]);
    t.wait_screen("help · keys, language and nodes");
    t.wait_audio(0.3);
    t.keys(&["C-p"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = t.left().len();
    t.wait_audio(0.3);
    let x = t.left();
    let after = &x[before..];
    assert!(
        !after.is_empty() && after.iter().all(|v| *v == 0.0),
        "silent after PANIC in help"
    );
}
