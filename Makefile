# Convenience targets. The README's two commands need none of these.

.PHONY: test bench bench-peers reference kit

test:
	sh .ci/deps && cargo test --all-targets

bench:
	cargo bench

# Side-by-side speed against FunDSP, Glicol and knyst (a separate crate: builds those engines, ~2 min the first time),
# engine only and as the whole `render` process.
bench-peers:
	cargo build --release
	cd benches/peers && cargo run --release -- --seconds 60 --runs 5 $(ARGS)

# Re-render tests/original/*.ref with the original Python Synchrotron (pip package, in a throwaway virtualenv).
ORIGINAL_VENV := target/original-venv
reference:
	python3 -m venv $(ORIGINAL_VENV)
	$(ORIGINAL_VENV)/bin/pip install -q --no-deps synchrotron==0.1.0
	$(ORIGINAL_VENV)/bin/pip install -q numpy lark mingus
	for s in ../shared/synchrotron-examples/pwm ../shared/synchrotron-examples/pwm_plus \
		../shared/synchrotron-examples/pwm_plus_notes ../shared/synchrotron-examples/megalovania \
		patches/synchrolang/oscillators patches/synchrolang/sequencer; do \
		$(ORIGINAL_VENV)/bin/python tests/original/render_original.py $$s.syn 6 tests/original/$$(basename $$s).ref --every 31; \
	done

# The built-in sample kit (patches/samples/*.wav), made by our own engine from patches/samples/src/*.syn: half a
# second each at 48 kHz, raw (no soft start to blunt the attack), the same bits every time (a test checks the
# committed files against a fresh render).
kit:
	for f in patches/samples/src/*.syn; do \
		cargo run --release -- render $$f --raw --seconds 0.5 --sample-rate 48000 --seed 0 \
			--out patches/samples/$$(basename $$f .syn).wav --overwrite || exit 1; \
	done
