//! Tests of the HTML report on hand-built reports: escaping, sections, well-formed markup,
//! no network, determinism, and one snapshot.

use std::collections::BTreeMap;

use super::{HtmlExporter, charts, escape};
use crate::export::report::RetryReport;
use crate::export::{
    ActionsReport, Baseline, BaselineDiff, ErrorReport, Exporter, FindingReport, GateReport,
    GroupReport, GroupingReport, InputReport, ModelChange, PolicyReport, PricingReport, Report,
    RiskReport, SCHEMA_VERSION, SpendPoint,
};

/// A model name a hostile or broken log could carry.
const HOSTILE: &str = "<script>alert('x')</script> & co";

fn group(key: &str, calls: u64, cost_usd: f64, spend_share_pct: f64) -> GroupReport {
    GroupReport {
        key: key.to_string(),
        calls,
        unpriced_calls: 0,
        input_tokens: 1000 * calls,
        cache_read_tokens: 0,
        cache_write_5m_tokens: 0,
        cache_write_1h_tokens: 0,
        output_tokens: 100 * calls,
        reasoning_tokens: 0,
        cost_usd,
        reasoning_cost_usd: 0.0,
        spend_share_pct,
        cache_hit_rate_pct: 0.0,
    }
}

fn policy(name: &str, cost: f64, savings: (f64, f64), degraded: (f64, f64, f64)) -> PolicyReport {
    let (risk_free, risky) = savings;
    let (expected, low, high) = degraded;
    PolicyReport {
        name: name.to_string(),
        description: format!("{name} policy"),
        cost_usd: cost,
        savings_usd: risk_free + risky,
        savings_pct: 100.0 * (risk_free + risky) / 10.0,
        risk_free_savings_usd: risk_free,
        risky_savings_usd: risky,
        calls_changed: 3,
        actions: ActionsReport {
            routed: 0,
            cascaded: 0,
            expected_escalations: 0.0,
            batched: 0,
            prompt_cache_writes: 0,
            prompt_cache_reads: 0,
            response_cache_hits: 0,
            reasoning_capped: 0,
            output_capped: 0,
        },
        calls_blocked: 0,
        blocked_by: Vec::new(),
        latency_p50_ms: 850.0,
        latency_p95_ms: 12_500.0,
        risk: RiskReport {
            basis: "prior".to_string(),
            calls_at_risk: 3,
            calls_calibrated: 0,
            expected_degraded_calls: expected,
            degraded_calls_low: low,
            degraded_calls_high: high,
            expected_escalations: 0.0,
            spend_share_at_risk_pct: 10.0,
            by_tier: Vec::new(),
        },
        dominated_by: None,
        assumptions: vec!["latency from published throughput".to_string()],
        savings_per_month_usd: None,
        by_group: Vec::new(),
        prompt_cache_hit_rate_pct: 0.0,
        estimated_savings_usd: 0.0,
    }
}

/// A small report: two models (one hostile), two days, two policies, nothing optional.
fn small_report() -> Report {
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool_version: "0.1.0".to_string(),
        catalog_version: "2026-01-01".to_string(),
        timezone: "UTC".to_string(),
        filters: Vec::new(),
        inputs: vec![InputReport {
            read_error: None,
            path: "logs/a.jsonl".to_string(),
            format: Some("openai".to_string()),
            records: 5,
            calls: 4,
            buckets: 0,
            skipped: 1,
            errors: 0,
            stated_cost_usd: None,
            stated_cost_calls: 0,
        }],
        records: 5,
        calls: 4,
        buckets: 0,
        skipped: BTreeMap::from([("not a model call".to_string(), 1)]),
        errors: 0,
        error_samples: Vec::new(),
        baseline: Baseline {
            calls_without_prompt_text: 0,
            calls_redacted: 0,
            calls_summed: 0,
            calls_not_checked_for_repeats: 0,
            cost_usd: 10.0,
            cost_usd_exact: "10".to_string(),
            priced_calls: 4,
            unpriced_calls: 0,
            reasoning_unverified_tokens: 0,
            reasoning_unverified_usd: 0.0,
        },
        unpriced_models: Vec::new(),
        by_model: vec![group("gpt-4o", 3, 8.0, 80.0), group(HOSTILE, 1, 2.0, 20.0)],
        by_provider: vec![group("openai", 4, 10.0, 100.0)],
        by_tier: vec![
            group("simple", 1, 2.0, 20.0),
            group("complex", 3, 8.0, 80.0),
        ],
        by_task: vec![group("chat", 4, 10.0, 100.0)],
        by_day: vec![
            group("2025-01-01", 2, 5.0, 50.0),
            group("2025-01-02", 2, 5.0, 50.0),
        ],
        groups: Vec::new(),
        by_tag: Vec::new(),
        spend_over_time: vec![
            SpendPoint {
                day: "2025-01-01".to_string(),
                model: "gpt-4o".to_string(),
                calls: 2,
                cost_usd: 5.0,
            },
            SpendPoint {
                day: "2025-01-02".to_string(),
                model: "gpt-4o".to_string(),
                calls: 1,
                cost_usd: 3.0,
            },
            SpendPoint {
                day: "2025-01-02".to_string(),
                model: HOSTILE.to_string(),
                calls: 1,
                cost_usd: 2.0,
            },
        ],
        policies: vec![
            policy("baseline", 10.0, (0.0, 0.0), (0.0, 0.0, 0.0)),
            policy("route-simple", 8.5, (0.5, 1.0), (0.4, 0.0, 2.0)),
        ],
        findings: Vec::new(),
        billing: Vec::new(),
        retries: RetryReport {
            groups: 0,
            attempts: 0,
            failed_attempts: 0,
            failed_attempt_cost_usd: 0.0,
        },
        pricing: PricingReport::default(),
        latency_models: Vec::new(),
        baseline_diff: None,
        gates: Vec::new(),
        meaningful_responses: Default::default(),
        failures: Default::default(),
        sessions: Default::default(),
        per_month: None,
    };
    crate::export::headline::add_run_rates(&mut report);
    report
}

/// The small report with every optional section filled, and log strings in every place one
/// can reach the page.
fn full_report() -> Report {
    let mut report = small_report();
    report.filters = vec![format!("model = {HOSTILE}")];
    report.inputs[0].path = "logs/<b>&.jsonl".to_string();
    report.baseline.unpriced_calls = 2;
    report.unpriced_models = vec![GroupReport {
        unpriced_calls: 2,
        ..group("acme-<llm>", 2, 0.0, 0.0)
    }];
    report.errors = 1;
    report.error_samples = vec![ErrorReport {
        file: "logs/a.jsonl".to_string(),
        line: 7,
        message: "expected `}` <here>".to_string(),
    }];
    // Twelve models: eight drawn apart, four stacked as "other".
    for i in 0..12 {
        report.spend_over_time.push(SpendPoint {
            day: "2025-01-03".to_string(),
            model: format!("model-{i:02}"),
            calls: 1,
            cost_usd: 0.1 * (i + 1) as f64,
        });
    }
    report.policies[0].dominated_by = Some("route-simple".to_string());
    report.policies.push(PolicyReport {
        dominated_by: Some("route-simple".to_string()),
        ..policy(HOSTILE, 9.0, (0.0, 1.0), (1.5, 0.5, 3.0))
    });
    report.findings = vec![FindingReport {
        kind: "duplicate_request".to_string(),
        title: "Duplicate requests".to_string(),
        subject: Some("session <1>".to_string()),
        impact_usd: 0.75,
        impact_usd_exact: "0.75".to_string(),
        calls: 3,
        tokens: 4200,
        sample_call_ids: vec!["call-1".to_string(), "call-<2>".to_string()],
        detail: format!("the same prompt to {HOSTILE} three times"),
        share_of_input_pct: None,
        budget_usd: None,
        impact_per_month_usd: None,
    }];
    report.groups = vec![GroupingReport {
        by: "tag:team".to_string(),
        groups: vec![
            group("search & <ranking>", 3, 8.0, 80.0),
            group("chat", 1, 2.0, 20.0),
        ],
    }];
    report.baseline_diff = Some(BaselineDiff {
        previous: "old/<report>.json".to_string(),
        previous_cost_usd: 8.0,
        cost_usd: 10.0,
        change_usd: 2.0,
        change_pct: Some(25.0),
        by_model: vec![ModelChange {
            model: HOSTILE.to_string(),
            previous_calls: 0,
            calls: 1,
            previous_cost_usd: 0.0,
            cost_usd: 2.0,
            change_usd: 2.0,
        }],
        new_models: vec![HOSTILE.to_string()],
        gone_models: vec!["gpt-3.5-turbo".to_string()],
        new_unpriced_models: vec!["acme-<llm>".to_string()],
    });
    report.gates = vec![GateReport {
        gate: "fail-if-cost-above".to_string(),
        threshold: 9.0,
        value: 10.0,
        policy: None,
        tripped: true,
        message: "spend $10.00 is above $9.00 <limit>".to_string(),
        sessions: None,
    }];
    report
}

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    HtmlExporter
        .write(report, &mut out)
        .expect("writing to a Vec");
    String::from_utf8(out).expect("the page is UTF-8")
}

/// Checks every opened element is closed in order (void elements and `<…/>` excepted).
/// Works because every `<` on the page starts a tag: text is escaped and the style sheet has none.
fn assert_balanced(page: &str) {
    const VOID: [&str; 4] = ["meta", "link", "br", "!doctype"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag ends") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        if tag.starts_with('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(name.as_str()),
                "closing </{name}>"
            );
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn escape_covers_the_five_html_specials() {
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}

#[test]
fn log_strings_come_out_inert() {
    let page = render(&full_report());
    // The page writes no script of its own, so any `<script` would be a log string's.
    assert!(!page.contains("<script"), "a raw <script> reached the page");
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    for raw in [
        "<b>",
        "<llm>",
        "<1>",
        "<2>",
        "<ranking>",
        "<report>",
        "<here>",
        "<limit>",
    ] {
        assert!(!page.contains(raw), "{raw} reached the page unescaped");
    }
    assert!(page.contains("logs/&lt;b&gt;&amp;.jsonl"));
    assert_balanced(&page);
}

#[test]
fn every_section_is_present() {
    let page = render(&full_report());
    for id in [
        "summary",
        "spend-over-time",
        "spend-by-tier-task",
        "policies",
        "findings",
        "groups",
        "baseline-diff",
        "gates",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    // Spend over time, tier, task and the policy scatter.
    assert_eq!(page.matches("<svg").count(), 4);
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
    assert!(
        page.contains("class=\"alert\""),
        "unpriced models are not flagged"
    );
    assert!(page.contains("Duplicate requests"));
    assert!(page.contains("badge tripped"));
    // 12 extra models + gpt-4o + the hostile one = 14; 8 drawn apart, 6 as "other".
    assert!(page.contains("other (6 models)"));
}

#[test]
fn empty_findings_say_so_and_optional_sections_are_left_out() {
    let page = render(&small_report());
    assert!(page.contains("No waste found."));
    for id in ["groups", "baseline-diff", "gates"] {
        assert!(
            !page.contains(&format!("id=\"{id}\"")),
            "empty section {id} drawn"
        );
    }
    assert_balanced(&page);
}

#[test]
fn no_network_references() {
    let page = render(&full_report());
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(!page.contains("src=") && !page.contains("@import") && !page.contains("url("));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&full_report()), render(&full_report()));
}

#[test]
fn risk_free_and_risky_savings_are_shown_apart() {
    let page = render(&small_report());
    // route-simple: risk-free $0.50, with risk $1.00, total $1.50 of $10 = 15.0%.
    assert!(page.contains("<span class=\"safe\">$0.500</span>"));
    assert!(page.contains("<span class=\"risky\">$1.00</span>"));
    assert!(page.contains("$1.50 (15.0%)"));
    assert!(page.contains("0.40 <span class=\"muted\">(0.00 to 2.00)</span>"));
}

#[test]
fn stacked_bars_stand_as_high_as_each_days_spend() {
    let report = small_report();
    let (svg, legend) = charts::spend_over_time(&report.spend_over_time)
        .expect("drawn")
        .expect("there is spend");
    // Both days total $5; the axis rounds $5 up to itself (step $1), so each day's stack is the
    // full plot height of 320 - 14 - 44 = 262: gpt-4o 262 on day one; 3/5 and 2/5 of it
    // (157.2 and 104.8) on day two.
    assert!(svg.contains("height=\"262.0\""));
    assert!(svg.contains("height=\"157.2\""));
    assert!(svg.contains("height=\"104.8\""));
    let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["gpt-4o", HOSTILE]);
    assert_eq!(legend[0].cost_usd, 8.0);
}

#[test]
fn frontier_policies_are_joined() {
    let report = full_report();
    let svg = charts::policy_scatter(&report.policies)
        .expect("drawn")
        .expect("policies");
    // Only route-simple is on the frontier here: no line to draw, one filled point.
    assert!(!svg.contains("<polyline"));
    assert_eq!(svg.matches("point on-frontier").count(), 1);
    assert_eq!(svg.matches("point dominated").count(), 2);
    let two = charts::policy_scatter(&small_report().policies)
        .expect("drawn")
        .expect("policies");
    assert_eq!(two.matches("<polyline").count(), 1);
}

#[test]
fn snapshot_of_a_small_report() {
    // Beside the other exporters' snapshots, not in this module's folder.
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(render(&small_report()));
    });
}
