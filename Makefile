# kubectl-stackset: the commands a developer and CI need.
#   make test   all quality gates and every test, against a real local control plane
#   make demo   start the local control plane and run a visible rollout v1 -> v2
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help
help:
	@echo "make test     fmt, clippy, core purity, layering, build the local control plane, run every test on it"
	@echo "make demo     start the local control plane and run a visible rollout v1 -> v2"
	@echo "make cluster  start a local control plane (prints the kubeconfig path)"
	@echo "make down     stop every local control plane started from this checkout"
	@echo "make generate regenerate completions/, man/ and the embedded CRDs (commit the result)"
	@echo "make install  build and install the plugin, completions and man pages (PREFIX=~/.local)"
	@echo "make release  the release binary, and its size and start-up time"

.PHONY: lint
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	scripts/check-core-purity.sh
	scripts/check-layering.sh --self-test
	scripts/check-layering.sh

.PHONY: cluster-bin
cluster-bin:
	tests/cluster/build.sh
	tests/cluster/build-toxiproxy.sh
	tests/cluster/build-upstream.sh --skipper

# The test command. It starts the control plane itself and tears it down even
# when tests fail; STACKSET_E2E=1 makes every cluster test fail loudly instead
# of skipping if no cluster can be had. When a test fails, the reasons are
# printed again at the very end (scripts/test-digest.sh), without backtraces.
.PHONY: test
test: lint cluster-bin
	$(CARGO) build --workspace --locked
	set -o pipefail; scripts/with-cluster.sh env STACKSET_E2E=1 $(CARGO) test --workspace --locked 2>&1 \
	  | tee target/test.log || { scripts/test-digest.sh target/test.log; exit 1; }

.PHONY: demo
demo: cluster-bin
	scripts/demo.sh

.PHONY: cluster
cluster: cluster-bin
	$(CARGO) build --locked
	tests/cluster/up

.PHONY: down
down:
	tests/cluster/down

# completions/ and man/ are generated from the CLI definition and committed; a
# test fails when they are stale.
.PHONY: generate
generate:
	$(CARGO) run --quiet --locked --example generate-crds
	$(CARGO) run --quiet --locked -- completion --output-dir completions
	$(CARGO) run --quiet --locked -- man --output-dir man

PREFIX ?= $(HOME)/.local
.PHONY: install uninstall
install:
	./install.sh --prefix "$(PREFIX)"
uninstall:
	./install.sh --prefix "$(PREFIX)" --uninstall

.PHONY: release
release:
	$(CARGO) build --release --locked
	scripts/measure-release.sh
