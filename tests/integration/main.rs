//! The one integration-test binary: every test here runs against a real
//! Kubernetes API server (see `support`), one namespace per test.

mod support;

mod controller;
mod differential;
mod fault_matrix;
mod faults;
mod idempotence;
mod incluster;
mod inspect;
mod mutate;
mod reconcile;
mod restarts;
mod rollout;
mod rollout_state;
mod secrets;
mod ship;
mod skipper;
mod smoke;
mod toxiproxy;
mod upstream_controller;
mod upstream_e2e;
