//! The machine a history's calls were read on: `--machine NAME`, `LLM_AUDIT_MACHINE`, else the
//! host's name. It tags every reading, so one store can hold a team's machines and
//! `--group-by machine` splits them.

/// Whether `name` may name a machine: letters, digits, `.`, `_` and `-`, at most 64.
pub fn valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The name given, checked; else this host's name, with any other character made `-`.
pub fn machine_name(given: Option<&str>) -> anyhow::Result<String> {
    let given = given.map(str::to_string).or_else(|| {
        std::env::var("LLM_AUDIT_MACHINE")
            .ok()
            .filter(|v| !v.is_empty())
    });
    if let Some(name) = given {
        anyhow::ensure!(
            valid(&name),
            "machine name `{}` may hold only letters, digits, `.`, `_` and `-` (at most 64)",
            crate::escape::terminal_text(&name)
        );
        return Ok(name);
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let cleaned: String = host
        .trim()
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    Ok(if cleaned.is_empty() {
        "unknown".to_string()
    } else {
        cleaned
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hold_only_safe_characters() {
        assert!(valid("alpha-1.example_lab"));
        for bad in ["", "a/b", "a b", "héllo", "..\u{1b}[31m", &"x".repeat(65)] {
            assert!(!valid(bad), "{bad:?}");
        }
        assert!(machine_name(Some("a/b")).is_err());
        assert_eq!(machine_name(Some("beta")).unwrap(), "beta");
        assert!(valid(&machine_name(None).unwrap()));
    }
}
