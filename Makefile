# kubectl-stackset: the commands a developer and CI need.
#   make test   all quality gates and every test, against a real local control plane
#   make demo   start the local control plane and run a visible rollout v1 -> v2
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help
help:
	@echo "make test     fmt, clippy, core purity, build the local control plane, run every test on it"
	@echo "make demo     start the local control plane and run a visible rollout v1 -> v2"
	@echo "make cluster  start a local control plane (prints the kubeconfig path)"
	@echo "make down     stop every local control plane started from this checkout"

.PHONY: lint
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	scripts/check-core-purity.sh

.PHONY: cluster-bin
cluster-bin:
	tests/cluster/build.sh

# The test command. It starts the control plane itself and tears it down even
# when tests fail; STACKSET_E2E=1 makes every cluster test fail loudly instead
# of skipping if no cluster can be had.
.PHONY: test
test: lint cluster-bin
	$(CARGO) build --workspace --locked
	scripts/with-cluster.sh env STACKSET_E2E=1 $(CARGO) test --workspace --locked

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
