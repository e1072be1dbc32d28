//! `--group-by` keys: what a call is grouped under, read off its row.

use std::fmt;
use std::str::FromStr;

use std::collections::HashMap;

use crate::aggregate::{Grouping, Zone};
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
    /// The coding agent whose files the call comes from.
    Agent,
    /// The machine that read the call into a history (`history add --machine`).
    Machine,
    /// A tag's value (`project`, `user` and `feature` are the tags adapters fill in).
    Tag(String),
}

impl GroupKey {
    /// The words `--group-by` takes besides `tag:KEY`.
    pub const NAMES: [&str; 13] = [
        "model", "provider", "day", "week", "month", "tier", "task", "session", "agent", "machine",
        "project", "user", "feature",
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
            GroupKey::Agent => run.agent(row).unwrap_or(NONE_KEY).to_string(),
            GroupKey::Machine => run.machine(row).to_string(),
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
            "agent" => GroupKey::Agent,
            "machine" => GroupKey::Machine,
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
            GroupKey::Agent => f.write_str("agent"),
            GroupKey::Machine => f.write_str("machine"),
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
    fn tag_sets_with_one_value_share_a_group_number() {
        let tags = |pairs: &[(&str, &str)]| -> crate::pipeline::TagSet {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let run = RunOutput {
            tag_sets: vec![
                tags(&[]),
                tags(&[("feature", "search"), ("user", "a")]),
                tags(&[("feature", "chat"), ("user", "a")]),
                tags(&[("feature", "search"), ("user", "b")]),
                tags(&[("user", "c")]),
            ],
            ..RunOutput::default()
        };
        let ids = GroupIds::new(
            Grouping {
                keys: vec![GroupKey::Model, GroupKey::Tag("feature".into())],
                zone: Zone::default(),
            },
            &run,
        );
        let number = |set: u32| {
            let row = CallRow {
                tags: set,
                ..crate::risk::test_row()
            };
            ids.id(1, &row)
        };
        // Sets 1 and 3 share the value `search`; sets 0 and 4 carry no feature.
        assert_eq!(number(1), number(3));
        assert_eq!(number(0), number(4));
        assert_ne!(number(1), number(2));
        assert_ne!(number(1), number(0));
    }

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

/// The keys a replay breaks its sums down by, with what finds a call's group number quickly:
/// two calls of the same group share a number, and calls of different groups never do, but
/// for time keys, whose numbers are quarter hours (finer than any zone's day: every offset is
/// a whole number of quarter hours), so that their groups are named and merged at the end.
#[derive(Debug, Clone, Default)]
pub struct GroupIds {
    pub grouping: Grouping,
    /// For each tag key, each tag set's number: the first tag set with the same value.
    tag_numbers: Vec<Vec<u32>>,
    /// Each source's agent number: its place among the registry's agents (`u64::MAX` for none).
    source_agents: Vec<u64>,
    /// Each source's machine number: the first source read on the same machine.
    source_machines: Vec<u64>,
}

impl GroupIds {
    /// The group numbers of `grouping`'s keys over the tag sets of `run`.
    pub fn new(grouping: Grouping, run: &RunOutput) -> GroupIds {
        let tag_numbers = grouping
            .keys
            .iter()
            .map(|key| match key.tag_key() {
                Some(tag) => {
                    let mut first: HashMap<Option<&str>, u32> = HashMap::new();
                    run.tag_sets
                        .iter()
                        .enumerate()
                        .map(|(index, set)| {
                            let value = set.iter().find(|(k, _)| k == tag).map(|(_, v)| v.as_str());
                            *first.entry(value).or_insert(index as u32)
                        })
                        .collect()
                }
                None => Vec::new(),
            })
            .collect();
        let agents = crate::ingest::agent_names();
        let source_agents = run
            .sources
            .iter()
            .map(|source| {
                let agent = source.format.and_then(|format| format.agent_name());
                agent
                    .and_then(|name| agents.iter().position(|&a| a == name))
                    .map_or(u64::MAX, |index| index as u64)
            })
            .collect();
        let mut first: HashMap<Option<&str>, u64> = HashMap::new();
        let source_machines = run
            .sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                *first
                    .entry(source.machine.as_deref())
                    .or_insert(index as u64)
            })
            .collect();
        GroupIds {
            grouping,
            tag_numbers,
            source_agents,
            source_machines,
        }
    }

    pub fn keys(&self) -> &[GroupKey] {
        &self.grouping.keys
    }

    /// The group number of `row` for the key at `index` of [`Self::keys`].
    pub fn id(&self, index: usize, row: &CallRow) -> u64 {
        const QUARTER_HOUR_MS: i64 = 15 * 60 * 1000;
        match &self.grouping.keys[index] {
            GroupKey::Model => row.price.map_or(1 << 32 | u64::from(row.model), u64::from),
            GroupKey::Provider => row.provider as u64,
            GroupKey::Day | GroupKey::Week | GroupKey::Month => row
                .timestamp_ms
                .map_or(u64::MAX, |t| t.div_euclid(QUARTER_HOUR_MS) as u64),
            GroupKey::Tier => row.classification.tier as u64,
            GroupKey::Task => row.classification.task as u64,
            GroupKey::Session => u64::from(row.session),
            GroupKey::Agent => self
                .source_agents
                .get(row.source as usize)
                .copied()
                .unwrap_or(u64::MAX),
            GroupKey::Machine => self
                .source_machines
                .get(row.source as usize)
                .copied()
                .unwrap_or(u64::MAX),
            GroupKey::Tag(_) => self.tag_numbers[index]
                .get(row.tags as usize)
                .map_or(u64::from(row.tags), |&n| u64::from(n)),
        }
    }
}
