//! Exporters: one trait, one file per output format.

mod calls_csv;
mod classify;
mod csv_table;
mod json;
mod pricing;
mod reconcile;
mod report;
mod risk;
mod terminal;

use std::io::{self, Write};

pub use calls_csv::CallsCsvWriter;
pub use classify::{ClassCell, ClassDistribution};
pub use csv_table::CsvExporter;
pub use json::JsonExporter;
pub use pricing::{PeriodView, current_prices, write_model_detail, write_price_list};
pub use reconcile::{ReconcileReport, write_reconcile};
pub use report::{
    ActionsReport, AmbiguousModel, Baseline, BillingLineReport, BlockedReport, ErrorReport,
    GroupReport, InputReport, LatencyReport, PolicyReport, PricingReport, Report, RiskReport,
    SCHEMA_VERSION, TierRiskReport, latency_reports,
};
pub use risk::write_risk_priors;
pub use terminal::{TableExporter, new_table, write_comparison};

/// Writes a report in one format.
pub trait Exporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
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
