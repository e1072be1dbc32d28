//! Claude Code session transcripts, laid out as a `CLAUDE_CONFIG_DIR`:
//! `projects/<project-slug>/<session-uuid>.jsonl`, and for subagents of recent versions
//! `projects/<project-slug>/<session-uuid>/subagents/agent-<id>.jsonl`.
//!
//! What the transcripts reproduce (from `fixtures/logs/claude-code/`, the reference samples'
//! notes, and public reports of real transcripts: ccusage issues #901 and #938, cclens #22):
//!
//! - user lines: prompts, and `tool_result` blocks carrying file contents, command output and
//!   edit snippets, with the structured `toolUseResult` copy Claude Code keeps beside them;
//! - one assistant line per content block (thinking, text, tool use), each repeating
//!   `message.id`, `requestId` and `usage` with `cache_creation_input_tokens`,
//!   `cache_read_input_tokens` and the `cache_creation.ephemeral_5m/1h` split. Versions before
//!   2.0 wrote a partial `output_tokens` on all but the last line of a response; later ones
//!   repeat the final usage on every line;
//! - a context that grows call by call: the previous prompt is read from the cache, the new
//!   part is written to it (5-minute TTL before 2.1, one hour from 2.1), and a pause longer
//!   than the TTL writes everything again; long sessions compact;
//! - subagents (the Task tool): inline `isSidechain` lines before 2.1, their own transcript
//!   plus `progress` lines nesting each of their messages in the parent from 2.1;
//! - `summary`, `file-history-snapshot` and `system` lines, and now and then a `<synthetic>`
//!   API-error notice.
//!
//! Two mixes ([`Mix`]) draw these same lines with different sizes ([`Shape`]): the standard one
//! has long tool results (lines of about 4 KB on average), the dense one short tool results and
//! longer agentic loops (lines of about 1 KB), so many more records per byte.

use std::io;
use std::path::{Path, PathBuf};

use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{Usage, tokens};
use crate::genlogs::text::{self, Code};
use crate::genlogs::{Mix, Sink, Stats, clock, skip};

mod tools;

use tools::{ToolUse, prompt_text};

/// Claude Code versions, oldest first, with the share of sessions each wrote.
const VERSIONS: &[(&str, f64)] = &[
    ("1.0.95", 0.15),
    ("1.0.128", 0.10),
    ("2.0.37", 0.20),
    ("2.0.76", 0.15),
    ("2.1.114", 0.25),
    ("2.1.231", 0.15),
];

/// Main-thread models and their shares.
const MAIN_MODELS: &[(&str, f64)] = &[
    ("claude-sonnet-4-5-20250929", 0.40),
    ("claude-opus-4-5-20251101", 0.25),
    ("claude-sonnet-4-20250514", 0.15),
    ("claude-opus-4-1-20250805", 0.10),
    ("claude-haiku-4-5-20251001", 0.10),
];

/// Subagent models and their shares.
const SUBAGENT_MODELS: &[(&str, f64)] = &[
    ("claude-haiku-4-5-20251001", 0.6),
    ("claude-sonnet-4-5-20250929", 0.4),
];

/// Compaction starts when the context passes this many tokens.
const COMPACT_AT: u64 = 155_000;

/// A heavy-tailed size: a log-normal draw with this median and spread, cut to `min..=max`.
#[derive(Clone, Copy)]
struct Spread {
    median: f64,
    sigma: f64,
    min: u64,
    max: u64,
}

impl Spread {
    /// One draw (the two random numbers of a log-normal draw, whatever the bounds).
    fn draw(&self, rng: &mut Rng) -> u64 {
        (rng.log_normal(self.median, self.sigma) as u64).clamp(self.min, self.max)
    }
}

/// The sizes and counts a mix draws sessions with. Every field is drawn the same way in every
/// mix (same number of random draws, in the same order), so the standard shape reproduces the
/// bytes written before mixes existed.
struct Shape {
    /// Bytes a session is planned to hold.
    session_bytes: Spread,
    /// Model calls in the agentic loop answering one prompt.
    calls_per_prompt: Spread,
    /// Chance that a response of a model that thinks starts with a thinking block, and its
    /// size in bytes.
    thinking_chance: f64,
    thinking_bytes: Spread,
    /// Chance that a response that goes on to use tools says something first, and its bytes.
    text_chance: f64,
    text_bytes: Spread,
    /// Bytes of a loop's final answer, the chance it shows code, and that code's lines.
    answer_bytes: Spread,
    answer_code_chance: f64,
    answer_code_lines: (u64, u64),
    /// Chance that a response uses exactly one tool, else how many it uses.
    one_tool_chance: f64,
    more_tools: (u64, u64),
    /// Weights of Read, Bash, Edit, Grep, Glob, Write, TodoWrite and Task (main thread only).
    tool_weights: [f64; 8],
    /// Lines an edit replaces and writes, and lines of a new file.
    edit_old_lines: (u64, u64),
    edit_new_lines: (u64, u64),
    write_lines: (u64, u64),
    /// Items of a todo list.
    todos: (u64, u64),
    /// Calls a subagent makes.
    subagent_calls: (u64, u64),
    /// Lines of a file read, and of a command's output.
    read_lines: Spread,
    bash_lines: Spread,
    /// Lines of the snippet an edit's result shows, the chance Claude Code keeps the whole
    /// original file beside it, and that file's lines.
    snippet_lines: (u64, u64),
    original_chance: f64,
    original_lines: Spread,
    /// Files a Grep or Glob finds.
    found_files: (u64, u64),
    /// Whether the line counts above for edits, reads and snippets are exact (a part of a
    /// file, [`text::code_lines`]) or at least that many lines of whole functions
    /// ([`text::code`]).
    exact_lines: bool,
}

impl Shape {
    /// The shape of a mix.
    fn of(mix: Mix) -> &'static Shape {
        match mix {
            Mix::Standard => &STANDARD,
            Mix::Dense => &DENSE,
        }
    }
}

/// The standard mix: whole files read, long test output, sessions of 150 KB median.
const STANDARD: Shape = Shape {
    session_bytes: Spread {
        median: 150_000.0,
        sigma: 1.4,
        min: 6_000,
        max: 30_000_000,
    },
    calls_per_prompt: Spread {
        median: 6.0,
        sigma: 0.9,
        min: 1,
        max: 60,
    },
    thinking_chance: 0.3,
    thinking_bytes: Spread {
        median: 500.0,
        sigma: 1.0,
        min: 40,
        max: 8_000,
    },
    text_chance: 0.55,
    text_bytes: Spread {
        median: 120.0,
        sigma: 0.8,
        min: 10,
        max: 800,
    },
    answer_bytes: Spread {
        median: 700.0,
        sigma: 1.0,
        min: 20,
        max: 6_000,
    },
    answer_code_chance: 0.3,
    answer_code_lines: (4, 40),
    one_tool_chance: 0.7,
    more_tools: (2, 4),
    tool_weights: [0.34, 0.22, 0.16, 0.10, 0.06, 0.04, 0.04, 0.04],
    edit_old_lines: (1, 8),
    edit_new_lines: (1, 12),
    write_lines: (10, 120),
    todos: (2, 7),
    subagent_calls: (2, 10),
    read_lines: Spread {
        median: 120.0,
        sigma: 0.9,
        min: 5,
        max: 2_000,
    },
    bash_lines: Spread {
        median: 25.0,
        sigma: 1.0,
        min: 1,
        max: 400,
    },
    snippet_lines: (6, 30),
    original_chance: 0.4,
    original_lines: Spread {
        median: 150.0,
        sigma: 0.8,
        min: 10,
        max: 1_500,
    },
    found_files: (1, 40),
    exact_lines: false,
};

/// The dense mix: targeted reads of a few lines, short command output and searches, small
/// edits without the original file, and long loops of terse responses using several tools.
/// Sizes were tuned so that lines average about 1.1 KB (480 MB at seed 1: 438,818 lines of
/// 1,094 bytes, 68,573 calls), where ccusage 20.0.24 takes about 2.2 s and 230 MB, the case
/// issue 8 describes; its time follows the number of assistant lines more than the bytes.
const DENSE: Shape = Shape {
    session_bytes: Spread {
        median: 80_000.0,
        sigma: 1.3,
        min: 4_000,
        max: 8_000_000,
    },
    calls_per_prompt: Spread {
        median: 14.0,
        sigma: 0.8,
        min: 1,
        max: 150,
    },
    thinking_chance: 0.7,
    thinking_bytes: Spread {
        median: 100.0,
        sigma: 0.9,
        min: 20,
        max: 3_000,
    },
    text_chance: 0.8,
    text_bytes: Spread {
        median: 50.0,
        sigma: 0.8,
        min: 10,
        max: 600,
    },
    answer_bytes: Spread {
        median: 300.0,
        sigma: 0.9,
        min: 20,
        max: 3_000,
    },
    answer_code_chance: 0.15,
    answer_code_lines: (3, 15),
    one_tool_chance: 0.5,
    more_tools: (2, 5),
    tool_weights: [0.28, 0.24, 0.18, 0.12, 0.07, 0.02, 0.05, 0.04],
    edit_old_lines: (1, 2),
    edit_new_lines: (1, 3),
    write_lines: (3, 30),
    todos: (1, 3),
    subagent_calls: (3, 16),
    read_lines: Spread {
        median: 3.0,
        sigma: 1.0,
        min: 1,
        max: 400,
    },
    bash_lines: Spread {
        median: 2.0,
        sigma: 1.0,
        min: 1,
        max: 200,
    },
    snippet_lines: (1, 4),
    original_chance: 0.03,
    original_lines: Spread {
        median: 60.0,
        sigma: 0.8,
        min: 10,
        max: 600,
    },
    found_files: (1, 4),
    exact_lines: true,
};

/// How a transcript's version behaves.
#[derive(Clone, Copy)]
struct Era {
    /// Earlier lines of a response carry a partial output count.
    partial_usage: bool,
    /// Cache writes use the one-hour TTL.
    hour_cache: bool,
    /// Subagents get their own transcript and `progress` lines in the parent.
    subagent_files: bool,
    /// `file-history-snapshot` lines before each prompt.
    snapshots: bool,
}

impl Era {
    /// The behaviour of a version string.
    fn of(version: &str) -> Era {
        let major_minor = if version.starts_with("1.") {
            10
        } else if version.starts_with("2.0") {
            20
        } else {
            21
        };
        Era {
            partial_usage: major_minor < 20,
            hour_cache: major_minor >= 21,
            subagent_files: major_minor >= 21,
            snapshots: major_minor >= 20,
        }
    }
}

/// A project: its folder on the developer's disk and the files in it.
struct Project {
    cwd: String,
    slug: String,
    lang: Code,
    files: Vec<String>,
}

impl Project {
    /// One of the project's files.
    fn file(&self, rng: &mut Rng) -> &str {
        &self.files[rng.below(self.files.len() as u64) as usize]
    }
}

/// Writes about `target` bytes of transcripts in the given mix under the directory `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path, mix: Mix) -> io::Result<Stats> {
    let shape = Shape::of(mix);
    let projects = projects(rng);
    let weights: Vec<f64> = (0..projects.len())
        .map(|i| 1.0 / (i as f64 + 1.0))
        .collect();
    let mut stats = Stats::default();
    let mut written = 0;
    while written < target {
        let project = &projects[rng.weighted(&weights)];
        let start =
            clock::at_progress(written as f64 / target as f64) + rng.below(3_600_000) as i64;
        // Session sizes are heavy-tailed: many short sessions, a few of tens of megabytes.
        let planned = shape.session_bytes.draw(rng);
        let planned = planned.min(target - written + 2_000);
        let mut session_rng = rng.fork();
        written += Session::run(
            &mut session_rng,
            &mut stats,
            out,
            (project, shape),
            start,
            planned,
        )?;
    }
    stats.bytes = written;
    Ok(stats)
}

/// The projects sessions run in.
fn projects(rng: &mut Rng) -> Vec<Project> {
    let users = ["dev", "maria", "wei", "sam"];
    let mut projects = Vec::new();
    for _ in 0..rng.range(6, 14) {
        let mut name = String::new();
        text::ident(rng, &mut name, false);
        let name = name.replace('_', "-");
        let cwd = if rng.chance(0.6) {
            format!("/home/{}/src/{name}", rng.pick(&users))
        } else {
            format!("/Users/{}/code/{name}", rng.pick(&users))
        };
        let slug: String = cwd
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let lang = rng.pick(&[Code::Rust, Code::Python, Code::TypeScript, Code::Go]);
        let ext = lang.tag().1;
        let dirs = ["src", "src/api", "src/core", "tests", "lib", "cmd"];
        let files = (0..rng.range(15, 60))
            .map(|_| {
                let mut file = format!("{}/", rng.pick(&dirs));
                text::ident(rng, &mut file, false);
                file.push('.');
                file.push_str(ext);
                file
            })
            .collect();
        projects.push(Project {
            cwd,
            slug,
            lang,
            files,
        });
    }
    projects
}

/// A content block of an assistant response.
enum Block {
    Thinking(String),
    Text(String),
    Tool(ToolUse),
}

/// Who writes the lines: the main thread, or a subagent.
struct Thread {
    sink: Sink,
    sidechain: bool,
    agent_id: Option<String>,
    parent_uuid: Option<String>,
    model: &'static str,
    /// The prompt's size in tokens (system prompt, tools, conversation so far).
    context: u64,
    /// The part of the context the cache holds, and until when.
    cached: u64,
    cached_until: i64,
}

/// One session being written.
struct Session<'p> {
    project: &'p Project,
    shape: &'static Shape,
    dir: PathBuf,
    session_id: String,
    version: &'static str,
    branch: String,
    era: Era,
    clock_ms: i64,
    json: Json,
}

impl<'p> Session<'p> {
    /// Writes one session of about `planned` bytes in `project` with the mix's `shape`;
    /// returns the bytes written.
    fn run(
        rng: &mut Rng,
        stats: &mut Stats,
        out: &Path,
        (project, shape): (&'p Project, &'static Shape),
        start: i64,
        planned: u64,
    ) -> io::Result<u64> {
        let weights: Vec<f64> = VERSIONS.iter().map(|v| v.1).collect();
        let version = VERSIONS[rng.weighted(&weights)].0;
        let session_id = rng.uuid();
        let dir = out.join("projects").join(&project.slug);
        let branch = if rng.chance(0.5) {
            "main".to_string()
        } else {
            let mut branch = String::from("feature/");
            text::ident(rng, &mut branch, false);
            branch.replace('_', "-")
        };
        let mut session = Session {
            project,
            shape,
            dir: dir.clone(),
            session_id,
            version,
            branch,
            era: Era::of(version),
            clock_ms: start,
            json: Json::new(),
        };
        let weights: Vec<f64> = MAIN_MODELS.iter().map(|m| m.1).collect();
        let mut main = Thread {
            sink: Sink::create(&dir.join(format!("{}.jsonl", session.session_id)))?,
            sidechain: false,
            agent_id: None,
            parent_uuid: None,
            model: MAIN_MODELS[rng.weighted(&weights)].0,
            context: rng.range(14_000, 24_000),
            cached: 0,
            cached_until: 0,
        };
        stats.files += 1;
        let mut total = 0;
        if rng.chance(0.15) {
            // A resumed session starts with the summaries of earlier ones.
            for _ in 0..rng.range(1, 3) {
                session.json.clear();
                let mut summary = String::new();
                text::sentence(rng, &mut summary);
                session
                    .json
                    .obj()
                    .kstr("type", "summary")
                    .kstr("summary", &summary)
                    .kstr("leafUuid", &rng.uuid())
                    .end();
                main.sink.line(&session.json.buf)?;
                stats.skip(skip::NOT_A_CALL);
            }
        }
        while main.sink.bytes < planned {
            total += session.user_turn(rng, stats, &mut main, planned)?;
            // The developer reads, tests, or leaves for lunch before the next prompt.
            session.clock_ms += (rng.log_normal(90_000.0, 1.4) as i64).clamp(5_000, 5_400_000);
        }
        Ok(total + main.sink.finish()?)
    }

    /// Source code of the project's language for a tool's input or result: `lines` lines cut
    /// from a file when the mix counts exact lines, else at least that many in whole functions.
    fn code(&self, rng: &mut Rng, out: &mut String, lines: u64) {
        if self.shape.exact_lines {
            text::code_lines(rng, out, self.project.lang, lines as usize);
        } else {
            text::code(rng, out, self.project.lang, lines as usize);
        }
    }

    /// Starts a line with the fields every transcript line carries.
    fn header(&mut self, rng: &mut Rng, thread: &mut Thread) -> String {
        let uuid = rng.uuid();
        let json = &mut self.json;
        json.clear();
        json.obj();
        match &thread.parent_uuid {
            Some(parent) => json.kstr("parentUuid", parent),
            None => json.key("parentUuid").null(),
        };
        json.key("isSidechain")
            .bool(thread.sidechain)
            .kstr("userType", "external")
            .kstr("cwd", &self.project.cwd);
        json.kstr("sessionId", &self.session_id)
            .kstr("version", self.version)
            .kstr("gitBranch", &self.branch);
        if let Some(agent) = &thread.agent_id {
            json.kstr("agentId", agent);
        }
        thread.parent_uuid = Some(uuid.clone());
        uuid
    }

    /// Ends a line with its type, uuid and timestamp.
    fn footer(&mut self, kind: &str, uuid: &str) {
        let stamp = clock::rfc3339(self.clock_ms, true);
        self.json
            .kstr("type", kind)
            .kstr("uuid", uuid)
            .kstr("timestamp", &stamp)
            .end();
    }

    /// A prompt and the agentic loop that answers it. Returns bytes written to subagent files.
    fn user_turn(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        main: &mut Thread,
        planned: u64,
    ) -> io::Result<u64> {
        let mut side_bytes = 0;
        if self.era.snapshots {
            let id = rng.uuid();
            let stamp = clock::rfc3339(self.clock_ms, true);
            self.json.clear();
            self.json
                .obj()
                .kstr("type", "file-history-snapshot")
                .kstr("messageId", &id);
            self.json
                .key("snapshot")
                .obj()
                .kstr("messageId", &id)
                .key("trackedFileBackups")
                .obj()
                .end()
                .kstr("timestamp", &stamp)
                .end();
            self.json.key("isSnapshotUpdate").bool(false).end();
            main.sink.line(&self.json.buf)?;
            stats.skip(skip::NOT_A_CALL);
        }
        let prompt = prompt_text(rng, self.project);
        self.user_text(rng, stats, main, &prompt)?;
        let calls = self.shape.calls_per_prompt.draw(rng);
        for index in 0..calls {
            let last = index + 1 == calls || main.sink.bytes >= planned;
            let blocks = self.blocks(rng, main.model, last, true);
            self.assistant(rng, stats, main, &blocks, None)?;
            if rng.chance(0.004) {
                self.synthetic(rng, stats, main)?;
                break;
            }
            if last {
                break;
            }
            for block in &blocks {
                if let Block::Tool(tool) = block {
                    let result = if tool.name == "Task" {
                        let (text, bytes) = self.subagent(rng, stats, main, tool)?;
                        side_bytes += bytes;
                        text
                    } else {
                        self.clock_ms += rng.range(80, 20_000) as i64;
                        String::new()
                    };
                    self.tool_result(rng, stats, main, tool, result)?;
                }
            }
        }
        if main.context > COMPACT_AT {
            self.compact(rng, stats, main)?;
        }
        Ok(side_bytes)
    }

    /// A user line with typed text.
    fn user_text(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        thread: &mut Thread,
        prompt: &str,
    ) -> io::Result<()> {
        let uuid = self.header(rng, thread);
        self.json
            .key("message")
            .obj()
            .kstr("role", "user")
            .kstr("content", prompt)
            .end();
        self.footer("user", &uuid);
        thread.sink.line(&self.json.buf)?;
        stats.skip(skip::USER_MESSAGE);
        thread.context += tokens(prompt) + 4;
        self.clock_ms += rng.range(200, 2_000) as i64;
        Ok(())
    }

    /// The content blocks of one response: thinking now and then, some text, tool uses unless
    /// it is the turn's last response.
    fn blocks(&mut self, rng: &mut Rng, model: &str, last: bool, main_thread: bool) -> Vec<Block> {
        let shape = self.shape;
        let mut blocks = Vec::new();
        if !model.contains("haiku") && rng.chance(shape.thinking_chance) {
            let mut thinking = String::new();
            let size = shape.thinking_bytes.draw(rng) as usize;
            text::prose(rng, &mut thinking, size);
            blocks.push(Block::Thinking(thinking));
        }
        if last || rng.chance(shape.text_chance) {
            let mut reply = String::new();
            let size = if last {
                shape.answer_bytes.draw(rng)
            } else {
                shape.text_bytes.draw(rng)
            };
            text::prose(rng, &mut reply, size as usize);
            if last && rng.chance(shape.answer_code_chance) {
                reply.push_str(&format!("\n\n```{}\n", self.project.lang.tag().0));
                let (low, high) = shape.answer_code_lines;
                let size = rng.range(low, high) as usize;
                text::code(rng, &mut reply, self.project.lang, size);
                reply.push_str("```");
            }
            blocks.push(Block::Text(reply));
        }
        if !last {
            let uses = if rng.chance(shape.one_tool_chance) {
                1
            } else {
                rng.range(shape.more_tools.0, shape.more_tools.1)
            };
            for _ in 0..uses {
                blocks.push(Block::Tool(self.tool_use(rng, main_thread)));
            }
        }
        blocks
    }

    /// The assistant lines of one response, one per content block. Returns nothing; counts a
    /// call and its duplicate lines. `progress` is the main thread when a subagent's lines are
    /// mirrored into the parent transcript.
    fn assistant(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        thread: &mut Thread,
        blocks: &[Block],
        mut progress: Option<(&mut Thread, &str)>,
    ) -> io::Result<()> {
        let output: u64 = blocks
            .iter()
            .map(|b| match b {
                Block::Thinking(t) | Block::Text(t) => tokens(t),
                Block::Tool(tool) => tokens(&tool.input) + 20,
            })
            .sum::<u64>()
            + 2;
        let usage = self.usage(rng, thread, output);
        let partial = if self.era.partial_usage {
            rng.range(1, 12).min(output)
        } else {
            output
        };
        let mut message_id = String::from("msg_01");
        rng.base62(&mut message_id, 22);
        let mut request_id = String::from("req_011C");
        rng.base62(&mut request_id, 18);
        let stop = if blocks.iter().any(|b| matches!(b, Block::Tool(_))) {
            "tool_use"
        } else {
            "end_turn"
        };
        self.clock_ms += rng.range(1_500, 6_000) as i64;
        for (index, block) in blocks.iter().enumerate() {
            let last = index + 1 == blocks.len();
            let uuid = self.header(rng, thread);
            let json = &mut self.json;
            json.key("message")
                .obj()
                .kstr("model", thread.model)
                .kstr("id", &message_id)
                .kstr("type", "message")
                .kstr("role", "assistant");
            json.key("content").arr().obj();
            match block {
                Block::Thinking(thinking) => {
                    let mut signature = String::from("Eq");
                    rng.base62(&mut signature, 300);
                    json.kstr("type", "thinking")
                        .kstr("thinking", thinking)
                        .kstr("signature", &signature);
                }
                Block::Text(reply) => {
                    json.kstr("type", "text").kstr("text", reply);
                }
                Block::Tool(tool) => {
                    json.kstr("type", "tool_use")
                        .kstr("id", &tool.id)
                        .kstr("name", tool.name)
                        .key("input")
                        .raw(&tool.input);
                }
            }
            json.end().end();
            if last {
                json.kstr("stop_reason", stop);
            } else {
                json.key("stop_reason").null();
            }
            json.key("stop_sequence").null();
            let line_usage = Usage {
                output: if last { usage.output } else { partial },
                ..usage
            };
            json.key("usage")
                .obj()
                .knum("input_tokens", line_usage.input);
            json.knum("cache_creation_input_tokens", line_usage.cache_write())
                .knum("cache_read_input_tokens", line_usage.cache_read);
            json.key("cache_creation")
                .obj()
                .knum("ephemeral_5m_input_tokens", line_usage.cache_write_5m)
                .knum("ephemeral_1h_input_tokens", line_usage.cache_write_1h)
                .end();
            json.knum("output_tokens", line_usage.output)
                .kstr("service_tier", "standard")
                .end();
            json.end().kstr("requestId", &request_id);
            self.footer("assistant", &uuid);
            thread.sink.line(&self.json.buf)?;
            if let Some((parent, agent)) = progress.as_mut() {
                self.mirror(rng, stats, parent, agent, true)?;
            }
            if index == 0 {
                stats.records += 1;
                stats.calls += 1;
                stats.tokens.add(&usage);
                stats.output_first_line += partial;
            } else {
                stats.skip(skip::DUPLICATE_BLOCK);
            }
            self.clock_ms += rng.range(30, 900) as i64;
        }
        self.clock_ms += (usage.output * 12) as i64;
        Ok(())
    }

    /// Copies the line just written by a subagent into a `progress` line of the parent.
    fn mirror(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        parent: &mut Thread,
        agent: &str,
        assistant: bool,
    ) -> io::Result<()> {
        let nested = std::mem::take(&mut self.json.buf);
        let uuid = self.header(rng, parent);
        self.json
            .kstr("type", "progress")
            .key("data")
            .obj()
            .kstr("type", "agent_progress")
            .key("message")
            .raw(&nested)
            .kstr("agentId", agent)
            .end();
        let stamp = clock::rfc3339(self.clock_ms, true);
        self.json
            .kstr("uuid", &uuid)
            .kstr("timestamp", &stamp)
            .end();
        parent.sink.line(&self.json.buf)?;
        if assistant {
            // The same response as the subagent's own line: merged by message and request id.
            stats.skip(skip::DUPLICATE_BLOCK);
        } else {
            stats.skip(skip::NOT_A_CALL);
        }
        Ok(())
    }

    /// The tokens of one call, and the context after it: the cached prefix is read while warm,
    /// the rest is written, and the answer joins the context.
    fn usage(&mut self, rng: &mut Rng, thread: &mut Thread, output: u64) -> Usage {
        let prompt = thread.context;
        let input = rng.range(1, 12).min(prompt);
        let ttl = if self.era.hour_cache {
            3_600_000
        } else {
            300_000
        };
        let read = if self.clock_ms <= thread.cached_until {
            thread.cached.min(prompt - input)
        } else if rng.chance(0.7) {
            // The system prompt and tools are cached across sessions of the same account.
            12_000.min(prompt - input)
        } else {
            0
        };
        let write = prompt - input - read;
        thread.cached = prompt - input;
        thread.cached_until = self.clock_ms + ttl;
        thread.context = prompt + output;
        Usage {
            input,
            cache_read: read,
            cache_write_5m: if self.era.hour_cache { 0 } else { write },
            cache_write_1h: if self.era.hour_cache { write } else { 0 },
            output,
            reasoning: 0,
        }
    }

    /// A Task tool's subagent: a few calls of its own, written inline (before 2.1) or to its own
    /// transcript with each line mirrored into the parent as `progress`. Returns the subagent's
    /// final answer and the bytes of its own file.
    fn subagent(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        main: &mut Thread,
        task: &ToolUse,
    ) -> io::Result<(String, u64)> {
        let mut agent_id = String::new();
        rng.hex(&mut agent_id, 7);
        let weights: Vec<f64> = SUBAGENT_MODELS.iter().map(|m| m.1).collect();
        let model = SUBAGENT_MODELS[rng.weighted(&weights)].0;
        let inline = !self.era.subagent_files;
        let sink = if inline {
            // Before 2.1 the subagent's lines go to the main transcript: its sink is lent to the
            // subagent below and handed back at the end.
            Sink::placeholder()
        } else {
            stats.files += 1;
            let path = self
                .dir
                .join(&self.session_id)
                .join("subagents")
                .join(format!("agent-{agent_id}.jsonl"));
            Sink::create(&path)?
        };
        let mut agent = Thread {
            sink,
            sidechain: true,
            agent_id: self.era.subagent_files.then(|| agent_id.clone()),
            parent_uuid: None,
            model,
            context: rng.range(8_000, 14_000),
            cached: 0,
            cached_until: 0,
        };
        let prompt = task.prompt.clone().unwrap_or_default();
        let calls = rng.range(self.shape.subagent_calls.0, self.shape.subagent_calls.1);
        let mut answer = String::new();
        if inline {
            std::mem::swap(&mut agent.sink, &mut main.sink);
        }
        let agent_label = agent_id.clone();
        {
            let uuid = self.header(rng, &mut agent);
            self.json
                .key("message")
                .obj()
                .kstr("role", "user")
                .kstr("content", &prompt)
                .end();
            self.footer("user", &uuid);
            agent.sink.line(&self.json.buf)?;
            stats.skip(skip::USER_MESSAGE);
            if !inline {
                self.mirror(rng, stats, main, &agent_label, false)?;
            }
        }
        for index in 0..calls {
            let last = index + 1 == calls;
            let blocks = self.blocks(rng, model, last, false);
            if last && let Some(Block::Text(text)) = blocks.last() {
                answer = text.clone();
            }
            let progress = if inline {
                None
            } else {
                Some((&mut *main, agent_label.as_str()))
            };
            self.assistant(rng, stats, &mut agent, &blocks, progress)?;
            if last {
                break;
            }
            for block in &blocks {
                if let Block::Tool(tool) = block {
                    self.clock_ms += rng.range(50, 3_000) as i64;
                    self.tool_result(rng, stats, &mut agent, tool, String::new())?;
                    if !inline {
                        self.mirror(rng, stats, main, &agent_label, false)?;
                    }
                }
            }
        }
        if inline {
            std::mem::swap(&mut agent.sink, &mut main.sink);
            return Ok((answer, 0));
        }
        Ok((answer, agent.sink.finish()?))
    }

    /// A `<synthetic>` notice Claude Code writes itself when the API call failed.
    fn synthetic(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        thread: &mut Thread,
    ) -> io::Result<()> {
        let uuid = self.header(rng, thread);
        let id = rng.uuid();
        let notice = if rng.chance(0.5) {
            "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}".to_string()
        } else {
            format!(
                "Claude AI usage limit reached|{}",
                self.clock_ms / 1000 + 3_600
            )
        };
        let json = &mut self.json;
        json.key("message")
            .obj()
            .kstr("id", &id)
            .kstr("model", "<synthetic>")
            .kstr("role", "assistant")
            .kstr("stop_reason", "stop_sequence")
            .kstr("stop_sequence", "")
            .kstr("type", "message");
        json.key("usage")
            .obj()
            .knum("input_tokens", 0)
            .knum("output_tokens", 0)
            .knum("cache_creation_input_tokens", 0)
            .knum("cache_read_input_tokens", 0)
            .end();
        json.key("content")
            .arr()
            .obj()
            .kstr("type", "text")
            .kstr("text", &notice)
            .end()
            .end()
            .end();
        json.key("isApiErrorMessage").bool(true);
        self.footer("assistant", &uuid);
        thread.sink.line(&self.json.buf)?;
        stats.skip(skip::SYNTHETIC);
        Ok(())
    }

    /// Compaction: a boundary line, then the summary that replaces the conversation.
    fn compact(&mut self, rng: &mut Rng, stats: &mut Stats, main: &mut Thread) -> io::Result<()> {
        let uuid = self.header(rng, main);
        self.json
            .kstr("content", "Conversation compacted")
            .kstr("subtype", "compact_boundary")
            .kstr("level", "info");
        self.json
            .key("compactMetadata")
            .obj()
            .kstr("trigger", "auto")
            .knum("preTokens", main.context)
            .end();
        self.footer("system", &uuid);
        main.sink.line(&self.json.buf)?;
        stats.skip(skip::NOT_A_CALL);
        let mut summary = String::from(
            "This session is being continued from a previous conversation that ran out of context. The conversation is summarized below:\n",
        );
        let size = rng.range(2_000, 8_000) as usize;
        text::prose(rng, &mut summary, size);
        main.context = rng.range(14_000, 24_000);
        main.cached_until = 0;
        self.user_text(rng, stats, main, &summary)
    }
}
