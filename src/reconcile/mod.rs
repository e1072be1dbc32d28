//! Billing exports against traces: what the bill says, what the traces account for, and the gap.
//!
//! Both sides are summed per provider, model and UTC day. A bill's cost is what it billed when
//! it states amounts (cost exports), else our price of the tokens it reports (usage exports), so
//! a usage export and a cost export of the same month never add up to twice the bill. Coverage
//! is the share of the bill's cost that the traces explain, over the days the bill covers.

use std::collections::{BTreeMap, BTreeSet};

use crate::aggregate::day_key;
use crate::money::Money;
use crate::pipeline::{BucketRow, CallRow, Rows};
use crate::pricing::{PriceCatalog, normalize_model_name, usage_cost};
use crate::record::{Provider, TokenBuckets};

/// Model key for bill lines that do not name a model.
pub const ALL_MODELS: &str = "(all models)";

/// Where a sum belongs: provider, model (the catalog's id when it knows the model, else the
/// name normalised) and UTC day (`YYYY-MM-DD`, or `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub provider: Provider,
    pub model: String,
    pub day: String,
}

/// What the bill says for one key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillSide {
    /// Export lines summed here.
    pub lines: u64,
    pub requests: u64,
    pub tokens: TokenBuckets,
    /// Amounts the export states in USD.
    pub billed: Money,
    /// Lines that state an amount in USD.
    pub billed_lines: u64,
    /// Lines whose amount is in another currency (left out of `billed`).
    pub foreign_currency_lines: u64,
    /// Our price of the tokens the export reports.
    pub priced: Money,
    /// Lines with tokens of a model the catalog does not know (left out of `priced`).
    pub unpriced_lines: u64,
}

impl BillSide {
    fn add(&mut self, other: &BillSide) {
        self.lines += other.lines;
        self.requests += other.requests;
        self.tokens.add(&other.tokens);
        self.billed += other.billed;
        self.billed_lines += other.billed_lines;
        self.foreign_currency_lines += other.foreign_currency_lines;
        self.priced += other.priced;
        self.unpriced_lines += other.unpriced_lines;
    }
}

/// What the traces account for under one key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceSide {
    pub calls: u64,
    pub tokens: TokenBuckets,
    pub cost: Money,
    /// Calls of models the catalog does not know (left out of `cost`).
    pub unpriced_calls: u64,
}

impl TraceSide {
    fn add_row(&mut self, row: &CallRow) {
        self.calls += 1;
        self.tokens.add(&row.tokens);
        match row.cost {
            Some(cost) => self.cost += cost,
            None => self.unpriced_calls += 1,
        }
    }

    fn add(&mut self, other: &TraceSide) {
        self.calls += other.calls;
        self.tokens.add(&other.tokens);
        self.cost += other.cost;
        self.unpriced_calls += other.unpriced_calls;
    }
}

/// How a bill's cost was arrived at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostBasis {
    /// The amounts the export states.
    Billed,
    /// Our price of the tokens the export reports (the export states no amounts).
    PricedTokens,
}

impl CostBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            CostBasis::Billed => "billed",
            CostBasis::PricedTokens => "priced from the bill's tokens",
        }
    }

    fn of(bill: &BillSide) -> CostBasis {
        if bill.billed_lines > 0 {
            CostBasis::Billed
        } else {
            CostBasis::PricedTokens
        }
    }

    fn cost(self, bill: &BillSide) -> Money {
        match self {
            CostBasis::Billed => bill.billed,
            CostBasis::PricedTokens => bill.priced,
        }
    }
}

/// Sums a bill per key.
pub fn bill_lines(buckets: &[BucketRow], catalog: &PriceCatalog) -> BTreeMap<Key, BillSide> {
    let mut lines: BTreeMap<Key, BillSide> = BTreeMap::new();
    for BucketRow { bucket, .. } in buckets {
        let price = bucket
            .model
            .as_deref()
            .and_then(|model| catalog.resolve(model, Some(bucket.start_ms)));
        let key = Key {
            provider: price.map_or(bucket.provider, |i| catalog.entry(i).provider),
            model: match (price, bucket.model.as_deref()) {
                (Some(index), _) => catalog.entry(index).id.clone(),
                (None, Some(model)) => normalize_model_name(model),
                (None, None) => ALL_MODELS.to_string(),
            },
            day: day_key(Some(bucket.start_ms)),
        };
        let mut side = BillSide {
            lines: 1,
            requests: bucket.requests.unwrap_or(0),
            tokens: bucket.tokens,
            ..BillSide::default()
        };
        match (bucket.billed, bucket.currency.as_deref()) {
            (Some(amount), None) => {
                side.billed = amount;
                side.billed_lines = 1;
            }
            (Some(amount), Some(currency)) if currency.eq_ignore_ascii_case("usd") => {
                side.billed = amount;
                side.billed_lines = 1;
            }
            (Some(_), Some(_)) => side.foreign_currency_lines = 1,
            (None, _) => {}
        }
        if bucket.tokens.total() > 0 {
            match price {
                Some(index) => {
                    let price = catalog.entry(index);
                    side.priced =
                        usage_cost(price, &bucket.tokens, bucket.batch, bucket.long_context);
                }
                None => side.unpriced_lines = 1,
            }
        }
        lines.entry(key).or_default().add(&side);
    }
    lines
}

/// Sums traced calls per key.
pub fn trace_lines(
    rows: &Rows,
    models: &[String],
    catalog: &PriceCatalog,
) -> BTreeMap<Key, TraceSide> {
    let mut lines: BTreeMap<Key, TraceSide> = BTreeMap::new();
    for row in rows.iter() {
        let model = match row.price {
            Some(index) => catalog.entry(index).id.clone(),
            None => normalize_model_name(models.get(row.model as usize).map_or("", String::as_str)),
        };
        let key = Key {
            provider: row.provider,
            model,
            day: day_key(row.timestamp_ms),
        };
        lines.entry(key).or_default().add_row(&row);
    }
    lines
}

/// One provider's headline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCoverage {
    pub provider: Provider,
    pub basis: CostBasis,
    /// The bill's cost over its days, on `basis`.
    pub bill_cost: Money,
    pub bill: BillSide,
    /// Traced calls on the days the bill covers.
    pub traces: TraceSide,
    /// Traced calls of this provider on days the bill does not cover.
    pub traces_outside_bill: TraceSide,
}

impl ProviderCoverage {
    /// Share of the bill's cost the traces explain (`None` for a bill of $0).
    pub fn cost_coverage(&self) -> Option<f64> {
        ratio(self.traces.cost.pico(), self.bill_cost.pico())
    }

    /// Share of the bill's tokens the traces show (`None` when the bill reports no tokens).
    pub fn token_coverage(&self) -> Option<f64> {
        ratio(
            i128::from(self.traces.tokens.total()),
            i128::from(self.bill.tokens.total()),
        )
    }

    /// The part of the bill no trace explains (negative when the traces exceed the bill).
    pub fn unseen_cost(&self) -> Money {
        self.bill_cost - self.traces.cost
    }
}

fn ratio(part: i128, whole: i128) -> Option<f64> {
    (whole != 0).then(|| part as f64 / whole as f64)
}

/// One provider, model and day, both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub key: Key,
    pub bill: Option<BillSide>,
    pub traces: Option<TraceSide>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub providers: Vec<ProviderCoverage>,
    /// Every key either side has, for the providers the bills cover, in key order.
    pub lines: Vec<Line>,
    /// (provider, model) the traces show and the bill never names: usually a name the two
    /// spell differently, or usage billed elsewhere.
    pub models_only_in_traces: Vec<(Provider, String)>,
    /// (provider, model) the bill names and no trace shows: calls the traces never saw.
    pub models_only_in_bill: Vec<(Provider, String)>,
    /// (provider, day) the bill covers with no trace at all.
    pub bill_days_without_traces: Vec<(Provider, String)>,
}

/// Compares traced calls with bill lines.
pub fn reconcile(
    rows: &Rows,
    models: &[String],
    buckets: &[BucketRow],
    catalog: &PriceCatalog,
) -> Reconciliation {
    let bill = bill_lines(buckets, catalog);
    let traces = trace_lines(rows, models, catalog);

    let bill_days: BTreeSet<(Provider, &str)> =
        bill.keys().map(|k| (k.provider, k.day.as_str())).collect();
    let trace_days: BTreeSet<(Provider, &str)> = traces
        .keys()
        .map(|k| (k.provider, k.day.as_str()))
        .collect();
    let bill_models: BTreeSet<(Provider, &str)> = bill
        .keys()
        .map(|k| (k.provider, k.model.as_str()))
        .collect();
    let trace_models: BTreeSet<(Provider, &str)> = traces
        .keys()
        .map(|k| (k.provider, k.model.as_str()))
        .collect();
    // A bill that does not break usage down by model names no model to compare.
    let bill_names_models = |provider: Provider| {
        bill.keys()
            .any(|k| k.provider == provider && k.model != ALL_MODELS)
    };

    let mut providers: BTreeMap<Provider, (BillSide, TraceSide, TraceSide)> = BTreeMap::new();
    for (key, side) in &bill {
        providers.entry(key.provider).or_default().0.add(side);
    }
    for (key, side) in &traces {
        if !bill.keys().any(|k| k.provider == key.provider) {
            continue;
        }
        let entry = providers.entry(key.provider).or_default();
        if bill_days.contains(&(key.provider, key.day.as_str())) {
            entry.1.add(side);
        } else {
            entry.2.add(side);
        }
    }
    let providers = providers
        .into_iter()
        .map(|(provider, (bill, traces, outside))| {
            let basis = CostBasis::of(&bill);
            ProviderCoverage {
                provider,
                basis,
                bill_cost: basis.cost(&bill),
                bill,
                traces,
                traces_outside_bill: outside,
            }
        })
        .collect();

    let billed_providers: BTreeSet<Provider> = bill.keys().map(|k| k.provider).collect();
    // Traces of providers the bills do not cover have nothing to be compared with.
    let keys: BTreeSet<&Key> = bill
        .keys()
        .chain(traces.keys())
        .filter(|k| billed_providers.contains(&k.provider))
        .collect();
    let lines = keys
        .into_iter()
        .map(|key| Line {
            key: key.clone(),
            bill: bill.get(key).cloned(),
            traces: traces.get(key).cloned(),
        })
        .collect();
    Reconciliation {
        providers,
        lines,
        models_only_in_traces: trace_models
            .iter()
            .filter(|(p, m)| {
                billed_providers.contains(p)
                    && bill_names_models(*p)
                    && !bill_models.contains(&(*p, *m))
            })
            .map(|(p, m)| (*p, m.to_string()))
            .collect(),
        models_only_in_bill: bill_models
            .iter()
            .filter(|(p, m)| *m != ALL_MODELS && !trace_models.contains(&(*p, *m)))
            .map(|(p, m)| (*p, m.to_string()))
            .collect(),
        bill_days_without_traces: bill_days
            .difference(&trace_days)
            .map(|(p, d)| (*p, d.to_string()))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
