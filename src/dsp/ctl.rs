//! `ctl`: a named live control (`cutoff = ctl 1200 min=200 max=4000`) that OSC (or anything on the control side)
//! moves, gliding like a retuned value. Each name has one cell shared by every version of the patch, so a reload
//! keeps where the control was moved to; editing the value in the text moves it there. The cell is read on the
//! audio thread with plain atomics.

use super::{Block, Ctx, Processor};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Mutex, Weak};

/// One control's value (f32 bits) and the value the text last gave it.
#[derive(Default)]
pub struct Cell {
    value: AtomicU32,
    written: AtomicU32,
}

static CELLS: Mutex<Vec<(String, Weak<Cell>)>> = Mutex::new(Vec::new());

/// A control's move as the node took it: the render frame and the value (for the set log).
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub frame: u64,
    pub name: std::sync::Arc<str>,
    pub value: f32,
}

std::thread_local! {
    static MOVED: super::reports::Rings<Moved> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Every move taken since the last call by nodes built on this thread, once each. Control thread.
pub fn drain_moved(into: &mut Vec<Moved>) {
    super::reports::drain(&MOVED, into, PartialEq::eq);
}

/// The cell named `name`, made on first use; `written` is the value the text gives it now. Control thread.
fn cell(name: &str, written: f32) -> Arc<Cell> {
    let mut cells = CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    cells.retain(|(_, w)| w.strong_count() > 0);
    if let Some(c) = cells.iter().find(|(n, _)| n == name).and_then(|(_, w)| w.upgrade()) {
        // A new value written in the text wins over where the control was moved.
        if f32::from_bits(c.written.load(Relaxed)) != written {
            c.written.store(written.to_bits(), Relaxed);
            c.value.store(written.to_bits(), Relaxed);
        }
        return c;
    }
    let c = Arc::new(Cell {
        value: AtomicU32::new(written.to_bits()),
        written: AtomicU32::new(written.to_bits()),
    });
    cells.push((name.to_string(), Arc::downgrade(&c)));
    c
}

/// Move the control `name` to `value`; false when no patch declares it. Any thread but the audio thread.
pub fn set(name: &str, value: f32) -> bool {
    let cells = CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match cells.iter().find(|(n, _)| n == name).and_then(|(_, w)| w.upgrade()) {
        Some(c) if value.is_finite() => {
            c.value.store(value.to_bits(), Relaxed);
            true
        }
        _ => false,
    }
}

/// The names of the controls playing now, for messages.
pub fn names() -> Vec<String> {
    let cells = CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    cells
        .iter()
        .filter(|(_, w)| w.strong_count() > 0)
        .map(|(n, _)| n.clone())
        .collect()
}

pub struct Ctl {
    cell: Arc<Cell>,
    name: Arc<str>,
    /// The value last taken from the cell (bits), to report moves once.
    seen: u32,
    moved: rtrb::Producer<Moved>,
    min: f32,
    max: f32,
    coef: f32,
    now: f32,
}

impl Ctl {
    /// `key` names it (the binding before the `/`); settings are value, min, max, glide.
    pub fn new(key: &str, sample_rate: f32, s: &[f32]) -> Self {
        let get = |k: usize, d: f32| s.get(k).copied().unwrap_or(d);
        let name = key.split('/').next().unwrap_or(key);
        let (value, min, max, glide) = (get(0, 0.0), get(1, -1e9), get(2, 1e9), get(3, 0.02));
        let cell = cell(name, value);
        let moved = super::reports::register(&MOVED);
        Self {
            seen: cell.value.load(Relaxed),
            name: name.into(),
            moved,
            now: f32::from_bits(cell.value.load(Relaxed)).clamp(min.min(max), max.max(min)),
            cell,
            min: min.min(max),
            max: max.max(min),
            coef: if glide > 0.0 {
                1.0 - (-4.6 / (glide * sample_rate)).exp()
            } else {
                1.0
            },
        }
    }
}

impl Processor for Ctl {
    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let Some(out) = outs.first_mut() else { return };
        let bits = self.cell.value.load(Relaxed);
        if bits != self.seen {
            self.seen = bits;
            // Cloning the name is a reference count, not an allocation.
            let _ = self.moved.push(Moved {
                frame: ctx.frame,
                name: self.name.clone(),
                value: f32::from_bits(bits),
            });
        }
        let target = f32::from_bits(bits).clamp(self.min, self.max);
        super::keys::cc::glide(&mut out[..ctx.frames], &mut self.now, target, self.coef);
    }

    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.now = o.now;
            self.seen = o.seen;
        }
    }

    fn reset(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::MAX_BLOCK;

    fn run(c: &mut Ctl, blocks: usize) -> f32 {
        let mut outs = [[0.0; MAX_BLOCK]; 1];
        for _ in 0..blocks {
            c.process(&Ctx::new(48_000.0, MAX_BLOCK, 0.0, 120.0), &[], &mut outs);
        }
        outs[0][MAX_BLOCK - 1]
    }

    #[test]
    fn a_control_glides_to_where_it_is_set_stays_across_a_reload_and_follows_the_text() {
        let mut c = Ctl::new("ctl_test_cutoff/0:ctl", 48_000.0, &[1200.0, 200.0, 4000.0, 0.01]);
        assert_eq!(run(&mut c, 2), 1200.0);
        assert!(set("ctl_test_cutoff", 3000.0));
        let mid = run(&mut c, 1);
        assert!(mid > 1200.0 && mid < 3000.0, "gliding: {mid}");
        assert!((run(&mut c, 20) - 3000.0).abs() < 1.0);
        assert!(set("ctl_test_cutoff", 1e6));
        assert!((run(&mut c, 60) - 4000.0).abs() < 0.1, "held in its range");
        // A reload with the same text keeps the moved value; a new value in the text moves it.
        let mut again = Ctl::new("ctl_test_cutoff/0:ctl", 48_000.0, &[1200.0, 200.0, 4000.0, 0.01]);
        assert_eq!(run(&mut again, 2), 4000.0);
        let mut edited = Ctl::new("ctl_test_cutoff/0:ctl", 48_000.0, &[800.0, 200.0, 4000.0, 0.0]);
        assert_eq!(run(&mut edited, 1), 800.0);
        assert!(!set("no_such_control", 1.0));
        drop((c, again, edited));
    }
}
