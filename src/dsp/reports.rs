//! What nodes tell the set log from the audio thread (a MIDI message placed, a control moved): each node pushes
//! into a ring of its own, registered on the thread that built it. That control thread drains them, so two sessions
//! in one process (tests) never read each other's. Rings are registered and drained on the control thread; the push
//! is lock-free.

use rtrb::{Consumer, Producer, RingBuffer};
use std::cell::RefCell;
use std::thread::LocalKey;

/// The rings of one kind of report, per thread.
pub type Rings<T> = RefCell<Vec<Consumer<T>>>;

/// Reports one node may have waiting.
const RING: usize = 1024;

/// A ring for a node being built on this thread. Control thread.
pub fn register<T>(rings: &'static LocalKey<Rings<T>>) -> Producer<T> {
    register_sized(rings, RING)
}

/// A ring of `capacity` reports for a node being built on this thread. Control thread.
pub fn register_sized<T>(rings: &'static LocalKey<Rings<T>>, capacity: usize) -> Producer<T> {
    let (tx, rx) = RingBuffer::new(capacity);
    rings.with_borrow_mut(|r| r.push(rx));
    tx
}

/// Every report since the last call from the nodes built on this thread, as they come (for reports only one node
/// makes, so no comparing: thousands a tick stay cheap). Control thread.
pub fn drain_all<T>(rings: &'static LocalKey<Rings<T>>, into: &mut Vec<T>) {
    rings.with_borrow_mut(|rings| {
        for rx in rings.iter_mut() {
            while let Ok(r) = rx.pop() {
                into.push(r);
            }
        }
        rings.retain(|rx| !(rx.is_abandoned() && rx.is_empty()));
    });
}

/// Every report since the last call from the nodes built on this thread, each once (several nodes may report the
/// same thing: `same` says when); rings whose node is gone are dropped once empty. Control thread.
pub fn drain<T>(rings: &'static LocalKey<Rings<T>>, into: &mut Vec<T>, same: impl Fn(&T, &T) -> bool) {
    rings.with_borrow_mut(|rings| {
        let start = into.len();
        for rx in rings.iter_mut() {
            while let Ok(r) = rx.pop() {
                if !into[start..].iter().any(|q| same(q, &r)) {
                    into.push(r);
                }
            }
        }
        rings.retain(|rx| !(rx.is_abandoned() && rx.is_empty()));
    });
}
