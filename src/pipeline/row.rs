//! The compact per-call row kept after parsing: numbers and short ids only, never the raw JSON
//! or prompt text.

use crate::classify::Classification;
use crate::money::Money;
use crate::policy::TextTokens;
use crate::pricing::{BillingMode, PriceCatalog, call_cost, name_residency};
use crate::record::{
    CallRecord, CallStatus, FailureCause, PromptPrefixes, Provider, Residency, ServiceTier,
    TokenBuckets,
};

/// Request traits that policies look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallFlags {
    pub streamed: bool,
    pub interactive: bool,
    pub batch: bool,
    pub tools: bool,
    pub json_schema: bool,
    pub images: bool,
    pub failed: bool,
    /// The log held a redaction placeholder (or text that cannot be the request's) where the
    /// prompt was ([`crate::record::Features::redacted`]).
    pub redacted: bool,
    /// Why the call failed, or its answer was withheld ([`CallRecord::failure_cause`]).
    pub failure: Option<FailureCause>,
    /// Service tier served.
    pub tier: ServiceTier,
    /// Where the request ran, when that is billed apart from global processing.
    pub residency: Option<Residency>,
    /// Server-side web-search requests made.
    pub web_searches: u32,
    /// The row sums many requests ([`crate::record::Features::summed`]).
    pub summed: bool,
}

impl CallFlags {
    pub fn of(record: &CallRecord) -> CallFlags {
        let f = &record.features;
        CallFlags {
            streamed: f.streamed,
            interactive: f.interactive,
            batch: f.batch,
            tools: f.tools_defined > 0 || f.tool_calls > 0 || f.tool_results > 0,
            json_schema: f.json_schema,
            images: f.images > 0,
            failed: record.status == CallStatus::Error,
            redacted: record.features.redacted,
            failure: record.failure_cause(),
            tier: record
                .service_tier
                .as_deref()
                .map_or(ServiceTier::Standard, ServiceTier::from_reported),
            residency: record.residency.or_else(|| name_residency(&record.model)),
            web_searches: record.web_search_requests,
            summed: f.summed,
        }
    }

    /// Why the call gave no answer, if it gave none: its cause, or [`FailureCause::Other`]
    /// for an error whose row carries none.
    pub fn failure_cause(self) -> Option<FailureCause> {
        self.failure.or(self.failed.then_some(FailureCause::Other))
    }

    /// How the call was billed, for pricing it (or a replay of it) at `at_ms`.
    pub fn billing(self, at_ms: Option<i64>) -> BillingMode {
        BillingMode {
            batch: self.batch,
            tier: self.tier,
            residency: self.residency,
            at_ms,
            web_searches: self.web_searches,
            summed: self.summed,
        }
    }

    /// Nobody was waiting on the answer: not streamed, not from an interactive tool, not a
    /// step of a tool loop. Such a call could have gone through a Batch API.
    pub fn no_latency_need(self) -> bool {
        !(self.streamed || self.interactive || self.tools)
    }
}

/// One priced, classified call. Its id is held beside it ([`crate::pipeline::Rows::call_id`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallRow {
    pub source: u32,
    pub line: u64,
    pub timestamp_ms: Option<i64>,
    /// Index into the run's model names (as the log wrote them).
    pub model: u32,
    pub provider: Provider,
    /// Catalog entry that priced the call; `None` for an unknown model.
    pub price: Option<u32>,
    pub tokens: TokenBuckets,
    /// `None` when the model is unknown: such calls are reported, never counted as $0.
    pub cost: Option<Money>,
    /// What the log itself says the call cost (Claude Code's `costUSD`, a gateway's cost
    /// field), as written. Summed per source over the calls the run keeps, so a call written
    /// once per content block, or logged twice, states its cost once.
    pub stated_cost: Option<Money>,
    pub latency_ms: Option<f32>,
    pub time_to_first_token_ms: Option<f32>,
    pub classification: Classification,
    pub flags: CallFlags,
    /// The prompt's prefixes, their tokens scaled to the billed prompt, when the log holds the
    /// whole request.
    pub prefixes: Option<PromptPrefixes>,
    pub dedupe_key: Option<u64>,
    /// The call's id is an id the log wrote (not a derived hash), so two sources that show the same
    /// id show the same call.
    pub logged_id: bool,
    /// Attempts at one logical request (retries, fallbacks) share this key.
    pub attempt_group: Option<u64>,
    /// Fingerprint of the whole request (model, system prompt, tools, every message), when the
    /// log holds it ([`crate::pipeline::retries::request_hash`]).
    pub request_hash: Option<u64>,
    /// Index into the run's kept tag sets (`RunOutput::tag_sets`; 0 for none).
    pub tags: u32,
    /// Index into the run's session ids (`RunOutput::sessions`; 0 for none).
    pub session: u32,
    /// Real o200k/cl100k token counts of the prompt text, when a policy moves calls across
    /// tokenizer families and the log holds the text.
    pub text_tokens: Option<TextTokens>,
}

impl CallRow {
    /// Prices the call with `catalog`: the entry that prices `model` (the logged name) when the
    /// call was made, what the call cost under it as it was billed, and the entry's provider
    /// (an unknown model keeps the provider the log gave, and no price or cost).
    pub fn price_with(&mut self, model: &str, catalog: &PriceCatalog) {
        self.price = catalog.resolve(model, self.timestamp_ms);
        self.cost = self.price.map(|index| {
            call_cost(
                catalog.entry(index),
                &self.tokens,
                self.flags.billing(self.timestamp_ms),
            )
        });
        if let Some(index) = self.price {
            self.provider = catalog.entry(index).provider;
        }
    }

    /// What an exact repeat of this call shares with it: the same model, the same hash of the
    /// whole request, and the same billed prompt tokens. A redacted or text-less log proves no
    /// repeat, so such calls have none.
    pub fn repeat_key(&self) -> Option<u64> {
        let request = self.request_hash?;
        let prompt = self.tokens.prompt_total();
        Some(request ^ prompt.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29))
    }

    /// What the call's reasoning tokens cost: its price with them minus its price with them
    /// taken out of its output, billed the way the call was (for a model with a thinking-mode
    /// output price, that also drops the rest of its output to the plain price). `None` for
    /// an unpriced call; zero without reasoning.
    pub fn reasoning_cost(&self, catalog: &PriceCatalog) -> Option<Money> {
        let (price, cost) = (self.price?, self.cost?);
        if self.tokens.reasoning == 0 {
            return Some(Money::ZERO);
        }
        let without = TokenBuckets {
            output: self.tokens.output.saturating_sub(self.tokens.reasoning),
            reasoning: 0,
            ..self.tokens
        };
        let mode = self.flags.billing(self.timestamp_ms);
        Some(cost - call_cost(catalog.entry(price), &without, mode))
    }
}
