//! The history's Parquet columns: one row per stored call, every field of [`CallRow`] in a
//! plain, typed column, so DuckDB, polars or Spark read the store without llm-audit, and
//! `analyze --history` rebuilds each row exactly. The README's schema table is generated from
//! [`COLUMNS`] (a test keeps the two equal); a change to them bumps [`SCHEMA_VERSION`].

use polars::prelude::{
    BooleanChunked, DataFrame, DataType, Float32Chunked, Int64Chunked, Int128Chunked, IntoColumn,
    ListBuilderTrait, ListPrimitiveChunkedBuilder, ListStringChunkedBuilder, NewChunkedArray,
    PlSmallStr, PolarsResult, Schema, StringChunked, TimeUnit, TimeZone, UInt32Chunked,
    UInt64Chunked, UInt64Type,
};

use crate::classify::{Classification, Reason, Reasons, Task, Tier, Verifiable};
use crate::money::Money;
use crate::pipeline::{CallFlags, CallRow, TagSet};
use crate::policy::TextTokens;
use crate::record::{
    FailureCause, PromptPrefix, PromptPrefixes, Provider, Residency, ServiceTier, TokenBuckets,
};

/// Version of the columns below; kept in every data file's key-value metadata and in the
/// store's `STORE` file.
pub const SCHEMA_VERSION: u32 = 1;

/// Key of the schema version in a data file's Parquet key-value metadata.
pub const VERSION_KEY: &str = "llm-audit.history.schema";

/// Precision and scale of the money columns: pico-dollars held exactly, as `--calls-parquet`.
const MONEY: DataType = DataType::Decimal(38, 12);

/// One documented column: its name, type as the README shows it, and meaning.
pub struct ColumnDoc {
    pub name: &'static str,
    pub dtype: &'static str,
    pub about: &'static str,
}

/// Every column, in file order.
pub const COLUMNS: [ColumnDoc; 50] = [
    doc(
        "machine",
        "String",
        "machine that read the call (`--machine`, else the hostname)",
    ),
    doc(
        "source",
        "String",
        "the log file or object, as an absolute path or URL",
    ),
    doc(
        "reading",
        "UInt32",
        "index of the reading in its addition's commit record",
    ),
    doc(
        "ordinal",
        "UInt32",
        "position of the call among its reading's calls (input order)",
    ),
    doc(
        "line",
        "UInt64",
        "line (or record) of the source the call was read from",
    ),
    doc(
        "timestamp",
        "Datetime(ms, UTC)",
        "when the call was made; null when the log says not",
    ),
    doc(
        "call_id",
        "String",
        "response or request id as logged, else a hash of the record",
    ),
    doc(
        "logged_id",
        "Boolean",
        "`call_id` is an id the log wrote (cross-source dedupe)",
    ),
    doc(
        "dedupe_key",
        "UInt64",
        "key of the records that are one call (content blocks)",
    ),
    doc(
        "attempt_group",
        "UInt64",
        "attempts at one logical request, as the log groups them",
    ),
    doc(
        "request_hash",
        "UInt64",
        "hash of the whole request, when the log holds it",
    ),
    doc("model", "String", "model as the log names it"),
    doc("provider", "String", "provider that served the call"),
    doc(
        "catalog_id",
        "String",
        "price-catalog entry that priced it when added; null: unknown",
    ),
    doc(
        "cost_usd",
        "Decimal(38, 12)",
        "cost when added, in USD; null for an unknown model",
    ),
    doc(
        "stated_cost_usd",
        "Decimal(38, 12)",
        "what the log itself says the call cost",
    ),
    doc("input", "UInt64", "input tokens at the plain rate"),
    doc(
        "cache_read",
        "UInt64",
        "input tokens read from a prompt cache",
    ),
    doc(
        "cache_write_5m",
        "UInt64",
        "input tokens written to a 5-minute cache",
    ),
    doc(
        "cache_write_1h",
        "UInt64",
        "input tokens written to a 1-hour cache",
    ),
    doc("output", "UInt64", "output tokens, reasoning included"),
    doc("reasoning", "UInt64", "reasoning tokens (part of `output`)"),
    doc("latency_ms", "Float32", "time to the whole answer"),
    doc("ttft_ms", "Float32", "time to the first token"),
    doc("complexity", "Float32", "complexity score in [0, 1]"),
    doc(
        "tier",
        "String",
        "difficulty tier: trivial, simple, moderate, complex",
    ),
    doc("task", "String", "kind of work"),
    doc("confidence", "Float32", "confidence in `task`, in [0, 1]"),
    doc("reasons", "List(String)", "what the classifier saw"),
    doc(
        "verifiable",
        "String",
        "how the output can be checked; null: it cannot",
    ),
    doc(
        "rule",
        "UInt32",
        "index of the `--rules` rule that decided, if one did",
    ),
    doc("streamed", "Boolean", "the answer was streamed"),
    doc(
        "interactive",
        "Boolean",
        "a person was waiting (an interactive tool)",
    ),
    doc("batch", "Boolean", "sent through a Batch API"),
    doc("tools", "Boolean", "tools were defined, called or answered"),
    doc("json_schema", "Boolean", "structured output was asked for"),
    doc("images", "Boolean", "the prompt held images"),
    doc("failed", "Boolean", "the call failed"),
    doc("redacted", "Boolean", "the log redacted the prompt"),
    doc("summed", "Boolean", "the row sums a session's requests"),
    doc(
        "failure",
        "String",
        "why the call failed or its answer was withheld",
    ),
    doc("service_tier", "String", "service tier served"),
    doc(
        "residency",
        "String",
        "regional processing billed apart, if any",
    ),
    doc("web_searches", "UInt32", "server-side web searches"),
    doc(
        "prefix_hashes",
        "List(UInt64)",
        "hashes of the prompt's cacheable prefixes",
    ),
    doc(
        "prefix_tokens",
        "List(UInt64)",
        "tokens up to the end of each prefix",
    ),
    doc(
        "prefix_system_first",
        "Boolean",
        "the first prefix is the system prompt and tools",
    ),
    doc("session", "String", "session, conversation or trace id"),
    doc(
        "tag_keys",
        "List(String)",
        "the record's tags: keys, sorted",
    ),
    doc(
        "tag_values",
        "List(String)",
        "the record's tags: values, beside their keys",
    ),
];

/// The two tokenizer counts, after [`COLUMNS`] (kept apart so the table above stays the
/// call's own fields).
pub const TOKEN_COLUMNS: [ColumnDoc; 2] = [
    doc(
        "o200k_tokens",
        "UInt32",
        "prompt tokens under o200k_base, when counted",
    ),
    doc(
        "cl100k_tokens",
        "UInt32",
        "prompt tokens under cl100k_base, when counted",
    ),
];

const fn doc(name: &'static str, dtype: &'static str, about: &'static str) -> ColumnDoc {
    ColumnDoc { name, dtype, about }
}

/// One stored call: the row and the names its indices stand for.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCall {
    /// Index of its reading in the addition's commit record.
    pub reading: u32,
    /// Position among its reading's calls.
    pub ordinal: u32,
    /// The row; its `source`, `model`, `tags` and `session` indices mean nothing here.
    pub row: CallRow,
    pub id: String,
    pub model: String,
    /// The catalog entry that priced it when it was stored (informational: a run prices the
    /// call again with its own catalog).
    pub catalog_id: Option<String>,
    /// Empty: none.
    pub session: String,
    pub tags: TagSet,
}

/// The Parquet type of every column, in file order.
pub fn history_schema() -> Schema {
    COLUMNS
        .iter()
        .chain(&TOKEN_COLUMNS)
        .map(|column| (PlSmallStr::from_static(column.name), dtype_of(column.dtype)))
        .collect()
}

fn dtype_of(name: &str) -> DataType {
    match name {
        "String" => DataType::String,
        "UInt32" => DataType::UInt32,
        "UInt64" => DataType::UInt64,
        "Boolean" => DataType::Boolean,
        "Float32" => DataType::Float32,
        "Datetime(ms, UTC)" => DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
        "Decimal(38, 12)" => MONEY,
        "List(String)" => DataType::List(Box::new(DataType::String)),
        "List(UInt64)" => DataType::List(Box::new(DataType::UInt64)),
        other => unreachable!("no Parquet type is written `{other}`"),
    }
}

/// Where the calls of a frame come from: the machine and source of each reading, by index.
pub struct Origin<'a> {
    pub machines: &'a [String],
    pub sources: &'a [String],
}

/// The calls as one frame of [`history_schema`].
pub fn to_frame(calls: &[StoredCall], origin: &Origin<'_>) -> PolarsResult<DataFrame> {
    let n = calls.len();
    let name = PlSmallStr::from_static;
    let text = |column: &'static str, read: &dyn Fn(&StoredCall) -> Option<String>| {
        StringChunked::from_iter_options(name(column), calls.iter().map(read)).into_column()
    };
    let count = |column: &'static str, read: &dyn Fn(&CallRow) -> u64| {
        UInt64Chunked::from_iter_values(name(column), calls.iter().map(|c| read(&c.row)))
            .into_column()
    };
    let key = |column: &'static str, read: &dyn Fn(&CallRow) -> Option<u64>| {
        UInt64Chunked::from_iter_options(name(column), calls.iter().map(|c| read(&c.row)))
            .into_column()
    };
    let small = |column: &'static str, read: &dyn Fn(&StoredCall) -> Option<u32>| {
        UInt32Chunked::from_iter_options(name(column), calls.iter().map(read)).into_column()
    };
    let flag = |column: &'static str, read: &dyn Fn(&CallRow) -> bool| {
        BooleanChunked::from_iter_values(name(column), calls.iter().map(|c| read(&c.row)))
            .into_column()
    };
    let float = |column: &'static str, read: &dyn Fn(&CallRow) -> Option<f32>| {
        Float32Chunked::from_iter_options(name(column), calls.iter().map(|c| read(&c.row)))
            .into_column()
    };
    let money = |column: &'static str, read: &dyn Fn(&CallRow) -> Option<Money>| {
        Int128Chunked::from_iter_options(
            name(column),
            calls.iter().map(|c| read(&c.row).map(Money::pico)),
        )
        .into_decimal(38, 12)
        .map(IntoColumn::into_column)
    };
    let strings = |column: &'static str, read: &dyn Fn(&StoredCall) -> Vec<&str>| {
        let mut list = ListStringChunkedBuilder::new(name(column), n, n);
        for call in calls {
            list.append_values_iter(read(call).into_iter());
        }
        list.finish().into_column()
    };
    let numbers = |column: &'static str, read: &dyn Fn(&PromptPrefix) -> u64| {
        let mut list =
            ListPrimitiveChunkedBuilder::<UInt64Type>::new(name(column), n, n, DataType::UInt64);
        for call in calls {
            match &call.row.prefixes {
                Some(prefixes) => {
                    let values: Vec<u64> = prefixes.as_slice().iter().map(read).collect();
                    list.append_slice(&values);
                }
                None => list.append_null(),
            }
        }
        list.finish().into_column()
    };
    let tokens = |column: &'static str, read: fn(TextTokens) -> u32| {
        UInt32Chunked::from_iter_options(
            name(column),
            calls.iter().map(|c| c.row.text_tokens.map(read)),
        )
        .into_column()
    };
    let columns = vec![
        text("machine", &|c| {
            origin.machines.get(c.reading as usize).cloned()
        }),
        text("source", &|c| {
            origin.sources.get(c.reading as usize).cloned()
        }),
        small("reading", &|c| Some(c.reading)),
        small("ordinal", &|c| Some(c.ordinal)),
        count("line", &|r| r.line),
        Int64Chunked::from_iter_options(
            name("timestamp"),
            calls.iter().map(|c| c.row.timestamp_ms),
        )
        .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
        .into_column(),
        text("call_id", &|c| Some(c.id.clone())),
        flag("logged_id", &|r| r.logged_id),
        key("dedupe_key", &|r| r.dedupe_key),
        key("attempt_group", &|r| r.attempt_group),
        key("request_hash", &|r| r.request_hash),
        text("model", &|c| Some(c.model.clone())),
        text("provider", &|c| Some(c.row.provider.as_str().to_string())),
        text("catalog_id", &|c| c.catalog_id.clone()),
        money("cost_usd", &|r| r.cost)?,
        money("stated_cost_usd", &|r| r.stated_cost)?,
        count("input", &|r| r.tokens.input),
        count("cache_read", &|r| r.tokens.cache_read),
        count("cache_write_5m", &|r| r.tokens.cache_write_5m),
        count("cache_write_1h", &|r| r.tokens.cache_write_1h),
        count("output", &|r| r.tokens.output),
        count("reasoning", &|r| r.tokens.reasoning),
        float("latency_ms", &|r| r.latency_ms),
        float("ttft_ms", &|r| r.time_to_first_token_ms),
        float("complexity", &|r| Some(r.classification.complexity)),
        text("tier", &|c| Some(c.row.classification.tier.as_str().into())),
        text("task", &|c| Some(c.row.classification.task.as_str().into())),
        float("confidence", &|r| Some(r.classification.confidence)),
        strings("reasons", &|c| c.row.classification.reasons.names()),
        text("verifiable", &|c| {
            c.row.classification.verifiable.map(|v| v.as_str().into())
        }),
        small("rule", &|c| c.row.classification.rule.map(u32::from)),
        flag("streamed", &|r| r.flags.streamed),
        flag("interactive", &|r| r.flags.interactive),
        flag("batch", &|r| r.flags.batch),
        flag("tools", &|r| r.flags.tools),
        flag("json_schema", &|r| r.flags.json_schema),
        flag("images", &|r| r.flags.images),
        flag("failed", &|r| r.flags.failed),
        flag("redacted", &|r| r.flags.redacted),
        flag("summed", &|r| r.flags.summed),
        text("failure", &|c| {
            c.row.flags.failure.map(|f| f.as_str().into())
        }),
        text("service_tier", &|c| Some(c.row.flags.tier.as_str().into())),
        text("residency", &|c| {
            c.row.flags.residency.map(|r| r.as_str().into())
        }),
        small("web_searches", &|c| Some(c.row.flags.web_searches)),
        numbers("prefix_hashes", &|p| p.hash),
        numbers("prefix_tokens", &|p| p.tokens),
        flag("prefix_system_first", &|r| {
            r.prefixes.is_some_and(|p| p.system_first())
        }),
        text("session", &|c| {
            (!c.session.is_empty()).then(|| c.session.clone())
        }),
        strings("tag_keys", &|c| {
            c.tags.iter().map(|(k, _)| k.as_str()).collect()
        }),
        strings("tag_values", &|c| {
            c.tags.iter().map(|(_, v)| v.as_str()).collect()
        }),
        tokens("o200k_tokens", |t| t.o200k),
        tokens("cl100k_tokens", |t| t.cl100k),
    ];
    DataFrame::new(n, columns)
}

/// A value that must be there.
fn need<T>(column: &str, value: Option<T>) -> Result<T, String> {
    value.ok_or_else(|| bad(column, "null"))
}

/// Why a stored frame cannot be read back.
fn bad(column: &str, what: impl std::fmt::Display) -> String {
    format!("column `{column}`: {what}")
}

/// The enum value whose name is `text`.
fn named<T: Copy>(
    column: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    text: &str,
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|value| name(*value) == text)
        .ok_or_else(|| bad(column, format!("unknown value `{text}`")))
}

/// Reads a frame of [`history_schema`] back into calls. The `source` and `machine` columns
/// are not read: the commit record says where each reading comes from.
pub fn from_frame(frame: &DataFrame) -> Result<Vec<StoredCall>, String> {
    let col = |name: &str| frame.column(name).map_err(|err| bad(name, err));
    let strs = |name: &str| -> Result<Vec<Option<String>>, String> {
        let column = col(name)?.str().map_err(|err| bad(name, err))?;
        Ok(column.iter().map(|v| v.map(str::to_string)).collect())
    };
    let u64s = |name: &str| -> Result<Vec<Option<u64>>, String> {
        Ok(col(name)?
            .u64()
            .map_err(|err| bad(name, err))?
            .iter()
            .collect())
    };
    let u32s = |name: &str| -> Result<Vec<Option<u32>>, String> {
        Ok(col(name)?
            .u32()
            .map_err(|err| bad(name, err))?
            .iter()
            .collect())
    };
    let f32s = |name: &str| -> Result<Vec<Option<f32>>, String> {
        Ok(col(name)?
            .f32()
            .map_err(|err| bad(name, err))?
            .iter()
            .collect())
    };
    let bools = |name: &str| -> Result<Vec<bool>, String> {
        let column = col(name)?.bool().map_err(|err| bad(name, err))?;
        Ok(column.iter().map(|v| v.unwrap_or(false)).collect())
    };
    let money = |name: &str| -> Result<Vec<Option<Money>>, String> {
        let column = col(name)?.decimal().map_err(|err| bad(name, err))?;
        if column.scale() != 12 {
            return Err(bad(name, "not in pico-dollars (scale 12)"));
        }
        Ok(column
            .physical()
            .iter()
            .map(|v| v.map(Money::from_pico))
            .collect())
    };
    let string_lists = |name: &str| -> Result<Vec<Vec<String>>, String> {
        let column = col(name)?.list().map_err(|err| bad(name, err))?;
        let mut out = Vec::with_capacity(column.len());
        for item in column.amortized_iter() {
            let values = match item {
                Some(series) => series
                    .as_ref()
                    .str()
                    .map_err(|err| bad(name, err))?
                    .iter()
                    .map(|v| v.unwrap_or_default().to_string())
                    .collect(),
                None => Vec::new(),
            };
            out.push(values);
        }
        Ok(out)
    };
    let number_lists = |name: &str| -> Result<Vec<Option<Vec<u64>>>, String> {
        let column = col(name)?.list().map_err(|err| bad(name, err))?;
        let mut out = Vec::with_capacity(column.len());
        for item in column.amortized_iter() {
            out.push(match item {
                Some(series) => Some(
                    series
                        .as_ref()
                        .u64()
                        .map_err(|err| bad(name, err))?
                        .iter()
                        .map(Option::unwrap_or_default)
                        .collect(),
                ),
                None => None,
            });
        }
        Ok(out)
    };

    let timestamps: Vec<Option<i64>> = {
        let column = col("timestamp")?
            .datetime()
            .map_err(|err| bad("timestamp", err))?;
        if column.time_unit() != TimeUnit::Milliseconds {
            return Err(bad("timestamp", "not in milliseconds"));
        }
        column.physical().iter().collect()
    };
    let (reading, ordinal, line) = (u32s("reading")?, u32s("ordinal")?, u64s("line")?);
    let (ids, logged) = (strs("call_id")?, bools("logged_id")?);
    let (dedupe, attempt, request) = (
        u64s("dedupe_key")?,
        u64s("attempt_group")?,
        u64s("request_hash")?,
    );
    let (models, providers) = (strs("model")?, strs("provider")?);
    let catalog_ids = strs("catalog_id")?;
    let (cost, stated) = (money("cost_usd")?, money("stated_cost_usd")?);
    let buckets = [
        "input",
        "cache_read",
        "cache_write_5m",
        "cache_write_1h",
        "output",
        "reasoning",
    ]
    .map(u64s);
    let [input, cache_read, write_5m, write_1h, output, reasoning] = buckets;
    let (input, cache_read, write_5m) = (input?, cache_read?, write_5m?);
    let (write_1h, output, reasoning) = (write_1h?, output?, reasoning?);
    let (latency, ttft) = (f32s("latency_ms")?, f32s("ttft_ms")?);
    let (complexity, confidence) = (f32s("complexity")?, f32s("confidence")?);
    let (tiers, tasks, reasons) = (strs("tier")?, strs("task")?, string_lists("reasons")?);
    let (verifiable, rules) = (strs("verifiable")?, u32s("rule")?);
    let flag_names = [
        "streamed",
        "interactive",
        "batch",
        "tools",
        "json_schema",
        "images",
        "failed",
        "redacted",
        "summed",
        "prefix_system_first",
    ];
    let flags = flag_names.map(bools);
    let [
        streamed,
        interactive,
        batch,
        tools,
        json_schema,
        images,
        failed,
        redacted,
        summed,
        system_first,
    ] = flags;
    let (streamed, interactive, batch, tools) = (streamed?, interactive?, batch?, tools?);
    let (json_schema, images, failed, redacted) = (json_schema?, images?, failed?, redacted?);
    let (summed, system_first) = (summed?, system_first?);
    let (failure, service_tier, residency) =
        (strs("failure")?, strs("service_tier")?, strs("residency")?);
    let web_searches = u32s("web_searches")?;
    let (hashes, prefix_tokens) = (
        number_lists("prefix_hashes")?,
        number_lists("prefix_tokens")?,
    );
    let sessions = strs("session")?;
    let (tag_keys, tag_values) = (string_lists("tag_keys")?, string_lists("tag_values")?);
    let (o200k, cl100k) = (u32s("o200k_tokens")?, u32s("cl100k_tokens")?);

    let mut calls = Vec::with_capacity(frame.height());
    for i in 0..frame.height() {
        let prefixes = match (&hashes[i], &prefix_tokens[i]) {
            (Some(hashes), Some(tokens)) if hashes.len() == tokens.len() => {
                let items: Vec<PromptPrefix> = hashes
                    .iter()
                    .zip(tokens)
                    .map(|(&hash, &tokens)| PromptPrefix { hash, tokens })
                    .collect();
                PromptPrefixes::new(system_first[i], &items)
            }
            (None, None) => None,
            _ => return Err(bad("prefix_tokens", "not one per prefix hash")),
        };
        let mut reason_set = Reasons::default();
        for name in &reasons[i] {
            reason_set.insert(named("reasons", &Reason::ALL, Reason::name, name)?);
        }
        if tag_keys[i].len() != tag_values[i].len() {
            return Err(bad("tag_values", "not one per tag key"));
        }
        let text = |values: &[Option<String>], column: &str| -> Result<String, String> {
            need(column, values[i].clone())
        };
        let row = CallRow {
            source: 0,
            line: need("line", line[i])?,
            timestamp_ms: timestamps[i],
            model: 0,
            provider: named(
                "provider",
                &Provider::ALL,
                Provider::as_str,
                &text(&providers, "provider")?,
            )?,
            price: None,
            tokens: TokenBuckets {
                input: need("input", input[i])?,
                cache_read: need("cache_read", cache_read[i])?,
                cache_write_5m: need("cache_write_5m", write_5m[i])?,
                cache_write_1h: need("cache_write_1h", write_1h[i])?,
                output: need("output", output[i])?,
                reasoning: need("reasoning", reasoning[i])?,
            },
            cost: cost[i],
            stated_cost: stated[i],
            latency_ms: latency[i],
            time_to_first_token_ms: ttft[i],
            classification: Classification {
                complexity: need("complexity", complexity[i])?,
                tier: named("tier", &Tier::ALL, Tier::as_str, &text(&tiers, "tier")?)?,
                task: named("task", &Task::ALL, Task::as_str, &text(&tasks, "task")?)?,
                confidence: need("confidence", confidence[i])?,
                reasons: reason_set,
                verifiable: verifiable[i]
                    .as_deref()
                    .map(|v| named("verifiable", &Verifiable::ALL, Verifiable::as_str, v))
                    .transpose()?,
                rule: rules[i]
                    .map(|rule| u16::try_from(rule).map_err(|_| bad("rule", "out of range")))
                    .transpose()?,
            },
            flags: CallFlags {
                streamed: streamed[i],
                interactive: interactive[i],
                batch: batch[i],
                tools: tools[i],
                json_schema: json_schema[i],
                images: images[i],
                failed: failed[i],
                redacted: redacted[i],
                failure: failure[i]
                    .as_deref()
                    .map(|v| named("failure", &FailureCause::ALL, FailureCause::as_str, v))
                    .transpose()?,
                tier: named(
                    "service_tier",
                    &ServiceTier::ALL,
                    ServiceTier::as_str,
                    &text(&service_tier, "service_tier")?,
                )?,
                residency: residency[i]
                    .as_deref()
                    .map(|v| named("residency", &Residency::ALL, Residency::as_str, v))
                    .transpose()?,
                web_searches: need("web_searches", web_searches[i])?,
                summed: summed[i],
            },
            prefixes,
            dedupe_key: dedupe[i],
            logged_id: logged[i],
            attempt_group: attempt[i],
            request_hash: request[i],
            tags: 0,
            session: 0,
            text_tokens: match (o200k[i], cl100k[i]) {
                (Some(o200k), Some(cl100k)) => Some(TextTokens { o200k, cl100k }),
                _ => None,
            },
        };
        calls.push(StoredCall {
            reading: need("reading", reading[i])?,
            ordinal: need("ordinal", ordinal[i])?,
            row,
            id: text(&ids, "call_id")?,
            model: text(&models, "model")?,
            catalog_id: catalog_ids[i].clone(),
            session: sessions[i].clone().unwrap_or_default(),
            tags: tag_keys[i]
                .iter()
                .cloned()
                .zip(tag_values[i].iter().cloned())
                .collect(),
        });
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use polars::prelude::{ParquetReader, SerReader};

    use super::*;
    use crate::classify::ClassifyRules;
    use crate::pipeline::run_fixture;
    use crate::pricing::PriceCatalog;

    /// Every call of the log fixtures, as `history add` stores it.
    fn fixture_calls() -> Vec<StoredCall> {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let run = run_fixture("fixtures/logs", &catalog, &ClassifyRules::default());
        (0..run.rows.len())
            .map(|index| {
                let row = run.rows.get(index);
                StoredCall {
                    reading: row.source,
                    ordinal: index as u32,
                    id: run.rows.call_id(index).to_string(),
                    model: run.models[row.model as usize].clone(),
                    catalog_id: row.price.map(|p| catalog.entry(p).id.clone()),
                    session: run.sessions[row.session as usize].clone(),
                    tags: run.tag_sets[row.tags as usize].clone(),
                    row: CallRow {
                        source: 0,
                        model: 0,
                        tags: 0,
                        session: 0,
                        // Prices are not stored: a run prices each call with its catalog.
                        price: None,
                        // What the store keeps besides the row: a count where one was made.
                        text_tokens: (index % 3 == 0).then_some(TextTokens {
                            o200k: index as u32,
                            cl100k: index as u32 + 1,
                        }),
                        ..row
                    },
                }
            })
            .collect()
    }

    fn origin(calls: &[StoredCall]) -> (Vec<String>, Vec<String>) {
        let readings = calls.iter().map(|c| c.reading).max().unwrap_or(0) as usize + 1;
        (
            (0..readings).map(|r| format!("machine-{r}")).collect(),
            (0..readings)
                .map(|r| format!("/logs/source-{r}.jsonl"))
                .collect(),
        )
    }

    #[test]
    fn every_fixture_call_reads_back_from_parquet_exactly_with_the_documented_schema() {
        let calls = fixture_calls();
        // The fixtures must exercise what the columns are about.
        assert!(
            calls.iter().any(|c| c.row.cost.is_none()),
            "an unpriced call"
        );
        assert!(
            calls.iter().any(|c| c.row.prefixes.is_some()),
            "prompt prefixes"
        );
        assert!(calls.iter().any(|c| !c.session.is_empty()), "a session");
        assert!(
            calls.iter().any(|c| c.row.timestamp_ms.is_none()),
            "a call without a time"
        );
        let (machines, sources) = origin(&calls);
        let origin = Origin {
            machines: &machines,
            sources: &sources,
        };
        let bytes = crate::history::add::write_file(&calls, &origin).expect("written");
        let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
        let metadata = reader.get_metadata().expect("metadata").clone();
        let version = metadata
            .key_value_metadata()
            .as_ref()
            .and_then(|kv| kv.iter().find(|kv| kv.key == VERSION_KEY))
            .and_then(|kv| kv.value.clone());
        assert_eq!(version, Some(SCHEMA_VERSION.to_string()));
        let frame = reader.finish().expect("polars reads the file");
        assert_eq!(frame.schema().as_ref(), &history_schema());
        assert_eq!(frame.height(), calls.len());
        assert_eq!(from_frame(&frame).expect("the calls read back"), calls);
        // The columns outside llm-audit read: where each call comes from, and what it cost.
        let source = frame.column("source").unwrap().str().unwrap().get(0);
        assert_eq!(source, Some(sources[calls[0].reading as usize].as_str()));
        let machine = frame.column("machine").unwrap().str().unwrap().get(0);
        assert_eq!(machine, Some(machines[calls[0].reading as usize].as_str()));
    }

    #[test]
    fn a_frame_with_a_bad_value_is_an_error_naming_the_column() {
        let calls = fixture_calls();
        let (machines, sources) = origin(&calls);
        let origin = Origin {
            machines: &machines,
            sources: &sources,
        };
        let mut frame = to_frame(&calls[..2], &origin).expect("frame");
        let tiers = StringChunked::from_iter_values(
            PlSmallStr::from_static("tier"),
            ["simple", "legendary"].into_iter(),
        );
        frame
            .replace("tier", tiers.into_column())
            .expect("replaced");
        let err = from_frame(&frame).expect_err("an unknown tier");
        assert!(err.contains("tier") && err.contains("legendary"), "{err}");
    }

    #[test]
    fn the_readme_documents_every_column() {
        let readme = include_str!("../../README.md");
        let start = "<!-- history schema: generated -->";
        let end = "<!-- history schema: end -->";
        let table = readme
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(table, _)| table.trim())
            .expect("the README holds the history schema table");
        assert_eq!(table, readme_table().trim());
    }

    /// The README's table of the columns.
    fn readme_table() -> String {
        let mut out = String::from("| column | type | meaning |\n|---|---|---|\n");
        for column in COLUMNS.iter().chain(&TOKEN_COLUMNS) {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                column.name, column.dtype, column.about
            ));
        }
        out
    }

    #[test]
    #[ignore = "prints the README table: cargo test readme_table_text -- --ignored --nocapture"]
    fn readme_table_text() {
        #[allow(clippy::disallowed_macros)]
        {
            println!("{}", readme_table());
        }
    }
}
