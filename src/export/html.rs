//! The HTML report: one self-contained file with charts. (Being written: issue 7.)

use std::io::{self, Write};

use crate::export::{Exporter, Report};

pub struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "<!doctype html><title>llm-audit</title><p>{} calls</p>",
            report.calls
        )
    }
}
