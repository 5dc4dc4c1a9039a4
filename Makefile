# Convenience targets. The README's two commands need none of these.

.PHONY: test bench bench-peers

test:
	sh .ci/deps && cargo test --all-targets

bench:
	cargo bench

# Side-by-side speed against FunDSP, Glicol and knyst (a separate crate: builds those engines, ~2 min the first time).
bench-peers:
	cd benches/peers && cargo run --release -- --seconds 60 --runs 5
