//! What a provider's prompt cache would have read and written for each call: the one place the
//! providers' caching rules live, shared by the replay of caching policies and by the waste
//! findings.
//!
//! A cache serves the longest prefix of a request that an earlier request to the same model
//! sent within the cache's lifetime: the system prompt and tools, and, for an agent or a chat
//! that re-sends its conversation each step, the whole of the previous step's prompt. The
//! prefixes a request can be cut at are its [`PromptPrefixes`]. When a log holds no text but
//! names the session, and a session's prompt grows step by step, the previous step's prompt
//! is taken as the prefix: an estimate, and labelled one.

use std::collections::HashSet;

use foldhash::fast::FixedState;

use crate::pipeline::{CallRow, Rows, TimeWindow, sort_filter_map};
use crate::policy::CacheTtl;
use crate::pricing::{ModelPrice, PriceCatalog};
use crate::record::{PromptPrefixes, Provider, TokenBuckets};

/// How one model's prompt cache works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheRule {
    /// The shortest prompt prefix the cache stores, in tokens.
    pub min_tokens: u64,
    /// A cached prefix is this minimum plus a whole number of these (OpenAI caches in steps of
    /// 128 tokens); 1 where any length is served.
    pub increment: u64,
    /// Writes are explicit (a `cache_control` breakpoint at the end of the system prompt and
    /// tools, and at the end of the request) and billed at the cache-write price of the TTL;
    /// otherwise caching is implicit: every prompt is stored as it is read, at the input price.
    pub explicit: bool,
}

/// Anthropic: explicit breakpoints, writes at 1.25× input (5 minutes) or 2× (1 hour), reads at
/// 0.1×, a prefix of at least 1,024 tokens (2,048 for Sonnet 4.6 and Haiku 3 and 3.5, 4,096 for
/// Opus 4.5 and 4.6 and Haiku 4.5): <https://docs.claude.com/en/docs/build-with-claude/prompt-caching>
/// (read 2026-12-06). The first model-name match wins.
const ANTHROPIC_MIN_TOKENS: [(&str, u64); 6] = [
    ("opus-4-5", 4096),
    ("opus-4-6", 4096),
    ("haiku-4-5", 4096),
    ("sonnet-4-6", 2048),
    ("haiku-3", 2048),
    ("3-haiku", 2048),
];

/// Gemini's implicit caching (2.5 and later models): no write charge, a prefix of at least
/// 2,048 tokens on 2.5 Flash and Pro and 4,096 on Gemini 3 and later:
/// <https://ai.google.dev/gemini-api/docs/caching> (read 2026-12-06).
const GEMINI_MIN_TOKENS: [(&str, u64); 1] = [("gemini-2.5", 2048)];

/// [`CacheRule::of`] every catalog entry, worked out once for a run: replays look the rule up
/// for every call under every policy.
#[derive(Debug, Clone, Default)]
pub struct CacheRules(Vec<Option<CacheRule>>);

impl CacheRules {
    pub fn new(catalog: &PriceCatalog) -> CacheRules {
        CacheRules(catalog.entries().iter().map(CacheRule::of).collect())
    }

    /// The rule of catalog entry `model` (`None` for an index outside the catalog).
    pub fn get(&self, model: u32) -> Option<CacheRule> {
        self.0.get(model as usize).copied().flatten()
    }
}

impl CacheRule {
    /// The rule for a catalog model, or `None` when it serves no prompt-cache reads.
    ///
    /// OpenAI caches every prompt of 1,024 tokens or more automatically, in steps of 128
    /// tokens, at no write charge (<https://platform.openai.com/docs/guides/prompt-caching>);
    /// DeepSeek caches on disk in units of 64 tokens
    /// (<https://api-docs.deepseek.com/guides/kv_cache>); other providers are taken as OpenAI.
    pub fn of(entry: &ModelPrice) -> Option<CacheRule> {
        if !entry.caches_prompts {
            return None;
        }
        let id = entry.id.as_str();
        let find = |table: &[(&str, u64)], default: u64| {
            table
                .iter()
                .find(|(name, _)| id.contains(name))
                .map_or(default, |&(_, min)| min)
        };
        Some(match entry.provider {
            Provider::Anthropic => CacheRule {
                min_tokens: find(&ANTHROPIC_MIN_TOKENS, 1024),
                increment: 1,
                explicit: true,
            },
            Provider::Google => CacheRule {
                min_tokens: find(&GEMINI_MIN_TOKENS, 4096),
                increment: 1,
                explicit: false,
            },
            Provider::DeepSeek => CacheRule {
                min_tokens: 64,
                increment: 64,
                explicit: false,
            },
            _ => CacheRule {
                min_tokens: 1024,
                increment: 128,
                explicit: false,
            },
        })
    }

    /// The tokens the cache serves of a cached prefix of `tokens`.
    fn served(self, tokens: u64) -> u64 {
        if tokens < self.min_tokens {
            return 0;
        }
        let steps = (tokens - self.min_tokens) / self.increment.max(1);
        self.min_tokens + steps * self.increment.max(1)
    }

    /// `tokens` with the cache's part moved out of uncached input: the first `hit.tokens`
    /// prompt tokens (a cached prefix; 0 on a miss) read from the cache, and, for an explicit
    /// cache, the rest up to the last breakpoint written to it at `ttl`. Tokens the log already
    /// read from or wrote to a cache stay as they are (they are the prompt's first tokens).
    pub fn apply(self, tokens: TokenBuckets, hit: CacheHit, ttl: CacheTtl) -> TokenBuckets {
        let whole = tokens.prompt_total();
        let logged = tokens.cache_read + tokens.cache_write_5m + tokens.cache_write_1h;
        let served = self.served(hit.tokens.min(whole));
        let read = served.saturating_sub(logged).min(tokens.input);
        let breakpoint = hit.breakpoint.min(whole);
        let written = if self.explicit && breakpoint >= self.min_tokens {
            breakpoint
                .saturating_sub(served.max(logged))
                .min(tokens.input - read)
        } else {
            0
        };
        let mut cached = tokens;
        cached.input -= read + written;
        cached.cache_read += read;
        match ttl {
            CacheTtl::FiveMinutes => cached.cache_write_5m += written,
            CacheTtl::OneHour => cached.cache_write_1h += written,
        }
        cached
    }
}

/// What the run shows is re-sent, known before the replay runs (as a team knows which of its
/// features re-send their system prompt or loop): a cache breakpoint pays only where what it
/// ends is sent again.
#[derive(Debug, Default)]
pub struct Reuse {
    /// By session number: the session has more than one call. A step of such a session is
    /// re-sent by the next; a one-call "session" (a trace id on a single request) is not a
    /// conversation.
    sessions: Vec<bool>,
    /// System prompts (with tools) that more than one call sends.
    systems: HashSet<u64, FixedState>,
}

impl Reuse {
    pub fn of(rows: &Rows) -> Reuse {
        let mut calls: Vec<u8> = Vec::new();
        for index in 0..rows.len() {
            let session = rows.session(index) as usize;
            if session != 0 {
                if calls.len() <= session {
                    calls.resize(session + 1, 0);
                }
                calls[session] = calls[session].saturating_add(1);
            }
        }
        // (system prompt, row), sorted: a prompt's calls come side by side.
        let sends = sort_filter_map(rows.len(), rows.list_limit(), |index| {
            let system = rows.get(index).prefixes?.system()?;
            Some((system.hash, index))
        });
        let mut systems = HashSet::default();
        let mut last = None;
        for (system, _) in sends {
            if last.replace(system) == Some(system) {
                systems.insert(system);
            }
        }
        Reuse {
            sessions: calls.into_iter().map(|n| n > 1).collect(),
            systems,
        }
    }

    /// Whether `row` is a step of a session of several calls.
    pub fn conversation(&self, row: &CallRow) -> bool {
        self.sessions
            .get(row.session as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether `row`'s system prompt and tools are sent by another call too.
    pub fn system_recurs(&self, row: &CallRow) -> bool {
        row.prefixes
            .and_then(|p| p.system())
            .is_some_and(|system| self.systems.contains(&system.hash))
    }
}

/// Which prefix a call found in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HitKind {
    /// Nothing: the call writes (an explicit cache) or just stores (an implicit one).
    #[default]
    Miss,
    /// The system prompt and tools.
    System,
    /// Part of the conversation: an earlier step's prompt (or the whole request again).
    History,
}

/// What the cache found for one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheHit {
    /// Prompt tokens of the cached prefix found (0 on a miss).
    pub tokens: u64,
    /// Prompt tokens up to the call's last cache breakpoint: the whole request for a step of
    /// a conversation (it has earlier turns or a session of several calls, so a later step will
    /// re-send it), the system prompt and tools for a single request whose system prompt other
    /// calls send too (caching its own question would only pay the write premium), else 0.
    pub breakpoint: u64,
    pub kind: HitKind,
    /// Judged from the session's prompt growth, the log holding no text.
    pub estimated: bool,
    /// The call that first stored the prefix found.
    pub writer: Option<usize>,
}

/// One call as the cache sees it.
#[derive(Debug, Clone, Copy)]
pub struct CacheCall {
    /// The row's index, to name the writer of what it stores.
    pub index: usize,
    /// The catalog entry the call runs on (a cache is per model).
    pub model: u32,
    pub rule: CacheRule,
    pub ttl: CacheTtl,
    pub at_ms: i64,
    /// The prompt's prefixes in the tokens of the model it runs on.
    pub prefixes: Option<PromptPrefixes>,
    /// The call's session (0 for none).
    pub session: u32,
    /// Prompt tokens on the model it runs on.
    pub prompt_tokens: u64,
    /// The call is a step of a conversation or a loop whatever its text says: its session has
    /// other calls ([`Reuse::conversation`]).
    pub conversation: bool,
    /// Its system prompt and tools are sent by other calls too ([`Reuse::system_recurs`]).
    pub system_recurs: bool,
    /// The record sums a whole session's requests: no one prompt a cache could store or read.
    pub summed: bool,
}

/// A stored prefix: when it lapses, which call stored it first, and its tokens as that call
/// counted them (a whole request's are its billed prompt tokens, exact; a shorter prefix's are
/// estimated).
#[derive(Debug, Clone, Copy)]
struct Stored {
    lapses: i64,
    writer: usize,
    tokens: u64,
}

/// A session's last step on one model, for logs without text.
#[derive(Debug, Clone, Copy)]
struct Step {
    lapses: i64,
    prompt: u64,
    writer: usize,
}

/// The prompt caches of every model as calls pass through them in time order.
#[derive(Default)]
pub struct PromptCache {
    /// (model, prefix hash) → what is stored.
    stored: TimeWindow<(u32, u64), Stored>,
    /// (session, model) → its last step.
    steps: TimeWindow<(u32, u32), Step>,
}

impl PromptCache {
    /// Caches whose maps are swept from `min_sweep` entries on, for tests.
    #[cfg(test)]
    pub fn sweeping_from(min_sweep: usize) -> PromptCache {
        PromptCache {
            stored: TimeWindow::sweeping_from(min_sweep),
            steps: TimeWindow::sweeping_from(min_sweep),
        }
    }

    /// Sends one call through its model's cache (calls come in time order): what it found, or
    /// `None` when the cache cannot serve it (its prompt is under the minimum, or the log
    /// holds neither its text nor a session whose steps it could follow). Each use refreshes
    /// what it touches for another TTL.
    pub fn visit(&mut self, call: &CacheCall) -> Option<CacheHit> {
        if call.summed {
            return None;
        }
        let now = call.at_ms;
        let lapses = now + call.ttl.millis();
        let live = |stored: &Stored| now <= stored.lapses;
        self.stored.sweep(live);
        self.steps.sweep(|step| now <= step.lapses);
        let min = call.rule.min_tokens;
        let Some(prefixes) = call.prefixes else {
            return self.follow_session(call);
        };
        if prefixes.whole().tokens < min {
            return None;
        }
        let items = prefixes.as_slice();
        let system_first = prefixes.system_first();
        let conversation = call.conversation || items.len() > 1 + usize::from(system_first);
        // A breakpoint after the system prompt and tools, when other calls send them too.
        let system_breakpoint = system_first && call.system_recurs;
        let breakpoint = if conversation {
            prefixes.whole().tokens
        } else if system_breakpoint {
            prefixes.system().map_or(0, |system| system.tokens)
        } else {
            0
        };
        let mut hit = CacheHit {
            breakpoint,
            ..CacheHit::default()
        };
        for (at, item) in items.iter().enumerate().rev() {
            if item.tokens < min {
                break;
            }
            if let Some(stored) = self.stored.map.get(&(call.model, item.hash))
                && live(stored)
            {
                let kind = if at == 0 && prefixes.system_first() {
                    HitKind::System
                } else {
                    HitKind::History
                };
                // The prefix is the earlier request, whose size its bill says; this request's
                // estimate of where it ends is only an estimate.
                hit.tokens = if prefixes.whole().hash == item.hash {
                    item.tokens
                } else {
                    stored.tokens.min(prefixes.whole().tokens)
                };
                hit.kind = kind;
                hit.writer = Some(stored.writer);
                break;
            }
        }
        // An explicit cache stores what its breakpoints end (the system prompt and tools, and
        // a conversation's whole request); an implicit one, every prefix it read.
        let last = items.len() - 1;
        for (at, item) in items.iter().enumerate() {
            let ends_breakpoint = (at == last && conversation) || (at == 0 && system_breakpoint);
            if item.tokens < min || (call.rule.explicit && !ends_breakpoint) {
                continue;
            }
            let key = (call.model, item.hash);
            let stored = match self.stored.map.get(&key) {
                Some(stored) if live(stored) => Stored { lapses, ..*stored },
                _ => Stored {
                    lapses,
                    writer: call.index,
                    tokens: item.tokens,
                },
            };
            self.stored.map.insert(key, stored);
        }
        Some(hit)
    }

    /// A call without text: the previous step of its session on the same model, when the
    /// prompt grew from it within the TTL, is taken as the cached prefix (an estimate). A
    /// call outside a session of several calls gives no such evidence.
    fn follow_session(&mut self, call: &CacheCall) -> Option<CacheHit> {
        if !call.conversation || call.prompt_tokens < call.rule.min_tokens {
            return None;
        }
        let key = (call.session, call.model);
        let mut hit = CacheHit {
            estimated: true,
            breakpoint: call.prompt_tokens,
            ..CacheHit::default()
        };
        if let Some(step) = self.steps.map.get(&key)
            && call.at_ms <= step.lapses
            && call.prompt_tokens >= step.prompt
        {
            hit.tokens = step.prompt;
            hit.kind = HitKind::History;
            hit.writer = Some(step.writer);
        }
        let step = Step {
            lapses: call.at_ms + call.ttl.millis(),
            prompt: call.prompt_tokens,
            writer: call.index,
        };
        self.steps.map.insert(key, step);
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;
    use crate::record::PromptPrefix;

    fn rule(model: &str) -> CacheRule {
        let catalog = PriceCatalog::embedded().unwrap();
        let index = catalog.resolve(model, None).unwrap();
        CacheRule::of(catalog.entry(index)).unwrap()
    }

    #[test]
    fn each_provider_has_its_rule() {
        let sonnet = rule("claude-sonnet-4-5");
        assert_eq!((sonnet.min_tokens, sonnet.explicit), (1024, true));
        assert_eq!(rule("claude-haiku-4-5").min_tokens, 4096);
        let gpt = rule("gpt-4o");
        assert_eq!(
            (gpt.min_tokens, gpt.increment, gpt.explicit),
            (1024, 128, false)
        );
        assert_eq!(rule("gemini-2.5-flash").min_tokens, 2048);
    }

    #[test]
    fn an_explicit_cache_reads_the_hit_and_writes_the_rest_an_implicit_one_reads_in_steps() {
        let tokens = TokenBuckets {
            input: 5_000,
            output: 100,
            ..TokenBuckets::default()
        };
        // Anthropic: 3,000 read, the other 2,000 written at the 5-minute price.
        let hit = CacheHit {
            tokens: 3_000,
            breakpoint: 5_000,
            ..CacheHit::default()
        };
        let cached = rule("claude-sonnet-4-5").apply(tokens, hit, CacheTtl::FiveMinutes);
        assert_eq!(
            (cached.input, cached.cache_read, cached.cache_write_5m),
            (0, 3_000, 2_000)
        );
        // OpenAI: 1,024 + 15 × 128 = 2,944 of the 3,000 read; the rest stays input.
        let cached = rule("gpt-4o").apply(tokens, hit, CacheTtl::FiveMinutes);
        assert_eq!(
            (cached.input, cached.cache_read, cached.cache_write_5m),
            (2_056, 2_944, 0)
        );
        // A call that already read 4,000 from a cache gains nothing from a 3,000 hit, and
        // writes only what it sent uncached.
        let logged = TokenBuckets {
            input: 1_000,
            cache_read: 4_000,
            ..TokenBuckets::default()
        };
        let cached = rule("claude-sonnet-4-5").apply(logged, hit, CacheTtl::OneHour);
        assert_eq!(
            (cached.input, cached.cache_read, cached.cache_write_1h),
            (0, 4_000, 1_000)
        );
    }

    fn prefixes(system: u64, turns: &[(u64, u64)]) -> PromptPrefixes {
        let mut items = vec![PromptPrefix {
            hash: 1,
            tokens: system,
        }];
        items.extend(
            turns
                .iter()
                .map(|&(hash, tokens)| PromptPrefix { hash, tokens }),
        );
        PromptPrefixes::new(true, &items).unwrap()
    }

    fn call(index: usize, at_min: i64, prefixes: Option<PromptPrefixes>) -> CacheCall {
        CacheCall {
            index,
            model: 0,
            rule: rule("claude-sonnet-4-5"),
            ttl: CacheTtl::FiveMinutes,
            at_ms: at_min * 60_000,
            prefixes,
            session: 0,
            prompt_tokens: prefixes.map_or(0, |p| p.whole().tokens),
            conversation: false,
            system_recurs: true,
            summed: false,
        }
    }

    #[test]
    fn a_conversation_step_reads_the_previous_steps_whole_prompt() {
        let mut cache = PromptCache::sweeping_from(1);
        // Step 1 of an agent (it has tools): system 2,000, whole 3,000, both breakpoints.
        // Step 2 re-sends step 1's prompt (its point before the assistant turn is step 1's
        // whole) and adds 1,500.
        let first = cache
            .visit(&CacheCall {
                conversation: true,
                ..call(0, 0, Some(prefixes(2_000, &[(10, 3_000)])))
            })
            .unwrap();
        assert_eq!((first.kind, first.breakpoint), (HitKind::Miss, 3_000));
        let second = cache
            .visit(&call(
                1,
                2,
                Some(prefixes(2_000, &[(10, 3_000), (11, 4_500)])),
            ))
            .unwrap();
        assert_eq!(
            (second.tokens, second.kind, second.writer),
            (3_000, HitKind::History, Some(0))
        );
        // Another conversation with the same system prompt finds only that, 4 minutes on
        // (the TTL restarted at minute 2).
        let other = cache
            .visit(&call(2, 6, Some(prefixes(2_000, &[(20, 2_500)]))))
            .unwrap();
        assert_eq!((other.tokens, other.kind), (2_000, HitKind::System));
        // A single request (no tools, session or earlier turns) breaks only after the system
        // prompt: its own question is never read again, so writing it would only cost.
        assert_eq!(other.breakpoint, 2_000);
        // 5 minutes and a millisecond after the last use, everything has lapsed.
        let mut late = call(3, 11, Some(prefixes(2_000, &[(11, 4_500), (12, 6_000)])));
        late.at_ms += 1;
        assert_eq!(cache.visit(&late).unwrap().kind, HitKind::Miss);
    }

    #[test]
    fn without_text_a_growing_session_reads_its_previous_step_as_an_estimate() {
        let mut cache = PromptCache::default();
        let step = |index: usize, at_min: i64, prompt: u64| CacheCall {
            session: 7,
            conversation: true,
            prompt_tokens: prompt,
            ..call(index, at_min, None)
        };
        let first = cache.visit(&step(0, 0, 3_000)).unwrap();
        assert_eq!((first.kind, first.estimated), (HitKind::Miss, true));
        let second = cache.visit(&step(1, 1, 4_000)).unwrap();
        assert_eq!(
            (second.tokens, second.kind, second.estimated),
            (3_000, HitKind::History, true)
        );
        // A prompt that shrank (the agent compacted its history) proves no shared prefix.
        assert_eq!(cache.visit(&step(2, 2, 3_500)).unwrap().tokens, 0);
        // No session of several calls, no text: the cache cannot tell. A record of a whole
        // session's totals is no prompt at all: its growth says nothing either.
        let lone = CacheCall {
            conversation: false,
            ..step(3, 3, 9_000)
        };
        let whole_session = CacheCall {
            summed: true,
            ..step(3, 3, 9_000)
        };
        assert!(cache.visit(&lone).is_none());
        assert!(cache.visit(&whole_session).is_none());
    }
}
