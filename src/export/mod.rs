//! Exporters: one trait, one file per output format.

mod agents;
mod breakdown_csv;
mod calls_csv;
mod classify;
mod csv_table;
mod diff;
mod headline;
mod html;
mod json;
mod markdown;
mod outcomes;
mod parquet;
mod pricing;
mod reconcile;
mod report;
mod risk;
mod savings_csv;
mod terminal;

use std::io::{self, Write};

pub use agents::{AgentView, LocationView, agents_markdown, write_agents};
pub use breakdown_csv::{breakdowns, write_breakdowns};
pub use calls_csv::CallsCsvWriter;
pub use classify::{ClassCell, ClassDistribution};
pub use csv_table::CsvExporter;
pub use diff::PreviousReport;
pub use headline::{headline, wrap};
pub use html::HtmlExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use outcomes::{
    FailureCauseReport, FailuresReport, MeaningfulResponsesReport, ResponsesGroupReport,
    ResponsesGroupingReport, ResponsesReport, SessionReport, SessionsReport, TOP_SESSIONS,
    responses_of,
};
pub use parquet::write_calls_parquet;
pub use pricing::{PeriodView, current_prices, write_model_detail, write_price_list};
pub use reconcile::{ReconcileReport, write_reconcile};
pub use report::{
    ActionsReport, AmbiguousModel, Baseline, BaselineDiff, BillingLineReport, BlockedReport,
    ErrorReport, FindingReport, GateReport, GroupReport, GroupingReport, InputReport,
    LatencyReport, ModelChange, PolicyGroupReport, PolicyGroupingReport, PolicyReport,
    PricingReport, Report, RiskReport, RunRate, SCHEMA_VERSION, SessionsAbove, SpendPoint,
    TierRiskReport, latency_reports,
};
pub use risk::write_risk_priors;
pub use savings_csv::write_savings;
pub use terminal::{
    Detail, PIPED_WIDTH, TableExporter, new_table, write_comparison, write_comparison_in,
};

/// Writes a report in one format.
pub trait Exporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The formats `analyze` and `compare` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AnalysisFormat {
    /// Tables for a terminal, fitted to its width.
    #[default]
    Table,
    /// The full analysis as JSON, with a `schema_version`.
    Json,
    /// The policy summary as CSV.
    Csv,
    /// A compact summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
    /// One self-contained HTML file with charts.
    Html,
}

impl AnalysisFormat {
    /// The format a file name's extension implies (`report.md`, `report.html`…).
    pub fn from_extension(path: &std::path::Path) -> Option<AnalysisFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "json" => AnalysisFormat::Json,
            "csv" => AnalysisFormat::Csv,
            "md" | "markdown" => AnalysisFormat::Markdown,
            "html" | "htm" => AnalysisFormat::Html,
            "txt" => AnalysisFormat::Table,
            _ => return None,
        })
    }

    /// The exporter; `unicode` draws tables with box characters (for a terminal).
    pub fn exporter(self, unicode: bool) -> Box<dyn Exporter> {
        match self {
            AnalysisFormat::Table => Box::new(TableExporter {
                unicode,
                ..TableExporter::default()
            }),
            AnalysisFormat::Json => Box::new(JsonExporter),
            AnalysisFormat::Csv => Box::new(CsvExporter),
            AnalysisFormat::Markdown => Box::new(MarkdownExporter),
            AnalysisFormat::Html => Box::new(HtmlExporter),
        }
    }
}

/// The formats `--format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables for a terminal.
    #[default]
    Table,
    /// The full report as JSON.
    Json,
    /// The policy table as CSV.
    Csv,
}

impl ReportFormat {
    pub fn exporter(self) -> Box<dyn Exporter> {
        match self {
            ReportFormat::Table => Box::new(TableExporter::default()),
            ReportFormat::Json => Box::new(JsonExporter),
            ReportFormat::Csv => Box::new(CsvExporter),
        }
    }
}
