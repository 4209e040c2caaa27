//! The name rules, in one place: template versions (the CRD's pattern),
//! hostnames (DNS-1123 subdomains) and Service names (DNS-1035 labels, which
//! a stack's name `<stackset>-<version>` must be, since it names the stack's
//! Service). The engine checks versions with them; `create` and `rollout`
//! check names, versions and hosts before they write anything.

/// One RFC 1123 label without a length limit: lowercase letters, digits and
/// `-`, starting and ending with a letter or digit.
fn label(l: &str) -> bool {
    let b = l.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.first().is_some_and(|c| *c != b'-')
        && b.last().is_some_and(|c| *c != b'-')
}

/// A template version as the CRD's pattern allows it:
/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
/// Dots are allowed here, though they make a stack name that cannot name a
/// Service (see [`valid_stack_name`]).
pub fn valid_version(v: &str) -> bool {
    v.split('.').all(label)
}

/// A hostname: a DNS-1123 subdomain of at most 253 characters, each label at
/// most 63.
pub fn valid_hostname(h: &str) -> bool {
    !h.is_empty() && h.len() <= 253 && h.split('.').all(|l| l.len() <= 63 && label(l))
}

/// A DNS-1035 label (what a Service name must be): lowercase letters, digits
/// and `-`, starting with a letter, ending with a letter or digit, at most 63
/// characters.
pub fn valid_dns1035_label(s: &str) -> bool {
    s.len() <= 63 && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && label(s)
}

/// Whether `<stackset>-<version>` can name a stack (and so its Service): the
/// version is not empty and the whole name is a DNS-1035 label.
pub fn valid_stack_name(stackset: &str, version: &str) -> bool {
    !version.is_empty() && valid_dns1035_label(&format!("{stackset}-{version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_crd_pattern() {
        for ok in ["v1", "1", "1.2.3", "a-b.c", "0a"] {
            assert!(valid_version(ok), "{ok:?}");
        }
        for bad in ["", "V1", "-v1", "v1-", "a..b", ".a", "a.", "a_b", "a b"] {
            assert!(!valid_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn hostnames_are_dns_subdomains_with_lengths() {
        assert!(valid_hostname("my-app.example.org"));
        for bad in [
            "",
            "a..b",
            "-a.org",
            "A.org",
            "a b",
            &format!("{}.org", "a".repeat(64)),
        ] {
            assert!(!valid_hostname(bad), "{bad:?}");
        }
        let long = vec!["a".repeat(63); 4].join(".");
        assert_eq!(long.len(), 255);
        assert!(!valid_hostname(&long));
    }

    #[test]
    fn service_names_are_dns1035_labels() {
        assert!(valid_dns1035_label("my-app"));
        for bad in ["", "My-App", "1app", "app-", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!valid_dns1035_label(bad), "{bad:?}");
        }
        assert!(valid_stack_name("my-app", "v2"));
        assert!(
            !valid_stack_name("my-app", "1.2.3"),
            "dots cannot name a Service"
        );
        assert!(!valid_stack_name("my-app", ""));
        assert!(valid_version("1.2.3") && !valid_stack_name("my-app", "1.2.3"));
    }
}
