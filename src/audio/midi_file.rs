//! Standard MIDI Files for `render --midi`: every track merged, the tempo map applied, each channel message placed
//! on the sample frame it falls on. Parsed by `midly`; bounded in size. Control thread.

use midly::{MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};
use std::path::Path;

/// A MIDI file larger than this is refused.
pub const MIDI_LIMIT: u64 = 64 * 1024 * 1024;

/// A message and the frame it plays at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timed {
    pub frame: u64,
    pub bytes: [u8; 3],
    pub len: u8,
}

impl Timed {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// Read and place the channel messages of the MIDI file at `path`, in time order.
pub fn load(path: &Path, sample_rate: u32) -> Result<Vec<Timed>, String> {
    let bytes = crate::files::read_bytes(path, "a MIDI file", MIDI_LIMIT).map_err(|e| e.to_string())?;
    parse(&bytes, sample_rate).map_err(|e| format!("`{}` is not a Standard MIDI File we can read: {e}", path.display()))
}

/// As `load`, from the file's bytes.
pub fn parse(bytes: &[u8], sample_rate: u32) -> Result<Vec<Timed>, String> {
    let smf = Smf::parse(bytes).map_err(|e| e.to_string())?;
    // (tick, track, index): every event of every track, merged in time order (stable within a track).
    let mut all: Vec<(u64, usize, usize)> = Vec::new();
    for (t, track) in smf.tracks.iter().enumerate() {
        let mut tick = 0u64;
        for (i, e) in track.iter().enumerate() {
            tick += u64::from(u32::from(e.delta));
            all.push((tick, t, i));
        }
    }
    all.sort_by_key(|&(tick, t, i)| (tick, t, i));
    let seconds_per_tick = |tempo_us: f64| match smf.header.timing {
        Timing::Metrical(tpb) => tempo_us / 1e6 / f64::from(u16::from(tpb).max(1)),
        Timing::Timecode(fps, sub) => 1.0 / (f64::from(fps.as_f32()) * f64::from(sub.max(1))),
    };
    let (mut tempo, mut seconds, mut last_tick) = (500_000.0, 0.0f64, 0u64);
    let mut out = Vec::new();
    for (tick, t, i) in all {
        seconds += (tick - last_tick) as f64 * seconds_per_tick(tempo);
        last_tick = tick;
        match smf.tracks[t][i].kind {
            TrackEventKind::Meta(MetaMessage::Tempo(us)) => tempo = f64::from(u32::from(us)).max(1.0),
            TrackEventKind::Midi { channel, message } => {
                let (bytes, len) = encode(u8::from(channel), message);
                out.push(Timed {
                    frame: (seconds * f64::from(sample_rate)).round() as u64,
                    bytes,
                    len,
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

fn encode(ch: u8, m: MidiMessage) -> ([u8; 3], u8) {
    let ch = ch & 0x0F;
    match m {
        MidiMessage::NoteOff { key, vel } => ([0x80 | ch, key.into(), vel.into()], 3),
        MidiMessage::NoteOn { key, vel } => ([0x90 | ch, key.into(), vel.into()], 3),
        MidiMessage::Aftertouch { key, vel } => ([0xA0 | ch, key.into(), vel.into()], 3),
        MidiMessage::Controller { controller, value } => ([0xB0 | ch, controller.into(), value.into()], 3),
        MidiMessage::ProgramChange { program } => ([0xC0 | ch, program.into(), 0], 2),
        MidiMessage::ChannelAftertouch { vel } => ([0xD0 | ch, vel.into(), 0], 2),
        MidiMessage::PitchBend { bend } => {
            let v = bend.0.as_int();
            ([0xE0 | ch, (v & 0x7f) as u8, (v >> 7) as u8 & 0x7f], 3)
        }
    }
}

/// Sends a song's messages to the patch's MIDI nodes a block ahead of the render, exactly on their frames.
pub struct Player {
    events: Vec<Timed>,
    next: usize,
    port: i32,
}

impl Player {
    pub fn new(events: Vec<Timed>, port: i32) -> Self {
        Self { events, next: 0, port }
    }

    /// Send everything that plays before frame `until` (as much as the nodes' queues take now).
    pub fn send_until(&mut self, until: u64) {
        while let Some(e) = self.events.get(self.next) {
            if e.frame >= until || !crate::dsp::midi::input::send_at_frame(self.port, e.frame, e.bytes()) {
                return;
            }
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A format-1 file: a tempo track (120 then 60 bpm at beat 1) and a note track, 96 ticks a beat.
    fn song() -> Vec<u8> {
        let mut f = b"MThd\0\0\0\x06\0\x01\0\x02\0\x60".to_vec();
        let tempo: &[u8] = &[
            0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x60, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40, 0x00, 0xFF, 0x2F, 0x00,
        ];
        // Running status: the second note-on and the note-offs leave out the status byte.
        let notes: &[u8] = &[
            0x00, 0x90, 60, 100, 0x60, 64, 90, 0x60, 60, 0, 0x00, 64, 0, 0x00, 0xFF, 0x2F, 0x00,
        ];
        for t in [tempo, notes] {
            f.extend_from_slice(b"MTrk");
            f.extend_from_slice(&(t.len() as u32).to_be_bytes());
            f.extend_from_slice(t);
        }
        f
    }

    #[test]
    fn tracks_merge_on_the_tempo_map_with_running_status() {
        let e = parse(&song(), 48_000).expect("parses");
        let got: Vec<(u64, &[u8])> = e.iter().map(|t| (t.frame, t.bytes())).collect();
        // Beat 0 at 120 bpm (0.5 s), then beat 1 at 60 bpm (1 s): frames 0, 24 000, 72 000.
        assert_eq!(
            got,
            vec![
                (0, &[0x90, 60, 100][..]),
                (24_000, &[0x90, 64, 90][..]),
                (72_000, &[0x90, 60, 0][..]),
                (72_000, &[0x90, 64, 0][..]),
            ]
        );
    }

    #[test]
    fn a_corrupt_or_truncated_file_is_an_error_not_a_panic() {
        let good = song();
        for cut in [0, 4, 13, 20, good.len() - 3] {
            let _ = parse(&good[..cut], 48_000);
        }
        assert!(parse(b"RIFF junk", 48_000).is_err());
        assert!(parse(b"hello world, not midi", 48_000).is_err());
    }
}
