//! Replays the logged calls under a policy: the calls a cache sees are planned (in parallel) and
//! run through the caches in time order, and what the caches did for each is sorted back into
//! row order (through a temporary file on large runs, [`ExternalSort`]); then every call is
//! planned again and priced, a block at a time in parallel, and summed in input order.
//!
//! Savings are split so they never add up blindly. For each call:
//! - `baseline`: the call as logged;
//! - `risk_free`: the call on its own model, with the policy's caching and batch only;
//! - `cost`: the call as the policy would have run it, every action composed (a cached call on
//!   a cheaper model pays the cheaper model's cache prices).
//!
//! `baseline − risk_free` is what caching and batch save without changing an answer;
//! `risk_free − cost` is what the model changes and caps save on top, at a quality risk.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::aggregate::GroupIds;
use crate::classify::Verifiable;
use crate::money::Money;
use crate::pipeline::{
    BLOCK_ROWS, CallRow, ExternalSort, Field, Rows, RunOutput, Sorted, TimeWindow,
};
use crate::policy::file::{Actions, CacheTtl, Cascade, MatchInput, Policy, Target};
use crate::policy::prompt_cache::{CacheCall, CacheHit, CacheRules, PromptCache, Reuse};
use crate::policy::tally::{CallReplay, GroupNames, Tally};
use crate::policy::{LatencyModels, PolicyOutcome, Priors, TokenizerFamily, Tokenizers};
use crate::pricing::{BillingMode, PriceCatalog, call_cost};
use crate::record::TokenBuckets;
use crate::risk::{Block, Cap, Gap, RiskCell, RiskModel, feasibility};

/// Latency of a call served from a response cache: a lookup, not a model call (assumed).
pub const RESPONSE_CACHE_HIT_MS: f64 = 50.0;

/// What a replay reads.
#[derive(Clone, Copy)]
pub struct ReplayInput<'a> {
    pub run: &'a RunOutput,
    pub catalog: &'a PriceCatalog,
    pub priors: &'a Priors,
    pub risk: &'a RiskModel,
    /// Each model's latency, fitted on this run's calls where it has enough of them.
    pub latency: &'a LatencyModels,
    pub tokenizers: &'a Tokenizers,
    /// The keys each policy's savings are broken down by, and the zone days are cut in.
    pub groups: &'a GroupIds,
    /// What the run re-sends, for where cache breakpoints pay ([`Reuse::of`] the run's rows,
    /// once for every policy; the default when no policy caches).
    pub reuse: &'a Reuse,
    /// Each catalog entry's prompt-cache rule ([`CacheRules::new`] of the catalog).
    pub cache_rules: &'a CacheRules,
}

impl ReplayInput<'_> {
    fn match_input(&self) -> MatchInput<'_> {
        MatchInput {
            models: &self.run.models,
            tag_sets: &self.run.tag_sets,
            catalog: self.catalog,
        }
    }

    /// Latency of `output_tokens` on catalog entry `price`: fitted on the logs, else a prior.
    fn model_latency(&self, price: Option<u32>, output_tokens: u64) -> f64 {
        self.latency.latency_ms(price, output_tokens)
    }

    /// The call's latency as logged, else its model's.
    fn logged_latency(&self, row: &CallRow) -> f64 {
        row.latency_ms.map_or_else(
            || self.model_latency(row.price, row.tokens.output),
            f64::from,
        )
    }

    /// The call's logged tokens as model `to` would count them, and the tokenizer families
    /// when `from` (the call's model) counts in another family.
    fn tokens_on(
        &self,
        row: &CallRow,
        from: u32,
        to: u32,
    ) -> (TokenBuckets, Option<(TokenizerFamily, TokenizerFamily)>) {
        let tokenizers = self.tokenizers;
        let source = tokenizers.family(self.catalog.entry(from));
        let target = tokenizers.family(self.catalog.entry(to));
        if source == target {
            return (row.tokens, None);
        }
        let tokens = retokenize(
            &row.tokens,
            tokenizers.call_ratio(source, target, row.text_tokens),
            tokenizers.output_factor(source, target),
        );
        (tokens, Some((source, target)))
    }

    fn cost(&self, price: u32, tokens: &TokenBuckets, mode: BillingMode) -> Money {
        call_cost(self.catalog.entry(price), tokens, mode)
    }
}

/// A call's move to another model.
#[derive(Debug, Clone, Copy)]
struct Move {
    target: u32,
    gap: Gap,
    /// Source and target tokenizer families, when they differ.
    retokenized: Option<(TokenizerFamily, TokenizerFamily)>,
    /// For a cascade: where failures escalate, and how often.
    escalation: Option<Escalation>,
}

#[derive(Debug, Clone, Copy)]
struct Escalation {
    to: u32,
    rate: f64,
    check: Verifiable,
}

/// What the policy does to one call, before the caches run.
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    moved: Option<Move>,
    blocked: Option<Block>,
    /// Tokens on the model the call runs on (after caps).
    tokens: TokenBuckets,
    reasoning_capped: bool,
    output_capped: bool,
    batch: bool,
    prompt_cache: Option<CacheTtl>,
    response_cache: Option<i64>,
}

/// What the caches did for one call, on its own model (`risk_free`) and on the policy's: the
/// tokens of the cached prefix each found (0 on a miss) and of its last breakpoint, `None`
/// where no prompt cache served the call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct CacheMarks {
    response_hit: bool,
    /// The prompt cache's part was judged from the session's prompt growth (no text).
    estimated: bool,
    risk_free: Option<[u32; 2]>,
    policy: Option<[u32; 2]>,
}

/// Marks as a sorted list keeps them: a byte of flags, then the two hits.
impl Field for CacheMarks {
    const BYTES: usize = 17;

    fn put(self, out: &mut [u8]) {
        let flags = [
            self.response_hit,
            self.estimated,
            self.risk_free.is_some(),
            self.policy.is_some(),
        ];
        out[0] = flags
            .iter()
            .enumerate()
            .fold(0, |bits, (bit, &set)| bits | (u8::from(set) << bit));
        for (at, hit) in [self.risk_free, self.policy].into_iter().enumerate() {
            let [tokens, breakpoint] = hit.unwrap_or_default();
            out[1 + at * 8..5 + at * 8].copy_from_slice(&tokens.to_le_bytes());
            out[5 + at * 8..9 + at * 8].copy_from_slice(&breakpoint.to_le_bytes());
        }
    }

    fn take(bytes: &[u8]) -> Self {
        let flag = |bit: u8| bytes[0] & (1 << bit) != 0;
        let hit = |at: usize, bit: u8| {
            flag(bit)
                .then(|| [1 + at * 8, 5 + at * 8].map(|from| u32::take(&bytes[from..from + 4])))
        };
        CacheMarks {
            response_hit: flag(0),
            estimated: flag(1),
            risk_free: hit(0, 2),
            policy: hit(1, 3),
        }
    }
}

/// A cache hit as the marks keep it (a prompt is far under 2³² tokens; larger saturates).
fn to_mark(hit: CacheHit) -> [u32; 2] {
    [hit.tokens, hit.breakpoint].map(|tokens| u32::try_from(tokens).unwrap_or(u32::MAX))
}

/// The hit a mark keeps.
fn unmark([tokens, breakpoint]: [u32; 2]) -> CacheHit {
    CacheHit {
        tokens: tokens.into(),
        breakpoint: breakpoint.into(),
        ..CacheHit::default()
    }
}

/// Replays every row of the run under `policy`.
pub fn replay(policy: &Policy, input: &ReplayInput<'_>) -> PolicyOutcome {
    let mut tally = Tally::default();
    let retokenized = replay_each(policy, input, |call, index, group_ids| {
        tally.add_to_groups(&call, index, group_ids);
        tally.add(call);
    });
    tally.finish(
        policy.name.clone(),
        policy.description.clone(),
        assumptions(policy, input, &retokenized),
        input.risk,
        input.catalog,
        &GroupNames {
            keys: input.groups.keys(),
            run: input.run,
            zone: input.groups.grouping.zone,
        },
    )
}

/// Replays every row, handing each call's replay to `each` in input order with the row's
/// index and its group number ([`GroupIds::id`]) for each of the input's grouping keys; returns the
/// tokenizer moves the policy made.
pub(crate) fn replay_each(
    policy: &Policy,
    input: &ReplayInput<'_>,
    each: impl FnMut(CallReplay, usize, &[u64]),
) -> BTreeSet<(TokenizerFamily, TokenizerFamily)> {
    replay_in_blocks(policy, input, BLOCK_ROWS, each)
}

fn replay_in_blocks(
    policy: &Policy,
    input: &ReplayInput<'_>,
    block_rows: usize,
    mut each: impl FnMut(CallReplay, usize, &[u64]),
) -> BTreeSet<(TokenizerFamily, TokenizerFamily)> {
    let rows = &input.run.rows;
    let matcher = input.match_input();
    let plan_of = |row: &CallRow| match policy.actions_for(row, &matcher) {
        Some((_, actions)) => plan(row, &actions, input),
        None => Plan {
            tokens: row.tokens,
            ..Plan::default()
        },
    };
    let mut marks = run_caches(rows, policy, &plan_of, input).peekable();
    let keys = input.groups.keys();
    // Each row's group ids, side by side in one buffer per block (one slot for no key, so
    // that the buffer splits evenly).
    let stride = keys.len().max(1);
    let mut retokenized = BTreeSet::new();
    for block in rows.blocks(block_rows) {
        let mut group_ids = vec![0u64; block.len() * stride];
        let mut block_marks = vec![CacheMarks::default(); block.len()];
        while let Some((index, mark)) = marks.next_if(|&(index, _)| index < block.end) {
            block_marks[index - block.start] = mark;
        }
        let replays: Vec<(CallReplay, Option<(TokenizerFamily, TokenizerFamily)>)> = block
            .clone()
            .into_par_iter()
            .zip(group_ids.par_chunks_mut(stride))
            .map(|(index, ids)| {
                let row = rows.get(index);
                for (key, slot) in ids.iter_mut().take(keys.len()).enumerate() {
                    *slot = input.groups.id(key, &row);
                }
                let plan = plan_of(&row);
                let call = price(&row, &plan, &block_marks[index - block.start], input);
                (call, plan.moved.and_then(|m| m.retokenized))
            })
            .collect();
        for (offset, (call, moved)) in replays.into_iter().enumerate() {
            retokenized.extend(moved);
            let ids = &group_ids[offset * stride..offset * stride + keys.len()];
            each(call, block.start + offset, ids);
        }
    }
    retokenized
}

/// Decides a call's model, tokens and billing under `actions`.
fn plan(row: &CallRow, actions: &Actions, input: &ReplayInput<'_>) -> Plan {
    let mut plan = Plan {
        tokens: row.tokens,
        prompt_cache: actions.prompt_cache,
        response_cache: actions.response_cache,
        ..Plan::default()
    };
    let Some(price) = row.price else {
        // An unpriced call stays as logged: it is reported, never replayed at $0.
        return plan;
    };
    let entry = input.catalog.entry(price);
    plan.batch = actions.batch == Some(true)
        && !row.flags.batch
        && row.flags.no_latency_need()
        && entry.batch_discount.is_some();
    if let Some(route) = &actions.route {
        match choose(row, route, input) {
            Ok(Some(target)) => {
                plan.moved = Some(Move {
                    target,
                    gap: Gap::between(&entry.tier, &input.catalog.entry(target).tier),
                    retokenized: None,
                    escalation: None,
                });
            }
            Ok(None) => {}
            Err(block) => plan.blocked = Some(block),
        }
    } else if let Some(cascade) = &actions.cascade {
        match cascade_move(row, cascade, input) {
            Ok(moved) => plan.moved = moved,
            Err(block) => plan.blocked = Some(block),
        }
    }
    if let Some(moved) = plan.moved.as_mut() {
        (plan.tokens, moved.retokenized) = input.tokens_on(row, price, moved.target);
    }
    let priors = &input.risk.priors;
    if let Some(cap) = actions.cap_reasoning
        && plan.tokens.reasoning > 0
    {
        let reduction = cap
            .reduction
            .unwrap_or_else(|| priors.cap_default_reduction(Cap::Reasoning));
        let removed = (plan.tokens.reasoning as f64 * reduction).round() as u64;
        plan.tokens.reasoning -= removed;
        plan.tokens.output -= removed;
        plan.reasoning_capped = removed > 0;
    }
    if let Some(cap) = actions.cap_output {
        let visible = plan.tokens.output - plan.tokens.reasoning;
        let reduction = cap
            .reduction
            .unwrap_or_else(|| priors.cap_default_reduction(Cap::Output));
        let removed = (visible as f64 * reduction).round() as u64;
        plan.tokens.output -= removed;
        plan.output_capped = removed > 0;
    }
    plan
}

/// A call's tokens under another tokenizer: prompt buckets scaled by `input`, output and
/// reasoning by `output`, each rounded to a whole token.
fn retokenize(tokens: &TokenBuckets, input: f64, output: f64) -> TokenBuckets {
    let scale = |n: u64, by: f64| (n as f64 * by).round() as u64;
    let reasoning = scale(tokens.reasoning, output);
    TokenBuckets {
        input: scale(tokens.input, input),
        cache_read: scale(tokens.cache_read, input),
        cache_write_5m: scale(tokens.cache_write_5m, input),
        cache_write_1h: scale(tokens.cache_write_1h, input),
        output: scale(tokens.output, output).max(reasoning),
        reasoning,
    }
}

/// Resolves a target for a call: a catalog id at the call's date, or its model's sibling.
fn resolve_target(row: &CallRow, target: &Target, input: &ReplayInput<'_>) -> Option<u32> {
    let catalog = input.catalog;
    let name = match target {
        Target::Cheaper => catalog.entry(row.price?).downgrade_to.as_deref()?,
        Target::Model(id) => id.as_str(),
    };
    catalog
        .resolve(name, row.timestamp_ms)
        .or_else(|| catalog.resolve(name, None))
}

/// The first target that can serve the call: `Ok(None)` when it is the call's own model or
/// there is no target (no cheaper sibling), `Err` with the first gate when none can.
fn choose(
    row: &CallRow,
    targets: &[Target],
    input: &ReplayInput<'_>,
) -> Result<Option<u32>, Block> {
    let mut first_block = None;
    for target in targets {
        let Some(index) = resolve_target(row, target, input) else {
            continue;
        };
        if Some(index) == row.price {
            return Ok(None);
        }
        let entry = input.catalog.entry(index);
        if let Some(block) = feasibility(row, entry) {
            first_block.get_or_insert(block);
            continue;
        }
        // The catalog's sibling is only worth it when it is cheaper for this very call
        // (it may not be, e.g. past a long-context threshold).
        if *target == Target::Cheaper
            && row.cost.is_some_and(|baseline| {
                input.cost(index, &row.tokens, row.flags.billing(row.timestamp_ms)) >= baseline
            })
        {
            return Ok(None);
        }
        return Ok(Some(index));
    }
    first_block.map_or(Ok(None), Err)
}

/// A cascade's first attempt and its escalation, for a verifiable call.
fn cascade_move(
    row: &CallRow,
    cascade: &Cascade,
    input: &ReplayInput<'_>,
) -> Result<Option<Move>, Block> {
    let (Some(check), Some(price)) = (row.classification.verifiable, row.price) else {
        // Without a check on the output nobody could tell the cheap answer failed.
        return Ok(None);
    };
    let Some(target) = choose(row, &cascade.first, input)? else {
        return Ok(None);
    };
    let to = match &cascade.escalate_to {
        None => price,
        Some(id) => match resolve_target(row, &Target::Model(id.clone()), input) {
            Some(index) => index,
            None => return Ok(None),
        },
    };
    let entry = input.catalog.entry(price);
    let target_entry = input.catalog.entry(target);
    let gap = Gap::between(&entry.tier, &target_entry.tier);
    let c = &row.classification;
    let rate = cascade.escalation_rate.unwrap_or_else(|| {
        let band = input.risk.priors.band_of(c.complexity);
        let (rate, _) = input
            .risk
            .call_rate(&target_entry.id, c.task, c.tier, gap, band);
        rate.mean() * input.risk.priors.catch(check).catch_rate
    });
    Ok(Some(Move {
        target,
        gap,
        retokenized: None,
        escalation: Some(Escalation { to, rate, check }),
    }))
}

/// A call the caches look at, with what they need of its plan.
struct CacheAsk {
    at: i64,
    index: usize,
    row: CallRow,
    /// The model the policy runs the call on.
    target: u32,
    /// Prompt tokens on the target, after the policy's changes.
    policy_prompt: u64,
    prompt_cache: Option<CacheTtl>,
    response_cache: Option<i64>,
}

/// Runs the response cache and the prompt cache over the calls in time order: the marks of
/// the calls they did something for, as (row, marks) in row order; none when the policy caches
/// nothing.
fn run_caches(
    rows: &Rows,
    policy: &Policy,
    plan_of: &(impl Fn(&CallRow) -> Plan + Sync),
    input: &ReplayInput<'_>,
) -> Sorted<(usize, CacheMarks)> {
    run_caches_with(rows, policy, plan_of, input, Caches::default)
}

/// [`run_caches`] through the caches `new_caches` makes.
fn run_caches_with(
    rows: &Rows,
    policy: &Policy,
    plan_of: &(impl Fn(&CallRow) -> Plan + Sync),
    input: &ReplayInput<'_>,
    new_caches: impl FnOnce() -> Caches,
) -> Sorted<(usize, CacheMarks)> {
    let mut marks = ExternalSort::new(rows.list_limit());
    if !policy.caches() {
        return marks.sorted();
    }
    // The calls with a time, in time order, read off the rows without decoding them.
    let mut order = rows.time_order().peekable();
    // The plans are made a block at a time, on all cores, in time order; a cache sees the
    // priced calls its policy caches.
    let ask = |&(at, index): &(i64, usize)| {
        let row = rows.get(index);
        let plan = plan_of(&row);
        if plan.prompt_cache.is_none() && plan.response_cache.is_none() {
            return None;
        }
        Some(CacheAsk {
            at,
            index,
            target: plan.moved.map_or(row.price?, |m| m.target),
            policy_prompt: plan.tokens.prompt_total(),
            prompt_cache: plan.prompt_cache,
            response_cache: plan.response_cache,
            row,
        })
    };
    let mut caches = new_caches();
    // Blocks of a quarter of the replay's: each ask holds a decoded row.
    while order.peek().is_some() {
        let block: Vec<(i64, usize)> = order.by_ref().take(BLOCK_ROWS / 4).collect();
        let asks: Vec<Option<CacheAsk>> = block.par_iter().map(ask).collect();
        for ask in asks.into_iter().flatten() {
            let index = ask.index;
            let mark = caches.visit(ask, input);
            if mark != CacheMarks::default() {
                marks.push((index, mark));
            }
        }
    }
    marks.sorted()
}

/// The caches as calls pass through them in time order. Each entry holds when it lapses; one
/// that lapsed before the current call serves no later one.
#[derive(Default)]
struct Caches {
    /// Response cache: request → when its stored answer expires.
    responses: TimeWindow<u64, i64>,
    /// Prompt caches on the calls' own models, and on the models the policy runs them on.
    own_model: PromptCache,
    policy_model: PromptCache,
}

impl Caches {
    /// Caches whose maps are swept from `min_sweep` entries on, for tests.
    #[cfg(test)]
    fn sweeping_from(min_sweep: usize) -> Caches {
        Caches {
            responses: TimeWindow::sweeping_from(min_sweep),
            own_model: PromptCache::sweeping_from(min_sweep),
            policy_model: PromptCache::sweeping_from(min_sweep),
        }
    }

    /// Sends the call of `ask` through the caches (calls come in time order): what they did
    /// for it.
    fn visit(&mut self, ask: CacheAsk, input: &ReplayInput<'_>) -> CacheMarks {
        let row = ask.row;
        let now = ask.at;
        self.responses.sweep(|&expires| now <= expires);
        let mut mark = CacheMarks::default();
        if let (Some(window), Some(request)) = (ask.response_cache, row.repeat_key()) {
            match self.responses.map.get(&request) {
                Some(&expires) if now <= expires => {
                    mark.response_hit = true;
                    return mark;
                }
                _ if !row.flags.failed => {
                    self.responses.map.insert(request, now + window);
                }
                _ => {}
            }
        }
        let (Some(ttl), Some(price)) = (ask.prompt_cache, row.price) else {
            return mark;
        };
        let own_prompt = row.tokens.prompt_total();
        let (conversation, system_recurs) = (
            input.reuse.conversation(&row),
            input.reuse.system_recurs(&row),
        );
        let visit = |cache: &mut PromptCache, model: u32, prompt_tokens: u64| {
            let rule = input.cache_rules.get(model)?;
            cache.visit(&CacheCall {
                index: ask.index,
                model,
                rule,
                ttl,
                at_ms: now,
                prefixes: row.prefixes.map(|p| p.rescaled(own_prompt, prompt_tokens)),
                session: row.session,
                prompt_tokens,
                conversation,
                system_recurs,
                summed: row.flags.summed,
            })
        };
        let own = visit(&mut self.own_model, price, own_prompt);
        let policy = visit(&mut self.policy_model, ask.target, ask.policy_prompt);
        mark.estimated = own.or(policy).is_some_and(|hit| hit.estimated);
        mark.risk_free = own.map(to_mark);
        mark.policy = policy.map(to_mark);
        mark
    }
}

/// Prices one call under its plan and what the caches did.
fn price(row: &CallRow, plan: &Plan, cache: &CacheMarks, input: &ReplayInput<'_>) -> CallReplay {
    let logged_latency = input.logged_latency(row);
    let mut replay = CallReplay {
        cost: row.cost,
        risk_free_cost: row.cost,
        baseline_cost: row.cost,
        latency_ms: logged_latency,
        blocked: plan.blocked,
        prompt_tokens: row.tokens.prompt_total(),
        cache_read_tokens: row.tokens.cache_read,
        ..CallReplay::default()
    };
    let (Some(price), Some(_)) = (row.price, row.cost) else {
        return replay;
    };
    let mode = BillingMode {
        batch: row.flags.batch || plan.batch,
        ..row.flags.billing(row.timestamp_ms)
    };
    let counts = &mut replay.counts;
    counts.batched = plan.batch;
    counts.routed = plan.moved.is_some();
    counts.cascaded = plan.moved.is_some_and(|m| m.escalation.is_some());
    counts.reasoning_capped = plan.reasoning_capped;
    counts.output_capped = plan.output_capped;
    let risky = plan.moved.is_some() || plan.reasoning_capped || plan.output_capped;
    if risky {
        let c = &row.classification;
        replay.risk = Some(RiskCell {
            target: plan.moved.map_or(price, |m| m.target),
            task: c.task,
            tier: c.tier,
            gap: plan.moved.map(|m| m.gap),
            band: input.risk.priors.band_of(c.complexity),
            escalated_on: plan.moved.and_then(|m| m.escalation).map(|e| e.check),
            reasoning_cap: plan.reasoning_capped,
            output_cap: plan.output_capped,
        });
    }
    if cache.response_hit {
        counts.response_cache_hits = true;
        replay.cost = Some(Money::ZERO);
        replay.risk_free_cost = Some(Money::ZERO);
        replay.latency_ms = RESPONSE_CACHE_HIT_MS;
        replay.changed = true;
        (replay.prompt_tokens, replay.cache_read_tokens) = (0, 0);
        return replay;
    }
    let runs_on = plan.moved.map_or(price, |m| m.target);
    // The cache's part of each side's tokens, by its model's rule.
    let cached = |side: Option<[u32; 2]>, model: u32, tokens: TokenBuckets| match (
        side,
        plan.prompt_cache,
        input.cache_rules.get(model),
    ) {
        (Some(hit), Some(ttl), Some(rule)) => rule.apply(tokens, unmark(hit), ttl),
        _ => tokens,
    };
    let own_tokens = cached(cache.risk_free, price, row.tokens);
    let policy_tokens = cached(cache.policy, runs_on, plan.tokens);
    counts.prompt_cache_reads = policy_tokens.cache_read > plan.tokens.cache_read;
    counts.prompt_cache_writes = policy_tokens.cache_write_5m + policy_tokens.cache_write_1h
        > plan.tokens.cache_write_5m + plan.tokens.cache_write_1h;
    replay.estimated_cache = cache.estimated && own_tokens != row.tokens;
    replay.prompt_tokens = policy_tokens.prompt_total();
    replay.cache_read_tokens = policy_tokens.cache_read;
    replay.risk_free_cost = Some(input.cost(price, &own_tokens, mode));
    let mut cost = input.cost(runs_on, &policy_tokens, mode);
    let mut latency = if plan.moved.is_some() {
        input.model_latency(Some(runs_on), plan.tokens.output)
    } else {
        // A cap on the call's own model saves the decode time of the tokens it no longer
        // writes.
        let removed = row.tokens.output - plan.tokens.output;
        let decode =
            input.model_latency(Some(price), removed) - input.model_latency(Some(price), 0);
        (logged_latency - decode).max(0.0)
    };
    if let Some(escalation) = plan.moved.and_then(|m| m.escalation) {
        // Escalations pay the stronger model for the call as logged (in its tokenizer).
        let (tokens, _) = input.tokens_on(row, price, escalation.to);
        cost += input
            .cost(escalation.to, &tokens, mode)
            .scaled(escalation.rate);
        latency += escalation.rate * logged_latency;
        replay.escalation_rate = escalation.rate;
    }
    if plan.batch {
        latency = input.priors.batch_window_ms;
    }
    replay.cost = Some(cost);
    replay.latency_ms = latency;
    replay.changed =
        risky || plan.batch || policy_tokens != plan.tokens || own_tokens != row.tokens;
    replay
}

/// What a replay under `policy` assumed, for the report: only what the policy uses.
fn assumptions(
    policy: &Policy,
    input: &ReplayInput<'_>,
    retokenized: &BTreeSet<(TokenizerFamily, TokenizerFamily)>,
) -> Vec<String> {
    let used = |test: fn(&Actions) -> bool| policy.rules.iter().any(|r| test(&r.actions));
    let mut lines = vec![
        "latency: each model's fit on these logs, else its published throughput, else a typical figure for its tier (see the latency models, --full)".to_string(),
    ];
    if used(|a| a.route.is_some() || a.cascade.is_some()) {
        lines.extend([
            "moved calls keep their logged cache reads and writes (the cache warms alike on the target)".to_string(),
            "calls the target cannot serve (context window, output limit, tools, vision, JSON schema) stay and are counted as blocked".to_string(),
            "moved calls within a tokenizer family keep their token counts".to_string(),
        ]);
    }
    let tokenizers = input.tokenizers;
    for &(from, to) in retokenized {
        let (confidence, measured_on) = tokenizers.basis(to);
        lines.push(format!(
            "{} → {}: prompt tokens × {:.3}, output tokens × {:.3} (tokenizer table, {confidence} confidence: {measured_on}); exact o200k/cl100k counts of the prompt text where the log holds it",
            tokenizers.name(from),
            tokenizers.name(to),
            tokenizers.input_ratio(from, to),
            tokenizers.output_factor(from, to),
        ));
    }
    if used(|a| a.cascade.is_some()) {
        lines.extend([
            "a cascade tries the cheaper model on every verifiable call and pays the stronger model on escalations; calls without a check stay".to_string(),
            "escalation rate, unless the policy states one: P(degraded) × the check's catch rate; the residual risk is the failures the check misses".to_string(),
        ]);
    }
    if used(|a| a.prompt_cache.is_some()) {
        lines.extend([
            "prompt cache per model: a call reads the longest prefix of its request (system prompt and tools, then its messages in order) that an earlier call stored within the TTL, each use refreshing it; a step of a conversation reads the previous step's whole prompt".to_string(),
            "Anthropic: breakpoints after the system prompt and tools and, for a step of a conversation (earlier turns, or a session of several calls), at the end of the request; what follows the cached prefix up to the last breakpoint is written at the TTL's write price; 1,024 to 4,096 tokens at least by model. OpenAI, Gemini, DeepSeek: implicit caching, no write charge, OpenAI in steps of 128 tokens from 1,024".to_string(),
            "where a log holds no text, a session's step whose prompt grew from the previous step's is taken to re-send it (an estimate, reported apart)".to_string(),
        ]);
    }
    if used(|a| a.response_cache.is_some()) {
        lines.push(format!(
            "response cache: an exact repeat (same model, same hash of the whole request, same prompt tokens) within the window of a successful call is served at no cost in {RESPONSE_CACHE_HIT_MS} ms; redacted logs and logs without the request's text prove no repeat"
        ));
    }
    if used(|a| a.batch == Some(true)) {
        lines.extend([
            "calls not streamed, not from an interactive tool and not in a tool loop have no latency need".to_string(),
            format!(
                "batched calls take the full completion window ({} h) as latency",
                input.priors.batch_window_ms / 3_600_000.0
            ),
        ]);
    }
    let priors = &input.risk.priors;
    for rule in &policy.rules {
        for (cap, action) in [
            (Cap::Reasoning, rule.actions.cap_reasoning),
            (Cap::Output, rule.actions.cap_output),
        ] {
            if let Some(action) = action {
                let reduction = action
                    .reduction
                    .unwrap_or_else(|| priors.cap_default_reduction(cap));
                lines.push(format!(
                    "rule `{}`: a lower {cap} budget removes {:.0}% of the call's {cap} tokens{}",
                    rule.name,
                    100.0 * reduction,
                    if action.reduction.is_none() {
                        " (the priors' default)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    if used(|a| {
        a.route.is_some()
            || a.cascade.is_some()
            || a.cap_reasoning.is_some()
            || a.cap_output.is_some()
    }) {
        lines.push(risk_assumption(input.risk));
    }
    lines
}

/// Where the quality-risk figures come from, for the report's assumptions.
fn risk_assumption(risk: &RiskModel) -> String {
    match &risk.calibration {
        None => format!(
            "quality risk: how often a weaker model answers worse, by task, tier and capability gap (how many strength tiers the target sits below the logged model), from published benchmarks, moving within a tier with the complexity score as public per-question outcomes show (risk priors {}; `llm-audit risk priors` shows the evidence), not calibrated on your labels",
            risk.priors.version
        ),
        Some(file) => format!(
            "quality risk: degradation rates calibrated on {} labelled calls, pooled toward the priors where labels are few",
            file.matched
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Classification, Reasons, Task, Tier, Verifiable};
    use crate::policy::{TextTokens, builtin};
    use crate::record::{PromptPrefix, PromptPrefixes, Provider};
    use crate::risk::RiskPriors;

    /// Two Anthropic-shaped models: reads 0.1x, 5m writes 1.25x input; batch 50%.
    const CATALOG: &str = r#"
version = "test"
[[model]]
id = "big"
provider = "anthropic"
tier = "flagship"
downgrade_to = "small"
input = 3.0
output = 15.0
cache_read = 0.3
cache_write_5m = 3.75
cache_write_1h = 6.0
batch_discount = 0.5
context_window = 200000
source = "test"
checked = "2026-11-21"
[[model]]
id = "small"
provider = "anthropic"
tier = "small"
input = 1.0
output = 5.0
cache_read = 0.1
cache_write_5m = 1.25
cache_write_1h = 2.0
batch_discount = 0.5
context_window = 3000
source = "test"
checked = "2026-11-21"
[[model]]
id = "mid"
provider = "anthropic"
tier = "mid"
input = 2.0
output = 10.0
cache_read = 0.2
cache_write_5m = 2.5
cache_write_1h = 4.0
context_window = 100000
source = "test"
checked = "2026-11-21"
[[model]]
id = "gpt-4"
provider = "openai"
tier = "flagship"
input = 30.0
output = 60.0
context_window = 8192
source = "test"
checked = "2026-11-21"
[[model]]
id = "oa-mini"
provider = "openai"
tier = "small"
input = 0.5
output = 2.0
context_window = 100000
source = "test"
checked = "2026-11-21"
"#;

    fn catalog() -> PriceCatalog {
        PriceCatalog::from_toml(CATALOG).unwrap()
    }

    fn risk() -> RiskModel {
        RiskModel::prior(RiskPriors::embedded().unwrap())
    }

    fn row(catalog: &PriceCatalog, tier: Tier, tokens: TokenBuckets, at_ms: i64) -> CallRow {
        row_on("big", catalog, tier, tokens, at_ms)
    }

    fn row_on(
        model: &str,
        catalog: &PriceCatalog,
        tier: Tier,
        tokens: TokenBuckets,
        at_ms: i64,
    ) -> CallRow {
        let price = catalog.resolve(model, None).unwrap();
        CallRow {
            source: 0,
            line: 1,
            timestamp_ms: Some(at_ms),
            model: 0,
            provider: Provider::Anthropic,
            price: Some(price),
            tokens,
            cost: Some(call_cost(
                catalog.entry(price),
                &tokens,
                BillingMode::default(),
            )),
            stated_cost: None,
            latency_ms: Some(900.0),
            time_to_first_token_ms: None,
            classification: Classification {
                complexity: score_of(tier),
                tier,
                task: Task::Extraction,
                confidence: 0.9,
                reasons: Reasons::default(),
                verifiable: None,
                rule: None,
            },
            flags: Default::default(),
            prefixes: None,
            dedupe_key: None,
            logged_id: false,
            attempt_group: None,
            request_hash: None,
            tags: 0,
            session: 0,
            text_tokens: None,
        }
    }

    /// Replays `rows` under a built-in policy with the embedded priors.
    fn run_builtin(name: &str, rows: Vec<CallRow>, catalog: &PriceCatalog) -> PolicyOutcome {
        let policy = builtin(name, catalog).unwrap().unwrap();
        run_policy(&policy, rows, catalog)
    }

    fn run_policy(policy: &Policy, rows: Vec<CallRow>, catalog: &PriceCatalog) -> PolicyOutcome {
        let run = RunOutput {
            models: vec!["big".into()],
            tag_sets: vec![Vec::new()],
            rows: rows.into(),
            ..RunOutput::default()
        };
        with_input(&run, catalog, |input| replay(policy, input))
    }

    /// Calls `f` with the replay input of `run`: the embedded priors, risk model and
    /// tokenizers, and latencies fitted on the run.
    fn with_input<T>(
        run: &RunOutput,
        catalog: &PriceCatalog,
        f: impl FnOnce(&ReplayInput<'_>) -> T,
    ) -> T {
        let priors = Priors::embedded().unwrap();
        let risk = risk();
        let latency = LatencyModels::fit(run.rows.iter(), catalog, &priors);
        let tokenizers = Tokenizers::embedded().unwrap();
        f(&ReplayInput {
            run,
            catalog,
            priors: &priors,
            risk: &risk,
            latency: &latency,
            tokenizers: &tokenizers,
            groups: &GroupIds::default(),
            reuse: &Reuse::of(&run.rows),
            cache_rules: &CacheRules::new(catalog),
        })
    }

    /// The prefixes of a single request (no earlier turns): its system prompt and tools, and
    /// the whole request.
    fn single_request(
        system: u64,
        system_tokens: u64,
        whole: u64,
        whole_tokens: u64,
    ) -> Option<PromptPrefixes> {
        PromptPrefixes::new(
            true,
            &[
                PromptPrefix {
                    hash: system,
                    tokens: system_tokens,
                },
                PromptPrefix {
                    hash: whole,
                    tokens: whole_tokens,
                },
            ],
        )
    }

    /// Each of `rows` rows' marks (none where the caches did nothing for it).
    fn marks_by_row(marks: Sorted<(usize, CacheMarks)>, rows: usize) -> Vec<CacheMarks> {
        let mut by_row = vec![CacheMarks::default(); rows];
        for (index, mark) in marks {
            by_row[index] = mark;
        }
        by_row
    }

    #[test]
    fn marks_round_trip_through_a_sorted_list() {
        for marks in [
            CacheMarks::default(),
            CacheMarks {
                response_hit: true,
                ..CacheMarks::default()
            },
            CacheMarks {
                estimated: true,
                risk_free: Some([0, 0]),
                policy: Some([u32::MAX, 128]),
                ..CacheMarks::default()
            },
            CacheMarks {
                policy: Some([7, 9]),
                ..CacheMarks::default()
            },
        ] {
            let mut bytes = [0u8; CacheMarks::BYTES];
            marks.put(&mut bytes);
            assert_eq!(CacheMarks::take(&bytes), marks);
        }
    }

    fn tokens(input: u64, output: u64) -> TokenBuckets {
        TokenBuckets {
            input,
            output,
            ..TokenBuckets::default()
        }
    }

    #[test]
    fn prompt_cache_writes_reads_and_rewrites_after_the_ttl_lapses() {
        let catalog = catalog();
        let minute = 60_000;
        let prefix = PromptPrefix {
            hash: 7,
            tokens: 2000,
        };
        // Same prefix at 0, +1 min (warm), +3 min (warm: the TTL restarted at +1), +9 min
        // (lapsed: 6 minutes since last use), and another prefix at +9 min, sent by no other
        // call, so that no breakpoint is set after it (writing it would only cost).
        let mut rows: Vec<CallRow> = [0, minute, 3 * minute, 9 * minute, 9 * minute]
            .into_iter()
            .map(|at| row(&catalog, Tier::Moderate, tokens(2500, 100), at))
            .collect();
        for (i, row) in rows.iter_mut().enumerate() {
            let system = if i < 4 { prefix.hash } else { 8 };
            row.prefixes = single_request(system, 2000, 100 + i as u64, 2500);
        }
        let outcome = run_builtin("prompt-cache", rows.clone(), &catalog);
        // Baseline per call: 2500×$3 + 100×$15 per million = $0.009.
        let baseline = 5.0 * 0.009;
        // A write moves 2000 tokens from $3 to $3.75; a read from $3 to $0.30.
        let write = 0.009 + 2000.0 * (3.75 - 3.0) / 1e6;
        let read = 0.009 - 2000.0 * (3.0 - 0.3) / 1e6;
        let expected = write + read + read + write + 0.009;
        assert!((outcome.baseline_cost.usd() - baseline).abs() < 1e-12);
        assert!(
            (outcome.cost.usd() - expected).abs() < 1e-12,
            "{} vs {expected}",
            outcome.cost.usd()
        );
        assert_eq!(outcome.calls_changed, 4);
        assert_eq!(
            outcome.risky_savings,
            Money::ZERO,
            "caching changes no answer"
        );
    }

    #[test]
    fn prompt_cache_ignores_prefixes_below_the_cacheable_minimum() {
        let catalog = catalog();
        let mut rows = vec![
            row(&catalog, Tier::Simple, tokens(900, 10), 0),
            row(&catalog, Tier::Simple, tokens(900, 10), 1),
        ];
        for (i, row) in rows.iter_mut().enumerate() {
            row.prefixes = single_request(1, 5000, 10 + i as u64, 5000);
        }
        // Only 900 uncached input tokens: below the 1,024-token minimum, nothing to cache.
        let outcome = run_builtin("prompt-cache", rows.clone(), &catalog);
        assert_eq!(outcome.cost, outcome.baseline_cost);
        assert_eq!(outcome.calls_changed, 0);
    }

    #[test]
    fn cheaper_for_simple_moves_only_simple_calls_that_fit() {
        let catalog = catalog();
        let rows = vec![
            row(&catalog, Tier::Trivial, tokens(1000, 100), 0),
            row(&catalog, Tier::Complex, tokens(1000, 100), 0),
            // 2,900 prompt + 200 output tokens exceed the small model's 3,000-token window.
            row(&catalog, Tier::Simple, tokens(2900, 200), 0),
        ];
        let outcome = run_builtin("cheaper-for-simple", rows.clone(), &catalog);
        // Moved: 1000×$1 + 100×$5 instead of 1000×$3 + 100×$15.
        let moved_savings = (3000.0 + 1500.0 - 1000.0 - 500.0) / 1e6;
        assert!((outcome.savings().usd() - moved_savings).abs() < 1e-12);
        assert_eq!((outcome.calls_changed, outcome.calls_blocked), (1, 1));
        assert_eq!(outcome.blocked_by, vec![(Block::ContextWindow, 1)]);
        assert_eq!(outcome.risky_savings, outcome.savings());
        // The moved call is a trivial extraction, flagship → small: two capability steps.
        let rate = moved_rate("small", Task::Extraction, Tier::Trivial, Gap::TwoSteps);
        assert_eq!(outcome.risk.calls_at_risk, 1);
        assert_eq!(outcome.risk.basis, "prior");
        assert!((outcome.risk.expected_degraded_calls - rate).abs() < 1e-12);
        assert_eq!(outcome.risk.by_tier.len(), 1);
        assert_eq!(outcome.risk.by_tier[0].tier, Tier::Trivial);
    }

    #[test]
    fn batch_moves_only_calls_without_latency_need() {
        let catalog = catalog();
        let priors = Priors::embedded().unwrap();
        let mut rows = vec![
            row(&catalog, Tier::Complex, tokens(1000, 100), 0),
            row(&catalog, Tier::Complex, tokens(1000, 100), 0),
        ];
        rows[1].flags.streamed = true;
        let outcome = run_builtin("batch", rows.clone(), &catalog);
        // Half of the first call's $0.0045; the streamed call stays.
        assert!((outcome.savings().usd() - 0.00225).abs() < 1e-12);
        assert_eq!(outcome.calls_changed, 1);
        assert_eq!(outcome.risk_free_savings, outcome.savings());
        assert_eq!(outcome.latency_p95_ms, priors.batch_window_ms);
    }

    #[test]
    fn baseline_reproduces_the_priced_cost_call_for_call() {
        let catalog = catalog();
        let rows = vec![
            row(&catalog, Tier::Simple, tokens(1234, 56), 0),
            row(&catalog, Tier::Complex, tokens(7, 8), 0),
        ];
        let outcome = run_builtin("baseline", rows.clone(), &catalog);
        let logged: Money = rows.iter().filter_map(|r| r.cost).sum();
        assert_eq!(outcome.cost, logged);
        assert_eq!(outcome.savings(), Money::ZERO);
        assert_eq!(outcome.latency_p50_ms, 900.0);
    }

    /// A complexity score inside `tier` (the test rows' score).
    fn score_of(tier: Tier) -> f32 {
        match tier {
            Tier::Trivial => 0.05,
            Tier::Simple => 0.1,
            Tier::Moderate => 0.3,
            Tier::Complex => 0.5,
        }
    }

    /// A model change's rate for a test row of `tier` moved to `candidate`: the cell's rate
    /// times the score band's factor, as the estimate applies it to a prior.
    fn moved_rate(candidate: &str, task: Task, tier: Tier, gap: Gap) -> f64 {
        let risk = risk();
        let band = risk.priors.band_of(score_of(tier));
        risk.call_rate(candidate, task, tier, gap, band).0.mean()
    }

    fn policy(text: &str, catalog: &PriceCatalog) -> Policy {
        Policy::from_toml(text, "test", catalog).unwrap()
    }

    fn usd(outcome: &Money) -> f64 {
        outcome.usd()
    }

    fn close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-12, "{actual} vs {expected}");
    }

    #[test]
    fn route_takes_the_first_target_that_can_serve_the_call() {
        let catalog = catalog();
        let rows = vec![
            // 5,000 prompt + 100 output exceed small's 3,000-token window: mid serves it.
            row(&catalog, Tier::Moderate, tokens(5000, 100), 0),
            row(&catalog, Tier::Moderate, tokens(1000, 100), 0),
        ];
        let routed = run_policy(
            &policy(
                r#"
[[rule]]
name = "all"
route = ["small", "mid"]
"#,
                &catalog,
            ),
            rows.clone(),
            &catalog,
        );
        // Baseline: (5000×$3 + 100×$15) + (1000×$3 + 100×$15) per million = $0.0165 + $0.0045.
        close(usd(&routed.baseline_cost), 0.0165 + 0.0045);
        // Routed: mid 5000×$2 + 100×$10 = $0.011; small 1000×$1 + 100×$5 = $0.0015.
        close(usd(&routed.cost), 0.011 + 0.0015);
        assert_eq!(routed.actions.routed, 2);
        assert_eq!(routed.calls_blocked, 0);
        assert_eq!(routed.risky_savings, routed.savings());
        assert_eq!(routed.risk.calls_at_risk, 2);

        // Only small on the list: the large call cannot move and is counted as blocked.
        let only_small = run_policy(
            &policy("[[rule]]\nname = \"all\"\nroute = \"small\"\n", &catalog),
            rows,
            &catalog,
        );
        close(usd(&only_small.cost), 0.0165 + 0.0015);
        assert_eq!(only_small.blocked_by, vec![(Block::ContextWindow, 1)]);
    }

    #[test]
    fn cascade_pays_the_cheap_attempt_always_and_the_strong_one_on_escalations() {
        let catalog = catalog();
        let mut verifiable = row(&catalog, Tier::Simple, tokens(1000, 100), 0);
        verifiable.classification.verifiable = Some(Verifiable::JsonSchema);
        let plain = row(&catalog, Tier::Simple, tokens(1000, 100), 0);
        let stated = run_policy(
            &policy(
                r#"
[[rule]]
name = "cascade"
cascade = { try = "small", escalation_rate = 0.25 }
"#,
                &catalog,
            ),
            vec![verifiable, plain],
            &catalog,
        );
        // Verifiable call: small 1000×$1 + 100×$5 = $0.0015 always, plus big's
        // 1000×$3 + 100×$15 = $0.0045 on a quarter of them; the other call stays at $0.0045.
        close(usd(&stated.cost), 0.0015 + 0.25 * 0.0045 + 0.0045);
        assert_eq!((stated.actions.routed, stated.actions.cascaded), (1, 1));
        close(stated.actions.expected_escalations, 0.25);
        close(stated.risk.expected_escalations, 0.25);

        // Without a stated rate: P(degraded) of the move × the schema check's catch rate.
        let derived = run_policy(
            &policy(
                "[[rule]]\nname = \"cascade\"\ncascade = { try = \"@cheaper\" }\n",
                &catalog,
            ),
            vec![verifiable],
            &catalog,
        );
        let risk = risk();
        let rate = moved_rate("small", Task::Extraction, Tier::Simple, Gap::TwoSteps);
        let escalation = rate * risk.priors.catch(Verifiable::JsonSchema).catch_rate;
        close(usd(&derived.cost), 0.0015 + escalation * 0.0045);
        // The residual risk is what the check misses.
        close(
            derived.risk.expected_degraded_calls,
            rate * (1.0 - risk.priors.catch(Verifiable::JsonSchema).catch_rate),
        );
    }

    #[test]
    fn prompt_cache_replay_writes_reads_and_lapses_by_ttl() {
        let catalog = catalog();
        let minute = 60_000;
        // One prefix of 2,000 tokens at 0, +30 min (warm), +95 min (65 min since its last use:
        // lapsed), +100 min (warm again); another prefix at +100 min that no other call sends
        // (no breakpoint after it: nothing written, nothing read).
        let mut rows: Vec<CallRow> = [0, 30, 95, 100, 100]
            .into_iter()
            .map(|at| row(&catalog, Tier::Moderate, tokens(2500, 100), at * minute))
            .collect();
        for (i, (row, hash)) in rows.iter_mut().zip([7, 7, 7, 7, 8]).enumerate() {
            row.prefixes = single_request(hash, 2000, 100 + i as u64, 2500);
        }
        let policy = policy(
            "[[rule]]\nname = \"all\"\nprompt_cache = \"1h\"\n",
            &catalog,
        );
        let run = RunOutput {
            rows: rows.clone().into(),
            ..RunOutput::default()
        };
        let priors = Priors::embedded().unwrap();
        let risk = risk();
        let latency = LatencyModels::fit(run.rows.iter(), &catalog, &priors);
        let tokenizers = Tokenizers::embedded().unwrap();
        let input = ReplayInput {
            run: &run,
            catalog: &catalog,
            priors: &priors,
            risk: &risk,
            latency: &latency,
            tokenizers: &tokenizers,
            groups: &GroupIds::default(),
            reuse: &Reuse::of(&run.rows),
            cache_rules: &CacheRules::new(&catalog),
        };
        let matcher = input.match_input();
        let plan_of =
            |row: &CallRow| plan(row, &policy.actions_for(row, &matcher).unwrap().1, &input);
        let caches = marks_by_row(run_caches(&run.rows, &policy, &plan_of, &input), 5);
        // Each call's hit on the policy's side: (cached prefix found, last breakpoint).
        let used: Vec<Option<[u32; 2]>> = caches.iter().map(|marks| marks.policy).collect();
        let write = Some([0, 2000]);
        let read = Some([2000, 2000]);
        assert_eq!(used, vec![write, read, write, read, Some([0, 0])]);
        // Priced: a 1-hour write moves 2,000 tokens from $3 to $6, a read from $3 to $0.30.
        let outcome = replay(&policy, &input);
        let base = 2500.0 * 3.0 / 1e6 + 100.0 * 15.0 / 1e6;
        let write = base + 2000.0 * (6.0 - 3.0) / 1e6;
        let read = base - 2000.0 * (3.0 - 0.3) / 1e6;
        close(usd(&outcome.cost), 2.0 * write + 2.0 * read + base);
        assert_eq!(outcome.actions.prompt_cache_writes, 2);
        assert_eq!(outcome.actions.prompt_cache_reads, 2);
        assert_eq!(outcome.risky_savings, Money::ZERO);
    }

    /// Three steps of one agent session, a minute apart, each re-sending the one before: a
    /// 2,000-token system prompt and tools, then 3,000, 4,500 and 6,000 tokens in all, 100
    /// out, on `model` of the embedded catalog.
    fn conversation(model: &str) -> (PriceCatalog, Vec<CallRow>) {
        let catalog = PriceCatalog::embedded().unwrap();
        let point = |hash: u64, tokens: u64| PromptPrefix { hash, tokens };
        let steps = [
            vec![point(1, 2_000), point(10, 3_000)],
            vec![point(1, 2_000), point(10, 3_000), point(11, 4_500)],
            vec![
                point(1, 2_000),
                point(10, 3_000),
                point(11, 4_500),
                point(12, 6_000),
            ],
        ];
        let rows = steps
            .iter()
            .enumerate()
            .map(|(step, points)| {
                let tokens = tokens(points.last().unwrap().tokens, 100);
                let at = step as i64 * 60_000;
                let mut row = row_on(model, &catalog, Tier::Moderate, tokens, at);
                row.session = 1;
                row.prefixes = PromptPrefixes::new(true, points);
                row
            })
            .collect();
        (catalog, rows)
    }

    fn cache_policy(ttl: &str, catalog: &PriceCatalog) -> Policy {
        policy(
            &format!("[[rule]]\nname = \"all\"\nprompt_cache = \"{ttl}\"\n"),
            catalog,
        )
    }

    /// Anthropic's rules (<https://docs.claude.com/en/docs/build-with-claude/prompt-caching>):
    /// a breakpoint at the end of each step writes what follows the cached prefix at 1.25× the
    /// input price for 5 minutes or 2× for an hour; reads cost 0.1×. Claude Sonnet 4.5: $3
    /// input, $0.30 read, $3.75 and $6 writes, $15 output per million.
    #[test]
    fn an_agent_conversation_reads_each_previous_step_on_anthropic() {
        let (catalog, rows) = conversation("claude-sonnet-4-5");
        // Baseline: 13,500 in × $3 + 300 out × $15 = 45,000 per million.
        // 5 minutes: step 1 writes 3,000 (11,250); step 2 reads step 1's 3,000 (900) and
        // writes 1,500 (5,625); step 3 reads 4,500 (1,350) and writes 1,500 (5,625); 4,500 of
        // output: 29,250.
        let outcome = run_policy(&cache_policy("5m", &catalog), rows.clone(), &catalog);
        close(usd(&outcome.baseline_cost), 45_000.0 / 1e6);
        close(usd(&outcome.cost), 29_250.0 / 1e6);
        assert_eq!(outcome.risky_savings, Money::ZERO);
        assert_eq!(
            (
                outcome.actions.prompt_cache_reads,
                outcome.actions.prompt_cache_writes
            ),
            (2, 3)
        );
        // 7,500 of the 13,500 prompt tokens read from the cache.
        assert_eq!(outcome.prompt_cache.cache_read, 7_500);
        assert_eq!(outcome.prompt_cache.prompt, 13_500);
        // One hour: the same tokens, writes at $6: 18,000 + 900 + 9,000 + 1,350 + 9,000 +
        // 4,500 = 42,750.
        let outcome = run_policy(&cache_policy("1h", &catalog), rows, &catalog);
        close(usd(&outcome.cost), 42_750.0 / 1e6);
    }

    /// OpenAI's implicit caching (<https://platform.openai.com/docs/guides/prompt-caching>):
    /// no write charge, prompts of 1,024 tokens or more, cached in steps of 128 tokens. gpt-4o:
    /// $2.50 input, $1.25 cached, $10 output per million.
    #[test]
    fn an_agent_conversation_reads_each_previous_step_in_steps_of_128_on_openai() {
        let (catalog, rows) = conversation("gpt-4o");
        // Step 1 stores all it read and pays the input price: 3,000 × 2.5 + 100 × 10 = 8,500.
        // Step 2 finds step 1's 3,000: 1,024 + 15 × 128 = 2,944 read (3,680) and 1,556 at the
        // input price (3,890), + 1,000: 8,570 against 12,250. Step 3 finds 4,500: 1,024 +
        // 27 × 128 = 4,480 read (5,600), 1,520 in (3,800), + 1,000: 10,400 against 16,000.
        let outcome = run_policy(&cache_policy("5m", &catalog), rows, &catalog);
        close(
            usd(&outcome.baseline_cost),
            (8_500.0 + 12_250.0 + 16_000.0) / 1e6,
        );
        close(usd(&outcome.cost), (8_500.0 + 8_570.0 + 10_400.0) / 1e6);
        assert_eq!(outcome.actions.prompt_cache_writes, 0);
        assert_eq!(outcome.prompt_cache.cache_read, 2_944 + 4_480);
    }

    #[test]
    fn response_cache_serves_exact_repeats_within_the_window_of_a_success() {
        let catalog = catalog();
        let minute = 60_000;
        let mut rows: Vec<CallRow> = [(0, 1), (10, 1), (70, 1), (80, 1), (0, 2), (1, 2), (2, 2)]
            .into_iter()
            .map(|(at, hash)| {
                let mut row = row(&catalog, Tier::Simple, tokens(1000, 100), at * minute);
                row.request_hash = Some(hash);
                row
            })
            .collect();
        // Request 2's first attempt failed: it stored nothing, so its repeat a minute later is
        // a miss, and the one after that a hit.
        rows[4].flags.failed = true;
        let outcome = run_policy(
            &policy(
                "[[rule]]\nname = \"all\"\nresponse_cache = \"1h\"\n",
                &catalog,
            ),
            rows,
            &catalog,
        );
        // Request 1: stored at 0 (until 60), hit at 10, miss at 70 (stored until 130), hit
        // at 80. Request 2: miss, miss, hit. Seven calls of $0.0045, three served free.
        assert_eq!(outcome.actions.response_cache_hits, 3);
        close(usd(&outcome.cost), 4.0 * 0.0045);
        assert_eq!(outcome.risk_free_savings, outcome.savings());
    }

    #[test]
    fn caps_cut_reasoning_and_output_tokens_and_carry_their_risk() {
        let catalog = catalog();
        let mut thinking = tokens(1000, 1000);
        thinking.reasoning = 600;
        let rows = vec![row(&catalog, Tier::Complex, thinking, 0)];
        let reasoning = run_policy(
            &policy(
                "[[rule]]\nname = \"think-less\"\ncap_reasoning = { reduction = 0.5 }\n",
                &catalog,
            ),
            rows.clone(),
            &catalog,
        );
        // Reasoning 600 → 300, so output 1,000 → 700: 1000×$3 + 700×$15 = $0.0135 for $0.018.
        close(usd(&reasoning.cost), 0.0135);
        assert_eq!(reasoning.risky_savings, reasoning.savings());
        assert_eq!(reasoning.actions.reasoning_capped, 1);
        let priors = RiskPriors::embedded().unwrap();
        close(
            reasoning.risk.expected_degraded_calls,
            priors.cap(Cap::Reasoning, Tier::Complex).mean(),
        );
        let output = run_policy(
            &policy(
                "[[rule]]\nname = \"shorter\"\ncap_output = true\n",
                &catalog,
            ),
            rows,
            &catalog,
        );
        // The priors' default output cut: 400 visible tokens lose that share.
        let removed = (400.0 * priors.cap_default_reduction(Cap::Output)).round();
        close(
            usd(&output.cost),
            (3000.0 + (1000.0 - removed) * 15.0) / 1e6,
        );
        assert_eq!(output.actions.output_capped, 1);
    }

    #[test]
    fn a_move_and_a_cap_on_one_call_are_two_ways_to_degrade() {
        let catalog = catalog();
        let mut thinking = tokens(1000, 1000);
        thinking.reasoning = 600;
        let outcome = run_policy(
            &policy(
                "[[rule]]\nname = \"both\"\nroute = \"mid\"\ncap_reasoning = { reduction = 0.5 }\n",
                &catalog,
            ),
            vec![row(&catalog, Tier::Complex, thinking, 0)],
            &catalog,
        );
        // mid, 300 reasoning tokens fewer: 1000×$2 + 700×$10 per million.
        close(usd(&outcome.cost), 9_000.0 / 1e6);
        let risk = risk();
        let moved = moved_rate("mid", Task::Extraction, Tier::Complex, Gap::OneStep);
        let capped = risk.priors.cap(Cap::Reasoning, Tier::Complex);
        close(
            outcome.risk.expected_degraded_calls,
            1.0 - (1.0 - moved) * (1.0 - capped.mean()),
        );
        assert_eq!(outcome.risk.calls_at_risk, 1);
    }

    #[test]
    fn a_cached_call_on_a_cheaper_model_pays_the_cheaper_cache_and_savings_split() {
        let catalog = catalog();
        let mut rows = vec![
            row(&catalog, Tier::Simple, tokens(2500, 100), 0),
            row(&catalog, Tier::Simple, tokens(2500, 100), 60_000),
        ];
        for (i, row) in rows.iter_mut().enumerate() {
            row.prefixes = single_request(1, 2000, 10 + i as u64, 2500);
        }
        let outcome = run_policy(
            &policy(
                "[[rule]]\nname = \"all\"\nroute = \"small\"\nprompt_cache = \"5m\"\n",
                &catalog,
            ),
            rows,
            &catalog,
        );
        // Per million: baseline 2 × (2500×$3 + 100×$15) = 18,000.
        // Caching alone, on big: write 500×3 + 2000×3.75 + 100×15 = 10,500, then read
        // 500×3 + 2000×0.3 + 1500 = 3,600: 14,100.
        // On small with its cache: write 500×1 + 2000×1.25 + 100×5 = 3,500, then read
        // 500 + 2000×0.1 + 500 = 1,200: 4,700.
        close(usd(&outcome.baseline_cost), 18_000.0 / 1e6);
        close(usd(&outcome.cost), 4_700.0 / 1e6);
        close(usd(&outcome.risk_free_savings), (18_000.0 - 14_100.0) / 1e6);
        close(usd(&outcome.risky_savings), (14_100.0 - 4_700.0) / 1e6);
    }

    #[test]
    fn a_move_to_another_tokenizer_family_rescales_its_tokens() {
        let catalog = catalog();
        // Claude's tokenizer makes 1.16 tokens per o200k token (data/tokenizers.toml): 1,160
        // prompt and 116 output tokens are 1,000 and 100 on an OpenAI model.
        let rows = vec![row(&catalog, Tier::Simple, tokens(1160, 116), 0)];
        let outcome = run_policy(
            &policy("[[rule]]\nname = \"all\"\nroute = \"oa-mini\"\n", &catalog),
            rows,
            &catalog,
        );
        // 1000×$0.50 + 100×$2 per million.
        close(usd(&outcome.cost), 700.0 / 1e6);
        assert!(
            outcome
                .assumptions
                .iter()
                .any(|a| a.starts_with("claude → o200k: prompt tokens × 0.862"))
        );
    }

    #[test]
    fn real_token_counts_set_the_ratio_when_cl100k_is_on_one_side() {
        let catalog = catalog();
        let mut gpt4 = row(&catalog, Tier::Simple, tokens(1000, 100), 0);
        gpt4.price = catalog.resolve("gpt-4", None);
        gpt4.provider = Provider::OpenAi;
        // 1000×$30 + 100×$60 per million.
        gpt4.cost = Money::parse_usd("0.036");
        // The prompt text is 100 cl100k tokens but 90 o200k ones: the call's own ratio, 0.9,
        // replaces the table's 1.0 for its prompt (output keeps the table's factor, 1.0).
        gpt4.text_tokens = Some(TextTokens {
            o200k: 90,
            cl100k: 100,
        });
        let outcome = run_policy(
            &policy("[[rule]]\nname = \"all\"\nroute = \"oa-mini\"\n", &catalog),
            vec![gpt4],
            &catalog,
        );
        // 900×$0.50 + 100×$2 per million.
        close(usd(&outcome.cost), 650.0 / 1e6);
    }

    #[test]
    fn replaying_in_blocks_gives_every_call_the_replay_of_one_pass() {
        use crate::classify::ClassifyRules;
        let catalog = PriceCatalog::embedded().unwrap();
        let output = crate::pipeline::run_fixture("fixtures", &catalog, &ClassifyRules::default());
        // `balanced` routes, caps and caches: every part of a replay is in play.
        with_input(&output, &catalog, |input| {
            for name in ["balanced", "prompt-cache", "response-cache"] {
                let policy = builtin(name, &catalog).unwrap().unwrap();
                let mut one_pass = Vec::new();
                replay_in_blocks(&policy, input, usize::MAX, |call, _, _| one_pass.push(call));
                assert_eq!(one_pass.len(), output.rows.len());
                assert!(
                    one_pass.iter().any(|call| call.changed),
                    "{name} changes calls"
                );
                for block_rows in [1, 5, 64] {
                    let mut blocks = Vec::new();
                    replay_in_blocks(&policy, input, block_rows, |call, _, _| blocks.push(call));
                    assert!(blocks == one_pass, "{name} in blocks of {block_rows}");
                }
            }
        });
    }

    /// The fixture's calls cycled to 20,000, 8.6 s apart: a request or prompt comes back every
    /// 400-odd calls (about an hour, so within and beyond the 5-minute and 1-hour windows) and
    /// changes every 800, so old keys lapse while new ones come.
    fn cycled_fixture() -> (PriceCatalog, RunOutput) {
        use crate::classify::ClassifyRules;
        let catalog = PriceCatalog::embedded().unwrap();
        let mut output =
            crate::pipeline::run_fixture("fixtures", &catalog, &ClassifyRules::default());
        let mut entries: Vec<(CallRow, String)> = output.rows.entries();
        entries = entries.into_iter().cycle().take(20_000).collect();
        for (i, (row, _)) in entries.iter_mut().enumerate() {
            row.timestamp_ms = Some(1_750_000_000_000 + i as i64 * 60_000 / 7);
            let era = (i / 800) as u64;
            row.request_hash = row.request_hash.map(|hash| hash ^ era);
            row.prefixes = row.prefixes.and_then(|prefixes| {
                let items: Vec<PromptPrefix> = prefixes
                    .as_slice()
                    .iter()
                    .map(|item| PromptPrefix {
                        hash: item.hash ^ era,
                        ..*item
                    })
                    .collect();
                PromptPrefixes::new(prefixes.system_first(), &items)
            });
        }
        output.rows = entries.into_iter().collect();
        (catalog, output)
    }

    /// The maps are swept from 8 entries on, so sweeps come often.
    #[test]
    fn dropping_lapsed_cache_entries_changes_no_call() {
        let (catalog, output) = cycled_fixture();
        with_input(&output, &catalog, |input| {
            for name in ["balanced", "prompt-cache", "response-cache"] {
                let policy = builtin(name, &catalog).unwrap().unwrap();
                let matcher = input.match_input();
                let plan_of = |row: &CallRow| match policy.actions_for(row, &matcher) {
                    Some((_, actions)) => plan(row, &actions, input),
                    None => Plan::default(),
                };
                let run = |min_sweep| {
                    let marks = run_caches_with(&output.rows, &policy, &plan_of, input, || {
                        Caches::sweeping_from(min_sweep)
                    });
                    marks_by_row(marks, output.rows.len())
                };
                let swept = run(8);
                let kept = run(usize::MAX / 2);
                assert!(swept == kept, "{name}");
                let served =
                    |used: &dyn Fn(&CacheMarks) -> bool| swept.iter().filter(|m| used(m)).count();
                assert!(
                    served(&|m| m.response_hit) > 0
                        || served(&|m| m.policy.is_some_and(|[hit, _]| hit > 0)) > 0,
                    "{name} serves calls from a cache"
                );
                assert!(
                    served(&|m| m.policy.is_some_and(|[hit, _]| hit == 0)) > 1
                        || served(&|m| !m.response_hit) > 1,
                    "{name} also misses"
                );
            }
        });
    }

    /// With the rows in a temporary file, the lists over them (the caches' time order and
    /// marks, the findings' time order, the history's savings) are sorted through files, in
    /// runs of 4,096 entries here: every built-in policy replays, and every finding is found,
    /// as with everything in memory.
    #[test]
    fn lists_sorted_through_files_replay_and_find_as_in_memory() {
        let (catalog, mut output) = cycled_fixture();
        // Times shuffled within each run of 800 calls, so that time order is not row order
        // and the sorted runs interleave.
        let mut entries = output.rows.entries();
        let times: Vec<Option<i64>> = entries.iter().map(|(row, _)| row.timestamp_ms).collect();
        for (i, (row, _)) in entries.iter_mut().enumerate() {
            row.timestamp_ms = times[i / 800 * 800 + (i % 800) * 719 % 800];
        }
        output.rows = entries.into_iter().collect();
        let in_memory: Vec<PolicyOutcome> = with_input(&output, &catalog, |input| {
            crate::policy::builtin::BUILTIN_POLICIES
                .iter()
                .map(|(name, _)| replay(&builtin(name, &catalog).unwrap().unwrap(), input))
                .collect()
        });
        let found = crate::findings::find(&output, &catalog);
        let mut spilled = Rows::spilling_above(0);
        spilled.append(std::mem::take(&mut output.rows), |numbers| numbers);
        assert!(spilled.spilled());
        assert_eq!(spilled.list_limit(), Some(crate::pipeline::MIN_LIST_CHUNK));
        output.rows = spilled;
        let from_files: Vec<PolicyOutcome> = with_input(&output, &catalog, |input| {
            crate::policy::builtin::BUILTIN_POLICIES
                .iter()
                .map(|(name, _)| replay(&builtin(name, &catalog).unwrap().unwrap(), input))
                .collect()
        });
        assert!(
            in_memory
                .iter()
                .any(|outcome| outcome.actions.prompt_cache_reads > 0)
        );
        assert!(from_files == in_memory);
        assert!(!found.is_empty());
        assert!(crate::findings::find(&output, &catalog) == found);
    }

    #[test]
    fn only_policies_with_a_cache_rule_run_the_caches() {
        let catalog = catalog();
        for (name, caches) in [
            ("baseline", false),
            ("cheaper-for-simple", false),
            ("batch", false),
            ("prompt-cache", true),
            ("response-cache", true),
            ("balanced", true),
        ] {
            let policy = builtin(name, &catalog).unwrap().unwrap();
            assert_eq!(policy.caches(), caches, "{name}");
        }
    }

    #[test]
    fn baseline_replays_every_fixture_call_at_its_priced_cost() {
        use crate::classify::ClassifyRules;
        let catalog = PriceCatalog::embedded().unwrap();
        let output = crate::pipeline::run_fixture("fixtures", &catalog, &ClassifyRules::default());
        assert!(output.rows.len() > 300, "{} calls", output.rows.len());
        let baseline = builtin("baseline", &catalog).unwrap().unwrap();
        let mut calls = Vec::new();
        with_input(&output, &catalog, |input| {
            replay_each(&baseline, input, |call, _, _| calls.push(call))
        });
        assert_eq!(calls.len(), output.rows.len());
        for (row, call) in output.rows.iter().zip(&calls) {
            assert_eq!(call.cost, row.cost, "{}:{}", row.source, row.line);
            assert!(!call.changed);
        }
    }
}
