//! Discovery: where the coding agents of the registry keep their usage on this machine, and
//! the files found there. `analyze` without a path reads them; `llm-audit agents` lists them.
//!
//! Each agent's [`Agent`] entry says where to look: variables that move its data (any set
//! replaces the default folders; a value may list several folders, comma-separated, as
//! ccusage reads `CLAUDE_CONFIG_DIR`), default folders relative to the home folder per system,
//! and which files under them are its own. Missing folders are no error; a file two folders
//! reach (a symlinked folder, a variable naming a default) is read once.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use super::{Agent, InputFormat, InputSource, Os};

/// What discovery reads of the machine: the home folder, the system and the variables that
/// move agents' data. Tests build one by hand instead of changing the process environment.
#[derive(Debug, Clone)]
pub struct Environment {
    pub home: Option<PathBuf>,
    pub os: Os,
    /// Variables by name; only the agents' own are read.
    pub vars: Vec<(String, OsString)>,
}

impl Environment {
    /// This process's environment: `HOME` (`USERPROFILE` first on Windows) and every variable
    /// a registry agent names.
    pub fn current() -> Environment {
        let os = Os::current();
        let home_vars: &[&str] = if os == Os::Windows {
            &["USERPROFILE", "HOME"]
        } else {
            &["HOME"]
        };
        let home = home_vars
            .iter()
            .filter_map(std::env::var_os)
            .find(|value| !value.is_empty())
            .map(PathBuf::from);
        let vars = agent_formats()
            .flat_map(|(_, agent)| agent.env.iter().map(|env| env.var))
            .filter_map(|var| Some((var.to_string(), std::env::var_os(var)?)))
            .collect();
        Environment { home, os, vars }
    }

    /// A variable's value, when it is set and not empty (an empty value counts as unset, as the
    /// agents read it).
    fn var(&self, name: &str) -> Option<&OsString> {
        self.vars
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value)
    }
}

/// One folder an agent's data may be in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// The variable that named it, or `None` for a default folder.
    pub var: Option<&'static str>,
    pub exists: bool,
    /// Files of the agent found under it (not counting those another location reached first).
    pub files: usize,
}

/// One coding agent: where it keeps its data here, and the files found there.
#[derive(Debug, Clone)]
pub struct AgentData {
    pub name: &'static str,
    pub label: &'static str,
    /// The variables that move the agent's data, set or not.
    pub vars: Vec<&'static str>,
    pub locations: Vec<Location>,
    /// The agent's files, sorted by path: each read as its format, or a path that cannot be
    /// read (counted as an error).
    pub sources: Vec<InputSource>,
}

/// Every format of the registry that a coding agent writes, with its agent.
fn agent_formats() -> impl Iterator<Item = (InputFormat, &'static Agent)> {
    InputFormat::ALL
        .iter()
        .filter_map(|&format| Some((format, format.spec().agent.as_ref()?)))
}

/// The names of the registry's coding agents, in registry order, each once (formats of one
/// agent share its name).
pub fn agent_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, agent) in agent_formats() {
        if !names.contains(&agent.name) {
            names.push(agent.name);
        }
    }
    names
}

/// The folders `agent` keeps `format`'s data in here: those its variables name when any is
/// set, else its defaults for this system under the home folder (none without a home).
fn roots(agent: &Agent, env: &Environment) -> Vec<(PathBuf, Option<&'static str>)> {
    let named: Vec<(PathBuf, Option<&'static str>)> = agent
        .env
        .iter()
        .filter_map(|root| Some((root, env.var(root.var)?)))
        .flat_map(|(root, value)| {
            split_list(value)
                .into_iter()
                .map(move |folder| (join(&folder, root.join), Some(root.var)))
        })
        .collect();
    if !named.is_empty() {
        return named;
    }
    let Some(home) = &env.home else {
        return Vec::new();
    };
    agent
        .roots
        .iter()
        .filter(|root| root.os == Os::Any || root.os == env.os)
        .map(|root| (join(home, root.path), None))
        .collect()
}

/// The folders a variable's value lists: comma-separated, blanks trimmed, empties dropped.
fn split_list(value: &OsString) -> Vec<PathBuf> {
    // A value that is not UTF-8 cannot be split safely; it is one folder.
    let Some(text) = value.to_str() else {
        return vec![PathBuf::from(value)];
    };
    text.split(',')
        .map(str::trim)
        .filter(|folder| !folder.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// `base` joined with a registry path written with `/`, one component at a time so that
/// Windows gets its own separators.
fn join(base: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .filter(|part| !part.is_empty())
        .fold(base.to_path_buf(), |path, part| path.join(part))
}

/// Finds the data of the registry's coding agents (only those `only` names, when it names
/// any), in registry order.
pub fn discover_agents(env: &Environment, only: &[String]) -> Vec<AgentData> {
    let mut seen = HashSet::new();
    let mut found: Vec<AgentData> = Vec::new();
    for (format, agent) in agent_formats() {
        if !only.is_empty() && !only.iter().any(|name| name == agent.name) {
            continue;
        }
        let index = match found.iter().position(|data| data.name == agent.name) {
            Some(index) => index,
            None => {
                found.push(AgentData {
                    name: agent.name,
                    label: agent.label,
                    vars: Vec::new(),
                    locations: Vec::new(),
                    sources: Vec::new(),
                });
                found.len() - 1
            }
        };
        let data = &mut found[index];
        for root in agent.env {
            if !data.vars.contains(&root.var) {
                data.vars.push(root.var);
            }
        }
        for (path, var) in roots(agent, env) {
            let mut sources = Vec::new();
            let exists = walk(&path, format, agent.accepts, &mut seen, &mut sources);
            match data.locations.iter_mut().find(|l| l.path == path) {
                Some(location) => location.files += sources.len(),
                None => data.locations.push(Location {
                    path,
                    var,
                    exists,
                    files: sources.len(),
                }),
            }
            data.sources.extend(sources);
        }
    }
    for data in &mut found {
        data.sources.sort_by_key(InputSource::display_name);
    }
    found
}

/// Adds the files under `root` that `accepts` takes, as `format`, skipping those `seen`
/// already holds; returns whether the folder exists. What cannot be read below it is a
/// source of its own that counts as an error, when it would have been taken.
fn walk(
    root: &Path,
    format: InputFormat,
    accepts: fn(&Path) -> bool,
    seen: &mut HashSet<PathBuf>,
    sources: &mut Vec<InputSource>,
) -> bool {
    if !root.is_dir() {
        return false;
    }
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && accepts(entry.path()) => {
                // The same file reached by two roots (or a link) has one canonical path.
                let key = entry
                    .path()
                    .canonicalize()
                    .unwrap_or_else(|_| entry.path().to_path_buf());
                if seen.insert(key) {
                    super::note_input(entry.path());
                    sources.push(InputSource::AgentFile {
                        path: entry.into_path(),
                        format,
                    });
                }
            }
            Ok(_) => {}
            Err(err) => {
                let Some(path) = err.path().filter(|path| accepts(path)) else {
                    continue;
                };
                let reason = err
                    .io_error()
                    .map_or_else(|| err.to_string(), io::Error::to_string);
                if seen.insert(path.to_path_buf()) {
                    sources.push(InputSource::Unreadable {
                        path: path.to_path_buf(),
                        reason,
                    });
                }
            }
        }
    }
    true
}

/// Whether a file's name starts with `prefix` and ends with one of `extensions`: the shape of
/// most agents' file predicates.
pub(crate) fn file_named(path: &Path, prefix: &str, extensions: &[&str]) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.starts_with(prefix) && extensions.iter().any(|ext| name.ends_with(ext))
}

/// Whether the folder `levels` up from a file (1: the folder holding it) is named `name`.
pub(crate) fn folder_named(path: &Path, levels: usize, name: &str) -> bool {
    path.ancestors()
        .nth(levels)
        .and_then(Path::file_name)
        .is_some_and(|folder| folder == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(home: &Path, vars: &[(&str, &str)]) -> Environment {
        Environment {
            home: Some(home.to_path_buf()),
            os: Os::Linux,
            vars: vars
                .iter()
                .map(|(key, value)| (key.to_string(), OsString::from(value)))
                .collect(),
        }
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "{}\n").unwrap();
    }

    fn agent<'a>(found: &'a [AgentData], name: &str) -> &'a AgentData {
        found.iter().find(|data| data.name == name).unwrap()
    }

    fn files(data: &AgentData, home: &Path) -> Vec<String> {
        data.sources
            .iter()
            .map(|source| {
                let path = source.local_path().unwrap();
                path.strip_prefix(home)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn default_roots_are_read_under_home_and_missing_ones_are_no_error() {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        touch(&home.join(".claude/projects/-src-app/b.jsonl"));
        touch(&home.join(".claude/projects/-src-app/a.jsonl"));
        touch(&home.join(".claude/projects/-src-app/notes.txt"));
        touch(&home.join(".codex/sessions/2026/11/02/rollout-x.jsonl"));
        touch(&home.join(".codex/sessions/2026/11/02/history.jsonl"));
        let found = discover_agents(&env(home, &[]), &[]);
        let claude = agent(&found, "claude-code");
        assert_eq!(
            files(claude, home),
            [
                ".claude/projects/-src-app/a.jsonl",
                ".claude/projects/-src-app/b.jsonl"
            ]
        );
        let config = &claude.locations[0];
        assert_eq!(config.path, home.join(".config/claude/projects"));
        assert!(!config.exists);
        assert_eq!((config.files, config.var), (0, None));
        assert!(claude.locations[1].exists);
        assert_eq!(claude.locations[1].files, 2);
        let codex = agent(&found, "codex");
        assert_eq!(
            files(codex, home),
            [".codex/sessions/2026/11/02/rollout-x.jsonl"]
        );
        assert_eq!(codex.locations.len(), 2, "sessions and archived_sessions");
        assert!(agent(&found, "gemini-cli").sources.is_empty());
        for data in &found {
            for source in &data.sources {
                let format = source.known_format().unwrap();
                assert_eq!(format.spec().agent.unwrap().name, data.name);
            }
        }
    }

    #[test]
    fn a_set_variable_replaces_the_defaults_and_may_list_several_folders() {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        touch(&home.join(".claude/projects/p/default.jsonl"));
        touch(&home.join("work/projects/p/work.jsonl"));
        touch(&home.join("play/projects/p/play.jsonl"));
        let list = format!(
            "{}, {},",
            home.join("work").display(),
            home.join("play").display()
        );
        let found = discover_agents(&env(home, &[("CLAUDE_CONFIG_DIR", &list)]), &[]);
        let claude = agent(&found, "claude-code");
        assert_eq!(
            files(claude, home),
            ["play/projects/p/play.jsonl", "work/projects/p/work.jsonl"]
        );
        assert_eq!(claude.locations.len(), 2);
        assert!(
            claude
                .locations
                .iter()
                .all(|l| l.var == Some("CLAUDE_CONFIG_DIR"))
        );
        // Empty is unset: the defaults are read.
        let found = discover_agents(&env(home, &[("CLAUDE_CONFIG_DIR", "")]), &[]);
        assert_eq!(
            files(agent(&found, "claude-code"), home),
            [".claude/projects/p/default.jsonl"]
        );
    }

    #[test]
    fn a_file_two_roots_reach_is_read_once() {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        touch(&home.join(".claude/projects/p/s.jsonl"));
        let both = format!(
            "{},{}",
            home.join(".claude").display(),
            home.join(".claude/").display()
        );
        let found = discover_agents(&env(home, &[("CLAUDE_CONFIG_DIR", &both)]), &[]);
        assert_eq!(agent(&found, "claude-code").sources.len(), 1);
        #[cfg(unix)]
        {
            std::fs::create_dir_all(home.join(".config/claude")).unwrap();
            std::os::unix::fs::symlink(
                home.join(".claude/projects"),
                home.join(".config/claude/projects"),
            )
            .unwrap();
            let found = discover_agents(&env(home, &[]), &[]);
            let claude = agent(&found, "claude-code");
            assert_eq!(files(claude, home), [".config/claude/projects/p/s.jsonl"]);
            assert_eq!(claude.locations[1].files, 0, "reached first by the link");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_agent_file_that_cannot_be_read_is_an_error_source_and_others_are_ignored() {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        let projects = home.join(".claude/projects/p");
        std::fs::create_dir_all(&projects).unwrap();
        std::os::unix::fs::symlink(home.join("gone.jsonl"), projects.join("s.jsonl")).unwrap();
        std::os::unix::fs::symlink(home.join("gone.txt"), projects.join("notes.txt")).unwrap();
        let found = discover_agents(&env(home, &[]), &[]);
        let sources = &agent(&found, "claude-code").sources;
        assert!(
            matches!(&sources[..], [InputSource::Unreadable { path, .. }] if path.ends_with("s.jsonl")),
            "{sources:?}"
        );
    }

    #[test]
    fn only_the_agents_asked_for_are_read_and_no_home_means_no_defaults() {
        let home = tempfile::tempdir().unwrap();
        let found = discover_agents(&env(home.path(), &[]), &["codex".to_string()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "codex");
        let homeless = Environment {
            home: None,
            ..env(home.path(), &[])
        };
        let found = discover_agents(&homeless, &[]);
        assert!(found.iter().all(|data| data.locations.is_empty()));
        assert_eq!(
            found.iter().map(|data| data.name).collect::<Vec<_>>(),
            agent_names()
        );
    }

    #[test]
    fn codex_home_reads_its_sessions_and_archive_and_gemini_its_chats() {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        touch(&home.join("cx/sessions/2026/11/02/rollout-a.jsonl"));
        touch(&home.join("cx/archived_sessions/rollout-b.jsonl"));
        touch(&home.join(".gemini/tmp/3f2a/chats/session-2026-11-02T12-00-ab.jsonl"));
        touch(&home.join(".gemini/tmp/3f2a/chats/session-2026-11-01T09-00-cd.json"));
        touch(&home.join(".gemini/tmp/3f2a/chats/abcd-parent/sub-1.jsonl"));
        touch(&home.join(".gemini/tmp/3f2a/logs.json"));
        let codex_home = home.join("cx").display().to_string();
        let found = discover_agents(&env(home, &[("CODEX_HOME", &codex_home)]), &[]);
        assert_eq!(
            files(agent(&found, "codex"), home),
            [
                "cx/archived_sessions/rollout-b.jsonl",
                "cx/sessions/2026/11/02/rollout-a.jsonl"
            ]
        );
        assert_eq!(
            files(agent(&found, "gemini-cli"), home),
            [
                ".gemini/tmp/3f2a/chats/abcd-parent/sub-1.jsonl",
                ".gemini/tmp/3f2a/chats/session-2026-11-01T09-00-cd.json",
                ".gemini/tmp/3f2a/chats/session-2026-11-02T12-00-ab.jsonl",
                // The prompt history is read too: its prompts are counted as user messages.
                ".gemini/tmp/3f2a/logs.json",
            ]
        );
    }

    #[test]
    fn roots_of_other_systems_are_left_out() {
        let agent = Agent {
            name: "x",
            label: "X",
            env: &[],
            roots: &[
                super::super::Root {
                    os: Os::Macos,
                    path: "Library/Application Support/x",
                },
                super::super::Root {
                    os: Os::Any,
                    path: ".x",
                },
            ],
            accepts: |_| true,
        };
        let home = Path::new("/home/dev");
        let linux = roots(&agent, &env(home, &[]));
        assert_eq!(linux, [(home.join(".x"), None)]);
        let mac = Environment {
            os: Os::Macos,
            ..env(home, &[])
        };
        assert_eq!(roots(&agent, &mac).len(), 2);
        assert_eq!(join(home, "a/b/"), home.join("a").join("b"));
    }
}
