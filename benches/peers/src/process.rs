//! The whole product path, as a performer runs it: `synchrotron-tui render P.syn --out /dev/null` (protection
//! on, WAV written), timed as a process from start to exit, per frame. Compared with the peers' bare engines
//! from the same run.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The release binary of the main crate (`make bench-peers` builds it first).
fn binary() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/synchrotron-tui");
    path.exists().then_some(path)
}

/// Median and best ns per frame of `runs` whole renders of `patch` lasting `seconds`.
pub fn measure(patch: usize, seconds: f64, runs: usize) -> Option<(f64, f64)> {
    let bin = binary()?;
    let src = synchrotron_tui::patches::standard().into_iter().nth(patch)?.1;
    let dir = std::env::temp_dir().join(format!("synchrotron-peers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join(format!("p{}.syn", patch + 1));
    std::fs::write(&file, src).ok()?;
    let frames = seconds * f64::from(crate::SR);
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let ok = Command::new(&bin)
            .args(["render", "--out", "/dev/null", "--seconds"])
            .arg(seconds.to_string())
            .arg(&file)
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        times.push(t.elapsed().as_secs_f64() * 1e9 / frames);
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    Some((times[times.len() / 2], times[0]))
}
