//! The tools of a Claude Code session: what the model asks a tool for, and the result the
//! transcript records, which is where most of a real transcript's bytes are (file contents,
//! command output, edit snippets, and Claude Code's structured copies of them).

use super::{Project, Session, Stats, Thread, skip};
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::tokens;
use crate::genlogs::text::{self, Lang};
use std::io;

/// What a tool-use block asked for.
pub(super) struct ToolUse {
    pub(super) id: String,
    pub(super) name: &'static str,
    pub(super) input: String,
    /// The file it is about, for Read, Edit and Write.
    pub(super) file: Option<String>,
    /// The task a subagent is given, for Task.
    pub(super) prompt: Option<String>,
}

impl Session<'_> {
    /// A tool use with fresh arguments.
    pub(super) fn tool_use(&mut self, rng: &mut Rng, main_thread: bool) -> ToolUse {
        let mut id = String::from("toolu_01");
        rng.base62(&mut id, 22);
        let file = self.project.file(rng).to_string();
        let path = format!("{}/{file}", self.project.cwd);
        let shape = self.shape;
        let mut weights = shape.tool_weights;
        if !main_thread {
            // Subagents cannot start subagents.
            weights[7] = 0.0;
        }
        let mut input = Json::new();
        input.obj();
        let mut prompt = None;
        let (name, file) = match rng.weighted(&weights) {
            0 => {
                input.kstr("file_path", &path);
                ("Read", Some(path))
            }
            1 => {
                let command = rng.pick(&[
                    "cargo test",
                    "npm test",
                    "pytest -x",
                    "go test ./...",
                    "git status",
                    "git diff --stat",
                    "make lint",
                    "ls -la src",
                ]);
                input
                    .kstr("command", command)
                    .kstr("description", &format!("Run {command}"));
                ("Bash", None)
            }
            2 => {
                let mut old = String::new();
                let size = rng.range(shape.edit_old_lines.0, shape.edit_old_lines.1);
                self.code(rng, &mut old, size);
                let mut new = String::new();
                let size = rng.range(shape.edit_new_lines.0, shape.edit_new_lines.1);
                self.code(rng, &mut new, size);
                input
                    .kstr("file_path", &path)
                    .kstr("old_string", &old)
                    .kstr("new_string", &new);
                ("Edit", Some(path))
            }
            3 => {
                let mut pattern = String::new();
                text::ident(rng, &mut pattern, false);
                input
                    .kstr("pattern", &pattern)
                    .kstr("path", &self.project.cwd)
                    .kstr("output_mode", "files_with_matches");
                ("Grep", None)
            }
            4 => {
                input.kstr("pattern", &format!("**/*.{}", self.project.lang.tag().1));
                ("Glob", None)
            }
            5 => {
                let mut content = String::new();
                let size = rng.range(shape.write_lines.0, shape.write_lines.1) as usize;
                text::code(rng, &mut content, self.project.lang, size);
                input.kstr("file_path", &path).kstr("content", &content);
                ("Write", Some(path))
            }
            6 => {
                input.key("todos").arr();
                for _ in 0..rng.range(shape.todos.0, shape.todos.1) {
                    let mut task = String::new();
                    text::sentence(rng, &mut task);
                    input
                        .obj()
                        .kstr("content", &task)
                        .kstr("status", rng.pick(&["pending", "in_progress", "completed"]))
                        .kstr("activeForm", &task)
                        .end();
                }
                input.end();
                ("TodoWrite", None)
            }
            _ => {
                let mut task = String::new();
                let size = rng.range(150, 900) as usize;
                text::prose(rng, &mut task, size);
                input
                    .kstr("description", "Search the codebase")
                    .kstr("prompt", &task)
                    .kstr("subagent_type", "general-purpose");
                prompt = Some(task);
                ("Task", None)
            }
        };
        input.end();
        ToolUse {
            id,
            name,
            input: input.buf,
            file,
            prompt,
        }
    }

    /// The user line carrying a tool's result (and its structured copy).
    pub(super) fn tool_result(
        &mut self,
        rng: &mut Rng,
        stats: &mut Stats,
        thread: &mut Thread,
        tool: &ToolUse,
        task_result: String,
    ) -> io::Result<()> {
        let shape = self.shape;
        let mut structured = Json::new();
        let content = match tool.name {
            "Read" => {
                let mut source = String::new();
                let lines = shape.read_lines.draw(rng);
                self.code(rng, &mut source, lines);
                let mut numbered = String::with_capacity(source.len() + lines as usize * 8);
                let count = source.lines().count();
                for (index, line) in source.lines().enumerate() {
                    numbered.push_str(&format!("{:>6}\u{2192}{line}\n", index + 1));
                }
                structured
                    .obj()
                    .kstr("type", "text")
                    .key("file")
                    .obj()
                    .kstr("filePath", tool.file.as_deref().unwrap_or_default());
                structured
                    .kstr("content", &source)
                    .knum("numLines", count as u64)
                    .knum("startLine", 1)
                    .knum("totalLines", count as u64)
                    .end()
                    .end();
                numbered
            }
            "Bash" => {
                let mut output = String::new();
                for _ in 0..shape.bash_lines.draw(rng) {
                    if rng.chance(0.8) {
                        output.push_str("test ");
                        text::ident(rng, &mut output, false);
                        output.push_str("::");
                        text::ident(rng, &mut output, false);
                        output.push_str(if rng.chance(0.95) {
                            " ... ok\n"
                        } else {
                            " ... FAILED\n"
                        });
                    } else {
                        text::sentence(rng, &mut output);
                        output.push('\n');
                    }
                }
                structured
                    .obj()
                    .kstr("stdout", &output)
                    .kstr("stderr", "")
                    .key("interrupted")
                    .bool(false)
                    .key("isImage")
                    .bool(false)
                    .end();
                output
            }
            "Edit" | "Write" => {
                let path = tool.file.as_deref().unwrap_or_default();
                let mut snippet = String::new();
                let size = rng.range(shape.snippet_lines.0, shape.snippet_lines.1);
                self.code(rng, &mut snippet, size);
                let start = rng.range(1, 400) as usize;
                let mut content = format!(
                    "The file {path} has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\n"
                );
                for (index, line) in snippet.lines().enumerate() {
                    content.push_str(&format!("{:>6}\u{2192}{line}\n", start + index));
                }
                structured.obj().kstr("filePath", path);
                if rng.chance(shape.original_chance) {
                    // Claude Code keeps the whole file as it was before the edit.
                    let mut original = String::new();
                    let size = shape.original_lines.draw(rng);
                    text::code(rng, &mut original, self.project.lang, size as usize);
                    structured.kstr("originalFile", &original);
                }
                structured
                    .key("structuredPatch")
                    .arr()
                    .obj()
                    .knum("oldStart", start as u64)
                    .knum("oldLines", 3)
                    .knum("newStart", start as u64);
                structured
                    .knum("newLines", snippet.lines().count() as u64)
                    .key("lines")
                    .arr();
                for line in snippet.lines() {
                    structured.str(&format!("+{line}"));
                }
                structured
                    .end()
                    .end()
                    .end()
                    .key("userModified")
                    .bool(false)
                    .key("replaceAll")
                    .bool(false)
                    .end();
                content
            }
            "Grep" | "Glob" => {
                let mut found = Vec::new();
                for _ in 0..rng.range(shape.found_files.0, shape.found_files.1) {
                    found.push(format!("{}/{}", self.project.cwd, self.project.file(rng)));
                }
                structured
                    .obj()
                    .kstr("mode", "files_with_matches")
                    .key("filenames")
                    .arr();
                for file in &found {
                    structured.str(file);
                }
                structured.end().knum("numFiles", found.len() as u64).end();
                format!("Found {} files\n{}", found.len(), found.join("\n"))
            }
            "TodoWrite" => {
                structured
                    .obj()
                    .key("oldTodos")
                    .arr()
                    .end()
                    .key("newTodos")
                    .raw(
                        tool.input
                            .trim_start_matches("{\"todos\":")
                            .trim_end_matches('}'),
                    )
                    .end();
                "Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.".to_string()
            }
            _ => {
                structured
                    .obj()
                    .kstr("status", "completed")
                    .key("content")
                    .arr()
                    .obj()
                    .kstr("type", "text")
                    .kstr("text", &task_result)
                    .end()
                    .end()
                    .end();
                task_result
            }
        };
        let uuid = self.header(rng, thread);
        self.json
            .key("message")
            .obj()
            .kstr("role", "user")
            .key("content")
            .arr()
            .obj();
        self.json
            .kstr("tool_use_id", &tool.id)
            .kstr("type", "tool_result")
            .kstr("content", &content)
            .end()
            .end()
            .end();
        self.json.key("toolUseResult").raw(&structured.buf);
        self.footer("user", &uuid);
        thread.sink.line(&self.json.buf)?;
        stats.skip(skip::USER_MESSAGE);
        thread.context += tokens(&content) + 10;
        Ok(())
    }
}

/// What a developer types: a request, often naming files, sometimes with a pasted error or
/// code, now and then in another language.
pub(super) fn prompt_text(rng: &mut Rng, project: &Project) -> String {
    let mut out = String::new();
    if rng.chance(0.12) {
        let lang = rng.pick(&[
            Lang::Chinese,
            Lang::Japanese,
            Lang::German,
            Lang::Spanish,
            Lang::French,
            Lang::Korean,
        ]);
        let size = rng.range(20, 400) as usize;
        text::foreign(rng, &mut out, lang, size);
        out.push(' ');
        out.push_str(project.file(rng));
        return out;
    }
    out.push_str(rng.pick(&[
        "Fix ",
        "Add ",
        "Refactor ",
        "Why does ",
        "Write tests for ",
        "Explain ",
        "Update ",
        "Speed up ",
        "Review ",
    ]));
    for index in 0..rng.range(3, 16) {
        if index > 0 {
            out.push(' ');
        }
        out.push_str(text::word(rng));
    }
    out.push_str(" in ");
    out.push_str(project.file(rng));
    if rng.chance(0.5) {
        out.push_str(". ");
        let size = rng.range(20, 600) as usize;
        text::prose(rng, &mut out, size);
    }
    if rng.chance(0.2) {
        out.push_str("\n\nHere is the error:\n```\n");
        for _ in 0..rng.range(3, 60) {
            out.push_str("    at ");
            text::ident(rng, &mut out, true);
            out.push_str(&format!(
                " ({}:{}:{})\n",
                project.file(rng),
                rng.range(1, 900),
                rng.range(1, 80)
            ));
        }
        out.push_str("```");
    }
    if rng.chance(0.1) {
        out.push_str(&format!("\n\n```{}\n", project.lang.tag().0));
        let size = rng.range(10, 150) as usize;
        text::code(rng, &mut out, project.lang, size);
        out.push_str("```");
    }
    out
}
