//! `kubectl stackset man`: the committed man pages are current.

use crate::common::repo_root;
use crate::support::{assert_same, committed};

#[test]
fn committed_man_pages_match_the_cli() {
    let dir = repo_root().join("man");
    let fresh = kubectl_stackset::commands::man::pages();
    assert!(
        fresh
            .iter()
            .any(|(n, _)| n == "kubectl-stackset-reconcile.1"),
        "one page per subcommand"
    );
    assert_same("man", committed(&dir, |n| n.ends_with(".1")), fresh);
}
