//! Quality risk of routing a call to another model: feasibility gates first, then a
//! degradation rate per cell (task, tier, capability gap) from documented priors, updated by the
//! user's own labels when given, summed per policy with a 95% interval.

mod beta;
mod calibration;
mod estimate;
mod gates;
mod priors;

pub use beta::BetaRate;
pub use calibration::{
    Basis, CALIBRATION_VERSION, CalibrationFile, CellCounts, Label, RiskModel, count_cells,
    read_labels,
};
pub use estimate::{CellRate, RiskCell, RiskEstimate, TierRisk, summarize, summarize_rated};
pub use gates::{Block, feasibility};
pub use priors::{
    BAND_SHRINK, BandCount, BandEvidence, Cap, CapReduction, CatchRate, Factor, Gap, GapFactors,
    RiskPriors, ScoreBand, TierAnchor, band_evidence, pair_gap,
};

/// A plain priced-nowhere row for tests: one call, no flags.
#[cfg(test)]
pub(crate) fn test_row() -> crate::pipeline::CallRow {
    use crate::classify::{Classification, Reasons, Task, Tier};
    crate::pipeline::CallRow {
        source: 0,
        line: 1,
        timestamp_ms: None,
        model: 0,
        provider: crate::record::Provider::OpenAi,
        price: None,
        tokens: crate::record::TokenBuckets::default(),
        cost: None,
        stated_cost: None,
        latency_ms: None,
        time_to_first_token_ms: None,
        classification: Classification {
            complexity: 0.1,
            tier: Tier::Simple,
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
