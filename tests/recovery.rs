//! If the app panics, the buffer is written next to the patch and the message says where. Its own binary,
//! because a panic hook is process-wide.

use synchrotron_tui::tui::save;

#[test]
fn a_panic_writes_the_buffer_to_a_recovery_file() {
    let dir = std::env::temp_dir().join(format!("synchrotron-recovery-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let patch = dir.join("set.syn");
    save::remember(&patch, "saw 110 -> lowpass 800 -> out # unsaved ♪", true);
    save::install_panic_hook();
    let result = std::panic::catch_unwind(|| panic!("boom"));
    assert!(result.is_err());
    let recovered = std::fs::read_to_string(dir.join("set.syn.recovered")).expect("recovery file written");
    assert_eq!(recovered, "saw 110 -> lowpass 800 -> out # unsaved ♪");
    let _ = std::fs::remove_dir_all(&dir);
}
