//! The Markdown summary: compact enough for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use std::io::{self, Write};

use crate::export::{Exporter, Report};

pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "# llm-audit: {} calls", report.calls)
    }
}
