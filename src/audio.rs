//! Getting samples out: the offline renderer (tests, `render`, benches) and WAV writing. The cpal device backend
//! joins in the live-playback work. Control thread.

pub mod offline;
