//! OSC in, with a real UDP socket on loopback: a control sweep is heard in the recording, panic and unknown
//! addresses are answered, a time-tagged bundle waits for its time. The binary plays headless, paced in real time
//! with no sound card, recording what it plays.

use crate::common::{read_lines, wait_line};
use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};
use std::net::UdpSocket;
use std::time::{Duration, SystemTime};

fn send(sock: &UdpSocket, port: u16, packet: &OscPacket) {
    let bytes = rosc::encoder::encode(packet).unwrap();
    sock.send_to(&bytes, ("127.0.0.1", port)).unwrap();
}

fn msg(addr: &str, args: Vec<OscType>) -> OscPacket {
    OscPacket::Message(OscMessage {
        addr: addr.into(),
        args,
    })
}

#[test]
fn a_control_sweep_over_osc_is_heard_and_a_bundle_waits_for_its_time() {
    let dir = crate::common::scratch("osc");
    std::fs::write(
        dir.join("p.syn"),
        "level = ctl 0 min=0 max=1 glide=5ms\nsine 440 -> gain level*0.5 -> out\n",
    )
    .unwrap();
    // A port of our own on loopback (bound and released to find one free).
    let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let port_text = port.to_string();
    let mut child = crate::common::headless(&dir, &["--no-log", "--record", "take.wav", "--osc", &port_text]);
    let lines = read_lines(&mut child);
    let wait = |what: &str| wait_line(&lines, what);
    wait("v1 ok");
    wait("OSC on 127.0.0.1");
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    // A sweep: 0.25, 0.5, 1.0, a third of a second each.
    for v in [0.25f32, 0.5, 1.0] {
        std::thread::sleep(Duration::from_millis(330));
        send(&sock, port, &msg("/syn/ctl/level", vec![OscType::Float(v)]));
    }
    std::thread::sleep(Duration::from_millis(330));
    // A bundle for half a second from now: silence.
    let later = SystemTime::now() + Duration::from_millis(500);
    let bundle = OscPacket::Bundle(OscBundle {
        timetag: OscTime::try_from(later).unwrap(),
        content: vec![msg("/syn/ctl/level", vec![OscType::Float(0.0)])],
    });
    send(&sock, port, &bundle);
    send(&sock, port, &msg("/syn/nope", vec![]));
    wait("went nowhere (last /syn/nope)");
    std::thread::sleep(Duration::from_millis(800));
    send(&sock, port, &msg("/syn/panic", vec![]));
    wait("osc: panic");
    writeln_q(&mut child);
    assert!(child.wait().unwrap().success());
    let x: Vec<f32> = hound::WavReader::open(dir.join("take.wav"))
        .unwrap()
        .samples::<f32>()
        .step_by(2)
        .map(Result::unwrap)
        .collect();
    // The level of each tenth of a second: it rises in three steps, then drops to silence.
    let levels: Vec<f32> = x
        .chunks(4_800)
        .map(|c| c.iter().fold(0f32, |m, v| m.max(v.abs())))
        .collect();
    let reached = |target: f32| levels.iter().position(|&l| (l - target).abs() < 0.02);
    let (a, b, c) = (reached(0.125), reached(0.25), reached(0.5));
    assert!(
        matches!((a, b, c), (Some(a), Some(b), Some(c)) if a < b && b < c),
        "the sweep is heard in order: {levels:?}"
    );
    let c = c.unwrap();
    let silent = levels[c..].iter().position(|&l| l < 0.01).map(|k| k + c);
    assert!(silent.is_some(), "the bundle silenced it: {levels:?}");
    // It waited: at least four tenths after the last step of the sweep (half a second, sent a third after it).
    assert!(silent.unwrap() >= c + 6, "the bundle waited for its time: {levels:?}");
}

fn writeln_q(child: &mut std::process::Child) {
    use std::io::Write;
    let _ = writeln!(child.stdin.as_mut().unwrap(), "q");
}
