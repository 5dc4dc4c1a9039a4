//! Following an external MIDI clock (24 ticks a beat, start/stop/continue, song position): the tempo is the slope
//! of a least-squares line through the last two beats of ticks, so a USB interface's jitter averages out instead
//! of wobbling tempo-synced delays; a clock that stops arriving leaves the last tempo in place. Pure; control
//! thread.

/// Ticks per beat (MIDI clock).
pub const PPQN: f64 = 24.0;
/// Ticks the tempo is fitted over: four beats (the fit's noise falls as the window's length to the power 1.5).
const WINDOW: usize = 96;
/// The tempo is sent again when it moves this much while the window fills, and then this much: enough to ignore
/// a USB interface's jitter, little enough to follow a drummer.
const RESEND_FILLING: f64 = 0.02;
const RESEND_FULL: f64 = 0.05;
/// No tick for this long: the clock is lost (the tempo holds).
const LOST_MICROS: u64 = 500_000;

/// What the transport should do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transport {
    Tempo(f64),
    /// Move to this beat.
    Locate(f64),
    /// Start (or continue) and stop.
    Run(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    ticks: [u64; WINDOW],
    count: usize,
    sent_bpm: Option<f64>,
    last_tick: Option<u64>,
}

impl Default for Follower {
    fn default() -> Self {
        Self::new()
    }
}

impl Follower {
    pub fn new() -> Self {
        Self {
            ticks: [0; WINDOW],
            count: 0,
            sent_bpm: None,
            last_tick: None,
        }
    }

    /// One message from the clock source at `micros` (system real-time and song position only).
    pub fn feed(&mut self, micros: u64, bytes: &[u8], out: &mut Vec<Transport>) {
        match bytes.first() {
            Some(0xF8) => self.tick(micros, out),
            Some(0xFA) => {
                self.count = 0;
                out.push(Transport::Locate(0.0));
                out.push(Transport::Run(true));
            }
            Some(0xFB) => out.push(Transport::Run(true)),
            Some(0xFC) => out.push(Transport::Run(false)),
            Some(0xF2) => {
                // Song position: 14 bits of sixteenth notes.
                let pos = u16::from(bytes.get(1).copied().unwrap_or(0) & 0x7f)
                    | u16::from(bytes.get(2).copied().unwrap_or(0) & 0x7f) << 7;
                out.push(Transport::Locate(f64::from(pos) / 4.0));
            }
            _ => {}
        }
    }

    fn tick(&mut self, micros: u64, out: &mut Vec<Transport>) {
        // After a silence the old ticks say nothing about the new tempo.
        if self.last_tick.is_some_and(|t| micros.saturating_sub(t) > LOST_MICROS) {
            self.count = 0;
        }
        self.last_tick = Some(micros);
        self.ticks[self.count % WINDOW] = micros;
        self.count += 1;
        if self.count < PPQN as usize {
            return;
        }
        let Some(bpm) = self.fit() else { return };
        let resend = if self.count < WINDOW {
            RESEND_FILLING
        } else {
            RESEND_FULL
        };
        if self.sent_bpm.is_none_or(|s| (s - bpm).abs() >= resend) {
            self.sent_bpm = Some(bpm);
            out.push(Transport::Tempo(bpm));
        }
    }

    /// The tempo from a least-squares line through the ticks in the window.
    fn fit(&self) -> Option<f64> {
        let n = self.count.min(WINDOW);
        let first = self.count - n;
        let t0 = self.ticks[first % WINDOW] as f64;
        let (mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0);
        for k in 0..n {
            let x = k as f64;
            let y = self.ticks[(first + k) % WINDOW] as f64 - t0;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        let nf = n as f64;
        let micros_per_tick = (nf * sxy - sx * sy) / (nf * sxx - sx * sx);
        (micros_per_tick > 0.0).then(|| 60e6 / (micros_per_tick * PPQN))
    }

    /// The tempo last sent, and whether ticks stopped coming (at `now`, in the same microseconds).
    pub fn state(&self, now: u64) -> (Option<f64>, bool) {
        let lost = self.last_tick.is_some_and(|t| now.saturating_sub(t) > LOST_MICROS);
        (self.sent_bpm, lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ticks at `bpm` with ±`jitter` µs of repeatable noise, from `start`.
    fn ticks(f: &mut Follower, bpm: f64, jitter: f64, count: usize, start: u64, out: &mut Vec<Transport>) -> u64 {
        let step = 60e6 / bpm / PPQN;
        let mut r = 99u64;
        let mut last = start;
        for k in 0..count {
            r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let noise = ((r >> 33) as f64 / f64::from(u32::MAX >> 1) - 0.5) * 2.0 * jitter;
            last = (start as f64 + k as f64 * step + noise).max(0.0) as u64;
            f.feed(last, &[0xF8], out);
        }
        last
    }

    fn last_tempo(out: &[Transport]) -> Option<f64> {
        out.iter().rev().find_map(|t| match t {
            Transport::Tempo(b) => Some(*b),
            _ => None,
        })
    }

    #[test]
    fn a_jittery_120_reads_within_a_tenth_of_a_bpm_after_two_beats() {
        let mut f = Follower::new();
        let mut out = Vec::new();
        let step = 60e6 / 120.0 / PPQN;
        let end = ticks(&mut f, 120.0, 1_000.0, 48, 1_000_000, &mut out);
        let bpm = last_tempo(&out).expect("a tempo");
        assert!((bpm - 120.0).abs() < 0.1, "{bpm}");
        // Once the window is full, steady jitter does not keep nudging the tempo.
        let end = ticks(&mut f, 120.0, 1_000.0, 48, end + step as u64, &mut out);
        let before = out.len();
        ticks(&mut f, 120.0, 1_000.0, 192, end + step as u64, &mut out);
        assert!(out.len() - before <= 2, "{:?}", &out[before..]);
        let bpm = last_tempo(&out).expect("a tempo");
        assert!((bpm - 120.0).abs() < 0.05, "{bpm}");
    }

    #[test]
    fn start_stop_continue_and_song_position_move_the_transport() {
        let mut f = Follower::new();
        let mut out = Vec::new();
        f.feed(0, &[0xFA], &mut out);
        f.feed(10, &[0xFC], &mut out);
        f.feed(20, &[0xF2, 0x10, 0x01], &mut out);
        f.feed(30, &[0xFB], &mut out);
        assert_eq!(
            out,
            vec![
                Transport::Locate(0.0),
                Transport::Run(true),
                Transport::Run(false),
                Transport::Locate(f64::from(0x10 | 1 << 7) / 4.0),
                Transport::Run(true),
            ]
        );
    }

    #[test]
    fn a_lost_clock_holds_its_tempo_and_a_new_one_is_read_fresh() {
        let mut f = Follower::new();
        let mut out = Vec::new();
        let end = ticks(&mut f, 120.0, 0.0, 48, 0, &mut out);
        assert_eq!(f.state(end + 2_000_000), (last_tempo(&out), true));
        ticks(&mut f, 90.0, 0.0, 30, end + 2_000_000, &mut out);
        let bpm = last_tempo(&out).expect("a tempo");
        assert!((bpm - 90.0).abs() < 0.01, "{bpm}");
    }
}
