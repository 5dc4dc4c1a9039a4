"""Render Synchrolang scripts with the original Python Synchrotron (pip package `synchrotron`), headless.

Our own harness: it imports the original from the environment (never copied here), replaces its device and
file back-ends with stand-ins, runs its render loop and writes what reaches each PlaybackNode as raw interleaved
little-endian float32. `make reference` runs it in a virtualenv and keeps every DECIMATE-th frame in
tests/original/*.ref, which the test suite compares our renders against.

usage: python render_original.py SCRIPT SECONDS OUT.raw [--every N]
"""

import re
import sys
import types


def stub_modules():
    """The original opens a sound card, MIDI and files when nodes are built; none of that is wanted here."""
    pyaudio = types.ModuleType("pyaudio")

    class PyAudio:
        def open(self, **_):
            return None

        def get_default_output_device_info(self):
            return {"name": "harness"}

        def terminate(self):
            pass

    pyaudio.PyAudio = PyAudio
    pyaudio.paFloat32 = 1
    pyaudio.paContinue = 0
    sys.modules["pyaudio"] = pyaudio
    for name in ["soundfile", "tinysoundfont", "tinysoundfont.midi", "rtmidi"]:
        module = types.ModuleType(name)
        module.SoundFile = module.MidiIn = object
        sys.modules[name] = module


class Collector:
    """Stands in for a PlaybackNode's queue: keeps every stereo block, never blocks the render loop."""

    blocks = []

    def put_nowait(self, block):
        Collector.blocks.append(block.copy())

    def join(self):
        pass


def main():
    script_path, seconds, out_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    every = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--every" else 1
    stub_modules()
    import numpy as np
    from synchrotron.nodes import audio
    from synchrotron.synchrotron import Synchrotron

    audio.Queue = Collector
    engine = Synchrotron(sample_rate=44100, buffer_size=256)
    with open(script_path) as f:
        script = f.read()
    # This release's parser predates comments and blank lines; drop them (they never mean anything to the graph).
    script = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
    script = "\n".join(line.strip() for line in script.splitlines() if line.strip())
    engine.execute(script)
    frames = int(seconds * 44100)
    while len(Collector.blocks) * 256 < frames:
        engine.render_graph()
    stereo = np.concatenate(Collector.blocks).astype("<f4").reshape(-1, 2)[:frames]
    stereo[::every].tofile(out_path)


if __name__ == "__main__":
    main()
