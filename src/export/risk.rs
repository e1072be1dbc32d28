//! `llm-audit risk priors`: the prior degradation rates with the evidence behind each.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::classify::{Task, Tier, Verifiable};
use crate::export::ReportFormat;
use crate::export::terminal::new_table;
use crate::risk::{Cap, Gap, RiskPriors};

/// One line of the priors: a tier's rate, a task's or gap's factor, a check's catch rate, a
/// cap's rate for one tier, or a cap's assumed token reduction.
#[derive(Debug, Serialize)]
struct PriorRow<'a> {
    kind: &'static str,
    name: Cow<'a, str>,
    /// The capability gap a score band's factor is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    gap: Option<&'static str>,
    /// Rate (tier, cap tier), multiplier (task, gap), share caught (check) or share of tokens
    /// removed (cap reduction).
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<f64>,
    /// Pseudo-observations the tier's prior is worth (its fitted Beta concentration).
    #[serde(skip_serializing_if = "Option::is_none")]
    worth_calls: Option<f64>,
    evidence: &'a str,
    sources: &'a [String],
}

#[derive(Debug, Serialize)]
struct PriorsView<'a> {
    version: &'a str,
    rule: &'static str,
    rows: Vec<PriorRow<'a>>,
}

const RULE: &str = "P(degraded) = tier rate × task factor × gap factor × score band factor \
                    (within a tier, the rate moves with the complexity score; labelled cells keep \
                    their own rate); 95% range scaled alike; \
                    a check catches its share of degraded answers when a cascade escalates; \
                    a cap (one step less reasoning, or a ~30% shorter answer) has its own rate per tier \
                    and removes its default_reduction share of reasoning or output tokens";

pub fn write_risk_priors(
    priors: &RiskPriors,
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for tier in Tier::ALL {
        let anchor = priors.tier(tier);
        rows.push(PriorRow {
            kind: "tier",
            name: tier.as_str().into(),
            gap: None,
            value: anchor.rate,
            low: Some(anchor.low),
            high: Some(anchor.high),
            worth_calls: Some(priors.concentration(tier)),
            evidence: &anchor.evidence,
            sources: &anchor.sources,
        });
    }
    let factors = Task::ALL
        .iter()
        .map(|&t| ("task", t.as_str(), priors.task(t)))
        .chain(Gap::ALL.iter().map(|&g| ("gap", g.as_str(), priors.gap(g))));
    for (kind, name, factor) in factors {
        rows.push(PriorRow {
            kind,
            name: name.into(),
            gap: None,
            value: factor.factor,
            low: None,
            high: None,
            worth_calls: None,
            evidence: &factor.evidence,
            sources: &factor.sources,
        });
    }
    for (k, band) in priors.bands().iter().enumerate() {
        for gap in Gap::ALL {
            rows.push(PriorRow {
                kind: "score_band",
                name: band.name.as_str().into(),
                gap: Some(gap.as_str()),
                value: priors.band_factor(k as u8, gap),
                low: None,
                high: None,
                worth_calls: None,
                evidence: &band.evidence,
                sources: &band.sources,
            });
        }
    }
    for check in Verifiable::ALL {
        let catch = priors.catch(check);
        rows.push(PriorRow {
            kind: "check",
            name: check.as_str().into(),
            gap: None,
            value: catch.catch_rate,
            low: None,
            high: None,
            worth_calls: None,
            evidence: &catch.evidence,
            sources: &catch.sources,
        });
    }
    for cap in Cap::ALL {
        let kind = cap_kind(cap);
        for tier in Tier::ALL {
            let anchor = priors.cap_anchor(cap, tier);
            rows.push(PriorRow {
                kind,
                name: tier.as_str().into(),
                gap: None,
                value: anchor.rate,
                low: Some(anchor.low),
                high: Some(anchor.high),
                worth_calls: Some(priors.cap_concentration(cap, tier)),
                evidence: &anchor.evidence,
                sources: &anchor.sources,
            });
        }
        let reduction = priors.cap_reduction(cap);
        rows.push(PriorRow {
            kind,
            name: "default_reduction".into(),
            gap: None,
            value: reduction.default_reduction,
            low: None,
            high: None,
            worth_calls: None,
            evidence: &reduction.evidence,
            sources: &reduction.sources,
        });
    }
    match format {
        ReportFormat::Json => {
            let view = PriorsView {
                version: &priors.version,
                rule: RULE,
                rows,
            };
            crate::escape::write_json(&mut *out, &view)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => {
            let mut writer = crate::escape::CsvWriter::new(out);
            writer.write_record([
                "kind", "name", "value", "low", "high", "evidence", "sources", "gap",
            ])?;
            for row in &rows {
                writer.write_record([
                    row.kind.to_string(),
                    row.name.to_string(),
                    row.value.to_string(),
                    row.low.map(|v| v.to_string()).unwrap_or_default(),
                    row.high.map(|v| v.to_string()).unwrap_or_default(),
                    row.evidence.to_string(),
                    row.sources.join(" "),
                    row.gap.unwrap_or_default().to_string(),
                ])?;
            }
            writer.flush()?;
        }
        ReportFormat::Table => {
            let mut table = new_table(
                unicode,
                &[
                    "kind",
                    "name",
                    "value",
                    "95% range",
                    "worth calls",
                    "sources",
                ],
            );
            for row in &rows {
                let range = match (row.low, row.high) {
                    (Some(low), Some(high)) => {
                        format!("{:.1}–{:.1}%", 100.0 * low, 100.0 * high)
                    }
                    _ => String::new(),
                };
                let value = match row.kind {
                    "tier" | "check" | "reasoning_cap" | "output_cap" => {
                        format!("{:.1}%", 100.0 * row.value)
                    }
                    _ => format!("×{}", row.value),
                };
                // A score band's gap goes beside its kind, short, so a narrow terminal that
                // shortens the name column still tells the three rows of a band apart.
                let kind = match row.gap {
                    Some("lateral") => "band lateral".to_string(),
                    Some("one_step") => "band 1 step".to_string(),
                    Some(_) => "band 2 steps".to_string(),
                    None => row.kind.to_string(),
                };
                table.add_row(vec![
                    kind,
                    row.name.to_string(),
                    value,
                    range,
                    row.worth_calls
                        .map(|w| format!("{w:.0}"))
                        .unwrap_or_default(),
                    row.sources.len().to_string(),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(out, "Risk priors {}: {RULE}.", priors.version)?;
            writeln!(
                out,
                "These are priors from public benchmarks; calibrate them on your own labels with `llm-audit calibrate`."
            )?;
            writeln!(out, "\nEvidence:")?;
            for row in &rows {
                let gap = row.gap.map(|g| format!(" ({g})")).unwrap_or_default();
                writeln!(out, "- {} {}{gap}: {}", row.kind, row.name, row.evidence)?;
                for source in row.sources {
                    writeln!(out, "    {source}")?;
                }
            }
        }
    }
    Ok(())
}

/// The row kind of a cap's priors in every format (`reasoning_cap`, `output_cap`).
fn cap_kind(cap: Cap) -> &'static str {
    match cap {
        Cap::Reasoning => "reasoning_cap",
        Cap::Output => "output_cap",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: ReportFormat) -> String {
        let priors = RiskPriors::embedded().unwrap();
        let mut out = Vec::new();
        write_risk_priors(&priors, format, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_lists_every_cap_tier_and_its_reduction() {
        let view: serde_json::Value = serde_json::from_str(&render(ReportFormat::Json)).unwrap();
        let rows = view["rows"].as_array().unwrap();
        for kind in ["reasoning_cap", "output_cap"] {
            let caps: Vec<_> = rows.iter().filter(|r| r["kind"] == kind).collect();
            // Four tiers and one reduction row per cap.
            assert_eq!(caps.len(), 5, "{kind}");
            for row in caps.iter().filter(|r| r["name"] != "default_reduction") {
                assert!(row["low"].as_f64() <= row["value"].as_f64(), "{row}");
                assert!(row["value"].as_f64() <= row["high"].as_f64(), "{row}");
                assert!(row["worth_calls"].as_f64().unwrap() > 1.0, "{row}");
            }
        }
        let reduction = |kind: &str| {
            rows.iter()
                .find(|r| r["kind"] == kind && r["name"] == "default_reduction")
                .and_then(|r| r["value"].as_f64())
        };
        assert_eq!(reduction("reasoning_cap"), Some(0.5));
        assert_eq!(reduction("output_cap"), Some(0.3));
        let complex = rows
            .iter()
            .find(|r| r["kind"] == "reasoning_cap" && r["name"] == "complex")
            .unwrap();
        assert_eq!(complex["value"].as_f64(), Some(0.07));
    }

    #[test]
    fn every_score_band_is_listed_once_per_gap() {
        let priors = RiskPriors::embedded().unwrap();
        let json: serde_json::Value = serde_json::from_str(&render(ReportFormat::Json)).unwrap();
        let bands: Vec<_> = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "score_band")
            .collect();
        assert_eq!(bands.len(), priors.bands().len() * Gap::ALL.len());
        let simple_high_two = bands
            .iter()
            .find(|r| r["name"] == "simple_high" && r["gap"] == "two_steps")
            .unwrap();
        let at = priors.band_of(0.2);
        assert_eq!(
            simple_high_two["value"].as_f64(),
            Some(priors.band_factor(at, Gap::TwoSteps))
        );
        // The table names the gap beside the kind, where a narrow terminal does not cut it.
        let table = render(ReportFormat::Table);
        for kind in ["band lateral", "band 1 step", "band 2 steps"] {
            let rows = table.lines().filter(|l| l.contains(kind)).count();
            assert_eq!(rows, priors.bands().len(), "{kind}");
        }
    }

    #[test]
    fn table_and_csv_show_the_caps() {
        let table = render(ReportFormat::Table);
        // The reasoning cap on complex calls: rate 0.07, stated range 0.02-0.18.
        let line = table
            .lines()
            .find(|l| l.contains("reasoning_cap") && l.contains("complex"))
            .unwrap();
        assert!(
            line.contains("7.0%") && line.contains("2.0–18.0%"),
            "{line}"
        );
        assert!(table.contains("- output_cap default_reduction: "));
        let csv = render(ReportFormat::Csv);
        assert!(
            csv.lines()
                .any(|l| l.starts_with("output_cap,moderate,0.07,0.02,0.18,"))
        );
        assert!(
            csv.lines()
                .any(|l| l.starts_with("reasoning_cap,default_reduction,0.5,,,"))
        );
    }
}
