//! A minimal SoundFont 2 file made from scratch, for SoundFontNode's tests and the example patch: preset 0:0 is a
//! looped sine at 440 Hz for key 69, and the drum kit (bank 128) a looped sine two octaves up, so a render tells
//! which was played. `patches/synchrolang/tiny.sf2` must equal what this writes.

fn chunk(id: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = id.to_vec();
    v.extend_from_slice(&(body.len() as u32).to_le_bytes());
    v.extend_from_slice(body);
    if body.len() % 2 == 1 {
        v.push(0);
    }
    v
}

fn list(kind: [u8; 4], parts: &[Vec<u8>]) -> Vec<u8> {
    let mut body = kind.to_vec();
    for p in parts {
        body.extend_from_slice(p);
    }
    chunk(*b"LIST", &body)
}

fn name20(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(20, 0);
    v
}

fn u16s(xs: &[u16]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

const LOOP: u32 = 800;
const GAP: u32 = 46;

/// One looped sine cycle repeated: `period` samples per cycle at 44 kHz (100 → exactly 440 Hz).
fn sine(period: u32) -> Vec<i16> {
    (0..LOOP)
        .map(|i| (20_000.0 * (std::f64::consts::TAU * f64::from(i) / f64::from(period)).sin()) as i16)
        .collect()
}

fn preset(name: &str, program: u16, bank: u16, bag: u16) -> Vec<u8> {
    let mut v = name20(name);
    v.extend(u16s(&[program, bank, bag]));
    v.extend([0u8; 12]);
    v
}

fn sample(name: &str, start: u32, root: u8) -> Vec<u8> {
    let mut v = name20(name);
    for x in [start, start + LOOP, start, start + LOOP, 44_000] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend([root, 0]);
    v.extend(u16s(&[0, 1]));
    v
}

pub fn tiny_sf2() -> Vec<u8> {
    let mut smpl = Vec::new();
    for period in [100, 25] {
        smpl.extend(sine(period));
        smpl.extend(std::iter::repeat_n(0i16, GAP as usize));
    }
    let smpl: Vec<u8> = smpl.iter().flat_map(|s| s.to_le_bytes()).collect();
    let info = list(
        *b"INFO",
        &[
            chunk(*b"ifil", &u16s(&[2, 1])),
            chunk(*b"isng", b"EMU8000\0"),
            chunk(*b"INAM", b"tiny test font\0\0"),
        ],
    );
    let sdta = list(*b"sdta", &[chunk(*b"smpl", &smpl)]);
    let phdr = [
        preset("sine", 0, 0, 0),
        preset("high kit", 0, 128, 1),
        preset("EOP", 0, 0, 2),
    ]
    .concat();
    let inst = [
        name20("sine"),
        u16s(&[0]),
        name20("high"),
        u16s(&[1]),
        name20("EOI"),
        u16s(&[2]),
    ]
    .concat();
    // pgen: instrument 0, instrument 1. igen per instrument: sampleModes = loop, then sampleID.
    let pgen = u16s(&[41, 0, 41, 1, 0, 0]);
    let igen = u16s(&[54, 1, 53, 0, 54, 1, 53, 1, 0, 0]);
    let pdta = list(
        *b"pdta",
        &[
            chunk(*b"phdr", &phdr),
            chunk(*b"pbag", &u16s(&[0, 0, 1, 0, 2, 0])),
            chunk(*b"pmod", &[0; 10]),
            chunk(*b"pgen", &pgen),
            chunk(*b"inst", &inst),
            chunk(*b"ibag", &u16s(&[0, 0, 2, 0, 4, 0])),
            chunk(*b"imod", &[0; 10]),
            chunk(*b"igen", &igen),
            chunk(
                *b"shdr",
                &[
                    sample("sine440", 0, 69),
                    sample("sine1760", LOOP + GAP, 69),
                    name20("EOS"),
                    vec![0; 26],
                ]
                .concat(),
            ),
        ],
    );
    let mut body = b"sfbk".to_vec();
    body.extend(info);
    body.extend(sdta);
    body.extend(pdta);
    chunk(*b"RIFF", &body)
}
