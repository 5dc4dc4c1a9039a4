//! The OSC socket's thread: decode, act on what is due, hold what is time-tagged for later. Its own thread.

use super::{OscCommand, Stats};
use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime};

/// Messages held for a later time at most; more are dropped and counted.
const HELD: usize = 4_096;
/// Bundles nested deeper than this are dropped.
const DEPTH: usize = 8;

pub(super) fn run(socket: &std::net::UdpSocket, tx: &Sender<OscCommand>, stats: &Stats, stop: &AtomicBool) {
    let _ = socket.set_read_timeout(Some(Duration::from_millis(1)));
    let mut buf = vec![0u8; 65_536];
    let mut held: Vec<(SystemTime, OscMessage)> = Vec::new();
    while !stop.load(Relaxed) {
        if let Ok((n, _)) = socket.recv_from(&mut buf) {
            match rosc::decoder::decode_udp(&buf[..n]) {
                Ok((_, packet)) => take(packet, SystemTime::UNIX_EPOCH, 0, &mut held, tx, stats),
                Err(_) => unknown(stats, "(not OSC)"),
            }
        }
        let now = SystemTime::now();
        let (due, later): (Vec<_>, Vec<_>) = held.drain(..).partition(|(t, _)| *t <= now);
        held = later;
        for (_, m) in due {
            act(&m, tx, stats);
        }
    }
}

/// A packet: messages act now (or at their bundle's time); bundles nest.
fn take(
    packet: OscPacket,
    at: SystemTime,
    depth: usize,
    held: &mut Vec<(SystemTime, OscMessage)>,
    tx: &Sender<OscCommand>,
    stats: &Stats,
) {
    match packet {
        OscPacket::Message(m) if at <= SystemTime::now() => act(&m, tx, stats),
        OscPacket::Message(m) if held.len() < HELD => held.push((at, m)),
        OscPacket::Message(_) => unknown(stats, "(too many held)"),
        OscPacket::Bundle(b) if depth < DEPTH => {
            let when = time_of(&b).max(at);
            for p in b.content {
                take(p, when, depth + 1, held, tx, stats);
            }
        }
        OscPacket::Bundle(_) => unknown(stats, "(bundles nested too deep)"),
    }
}

/// When a bundle is due: "immediately" (the tag 1) or its time.
fn time_of(b: &OscBundle) -> SystemTime {
    if b.timetag
        == (OscTime {
            seconds: 0,
            fractional: 1,
        })
    {
        return SystemTime::UNIX_EPOCH;
    }
    SystemTime::from(b.timetag)
}

fn number(args: &[OscType]) -> Option<f64> {
    match args.first()? {
        OscType::Float(f) => Some(f64::from(*f)),
        OscType::Double(d) => Some(*d),
        OscType::Int(i) => Some(f64::from(*i)),
        OscType::Long(l) => Some(*l as f64),
        _ => None,
    }
}

fn act(m: &OscMessage, tx: &Sender<OscCommand>, stats: &Stats) {
    let cmd = match m.addr.as_str() {
        "/syn/panic" => Some(OscCommand::Panic),
        "/syn/unmute" => Some(OscCommand::Unmute),
        "/syn/reload" => Some(OscCommand::Reload),
        "/syn/tempo" => number(&m.args)
            .filter(|b| (1.0..=999.0).contains(b))
            .map(OscCommand::Tempo),
        addr => {
            let set = addr
                .strip_prefix("/syn/ctl/")
                .zip(number(&m.args))
                .is_some_and(|(name, v)| crate::dsp::ctl::set(name, v as f32));
            if !set {
                unknown(stats, addr);
            }
            return;
        }
    };
    match cmd {
        Some(c) => {
            let _ = tx.send(c);
        }
        None => unknown(stats, &m.addr),
    }
}

fn unknown(stats: &Stats, addr: &str) {
    stats.unknown.fetch_add(1, Relaxed);
    *stats
        .last_unknown
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = addr.chars().take(80).collect();
}
