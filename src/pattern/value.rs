//! What a step's word means: a number, a note name (`c#3`, `eb`; octave 3 when none is written, as Strudel reads
//! them) or a sample name with its index (`bd`, `sn:3`). Pure.

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    /// A MIDI note number (`a4` = 69).
    Note(f64),
    Sample(String, u32),
}

impl Value {
    pub fn parse(word: &str) -> Self {
        if let Ok(x) = word.parse::<f64>() {
            return Value::Number(x);
        }
        if let Some(n) = note(word) {
            return Value::Note(n);
        }
        let (name, index) = word
            .split_once(':')
            .map_or((word, 0), |(n, i)| (n, i.parse().unwrap_or(0)));
        Value::Sample(name.to_string(), index)
    }

    /// As a signal: numbers as they are, notes in Hz, samples by their index.
    pub fn as_signal(&self) -> f32 {
        match self {
            Value::Number(x) => *x as f32,
            Value::Note(m) => (440.0 * 2f64.powf((m - 69.0) / 12.0)) as f32,
            Value::Sample(_, i) => *i as f32,
        }
    }
}

/// `c`, `c#3`, `eb2`, `a4` → MIDI note; `None` for anything else (`bd`, `cp`, `hh`).
fn note(word: &str) -> Option<f64> {
    let mut chars = word.chars().peekable();
    let letter = chars.next()?.to_ascii_lowercase();
    let base = match letter {
        'c' => 0,
        'd' => 2,
        'e' => 4,
        'f' => 5,
        'g' => 7,
        'a' => 9,
        'b' => 11,
        _ => return None,
    };
    let mut semis = base;
    while let Some(&c) = chars.peek() {
        match c {
            '#' | 's' => semis += 1,
            'b' | 'f' => semis -= 1,
            _ => break,
        }
        chars.next();
    }
    let rest: String = chars.collect();
    let octave: i32 = if rest.is_empty() { 3 } else { rest.parse().ok()? };
    if !(-1..=9).contains(&octave) {
        return None;
    }
    Some(f64::from((octave + 1) * 12 + semis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_numbers_notes_or_samples() {
        assert_eq!(Value::parse("0.5"), Value::Number(0.5));
        assert_eq!(Value::parse("a4"), Value::Note(69.0));
        assert_eq!(Value::parse("c"), Value::Note(48.0));
        assert_eq!(Value::parse("c#3"), Value::Note(49.0));
        assert_eq!(Value::parse("eb2"), Value::Note(39.0));
        assert_eq!(Value::parse("bd"), Value::Sample("bd".into(), 0));
        assert_eq!(Value::parse("sn:3"), Value::Sample("sn".into(), 3));
        assert_eq!(Value::parse("cp"), Value::Sample("cp".into(), 0));
        assert!((Value::parse("a4").as_signal() - 440.0).abs() < 1e-3);
    }
}
