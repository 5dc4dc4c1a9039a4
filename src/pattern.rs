//! Patterns: the mini-notation live coders write rhythm in (Tidal and Strudel semantics), turned into the events
//! of one repeating period: when each step starts and ends, in cycles (a cycle is a bar), and its value. Built on
//! the control thread; the `pat` node plays the list on the audio thread without allocating.

mod query;
mod value;

pub use query::Pat;
pub use value::Value;

use crate::lang::Diagnostic;
use crate::lang::span::Span;

/// One step as it sounds: from `begin` to `end`, in cycles from the start of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub begin: f64,
    pub end: f64,
    pub value: Value,
}

/// A pattern ready to play: its events over `period` cycles, sorted by start, then repeating.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub period: u32,
    pub events: Vec<Event>,
    /// The sample names it uses (`bd`, `sn:3`), each once, in the order written: a sampler it drives plays the
    /// i-th for a step whose value is i.
    pub names: Vec<String>,
}

impl Compiled {
    /// A step's value as a signal: numbers as they are, notes in Hz, samples by their place in `names`.
    pub fn signal(&self, v: &Value) -> f32 {
        match v {
            Value::Sample(name, i) => {
                let word = if *i == 0 { name.clone() } else { format!("{name}:{i}") };
                self.names.iter().position(|n| *n == word).unwrap_or(0) as f32
            }
            other => other.as_signal(),
        }
    }
}

/// The sample names a pattern's text uses, each once, in the order written (none when it does not parse): what a
/// sampler it drives loads, without working out the pattern's time.
pub fn sample_names(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(stack) = crate::lang::mini::parse(src) {
        names(&stack, &mut out);
    }
    out
}

/// The sample names in `stack`, each once, in the order written.
fn names(stack: &crate::lang::mini::Stack, out: &mut Vec<String>) {
    use crate::lang::mini::Term;
    for step in stack.iter().flatten() {
        match &step.term {
            Term::Word(w) => {
                if let Value::Sample(name, i) = Value::parse(w) {
                    let word = if i == 0 { name } else { format!("{name}:{i}") };
                    if !out.contains(&word) {
                        out.push(word);
                    }
                }
            }
            Term::Sub(s) | Term::Alt(s) => names(s, out),
            Term::Rest => {}
        }
    }
}

/// The longest a pattern may take to repeat, in cycles.
pub const MAX_PERIOD: u32 = 256;
/// The most events one period may hold.
pub const MAX_EVENTS: usize = 1 << 16;

/// Compile a pattern's text; `seed` decides its random drops (`?`). Errors have spans within the text.
pub fn compile(src: &str, seed: u64) -> Result<Compiled, Diagnostic> {
    let stack = crate::lang::mini::parse(src)?;
    let pat = Pat::from_stack(&stack, seed);
    let whole = Span::new(0, src.len());
    let period = pat.period().filter(|&p| p <= u64::from(MAX_PERIOD)).ok_or_else(|| {
        Diagnostic::error(
            "E002",
            whole,
            format!("this pattern does not repeat within {MAX_PERIOD} cycles"),
        )
        .with_help("keep `*` and `/` factors to whole numbers or simple fractions (`*1.5`, `/3`)")
    })? as u32;
    let mut events = Vec::new();
    pat.query(0.0, f64::from(period), &mut events);
    if events.len() > MAX_EVENTS {
        return Err(Diagnostic::error(
            "E002",
            whole,
            format!(
                "{} steps in one period is over the {MAX_EVENTS} a pattern may hold",
                events.len()
            ),
        ));
    }
    events.sort_by(|a, b| a.begin.total_cmp(&b.begin));
    let mut sample_names = Vec::new();
    names(&stack, &mut sample_names);
    Ok(Compiled {
        period,
        events,
        names: sample_names,
    })
}

#[cfg(test)]
mod tests;
