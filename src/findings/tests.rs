//! Tests of the waste findings.

use super::*;
use crate::classify::ClassifyRules;
use crate::ingest::discover_sources;
use crate::pipeline::{RowContext, RunOptions, run};

fn run_dir(dir: &str) -> (RunOutput, PriceCatalog) {
    let catalog = PriceCatalog::embedded().unwrap();
    let rules = ClassifyRules::default();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let sources = discover_sources(&[path]).unwrap();
    let output = run(
        &sources,
        RowContext {
            catalog: &catalog,
            rules: &rules,
            tag_keys: &[],
            count_text_tokens: &[],
        },
        RunOptions::default(),
    );
    (output, catalog)
}

#[test]
fn debug_dump() {
    let (run, catalog) = run_dir("fixtures/waste");
    for r in &run.rows {
        eprintln!("{} {:?} {:?} {:?} fail={} grp={:?} sess={} pfx={:?}", r.call_id, r.classification.tier, r.cost.map(|c| c.to_decimal_string()), r.tokens, r.flags.failed, r.attempt_group.is_some(), r.session, r.prefix.map(|p| p.tokens));
    }
    for f in find(&run, &catalog) {
        eprintln!("{f:#?}");
    }
    eprintln!("{:?}", run.accounting);
}
