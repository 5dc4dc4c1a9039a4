//! The diff preview: what saving the buffer would do to each line, planned by the same `compile::plan` the hot
//! swap uses against the version playing (one source of truth), and the estimated CPU change. Control thread.

use super::Session;
use crate::compile::cost::cpu_percent;
use crate::compile::mutes;
use crate::compile::plan::{self, Change, Counts};
use crate::compile::{GraphSpec, NodeSpec};
use crate::lang::span::LineIndex;

/// What one line would see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineChange {
    Kept,
    Retuned,
    /// New connections or new settings: the change crossfades.
    Crossfaded,
    Added,
    /// Its nodes go (the line was emptied or commented out).
    Removed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// 0-based lines of the buffer with their change, in order.
    pub lines: Vec<(usize, LineChange)>,
    pub counts: Counts,
    /// Estimated share of one core (%) now and after the save.
    pub cpu: (f64, f64),
    /// The buffer is what plays.
    pub same: bool,
}

impl Preview {
    pub fn at(&self, line: usize) -> Option<LineChange> {
        self.lines
            .binary_search_by_key(&line, |(l, _)| *l)
            .ok()
            .map(|i| self.lines[i].1)
    }

    /// One line for the screen: `on save: 3 kept, 1 retuned, 1 added · CPU ≈ 0.3→0.5%` (counts of none left out).
    pub fn summary(&self) -> String {
        let (now, then) = self.cpu;
        if self.same {
            return format!("playing as written · CPU ≈ {now:.1}%");
        }
        let c = self.counts;
        let parts: Vec<String> = [
            (c.kept + c.rewired, "kept"),
            (c.retuned, "retuned"),
            (c.replaced, "replaced"),
            (c.added, "added"),
            (c.removed, "removed"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        format!("on save: {} · CPU ≈ {now:.1}→{then:.1}%", parts.join(", "))
    }
}

impl Session {
    /// Plan `spec` (the buffer `text`, checked) against the version playing, without sending anything.
    pub fn preview(&self, text: &str, mut spec: GraphSpec) -> Preview {
        let old = &self.playing.spec;
        plan::align(old, &mut spec);
        let mut m = self.mutes.clone();
        m.retain_present(&spec);
        mutes::apply(&mut spec, &m);
        let p = plan::plan(Some(old), &mut spec);
        let index = LineIndex::new(text);
        let mut lines: Vec<(usize, LineChange)> = Vec::new();
        for (n, change) in spec.nodes.iter().zip(&p.changes) {
            let Some(c) = line_change(n, *change) else { continue };
            if n.span.end > n.span.start {
                lines.push((index.line_col(text, n.span.start).0 - 1, c));
            }
        }
        let old_index = LineIndex::new(&self.playing.src);
        let marked: std::collections::HashSet<usize> = lines.iter().map(|(l, _)| *l).collect();
        for &j in &p.removed {
            let span = old.nodes[j].span;
            let line = old_index.line_col(&self.playing.src, span.start).0 - 1;
            if span.end > span.start && !marked.contains(&line) {
                lines.push((line, LineChange::Removed));
            }
        }
        // The strongest change on each line.
        lines.sort_unstable();
        lines.reverse();
        lines.dedup_by_key(|(l, _)| *l);
        lines.reverse();
        let rate = self.config.settings.sample_rate;
        let c = p.counts;
        Preview {
            same: c.retuned + c.rewired + c.replaced + c.added + c.removed == 0 && old.bpm == spec.bpm,
            lines,
            counts: c,
            cpu: (cpu_percent(old, rate), cpu_percent(&spec, rate)),
        }
    }
}

/// A user's node by its change; internal arithmetic only when a value in it changed (`x*0.5` to `x*0.1`).
fn line_change(n: &NodeSpec, change: Change) -> Option<LineChange> {
    let c = match change {
        Change::Kept => LineChange::Kept,
        Change::Retuned => LineChange::Retuned,
        Change::Rewired | Change::Replaced => LineChange::Crossfaded,
        Change::Added => LineChange::Added,
    };
    (plan::counted(n) || c == LineChange::Retuned).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveConfig;

    fn playing(src: &str) -> Session {
        let (mut s, mut engine) = Session::new(LiveConfig::default());
        s.reload(src).expect("loads");
        engine.process(&mut [0.0; 128]);
        s.tick();
        assert!(s.is_settled());
        s
    }

    fn preview(s: &Session, text: &str) -> Preview {
        s.preview(text, crate::compile::check(text).expect("checks").spec)
    }

    #[test]
    fn each_line_is_marked_by_what_the_swap_would_do() {
        let s = playing(
            "a = sine 2\nsaw 110 -> lowpass 800 -> out\nsine 220 -> gain 0.5 -> out\nnoise -> gain 0.1 -> out\n",
        );
        let p = preview(
            &s,
            "a = sine 2\nsaw 110 -> lowpass 900 -> out\nsine 220 -> gain 0.5 -> out\n# noise -> gain 0.1 -> out\nsine 330 -> out\n",
        );
        assert_eq!(p.at(0), Some(LineChange::Kept));
        assert_eq!(p.at(1), Some(LineChange::Retuned));
        assert_eq!(p.at(2), Some(LineChange::Kept));
        assert_eq!(p.at(3), Some(LineChange::Removed));
        assert_eq!(p.at(4), Some(LineChange::Added));
        assert!(p.summary().starts_with("on save: "), "{}", p.summary());
        assert!(p.cpu.1 > 0.0);
    }

    #[test]
    fn a_value_inside_arithmetic_counts_as_retuned_and_the_same_text_changes_nothing() {
        let src = "x = sine 3 * 0.5\nsine 440 * x -> out\n";
        let s = playing(src);
        let p = preview(&s, "x = sine 3 * 0.1\nsine 440 * x -> out\n");
        assert_eq!(p.at(0), Some(LineChange::Retuned));
        assert_eq!(p.counts.retuned, 1);
        let same = preview(&s, src);
        assert!(same.same, "{same:?}");
        assert!(same.summary().starts_with("playing as written"));
        let rewired = preview(&s, "x = sine 3 * 0.5\nsine 440 -> lowpass x -> out\n");
        assert_eq!(rewired.at(1), Some(LineChange::Added));
    }
}
