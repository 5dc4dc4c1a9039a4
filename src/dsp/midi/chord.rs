//! Chord names to MIDI notes for ChordNode, as the original read them through mingus: shorthand (`Cm7`, `F#dim`,
//! `Bbmaj7`) or a roman numeral in a key (`V7`, `IIm7`, `bVII`). Control thread: chords are worked out when a script
//! compiles, so a bad name is a diagnostic, never a silent node.

/// Semitones above the root for each chord quality, longest spellings first so `m7b5` wins over `m7`.
const QUALITIES: &[(&str, &[u8])] = &[
    ("m7b5", &[0, 3, 6, 10]),
    ("7sus4", &[0, 5, 7, 10]),
    ("maj13", &[0, 4, 7, 11, 14, 21]),
    ("maj9", &[0, 4, 7, 11, 14]),
    ("maj7", &[0, 4, 7, 11]),
    ("add9", &[0, 4, 7, 14]),
    ("dim7", &[0, 3, 6, 9]),
    ("sus2", &[0, 2, 7]),
    ("sus4", &[0, 5, 7]),
    ("min7", &[0, 3, 7, 10]),
    ("dom7", &[0, 4, 7, 10]),
    ("mM7", &[0, 3, 7, 11]),
    ("aug", &[0, 4, 8]),
    ("dim", &[0, 3, 6]),
    ("min", &[0, 3, 7]),
    ("maj", &[0, 4, 7]),
    ("sus", &[0, 5, 7]),
    ("M13", &[0, 4, 7, 11, 14, 21]),
    ("m11", &[0, 3, 7, 10, 14, 17]),
    ("M9", &[0, 4, 7, 11, 14]),
    ("M7", &[0, 4, 7, 11]),
    ("M6", &[0, 4, 7, 9]),
    ("m9", &[0, 3, 7, 10, 14]),
    ("m7", &[0, 3, 7, 10]),
    ("m6", &[0, 3, 7, 9]),
    ("13", &[0, 4, 7, 10, 14, 21]),
    ("11", &[0, 4, 7, 10, 14, 17]),
    ("9", &[0, 4, 7, 10, 14]),
    ("7", &[0, 4, 7, 10]),
    ("6", &[0, 4, 7, 9]),
    ("5", &[0, 7]),
    ("+", &[0, 4, 8]),
    ("M", &[0, 4, 7]),
    ("m", &[0, 3, 7]),
    ("-", &[0, 3, 7]),
    ("", &[0, 4, 7]),
];

const MAJOR: [u8; 7] = [0, 2, 4, 5, 7, 9, 11];
const MINOR: [u8; 7] = [0, 2, 3, 5, 7, 8, 10];
const NUMERALS: [&str; 7] = ["VII", "III", "IV", "VI", "II", "V", "I"];
const DEGREE: [usize; 7] = [6, 2, 3, 5, 1, 4, 0];

/// A note name's pitch class and the rest of the text (`"F#m7"` → 6, `"m7"`).
fn root(s: &str) -> Option<(u8, &str)> {
    let mut chars = s.chars();
    let base: i32 = match chars.next()?.to_ascii_uppercase() {
        'C' => 0,
        'D' => 2,
        'E' => 4,
        'F' => 5,
        'G' => 7,
        'A' => 9,
        'B' => 11,
        _ => return None,
    };
    let (shift, rest) = accidentals(chars.as_str());
    Some(((base + shift).rem_euclid(12) as u8, rest))
}

fn accidentals(s: &str) -> (i32, &str) {
    let n = s.chars().take_while(|c| *c == '#' || *c == 'b').count();
    let shift = s[..n].chars().map(|c| if c == '#' { 1 } else { -1 }).sum();
    (shift, &s[n..])
}

fn quality(s: &str) -> Option<&'static [u8]> {
    QUALITIES.iter().find(|(name, _)| *name == s).map(|(_, q)| *q)
}

/// Pitch classes of a roman-numeral chord in `key` (lower-case key = minor), such as `V7` or `bVIIM7`.
fn roman(chord: &str, key: &str) -> Option<Vec<u8>> {
    let (tonic, rest) = root(key)?;
    if !rest.is_empty() {
        return None;
    }
    let scale = if key.starts_with(|c: char| c.is_ascii_lowercase()) {
        MINOR
    } else {
        MAJOR
    };
    let (shift, body) = accidentals(chord);
    let (k, suffix) = NUMERALS
        .iter()
        .zip(DEGREE)
        .find_map(|(num, d)| body.strip_prefix(num).map(|r| (d, r)))?;
    let diatonic = |steps: &[usize]| -> Vec<u8> {
        steps
            .iter()
            .map(|s| {
                let d = k + s;
                (tonic + scale[d % 7] + 12 * (d / 7) as u8) % 12
            })
            .collect()
    };
    let pcs = match suffix {
        "" if shift == 0 => diatonic(&[0, 2, 4]),
        "7" if shift == 0 => diatonic(&[0, 2, 4, 6]),
        _ => {
            let r = (i32::from(tonic) + i32::from(scale[k]) + shift).rem_euclid(12) as u8;
            quality(suffix)?.iter().map(|q| (r + q) % 12).collect()
        }
    };
    Some(pcs)
}

/// The chord's notes, stacked upward from octave `octave` (C4 = 48 here as in the original, 12·octave), each raised
/// by octaves until it is at least the note below, capped at 127.
pub fn notes(chord: &str, key: &str, octave: f32) -> Result<Vec<u8>, String> {
    let chord = chord.trim();
    let pcs = roman(chord, key.trim())
        .or_else(|| {
            let (r, suffix) = root(chord)?;
            Some(quality(suffix)?.iter().map(|q| (r + q) % 12).collect())
        })
        .ok_or_else(|| format!("`{chord}` is not a chord name"))?;
    let base = (12.0 * octave.round().clamp(0.0, 10.0)) as i32;
    let mut out: Vec<u8> = Vec::with_capacity(pcs.len());
    let mut prev = 0;
    for pc in pcs {
        let mut k = base + i32::from(pc);
        while k < prev {
            k += 12;
        }
        prev = k;
        out.push(k.min(127) as u8);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::notes;

    #[test]
    fn shorthand_chords_stack_upward_from_the_octave() {
        assert_eq!(notes("Cm7", "C", 4.0), Ok(vec![48, 51, 55, 58]));
        assert_eq!(notes("C", "C", 5.0), Ok(vec![60, 64, 67]));
        assert_eq!(notes("F#dim", "C", 4.0), Ok(vec![54, 57, 60]));
        assert_eq!(notes("Bbmaj7", "C", 4.0), Ok(vec![58, 62, 65, 69]));
        assert_eq!(notes("G9", "C", 4.0), Ok(vec![55, 59, 62, 65, 69]));
    }

    #[test]
    fn roman_numerals_follow_the_key() {
        assert_eq!(notes("I", "C", 4.0), Ok(vec![48, 52, 55]));
        assert!(notes("ii", "C", 4.0).is_err());
        assert_eq!(notes("II", "C", 4.0), Ok(vec![50, 53, 57]));
        assert_eq!(notes("V7", "G", 4.0), Ok(vec![50, 54, 57, 60]));
        assert_eq!(notes("Im7", "C", 4.0), Ok(vec![48, 51, 55, 58]));
        assert_eq!(notes("bVII", "C", 4.0), Ok(vec![58, 62, 65]));
        assert_eq!(notes("III", "a", 4.0), Ok(vec![48, 52, 55]));
    }

    #[test]
    fn nonsense_is_an_error_and_high_notes_are_capped() {
        assert!(notes("Hm7", "C", 4.0).is_err());
        assert!(notes("Cfoo", "C", 4.0).is_err());
        assert_eq!(notes("C", "C", 10.0), Ok(vec![120, 124, 127]));
    }
}
