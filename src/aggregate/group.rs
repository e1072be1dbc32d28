//! `--group-by` keys: what a call is grouped under, read off its row.

use std::fmt;
use std::str::FromStr;

use crate::aggregate::Zone;
use crate::pipeline::{CallRow, RunOutput};
use crate::pricing::PriceCatalog;

/// The group of calls that carry no value for a key (no tag, no session).
pub const NONE_KEY: &str = "(none)";

/// One way to group calls.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupKey {
    /// The catalog id, or the logged name of an unpriced model.
    Model,
    Provider,
    Day,
    Week,
    Month,
    Tier,
    Task,
    /// The session, conversation or trace id the log gives.
    Session,
    /// A tag's value (`project`, `user` and `feature` are the tags adapters fill in).
    Tag(String),
}

impl GroupKey {
    /// The words `--group-by` takes besides `tag:KEY`.
    pub const NAMES: [&str; 11] = [
        "model", "provider", "day", "week", "month", "tier", "task", "session", "project", "user",
        "feature",
    ];

    /// Groups are periods of time (shown in time order, not by spend).
    pub fn is_time(&self) -> bool {
        matches!(self, GroupKey::Day | GroupKey::Week | GroupKey::Month)
    }

    /// The tag key this grouping reads, if it reads one.
    pub fn tag_key(&self) -> Option<&str> {
        match self {
            GroupKey::Tag(key) => Some(key),
            _ => None,
        }
    }

    /// A number that two calls share whenever they fall in the same group (calls with
    /// different numbers may still share a group: time is cut in quarter hours, finer than any
    /// zone's day, and tags by the call's whole tag set). Cheap to find for every call, it
    /// lets a tally keep groups by number and name them once at the end from one of their
    /// calls with [`GroupKey::key_of`].
    pub fn fine_id(&self, row: &CallRow) -> u64 {
        /// Every zone offset is a whole number of quarter hours.
        const QUARTER_HOUR_MS: i64 = 15 * 60 * 1000;
        match self {
            GroupKey::Model => row.price.map_or(1 << 32 | u64::from(row.model), u64::from),
            GroupKey::Provider => row.provider as u64,
            GroupKey::Day | GroupKey::Week | GroupKey::Month => row
                .timestamp_ms
                .map_or(u64::MAX, |t| t.div_euclid(QUARTER_HOUR_MS) as u64),
            GroupKey::Tier => row.classification.tier as u64,
            GroupKey::Task => row.classification.task as u64,
            GroupKey::Session => u64::from(row.session),
            GroupKey::Tag(_) => u64::from(row.tags),
        }
    }

    /// The group a call falls in.
    pub fn key_of(
        &self,
        row: &CallRow,
        run: &RunOutput,
        catalog: &PriceCatalog,
        zone: Zone,
    ) -> String {
        match self {
            GroupKey::Model => row.price.map_or_else(
                || run.models[row.model as usize].clone(),
                |index| catalog.entry(index).id.clone(),
            ),
            GroupKey::Provider => row.provider.as_str().to_string(),
            GroupKey::Day => zone.day(row.timestamp_ms),
            GroupKey::Week => zone.week(row.timestamp_ms),
            GroupKey::Month => zone.month(row.timestamp_ms),
            GroupKey::Tier => row.classification.tier.as_str().to_string(),
            GroupKey::Task => row.classification.task.as_str().to_string(),
            GroupKey::Session => match run.sessions.get(row.session as usize) {
                Some(session) if row.session != 0 => session.clone(),
                _ => NONE_KEY.to_string(),
            },
            GroupKey::Tag(key) => run.tag(row, key).unwrap_or(NONE_KEY).to_string(),
        }
    }
}

impl FromStr for GroupKey {
    type Err = String;

    fn from_str(text: &str) -> Result<GroupKey, String> {
        let text = text.trim();
        Ok(match text {
            "model" => GroupKey::Model,
            "provider" => GroupKey::Provider,
            "day" => GroupKey::Day,
            "week" => GroupKey::Week,
            "month" => GroupKey::Month,
            "tier" => GroupKey::Tier,
            "task" => GroupKey::Task,
            "session" | "trace" => GroupKey::Session,
            "project" | "user" | "feature" => GroupKey::Tag(text.to_string()),
            _ => match text.strip_prefix("tag:") {
                Some(key) if !key.is_empty() => GroupKey::Tag(key.to_string()),
                _ => {
                    return Err(format!(
                        "cannot group by `{text}`: use one of {}, or tag:KEY for any tag",
                        GroupKey::NAMES.join(", ")
                    ));
                }
            },
        })
    }
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKey::Model => f.write_str("model"),
            GroupKey::Provider => f.write_str("provider"),
            GroupKey::Day => f.write_str("day"),
            GroupKey::Week => f.write_str("week"),
            GroupKey::Month => f.write_str("month"),
            GroupKey::Tier => f.write_str("tier"),
            GroupKey::Task => f.write_str("task"),
            GroupKey::Session => f.write_str("session"),
            GroupKey::Tag(key) if ["project", "user", "feature"].contains(&key.as_str()) => {
                f.write_str(key)
            }
            GroupKey::Tag(key) => write!(f, "tag:{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_written() {
        for name in GroupKey::NAMES.iter().copied().chain(["tag:team"]) {
            let key: GroupKey = name.parse().unwrap();
            assert_eq!(key.to_string(), name);
        }
        assert_eq!(
            "feature".parse::<GroupKey>().unwrap().tag_key(),
            Some("feature")
        );
        assert_eq!("trace".parse::<GroupKey>(), Ok(GroupKey::Session));
        let err = "modle".parse::<GroupKey>().unwrap_err();
        assert!(err.contains("tag:KEY"), "{err}");
        assert!("tag:".parse::<GroupKey>().is_err());
    }
}
