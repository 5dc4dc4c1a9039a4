//! The chains of the version playing: where each is written, and muting or soloing them (a mute is a hot swap of
//! the same text with the chain routed through a zero gain). Control thread.

use super::{Report, Session};
use crate::compile::GraphSpec;
use crate::compile::mutes::send_key;
use crate::lang::Diagnostic;
use crate::lang::span::LineIndex;
use std::sync::Arc;

/// A graph as it is (or will be) playing: its spec and where each spec node sits in the built graph.
pub(super) struct Built {
    /// The version number the engine knows it by.
    pub(super) version: u32,
    pub(super) spec: GraphSpec,
    /// The text it was compiled from, so a fault can be placed on its line.
    pub(super) src: Arc<str>,
    pub(super) slot_of: Vec<Option<usize>>,
    pub(super) keys: Vec<String>,
    pub(super) sends: Vec<SendAt>,
}

/// A chain that reaches `out`, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendAt {
    /// The 1-based lines its statement spans.
    pub lines: (usize, usize),
    /// The key of the node it sends (what mutes name).
    pub key: String,
    /// Its place among the spec's sends (the engine's chain number for its meter).
    pub index: usize,
}

impl Built {
    pub(super) fn new(version: u32, spec: GraphSpec, src: Arc<str>, slot_of: Vec<Option<usize>>) -> Self {
        let keys = spec.nodes.iter().map(|n| n.key.clone()).collect();
        let lines = LineIndex::new(&src);
        let sends = spec
            .sends
            .iter()
            .enumerate()
            .filter_map(|(index, s)| {
                let key = send_key(&spec, s)?.to_string();
                let first = lines.line_col(&src, s.span.start).0;
                let last = lines.line_col(&src, s.span.end.saturating_sub(1).max(s.span.start)).0;
                Some(SendAt {
                    lines: (first, last),
                    key,
                    index,
                })
            })
            .collect();
        Self {
            version,
            spec,
            src,
            slot_of,
            keys,
            sends,
        }
    }
}

/// How a chain plays now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainState {
    Playing,
    Muted,
    Soloed,
    /// Silent because another chain is soloed.
    Silenced,
}

/// A chain of the version playing, as the gutter shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainView {
    /// The 1-based lines its statement spans.
    pub lines: (usize, usize),
    pub state: ChainState,
    /// Its peak level since the last meter reading (what it sends to `out`, before the master).
    pub peak: f32,
}

/// What a mute or solo key did.
#[derive(Debug, Clone, PartialEq)]
pub struct Toggled {
    /// The first line of the chain.
    pub line: usize,
    /// Muted (or soloed) now, rather than undone.
    pub on: bool,
    pub solo: bool,
    /// The version carrying the change, when it went out at once.
    pub report: Option<Report>,
}

impl Session {
    /// The chains of the version playing.
    pub fn sends(&self) -> &[SendAt] {
        &self.playing.sends
    }

    /// Whether the chain sending `key` is silenced by a mute or another chain's solo.
    pub fn is_silenced(&self, key: &str) -> bool {
        self.mutes.silences(key)
    }

    pub fn is_muted(&self, key: &str) -> bool {
        self.mutes.muted.contains(key)
    }

    pub fn is_soloed(&self, key: &str) -> bool {
        self.mutes.soloed.contains(key)
    }

    /// Mute (or solo) the chain written on `line` (1-based) of the newest version, or undo it, and send the same
    /// text again with the change. Errors say why nothing changed.
    pub fn toggle_chain(&mut self, line: usize, solo: bool) -> Result<Toggled, String> {
        let newest = self.in_flight.as_ref().map_or(&self.playing, |(_, b)| b);
        let Some(send) = newest.sends.iter().find(|s| s.lines.0 <= line && line <= s.lines.1) else {
            return Err(
                if newest.sends.is_empty() && !newest.src.is_empty() && newest.spec.nodes.len() > 1 {
                    "mute and solo work on chains of the patch language".into()
                } else {
                    format!("no chain playing on line {line} reaches `out` (save first if you just wrote it)")
                },
            );
        };
        let (key, first) = (send.key.clone(), send.lines.0);
        let on = if solo {
            self.mutes.toggle_solo(&key)
        } else {
            self.mutes.toggle_mute(&key)
        };
        let report = self
            .remix()
            .map_err(|d| d.first().map_or_else(String::new, |d| d.message.clone()))?;
        Ok(Toggled {
            line: first,
            on,
            solo,
            report,
        })
    }

    /// Replaying a set log: the next version goes out untried, swapped with exactly these frames, under these mutes.
    pub fn replay_next(&mut self, glide: u32, fade: u32, crossfade: bool, muted: &[String], soloed: &[String]) {
        self.exact = Some((glide, fade, crossfade));
        self.mutes.muted = muted.iter().cloned().collect();
        self.mutes.soloed = soloed.iter().cloned().collect();
    }

    /// Whether preflight holds a loud version back, to land if the same text is sent again.
    pub fn holding(&self) -> bool {
        self.held.is_some()
    }

    /// The text of the version playing.
    pub fn playing_src(&self) -> &Arc<str> {
        &self.playing.src
    }

    /// The newest text sent: waiting, on its way, or playing.
    pub fn newest_src(&self) -> Arc<str> {
        self.waiting.as_ref().map_or_else(
            || self.in_flight.as_ref().map_or(&self.playing, |(_, b)| b).src.clone(),
            |w| w.1.clone(),
        )
    }

    /// The chains of the version playing, as the gutter shows them (levels from `peaks`, one per send).
    pub fn chain_views(&self, peaks: &[f32]) -> Vec<ChainView> {
        self.playing
            .sends
            .iter()
            .map(|s| ChainView {
                lines: s.lines,
                state: if self.is_muted(&s.key) {
                    ChainState::Muted
                } else if self.is_soloed(&s.key) {
                    ChainState::Soloed
                } else if self.is_silenced(&s.key) {
                    ChainState::Silenced
                } else {
                    ChainState::Playing
                },
                peak: peaks.get(s.index).copied().unwrap_or(0.0),
            })
            .collect()
    }

    /// Each chain's peak since the last call (index: `SendAt::index`).
    pub fn chain_peaks(&self, out: &mut Vec<f32>) {
        self.handle.telemetry().read_chains(out);
    }

    /// Show the output of the node written at 1-based `line`, character `col`, of the version playing in the
    /// scope; `None`, or a place with no node, shows the master. Returns what it shows: `lowpass (line 7)`.
    pub fn scope_at(&mut self, at: Option<(usize, usize)>) -> Option<String> {
        let found = at.and_then(|(line, col)| node_at(&self.playing, line, col));
        let tap = found.and_then(|i| {
            let slot = self.playing.slot_of.get(i).copied().flatten()?;
            Some(crate::engine::taps::ScopeTap {
                version: self.playing.version,
                slot: slot as u32,
                port: 0,
            })
        });
        let _ = self.handle.send(crate::engine::ToAudio::Scope(tap));
        let i = found.filter(|_| tap.is_some())?;
        let n = &self.playing.spec.nodes[i];
        let line = LineIndex::new(&self.playing.src)
            .line_col(&self.playing.src, n.span.start)
            .0;
        let kind = if crate::compile::plan::counted(n) {
            n.kind
        } else {
            "arithmetic"
        };
        Some(format!("{kind} (line {line})"))
    }

    /// Send the newest text again, with the mutes as they are now.
    fn remix(&mut self) -> Result<Option<Report>, Vec<Diagnostic>> {
        let src = self.newest_src();
        self.reload(&src)
    }
}

/// The node written at `line` (1-based), character `col`: the narrowest span holding it, else the last node that
/// starts on the line (the end of its chain), preferring the performer's nodes to internal arithmetic.
fn node_at(b: &Built, line: usize, col: usize) -> Option<usize> {
    let index = LineIndex::new(&b.src);
    let text = index.line_text(&b.src, line);
    let start = index.line_start(line)?;
    let offset = start + text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
    let nodes = &b.spec.nodes;
    // A mute's zero gain spans its whole statement; it is not a node the performer wrote.
    let visible = |i: &usize| {
        let n = &nodes[*i];
        n.kind != "out" && n.span.end > n.span.start && !n.key.starts_with("mute")
    };
    let holding = (0..nodes.len())
        .filter(visible)
        .filter(|&i| nodes[i].span.start <= offset && offset < nodes[i].span.end)
        .min_by_key(|&i| {
            (
                nodes[i].span.end - nodes[i].span.start,
                !crate::compile::plan::counted(&nodes[i]),
            )
        });
    holding.or_else(|| {
        (0..nodes.len())
            .filter(visible)
            .filter(|&i| nodes[i].span.start >= start && nodes[i].span.start <= start + text.len())
            .max_by_key(|&i| (crate::compile::plan::counted(&nodes[i]), nodes[i].span.start))
    })
}
