//! Getting samples out: the cpal sound-card backend, a paced silent stand-in for machines without one, the
//! offline renderer (tests, `render`, benches) and WAV writing, and the MIDI and audio-input devices. Control thread, except the callbacks they run.

#[cfg(feature = "cpal")]
pub mod capture_device;
#[cfg(feature = "cpal")]
pub mod cpal_backend;
pub mod device_thread;
pub mod midi_file;
pub mod midi_out;
#[cfg(feature = "midi")]
pub mod midi_ports;
pub mod null;
pub mod offline;
