# Every target uses Debian's Rust 1.96 (/usr/bin), never rustup's proxy: see scripts/sbf/README.md.
SHELL := /bin/bash
export PATH := /usr/bin:$(PATH)
export RUSTC := /usr/bin/rustc
export RUSTDOC := /usr/bin/rustdoc
CARGO := /usr/bin/cargo
SO := target/deploy/ilm.so

.PHONY: setup build test lint bench demo ilm idl idl-baseline latency scale kora

## setup: install the offline SBF toolchain (apt + sbpf-linker); a no-op once done
setup:
	@echo "==> [1/3] toolchain (scripts/sbf/setup-toolchain.sh)"
	@scripts/sbf/setup-toolchain.sh

## build: compile programs/ilm to target/deploy/ilm.so, the example integrator examples/coverage, the benchmark's floor program bench/floor and the toolchain's self-test scripts/sbf/i128_check
build: setup
	@echo "==> [2/3] programs: $(SO), target/deploy/{coverage,floor,i128_check}.so"
	@scripts/sbf/build-sbf.sh programs/ilm --features sbf-dispatch
	@scripts/sbf/build-sbf.sh examples/coverage
	@scripts/sbf/build-sbf.sh bench/floor
	@scripts/sbf/build-sbf.sh scripts/sbf/i128_check

## test: install what is missing, build the .so files, run every test (unit, property, LiteSVM, the CPI example), check the IDL
test: build
	@echo "==> [3/3] tests (unit + proptest + LiteSVM on the real .so)"
	@$(CARGO) test --workspace --locked
	@$(CARGO) test --locked -p ilm --features cpi --doc
	@echo "==> idl/ilm.json matches the program and keeps idl/baseline.json's promises"
	@$(CARGO) run --locked -p ilm-idl -- --check

## idl: regenerate idl/ilm.json from the program (Anchor's IDL builder); fails on a break of idl/baseline.json
idl: setup
	@$(CARGO) run --locked -q -p ilm-idl

## idl-baseline: accept a deliberate break of the versioning rules: idl/baseline.json becomes the current IDL
idl-baseline: setup
	@$(CARGO) run --locked -q -p ilm-idl || true
	@cp idl/ilm.json idl/baseline.json
	@echo "idl/baseline.json moved: say in the commit why callers or accounts may break"

## lint: formatting and clippy, warnings are errors
lint: setup
	@$(CARGO) fmt --all -- --check
	@$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	@$(CARGO) clippy -p ilm --features sbf-dispatch --locked -- -D warnings
	@$(CARGO) clippy -p ilm --features cpi --locked -- -D warnings

## bench: measure every instruction, the payout paths against the floor program, sizes, rent and a 50,000-recipient epoch; writes BENCH.md
bench: build
	@$(CARGO) run --locked -p ilm-tests --bin bench

## demo: a whole market on a fresh embedded ledger: commit-reveal, attested, judged and 50,000 Merkle payouts
demo: build
	@$(CARGO) build --locked -p ilm-cli --bin ilm
	@target/debug/ilm demo $(DEMO_ARGS)

## ilm: build the `ilm` CLI (target/debug/ilm) and the program it embeds
ilm: build
	@$(CARGO) build --locked -p ilm-cli --bin ilm

## scale: `ilm demo` with a 1,000,000-recipient Merkle epoch on the embedded ledger: wall time, peak memory (about 10 minutes; not in CI)
scale: build
	@$(CARGO) build --locked -p ilm-cli --bin ilm
	@home=$$(mktemp -d); if [ -x /usr/bin/time ]; then timer="/usr/bin/time -f %e_s_wall,_%M_KB_peak_memory"; else timer=time; fi; \
	  ILM_HOME=$$home $$timer target/debug/ilm demo --contributors 1000000; rc=$$?; rm -rf $$home; exit $$rc

## latency: a simple command's wall time on an embedded ledger after a 50,000-recipient push (minutes; not in `make test`)
latency: build
	@$(CARGO) test --locked -p ilm-cli --test latency -- --ignored --nocapture

## kora: the sponsored path through a real Kora server (kora-cli 2.2.0-beta.8, installed once into target/kora by scripts/kora/install.sh: about 25 minutes) in front of the test RPC server; not in CI
kora: build
	@bash scripts/kora/install.sh
	@$(CARGO) test --locked -p ilm-cli --test kora -- --ignored --nocapture
