//! Feasibility gates: whether a call could have run on another model at all. No quality
//! estimate is needed: a call whose prompt does not fit, whose output is longer than the model
//! may write, or that uses a feature the model lacks stays on its model and is counted as
//! blocked, by reason.

use std::fmt;

use crate::pipeline::CallRow;
use crate::pricing::ModelPrice;

/// Why a call could not move to a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Block {
    /// The prompt plus the output do not fit the model's context window.
    ContextWindow,
    /// The call wrote more output tokens than the model's output limit.
    MaxOutput,
    /// The call defines, calls or returns tools; the model has no tool use.
    Tools,
    /// The call sends images or documents; the model takes text only.
    Vision,
    /// The call asks for a JSON schema; the model has no structured output.
    JsonSchema,
    /// The record is a whole session's totals (an agent that logs no more): its calls, each
    /// with its own size and difficulty, cannot be moved one by one.
    SessionTotal,
}

impl Block {
    pub const ALL: [Block; 6] = [
        Block::ContextWindow,
        Block::MaxOutput,
        Block::Tools,
        Block::Vision,
        Block::JsonSchema,
        Block::SessionTotal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Block::ContextWindow => "context_window",
            Block::MaxOutput => "max_output",
            Block::Tools => "tools",
            Block::Vision => "vision",
            Block::JsonSchema => "json_schema",
            Block::SessionTotal => "session_total",
        }
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first gate that keeps `row` off `target`, or `None` when the call could run there.
///
/// Limits the catalog does not state do not block. Capabilities are only checked for a model
/// whose catalog entry lists any: an entry with no list (a bare override) states nothing.
pub fn feasibility(row: &CallRow, target: &ModelPrice) -> Option<Block> {
    if row.flags.summed {
        return Some(Block::SessionTotal);
    }
    let output = row.tokens.output;
    let needed = row.tokens.prompt_total().saturating_add(output);
    if target.context_window.is_some_and(|window| needed > window) {
        return Some(Block::ContextWindow);
    }
    if target.max_output.is_some_and(|limit| output > limit) {
        return Some(Block::MaxOutput);
    }
    let caps = target.capabilities;
    if !caps.any() {
        return None;
    }
    let flags = row.flags;
    if flags.tools && !caps.tools {
        Some(Block::Tools)
    } else if flags.images && !caps.vision {
        Some(Block::Vision)
    } else if flags.json_schema && !caps.json_schema {
        Some(Block::JsonSchema)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;
    use crate::record::TokenBuckets;
    use crate::risk::test_row;

    /// A small model with a 10k window, 1k output limit, tools and JSON schema but no vision,
    /// and a bare one that lists no capabilities.
    const CATALOG: &str = r#"
version = "test"
[[model]]
id = "small"
provider = "openai"
tier = "small"
input = 1.0
output = 2.0
context_window = 10000
max_output = 1000
capabilities = ["tools", "json_schema"]
source = "test"
checked = "2026-11-21"
[[model]]
id = "bare"
provider = "openai"
tier = "small"
input = 1.0
output = 2.0
source = "test"
checked = "2026-11-21"
"#;

    fn target(name: &str) -> ModelPrice {
        let catalog = PriceCatalog::from_toml(CATALOG).unwrap();
        catalog.entry(catalog.resolve(name, None).unwrap()).clone()
    }

    fn row(prompt: u64, cache_read: u64, output: u64) -> CallRow {
        let mut row = test_row();
        row.tokens = TokenBuckets {
            input: prompt,
            cache_read,
            output,
            ..TokenBuckets::default()
        };
        row
    }

    #[test]
    fn a_call_that_fits_and_uses_nothing_special_passes() {
        assert_eq!(feasibility(&row(9_000, 0, 1_000), &target("small")), None);
    }

    #[test]
    fn context_window_counts_cached_prompt_and_output() {
        // 8,000 fresh + 1,500 cached + 600 output = 10,100 > 10,000.
        assert_eq!(
            feasibility(&row(8_000, 1_500, 600), &target("small")),
            Some(Block::ContextWindow)
        );
    }

    #[test]
    fn output_above_the_models_limit_is_blocked() {
        assert_eq!(
            feasibility(&row(100, 0, 1_001), &target("small")),
            Some(Block::MaxOutput)
        );
    }

    #[test]
    fn a_sessions_totals_move_nowhere_however_small() {
        let mut session = row(100, 0, 10);
        session.flags.summed = true;
        assert_eq!(
            feasibility(&session, &target("small")),
            Some(Block::SessionTotal)
        );
    }

    #[test]
    fn images_need_vision() {
        let mut call = row(100, 0, 10);
        call.flags.images = true;
        assert_eq!(feasibility(&call, &target("small")), Some(Block::Vision));
    }

    #[test]
    fn tools_need_tool_use_and_schemas_need_structured_output() {
        let catalog = CATALOG.replace(r#"["tools", "json_schema"]"#, r#"["vision"]"#);
        let small = PriceCatalog::from_toml(&catalog).unwrap();
        let small = small.entry(small.resolve("small", None).unwrap()).clone();
        let mut call = row(100, 0, 10);
        call.flags.tools = true;
        assert_eq!(feasibility(&call, &small), Some(Block::Tools));
        call.flags.tools = false;
        call.flags.json_schema = true;
        assert_eq!(feasibility(&call, &small), Some(Block::JsonSchema));
        // With the capability listed, the same call passes.
        let full = PriceCatalog::from_toml(CATALOG).unwrap();
        let full = full.entry(full.resolve("small", None).unwrap()).clone();
        assert_eq!(feasibility(&call, &full), None);
    }

    #[test]
    fn a_model_listing_no_capabilities_is_not_gated_on_them() {
        let mut call = row(100, 0, 10);
        call.flags.images = true;
        call.flags.tools = true;
        assert_eq!(feasibility(&call, &target("bare")), None);
    }
}
