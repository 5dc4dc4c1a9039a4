use super::super::looper::Looper;
use super::super::{Msg, Writer, read};
use super::*;
use crate::dsp::MAX_BLOCK;

fn block(events: &[(usize, Msg)]) -> Block {
    let mut b = [0.0; MAX_BLOCK];
    let mut w = Writer::new(&mut b);
    for &(p, m) in events {
        w.push(p, m);
    }
    b
}

fn ctx() -> Ctx {
    Ctx::new(48_000.0, MAX_BLOCK, 0.0, 120.0)
}

/// Run one block; the first output's events (for MIDI outputs) and samples.
fn run(p: &mut dyn Processor, ins: &[&[f32]]) -> (Vec<(usize, Msg)>, Block) {
    let mut outs = [[0.0; MAX_BLOCK]; 2];
    p.process(&ctx(), ins, &mut outs);
    (read(&outs[0]).collect(), outs[0])
}

fn pulses(at: &[usize]) -> Block {
    let mut b = [0.0; MAX_BLOCK];
    for &i in at {
        b[i] = 1.0;
    }
    b
}

#[test]
fn the_trigger_fires_on_note_ons_only() {
    let m = block(&[
        (3, Msg::note_on(60, 90)),
        (9, Msg::note_off(60)),
        (12, Msg::note_on(61, 0)),
    ]);
    let (_, out) = run(&mut Midi::Trigger, &[&m]);
    let fired: Vec<usize> = (0..MAX_BLOCK).filter(|&i| out[i] > 0.0).collect();
    assert_eq!(fired, vec![3]);
}

#[test]
fn mono_render_gives_the_last_note_and_zero_when_released() {
    let m = block(&[
        (0, Msg::note_on(69, 90)),
        (10, Msg::note_on(81, 90)),
        (20, Msg::note_off(69)),
        (30, Msg::note_off(81)),
    ]);
    let (_, out) = run(&mut Midi::Mono { note: None }, &[&m]);
    assert_eq!((out[5], out[15], out[25], out[35]), (440.0, 880.0, 880.0, 0.0));
}

#[test]
fn a_transposed_note_off_follows_its_note_on() {
    let mut t = transposer();
    let m = block(&[(0, Msg::note_on(60, 100)), (40, Msg::note_off(60))]);
    let mut by = [12.2f32; MAX_BLOCK];
    by[40..].fill(-5.0);
    let (ev, _) = run(&mut t, &[&m, &by]);
    assert_eq!(ev, vec![(0, Msg::note_on(72, 100)), (40, Msg::note_off(72))]);
    let m = block(&[(0, Msg::note_on(120, 100))]);
    let (ev, _) = run(&mut t, &[&m, &[12.0; MAX_BLOCK]]);
    assert!(ev.is_empty(), "a note pushed past 127 is dropped, not wrapped");
}

#[test]
fn hold_drops_note_offs() {
    let m = block(&[
        (0, Msg::note_on(60, 100)),
        (5, Msg::note_off(60)),
        (6, Msg::note_on(60, 0)),
    ]);
    let (ev, _) = run(&mut Midi::Hold, &[&m]);
    assert_eq!(ev, vec![(0, Msg::note_on(60, 100))]);
}

#[test]
fn the_midi_sequence_pre_increments_and_ends_each_note() {
    let mut s = Sequence {
        notes: vec![60, 62, 64],
        pos: 0,
        playing: None,
    };
    let (ev, _) = run(&mut s, &[&pulses(&[1, 2])]);
    assert_eq!(
        ev,
        vec![
            (1, Msg::note_on(62, 127)),
            (2, Msg::note_off(62)),
            (2, Msg::note_on(64, 127))
        ]
    );
}

#[test]
fn the_arpeggiator_cycles_in_press_order_and_stops_on_release() {
    let mut a = Arpeggiator {
        held: Held::new(),
        next: 0,
        playing: None,
    };
    let m = block(&[
        (0, Msg::note_on(67, 100)),
        (0, Msg::note_on(60, 100)),
        (50, Msg::note_off(67)),
        (50, Msg::note_off(60)),
    ]);
    let (ev, _) = run(&mut a, &[&m, &pulses(&[10, 20, 30])]);
    let ons: Vec<u8> = ev
        .iter()
        .filter(|(_, m)| m.status == 0x90)
        .map(|(_, m)| m.data1)
        .collect();
    assert_eq!(ons, vec![67, 60, 67]);
    assert_eq!(ev.last(), Some(&(50, Msg::note_off(67))));
}

#[test]
fn a_chord_is_a_gate() {
    let mut c = Chord {
        notes: vec![48, 51, 55],
        on: false,
    };
    let mut gate = [0.0f32; MAX_BLOCK];
    gate[10..30].fill(1.0);
    let (ev, _) = run(&mut c, &[&gate]);
    assert_eq!(ev.len(), 6);
    assert!(ev[..3].iter().all(|(p, m)| *p == 10 && m.status == 0x90));
    assert!(ev[3..].iter().all(|(p, m)| *p == 30 && m.status == 0x80));
}

#[test]
fn the_strum_plate_spans_every_octave_of_the_held_pitch_classes() {
    let mut s = Strum::new();
    // C and E held: 0, 4, 12, 16, … 124: 11 + 11 = 22 notes.
    let m = block(&[(0, Msg::note_on(60, 100)), (0, Msg::note_on(64, 100))]);
    let mut strum = [0.0f32; MAX_BLOCK];
    strum[20..].fill(0.5);
    strum[40..].fill(1.0);
    let (ev, _) = run(&mut s, &[&m, &strum]);
    let ons: Vec<(usize, u8)> = ev
        .iter()
        .filter(|(_, m)| m.status == 0x90)
        .map(|(p, m)| (*p, m.data1))
        .collect();
    assert_eq!(ons, vec![(0, 0), (20, 64), (40, 124)]);
    assert!(ev.iter().filter(|(_, m)| m.status == 0x90).all(|(_, m)| m.data2 == 64));
}

#[test]
fn the_looper_records_then_plays_back_in_time() {
    let mut l = Looper::new();
    let none = [0.0f32; MAX_BLOCK];
    // Block 1: loop pulse at 0 starts recording, a note at 5; pulse at 32 fixes a 32-frame loop.
    let m = block(&[(5, Msg::note_on(60, 100))]);
    let (ev, _) = run(&mut l, &[&m, &pulses(&[0, 32]), &none]);
    // Live input passes through; playback starts at frame 32, so the note comes back at 32 + 5.
    assert_eq!(ev, vec![(5, Msg::note_on(60, 100)), (37, Msg::note_on(60, 100))]);
    let (ev, _) = run(&mut l, &[&NO_EVENTS, &none, &none]);
    assert_eq!(ev, vec![(5, Msg::note_on(60, 100)), (37, Msg::note_on(60, 100))]);
    let (ev, _) = run(&mut l, &[&NO_EVENTS, &none, &pulses(&[0])]);
    assert!(
        ev.iter().all(|(_, m)| m.status == 0x80),
        "reset ends the sounding note and forgets the loop"
    );
}
