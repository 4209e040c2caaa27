//! Helpers shared by commands: picking the StackSet a command is about.

use crate::cluster::Connection;
pub use crate::cluster::inspect::resolve_stackset_name;
use crate::error::Failure;

/// Prints a mutating command's result on stdout: `line` (with its newline
/// added), or with `-o` the StackSet instead: `object` when the command has
/// it (as written, or as a dry run would leave it), else as read now.
pub async fn emit(
    conn: &Connection,
    ns: &str,
    name: &str,
    output: Option<crate::cli::ObjectOutput>,
    object: Option<&stackset_core::api::StackSet>,
    line: &str,
) -> Result<(), Failure> {
    use crate::cli::ObjectOutput;
    let line = line.trim_end_matches('\n');
    let fetched;
    let ss = match (output, object) {
        (None, _) => return crate::render::out(&format!("{line}\n")),
        (Some(ObjectOutput::Name), _) => {
            return crate::render::out(&format!("stackset.zalando.org/{name}\n"));
        }
        (Some(_), Some(o)) => o,
        (Some(_), None) => {
            fetched = crate::cluster::snapshot::get_stackset(&conn.client, ns, name).await?;
            &fetched
        }
    };
    super::create::print_result(ss, output, line)
}

/// A stack that does not exist, worded the same by every command (`get
/// NAME STACK`, `traffic set`, `rollback --to`): exit 1, the versions that
/// exist, and how to name one.
pub fn unknown_stack(stackset: &str, wanted: &str, known: &[String]) -> Failure {
    let versions: Vec<&str> = known
        .iter()
        .map(|k| {
            k.strip_prefix(stackset)
                .and_then(|v| v.strip_prefix('-'))
                .unwrap_or(k)
        })
        .collect();
    let message = if versions.is_empty() {
        format!("stackset {stackset} has no stacks, so no stack '{wanted}'")
    } else {
        format!(
            "stackset {stackset} has no stack '{wanted}'; its stacks: {}",
            versions.join(", ")
        )
    };
    Failure::error(message).hint(format!(
        "name a stack by its version or its full name, e.g. {} or {stackset}-{}",
        versions.first().copied().unwrap_or("v1"),
        versions.first().copied().unwrap_or("v1"),
    ))
}
