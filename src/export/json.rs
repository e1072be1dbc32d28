//! The JSON report: the full analysis, pretty-printed, keys in a fixed order.

use std::io::{self, Write};

use crate::export::{Exporter, Report};

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        crate::escape::write_json(&mut *out, report)?;
        out.write_all(b"\n")
    }
}
