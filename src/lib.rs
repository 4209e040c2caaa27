//! kubectl-stackset: the imperative shell around `stackset_core`.
