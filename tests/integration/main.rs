//! The one integration-test binary: every test here runs against a real
//! Kubernetes API server (see `support`), one namespace per test.

mod support;

mod reconcile;
mod ship;
mod smoke;
