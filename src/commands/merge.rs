//! `llm-audit merge`: partial results of sharded runs in, the report of one run over all their
//! inputs out.

use std::fs::File;

use anyhow::Context;

use crate::cli::MergeArgs;
use crate::commands::ExitStatus;
use crate::commands::analyze::{AnalyzeSettings, InputSettings, analyze_run, write_outputs};
use crate::pipeline::Assembler;
use crate::pipeline::partial::{Partial, merge_partials};

pub fn run(args: MergeArgs) -> anyhow::Result<ExitStatus> {
    // Before any output is created: none may be written over a partial.
    for path in &args.partials {
        crate::ingest::note_input(path);
    }
    let input = InputSettings::new(Vec::new(), args.read)?;
    let mut settings = AnalyzeSettings::with_input(input, args.policy, args.report, args.calls)?;
    let mut partials = Vec::with_capacity(args.partials.len());
    for path in &args.partials {
        let partial = if path.as_os_str() == "-" {
            Partial::open("-", Box::new(std::io::stdin()))?
        } else {
            let name = path.display().to_string();
            let file = File::open(path).with_context(|| format!("opening {name}"))?;
            Partial::open(&name, Box::new(file))?
        };
        partials.push(partial);
    }
    let (names, merge) = merge_partials(partials, &settings.input.partial_settings())?;
    // Results go into the run as they are read: the rows are held once.
    let mut assembler = Assembler::new(names, settings.input.options.spill_above);
    merge.read(|result| assembler.push(result))?;
    let run = assembler.finish(settings.input.options.keep_duplicates);
    let analysis = analyze_run(&settings, run);
    write_outputs(&mut settings, analysis)
}
