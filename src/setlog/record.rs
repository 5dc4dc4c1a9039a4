//! One line of a set log: what went live at which frame. Written as JSON, one object a line, so a log cut short by
//! a crash still reads to its last whole line. Pure; control thread.

use crate::engine::Cmd;
use serde_json::{Value, json};

/// A version as it landed: enough to build the same graph and swap it the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct Landed {
    pub version: u32,
    pub frame: u64,
    pub text: String,
    pub muted: Vec<String>,
    pub soloed: Vec<String>,
    /// Frames its values glide and its crossfade lasts.
    pub glide: u32,
    pub fade: u32,
    /// Crossfaded even though only values changed (a held-back version landing with its long fade-in).
    pub crossfade: bool,
    /// What the swap did to each node that was not simply kept (`retuned`, `rewired`, `replaced`, `added`,
    /// `removed`), by node key, and whether it crossfaded: for people reading the log (the replay plans it again).
    pub changes: Vec<(String, String)>,
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The first line: how the set was played.
    Start {
        sample_rate: u32,
        seed: u64,
        protected: bool,
        patch: String,
        /// Wall-clock time at the start (seconds since 1970), for people; never used to render.
        started: u64,
        /// The device and its buffer (frames; 0: its default), for people: the render never depends on them.
        device: String,
        buffer: u32,
    },
    Version(Landed),
    Cmd {
        frame: u64,
        cmd: Cmd,
    },
    /// The last frame played (written when the set ends).
    End {
        frame: u64,
    },
    /// A MIDI message from outside (a keyboard, a knob) and the frame it was placed on.
    Midi {
        frame: u64,
        port: i32,
        bytes: [u8; 3],
    },
    /// A `ctl` moved from outside (OSC) and the frame its node took the move on.
    Ctl {
        frame: u64,
        name: String,
        value: f32,
    },
    /// From render frame `frame` on, the audio input the nodes played is the kept input's frames from `at` on (a
    /// run, until the next such record).
    Input {
        frame: u64,
        at: u64,
    },
    /// The device was lost and reopened: from `frame` on, a new engine (every node fresh) at `sample_rate`.
    Restart {
        frame: u64,
        sample_rate: u32,
    },
}

impl Record {
    pub fn to_json(&self) -> String {
        let v = match self {
            Record::Start {
                sample_rate,
                seed,
                protected,
                patch,
                started,
                device,
                buffer,
            } => json!({"ev": "start", "format": 1, "sample_rate": sample_rate, "seed": seed,
                        "protected": protected, "patch": patch, "started": started, "device": device,
                        "buffer": buffer}),
            Record::Version(l) => json!({"ev": "version", "v": l.version, "frame": l.frame, "text": l.text,
                        "muted": l.muted, "soloed": l.soloed, "glide": l.glide, "fade": l.fade,
                        "crossfade": l.crossfade, "swap": l.mode,
                        "changes": l.changes.iter().map(|(k, c)| (k.clone(), json!(c))).collect::<serde_json::Map<String, Value>>()}),
            Record::End { frame } => json!({"ev": "end", "frame": frame}),
            Record::Ctl { frame, name, value } => json!({"ev": "ctl", "frame": frame, "name": name, "value": value}),
            Record::Midi { frame, port, bytes } => json!({"ev": "midi", "frame": frame, "port": port, "bytes": bytes}),
            Record::Input { frame, at } => json!({"ev": "input", "frame": frame, "at": at}),
            Record::Restart { frame, sample_rate } => {
                json!({"ev": "restart", "frame": frame, "sample_rate": sample_rate})
            }
            Record::Cmd { frame, cmd } => {
                let (name, value) = match *cmd {
                    Cmd::Panic => ("panic", Value::Null),
                    Cmd::Resume => ("resume", Value::Null),
                    Cmd::Volume(g) => ("volume", json!(g)),
                    Cmd::Tempo(b) => ("tempo", json!(b)),
                    Cmd::Locate(b) => ("locate", json!(b)),
                    Cmd::Run(r) => ("run", json!(r)),
                    Cmd::Capture => ("capture", Value::Null),
                };
                json!({"ev": name, "frame": frame, "value": value})
            }
        };
        v.to_string()
    }

    /// A line back; `None` for a line that is not a record (a torn last line after a crash).
    pub fn from_json(line: &str) -> Option<Record> {
        let v: Value = serde_json::from_str(line).ok()?;
        let frame = v["frame"].as_u64();
        let strings = |k: &str| -> Vec<String> {
            v[k].as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let cmd = |c: Cmd| Some(Record::Cmd { frame: frame?, cmd: c });
        match v["ev"].as_str()? {
            "start" => Some(Record::Start {
                sample_rate: v["sample_rate"].as_u64()? as u32,
                seed: v["seed"].as_u64().unwrap_or(0),
                protected: v["protected"].as_bool().unwrap_or(true),
                patch: v["patch"].as_str().unwrap_or("").to_string(),
                started: v["started"].as_u64().unwrap_or(0),
                device: v["device"].as_str().unwrap_or("").to_string(),
                buffer: v["buffer"].as_u64().unwrap_or(0) as u32,
            }),
            "version" => Some(Record::Version(Landed {
                version: v["v"].as_u64()? as u32,
                frame: frame?,
                text: v["text"].as_str()?.to_string(),
                muted: strings("muted"),
                soloed: strings("soloed"),
                glide: v["glide"].as_u64().unwrap_or(0) as u32,
                fade: v["fade"].as_u64().unwrap_or(1) as u32,
                crossfade: v["crossfade"].as_bool().unwrap_or(false),
                changes: v["changes"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, c)| Some((k.clone(), c.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default(),
                mode: v["swap"].as_str().unwrap_or("").to_string(),
            })),
            "end" => Some(Record::End { frame: frame? }),
            "restart" => Some(Record::Restart {
                frame: frame?,
                sample_rate: v["sample_rate"].as_u64()? as u32,
            }),
            "input" => Some(Record::Input {
                frame: frame?,
                at: v["at"].as_u64()?,
            }),
            "ctl" => Some(Record::Ctl {
                frame: frame?,
                name: v["name"].as_str()?.to_string(),
                value: v["value"].as_f64()? as f32,
            }),
            "midi" => {
                let b = v["bytes"].as_array()?;
                let byte = |k: usize| b.get(k).and_then(Value::as_u64).unwrap_or(0) as u8;
                Some(Record::Midi {
                    frame: frame?,
                    port: v["port"].as_i64().unwrap_or(-1) as i32,
                    bytes: [byte(0), byte(1), byte(2)],
                })
            }
            "panic" => cmd(Cmd::Panic),
            "resume" => cmd(Cmd::Resume),
            "volume" => cmd(Cmd::Volume(v["value"].as_f64()? as f32)),
            "tempo" => cmd(Cmd::Tempo(v["value"].as_f64()?)),
            "locate" => cmd(Cmd::Locate(v["value"].as_f64()?)),
            "run" => cmd(Cmd::Run(v["value"].as_bool()?)),
            "capture" => cmd(Cmd::Capture),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_reads_back_as_written_and_a_torn_line_is_skipped() {
        let records = [
            Record::Start {
                sample_rate: 48_000,
                seed: 3,
                protected: true,
                patch: "p.syn".into(),
                started: 1_700_000_000,
                device: "Default Audio Device".into(),
                buffer: 256,
            },
            Record::Version(Landed {
                version: 2,
                frame: 96_000,
                text: "sine 440 -> out\n# \"quoted\" ünïcode".into(),
                muted: vec!["~0/1:gain".into()],
                soloed: vec![],
                glide: 480,
                fade: 960,
                crossfade: true,
                changes: vec![
                    ("~0/1:gain".into(), "retuned".into()),
                    ("~1/0:noise".into(), "added".into()),
                ],
                mode: "crossfade".into(),
            }),
            Record::Cmd {
                frame: 5,
                cmd: Cmd::Panic,
            },
            Record::Cmd {
                frame: 6,
                cmd: Cmd::Volume(0.5),
            },
            Record::Cmd {
                frame: 7,
                cmd: Cmd::Tempo(127.5),
            },
            Record::Cmd {
                frame: 8,
                cmd: Cmd::Run(false),
            },
            Record::Input {
                frame: 9_600,
                at: 4_800,
            },
            Record::Restart {
                frame: 12_000,
                sample_rate: 44_100,
            },
        ];
        for r in &records {
            assert_eq!(Record::from_json(&r.to_json()).as_ref(), Some(r));
        }
        let line = records[1].to_json();
        assert_eq!(Record::from_json(&line[..line.len() / 2]), None);
    }
}
