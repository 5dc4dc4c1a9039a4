//! The `/*** {json} ***/` header of a `.sui` file: the original keeps node positions there; we also keep the tempo
//! and, for exported native patches, each node's identity (so seeded noise renders the same after a round trip).
//! Control thread.

use std::fmt::Write as _;

/// What synchrotron-tui reads from a header. Anything else in it (positions) is layout and ignored.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header {
    pub bpm: Option<f64>,
    /// Script name → the key the node had in the native patch.
    pub keys: Vec<(String, String)>,
}

/// The section we own, so it never collides with a node the original positions.
pub const SECTION: &str = "synchrotron-tui";

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Num(f64),
    Str(String),
    Obj(Vec<(String, Json)>),
    Other,
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The header of `src`, if it opens with one that parses. A broken header is layout trouble, not a patch error.
pub fn read(src: &str) -> Header {
    let Some(body) = src.trim_start().strip_prefix("/***") else {
        return Header::default();
    };
    let Some(end) = body.find("***/") else {
        return Header::default();
    };
    let mut p = Reader {
        s: body[..end].trim().as_bytes(),
        at: 0,
    };
    let Some(root) = p.value() else {
        return Header::default();
    };
    let ours = root.get(SECTION);
    // Early exports put the tempo at the top level; read both.
    let bpm = [ours.and_then(|o| o.get("bpm")), root.get("bpm")]
        .into_iter()
        .flatten()
        .find_map(|v| match v {
            Json::Num(b) if *b > 0.0 && *b < 10_000.0 => Some(*b),
            _ => None,
        });
    let keys = match ours.and_then(|o| o.get("keys")) {
        Some(Json::Obj(fields)) => fields
            .iter()
            .filter_map(|(k, v)| match v {
                Json::Str(s) => Some((k.clone(), s.clone())),
                _ => None,
            })
            .collect(),
        _ => vec![],
    };
    Header { bpm, keys }
}

/// `text` as a JSON string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let hit = self.s.get(self.at) == Some(&b);
        self.at += usize::from(hit);
        hit
    }

    fn value(&mut self) -> Option<Json> {
        self.skip_ws();
        match *self.s.get(self.at)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Json::Str),
            _ => self.scalar(),
        }
    }

    fn object(&mut self) -> Option<Json> {
        self.at += 1;
        let mut fields = Vec::new();
        if self.eat(b'}') {
            return Some(Json::Obj(fields));
        }
        loop {
            self.skip_ws();
            let k = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            fields.push((k, self.value()?));
            if self.eat(b'}') {
                return Some(Json::Obj(fields));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn array(&mut self) -> Option<Json> {
        self.at += 1;
        if self.eat(b']') {
            return Some(Json::Other);
        }
        loop {
            self.value()?;
            if self.eat(b']') {
                return Some(Json::Other);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match *self.s.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    self.at += 1;
                    match *self.s.get(self.at)? {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let hex = std::str::from_utf8(self.s.get(self.at + 1..self.at + 5)?).ok()?;
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                            out.extend_from_slice(c.to_string().as_bytes());
                            self.at += 4;
                        }
                        b => out.push(b),
                    }
                }
                b => out.push(b),
            }
            self.at += 1;
        }
        self.at += 1;
        String::from_utf8(out).ok()
    }

    fn scalar(&mut self) -> Option<Json> {
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
        {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        match word {
            "" => None,
            "true" | "false" | "null" => Some(Json::Other),
            _ => word.parse().ok().map(Json::Num),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_ignored_and_our_section_is_read() {
        let src = "/*** {\"osc\": {\"x\": 10, \"y\": -2.5}, \"synchrotron-tui\": {\"bpm\": 96, \
                   \"keys\": {\"noise3\": \"4:noise \\\"q\\\"\"}}} ***/\nnew SineNode osc;";
        let h = read(src);
        assert_eq!(h.bpm, Some(96.0));
        assert_eq!(h.keys, vec![("noise3".to_string(), "4:noise \"q\"".to_string())]);
    }

    #[test]
    fn quoting_round_trips_and_broken_headers_read_as_empty() {
        let key = "a\"b\\c\u{1}";
        let src = format!("/*** {{\"{SECTION}\": {{\"keys\": {{\"n\": {}}}}}}} ***/", quote(key));
        assert_eq!(read(&src).keys, vec![("n".to_string(), key.to_string())]);
        assert_eq!(read("/*** {\"bpm\": ***/"), Header::default());
        assert_eq!(read("/*** {\"bpm\": 120} ***/").bpm, Some(120.0));
        assert_eq!(read("new SineNode a;"), Header::default());
    }
}
