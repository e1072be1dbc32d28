//! `llm-audit analyze`: read the logs, price, classify and replay every call, print the report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::aggregate::{Filter, GroupIds, GroupKey, Grouping, Summary, Zone};
use crate::classify::ClassifyRules;
use crate::cli::{AnalyzeArgs, CallsArgs, InputArgs, PolicyArgs, ReadArgs, ReportArgs};
use crate::commands::ExitStatus;
use crate::commands::pricing::load_catalog;
use crate::escape::TerminalWriter;
use crate::export::{
    AnalysisFormat, BaselineDiff, CallsCsvWriter, Detail, Exporter, LatencyReport, PreviousReport,
    Report, TableExporter, latency_reports, responses_of, write_breakdowns, write_calls_parquet,
    write_savings,
};
use crate::gates::Gates;
use crate::ingest::{Environment, InputSource, discover_agents, discover_sources, is_object_url};
use crate::pipeline::partial::{PartialSettings, PartialWriter, Shard};
use crate::pipeline::{
    RowContext, RowSet, RunOptions, RunOutput, filter_rows, run as run_pipeline, run_selected,
};
use crate::policy::{
    CacheRules, DEFAULT_POLICIES, LatencyModels, Policy, PolicyOutcome, Priors, ReplayInput, Reuse,
    Tokenizers, load_policy, replay,
};
use crate::pricing::PriceCatalog;
use crate::risk::{CalibrationFile, RiskModel, RiskPriors};

/// The inputs found, the catalog and rules loaded: what every command that reads logs needs.
/// Building it fails in milliseconds on a bad path or file, before any long work.
pub struct InputSettings {
    pub sources: Vec<InputSource>,
    pub catalog: PriceCatalog,
    pub rules: ClassifyRules,
    pub options: RunOptions,
    /// Tag keys rows keep: those the policies match on.
    pub tag_keys: Vec<String>,
    /// Per catalog entry: count its calls' prompt tokens with the real tokenizers.
    pub count_text_tokens: Vec<bool>,
    /// The inputs named on the command line, as reports name them: one that cannot be read
    /// fails the run (exit 2); a file found in a folder that cannot be read is an error.
    pub named: Vec<String>,
}

impl InputSettings {
    /// Settings for the paths given, or, without any, for the coding agents' data found here.
    pub fn from_args(args: InputArgs) -> anyhow::Result<InputSettings> {
        let (sources, catalog) = if args.paths.is_empty() {
            let sources = agent_sources(&args.agents, args.read.no_progress)?;
            (sources, load_catalog(&args.read.pricing)?)
        } else {
            // Walking the folders given and reading the price catalog take some milliseconds
            // each: side by side.
            let (sources, catalog) = rayon::join(
                || discover_sources(&args.paths),
                || load_catalog(&args.read.pricing),
            );
            (sources?, catalog?)
        };
        let mut settings = InputSettings::with_catalog(sources, catalog, args.read)?;
        settings.named = args
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        Ok(settings)
    }

    /// The inputs named on the command line, or read from object storage, that could not be
    /// read, with the reason. (A file found in a folder that cannot be read is an error in the
    /// report, and the run goes on.)
    pub fn unreadable_named(&self, report: &Report) -> Vec<(String, String)> {
        report
            .inputs
            .iter()
            .filter(|input| self.named.contains(&input.path) || is_object_url(&input.path))
            .filter_map(|input| Some((input.path.clone(), input.read_error.clone()?)))
            .collect()
    }

    /// Settings for reading `sources` (none for `merge`, which reads partials).
    pub fn new(sources: Vec<InputSource>, args: ReadArgs) -> anyhow::Result<InputSettings> {
        let catalog = load_catalog(&args.pricing)?;
        InputSettings::with_catalog(sources, catalog, args)
    }

    /// [`InputSettings::new`] with the price catalog already loaded.
    fn with_catalog(
        sources: Vec<InputSource>,
        catalog: PriceCatalog,
        args: ReadArgs,
    ) -> anyhow::Result<InputSettings> {
        let rules = match &args.rules {
            Some(path) => ClassifyRules::from_file(path)?,
            None => ClassifyRules::default(),
        };
        let progress = !args.no_progress && std::io::stderr().is_terminal();
        Ok(InputSettings {
            sources,
            catalog,
            rules,
            options: RunOptions {
                forced_format: args.input_format,
                progress,
                keep_duplicates: args.no_dedupe,
                spill_above: Some(args.spill_above.saturating_mul(1 << 20)),
                max_line_bytes: Some((args.max_line_mib as usize) << 20),
            },
            tag_keys: Vec::new(),
            count_text_tokens: Vec::new(),
            named: Vec::new(),
        })
    }

    /// Rows will keep these tag keys too (for grouping or filtering).
    pub fn keep_tags<'k>(&mut self, keys: impl IntoIterator<Item = &'k str>) {
        for key in keys {
            if !self.tag_keys.iter().any(|k| k == key) {
                self.tag_keys.push(key.to_string());
            }
        }
    }

    /// What pricing and classifying a record reads.
    pub(crate) fn context(&self) -> RowContext<'_> {
        RowContext {
            catalog: &self.catalog,
            rules: &self.rules,
            tag_keys: &self.tag_keys,
            count_text_tokens: &self.count_text_tokens,
            keep_all_tags: false,
        }
    }

    /// Reads, prices and classifies every call.
    pub fn run(&self) -> RunOutput {
        run_pipeline(&self.sources, self.context(), self.options)
    }

    /// What the rows depend on besides the logs: partials are merged only under the same.
    pub fn partial_settings(&self) -> PartialSettings {
        PartialSettings {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            catalog: self.catalog.fingerprint(),
            rules: xxh3_64(format!("{:?}", self.rules).as_bytes()),
            input_format: self.options.forced_format,
            tag_keys: self.tag_keys.clone(),
            count_text_tokens: self.count_text_tokens.clone(),
        }
    }

    /// Reads the sources `shard` takes (all without one) and writes them as a partial result
    /// to `path` (`-`: stdout).
    pub fn emit_partial(&self, shard: Option<Shard>, path: &Path) -> anyhow::Result<()> {
        // Created before the run, so a bad path fails before the work.
        let file = if path.as_os_str() == "-" {
            None
        } else {
            crate::ingest::refuse_input(path)?;
            Some(File::create(path).with_context(|| format!("creating {}", path.display()))?)
        };
        let takes = |index: u32| shard.is_none_or(|shard| shard.takes(index));
        let processed: Vec<u32> = (0..self.sources.len() as u32)
            .filter(|&i| takes(i))
            .collect();
        let listing: Vec<String> = self.sources.iter().map(InputSource::display_name).collect();
        let settings = self.partial_settings();
        let (out, name): (Box<dyn Write>, String) = match file {
            Some(file) => (Box::new(file), path.display().to_string()),
            // A partial is binary, for `merge`: no terminal is meant to show it.
            #[allow(clippy::disallowed_methods)]
            None => (
                Box::new(std::io::stdout().lock()),
                "the partial to stdout".into(),
            ),
        };
        let writing = || format!("writing {name}");
        let mut writer = PartialWriter::start(out, &settings, &listing, shard, &processed)
            .with_context(writing)?;
        // Each piece is written as soon as it is done; the first failure stops the writing and
        // is reported once the run is over.
        let mut failed = None;
        run_selected(
            &self.sources,
            self.context(),
            self.options,
            takes,
            |result| {
                if failed.is_none() {
                    failed = writer.push(&result).err();
                }
            },
        );
        if let Some(err) = failed {
            return Err(err).with_context(writing);
        }
        writer.finish().with_context(writing)
    }
}

/// The files of the coding agents found on this machine (of `agents` only, when it names any),
/// each read as its agent's format; what was found is said on stderr unless `quiet`. Finding
/// nothing is an error: a run over no input would report nothing, silently.
pub(crate) fn agent_sources(agents: &[String], quiet: bool) -> anyhow::Result<Vec<InputSource>> {
    let found = discover_agents(&Environment::current(), agents);
    let mut sources = Vec::new();
    for data in found.iter().filter(|data| !data.sources.is_empty()) {
        if !quiet {
            let folders: Vec<String> = data
                .locations
                .iter()
                .filter(|location| location.files > 0)
                .map(|location| location.path.display().to_string())
                .collect();
            let files = crate::human::plural(data.sources.len() as u64, "file", "files");
            crate::diag!("{}: {files} in {}", data.label, folders.join(", "));
        }
        sources.extend(data.sources.iter().cloned());
    }
    if sources.is_empty() {
        let looked: Vec<String> = found
            .iter()
            .flat_map(|data| &data.locations)
            .map(|location| location.path.display().to_string())
            .collect();
        let looked = if looked.is_empty() {
            "no home folder is set".to_string()
        } else {
            format!("looked in {}", looked.join(", "))
        };
        anyhow::bail!(
            "no coding agent data found ({looked}); name the log files or folders to read \
             (`llm-audit agents` lists where each agent keeps its data)"
        );
    }
    Ok(sources)
}

/// Says on stderr which named inputs could not be read ([`InputSettings::unreadable_named`]),
/// and turns `status` into an error if any could not.
pub fn fail_on_unreadable(unreadable: &[(String, String)], status: ExitStatus) -> ExitStatus {
    for (path, reason) in unreadable {
        crate::diag!("error: {path}: {reason}");
    }
    if unreadable.is_empty() {
        status
    } else {
        ExitStatus::Error
    }
}

/// Creates an output file up front, so a bad path fails before the work.
pub fn create_output(path: Option<PathBuf>) -> anyhow::Result<Option<(PathBuf, BufWriter<File>)>> {
    match path {
        Some(path) => {
            crate::ingest::refuse_input(&path)?;
            let file =
                File::create(&path).with_context(|| format!("creating {}", path.display()))?;
            Ok(Some((path, BufWriter::new(file))))
        }
        None => Ok(None),
    }
}

/// The policies to replay, loaded and checked, and what rating them needs.
pub struct PolicySettings {
    /// The baseline first, then each named policy once.
    pub policies: Vec<Policy>,
    pub priors: Priors,
    pub risk: RiskModel,
    pub tokenizers: Tokenizers,
}

impl PolicySettings {
    /// Loads the named policies (the single-idea built-ins when none is named) against the
    /// catalog, so a bad policy file fails before any log is read. Rows will keep the tags the
    /// policies match on.
    pub fn from_args(
        args: PolicyArgs,
        input: &mut InputSettings,
    ) -> anyhow::Result<PolicySettings> {
        let priors = Priors::embedded().map_err(anyhow::Error::msg)?;
        let risk = load_risk_model(args.risk_calibration.as_deref())?;
        let named: Vec<String> = if args.policies.is_empty() {
            DEFAULT_POLICIES
                .iter()
                .map(|name| name.to_string())
                .collect()
        } else {
            args.policies
        };
        let mut policies: Vec<Policy> = vec![load_policy("baseline", &input.catalog)?];
        for spec in &named {
            let policy = load_policy(spec, &input.catalog)?;
            if policies.iter().any(|p| p.name == policy.name) {
                continue;
            }
            policies.push(policy);
        }
        let tokenizers = Tokenizers::embedded().map_err(anyhow::Error::msg)?;
        input.count_text_tokens = count_text_for(&policies, &input.catalog, &tokenizers);
        input.keep_tags(policies.iter().flat_map(Policy::tag_keys));
        Ok(PolicySettings {
            policies,
            priors,
            risk,
            tokenizers,
        })
    }

    /// Replays the run under every policy; also returns the latency models fitted on it.
    pub fn replay(
        &self,
        run: &RunOutput,
        catalog: &PriceCatalog,
        grouping: Grouping,
    ) -> (Vec<PolicyOutcome>, Vec<LatencyReport>) {
        let groups = GroupIds::new(grouping, run);
        let latency = LatencyModels::fit(run.rows.iter(), catalog, &self.priors);
        // Read off the rows once for every policy, and only when one of them caches.
        let reuse = if self.policies.iter().any(Policy::caches) {
            Reuse::of(&run.rows)
        } else {
            Reuse::default()
        };
        let input = ReplayInput {
            run,
            catalog,
            priors: &self.priors,
            risk: &self.risk,
            latency: &latency,
            tokenizers: &self.tokenizers,
            groups: &groups,
            reuse: &reuse,
            cache_rules: &CacheRules::new(catalog),
        };
        // Policies replay side by side: one's serial cache pass overlaps another's parallel
        // blocks.
        let outcomes = self
            .policies
            .par_iter()
            .map(|policy| replay(policy, &input))
            .collect();
        (outcomes, latency_reports(&latency, catalog, &self.priors))
    }

    /// Runs the pipeline, keeps the calls the view's filter keeps, and replays them: the
    /// analysis both `analyze` and `compare` print.
    pub fn analyze(&self, input: &InputSettings, view: &View) -> Analysis {
        self.analyze_run(input.run(), &input.catalog, view)
    }

    /// Keeps the calls of a finished run that the view's filter keeps, and replays them.
    pub fn analyze_run(&self, mut run: RunOutput, catalog: &PriceCatalog, view: &View) -> Analysis {
        if !view.filter.is_empty() {
            let mut filtered = RowSet::new(run.rows.len());
            for (index, row) in run.rows.iter().enumerate() {
                if !view.filter.keeps(&row, &run, catalog) {
                    filtered.insert(index);
                }
            }
            filter_rows(&mut run, filtered);
        }
        let summary = Summary::of(&run, catalog, &view.grouping);
        // Savings by model, tier and task, and by the keys the report groups by.
        let mut savings = Grouping {
            keys: vec![GroupKey::Model, GroupKey::Tier, GroupKey::Task],
            zone: view.grouping.zone,
        };
        for key in &view.grouping.keys {
            if !savings.keys.contains(key) {
                savings.keys.push(key.clone());
            }
        }
        let (policies, latency) = self.replay(&run, catalog, savings);
        let mut report = Report::build(&run, &summary, catalog, &policies);
        report.latency_models = latency;
        (report.meaningful_responses, report.failures) =
            responses_of(&run, catalog, &view.grouping);
        report.timezone = view.grouping.zone.to_string();
        report.filters = view.filter.describe();
        Analysis {
            run,
            summary,
            policies,
            report,
        }
    }
}

/// Which catalog entries' calls get their prompt text counted with the real tokenizers: a
/// count only changes a move's token ratio when cl100k is on one side, so the calls of cl100k
/// models when a policy names a target, and every call when a named target is cl100k.
fn count_text_for(
    policies: &[Policy],
    catalog: &PriceCatalog,
    tokenizers: &Tokenizers,
) -> Vec<bool> {
    let named: Vec<&str> = policies.iter().flat_map(Policy::named_models).collect();
    if named.is_empty() {
        return Vec::new();
    }
    let cl100k = |entry| tokenizers.is_cl100k(tokenizers.family(entry));
    let to_cl100k = named.iter().any(|id| {
        catalog
            .resolve(id, None)
            .is_some_and(|index| cl100k(catalog.entry(index)))
    });
    catalog
        .entries()
        .iter()
        .map(|entry| to_cl100k || cl100k(entry))
        .collect()
}

/// Which calls a report covers and how it groups them.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub filter: Filter,
    pub grouping: Grouping,
}

/// Where the report goes: a file, or stdout.
pub enum Output {
    Stdout,
    File(PathBuf, BufWriter<File>),
}

/// The report's settings, validated before any log is read: view, format, outputs, the
/// previous report to compare with, and the gates.
pub struct ReportSettings {
    pub view: View,
    pub format: AnalysisFormat,
    /// How much the table format shows.
    pub detail: Detail,
    pub output: Output,
    pub breakdown_csv: Option<(PathBuf, BufWriter<File>)>,
    pub savings_csv: Option<(PathBuf, BufWriter<File>)>,
    pub baseline: Option<(String, PreviousReport)>,
    pub gates: Gates,
}

impl ReportSettings {
    /// Checks the arguments and creates the output files; rows will keep the tag keys the
    /// grouping and filters read.
    pub fn from_args(
        args: ReportArgs,
        input: &mut InputSettings,
    ) -> anyhow::Result<ReportSettings> {
        let zone: Zone = args.timezone.parse().map_err(anyhow::Error::msg)?;
        let mut filter = Filter::default();
        if let Some(since) = &args.since {
            filter.since_ms = Some(
                zone.bound(since, false)
                    .map_err(|err| anyhow::anyhow!("--since: {err}"))?,
            );
        }
        if let Some(until) = &args.until {
            filter.until_ms = Some(
                zone.bound(until, true)
                    .map_err(|err| anyhow::anyhow!("--until: {err}"))?,
            );
        }
        if let (Some(since), Some(until)) = (filter.since_ms, filter.until_ms)
            && since >= until
        {
            anyhow::bail!("--since must come before --until");
        }
        for pattern in &args.models {
            filter
                .add_model(pattern)
                .map_err(|err| anyhow::anyhow!("--model: {err}"))?;
        }
        filter.providers = args.providers.clone();
        for tag in &args.tags {
            filter
                .add_tag(tag)
                .map_err(|err| anyhow::anyhow!("--tag: {err}"))?;
        }
        let mut keys: Vec<GroupKey> = Vec::new();
        for name in &args.group_by {
            let key: GroupKey = name
                .parse()
                .map_err(|err| anyhow::anyhow!("--group-by: {err}"))?;
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        input.keep_tags(filter.tag_keys());
        input.keep_tags(keys.iter().filter_map(GroupKey::tag_key));
        let format = args
            .format
            .or_else(|| {
                args.output
                    .as_deref()
                    .and_then(AnalysisFormat::from_extension)
            })
            .unwrap_or_default();
        let baseline = match &args.baseline_report {
            Some(path) => Some((path.display().to_string(), PreviousReport::read(path)?)),
            None => None,
        };
        let gates = Gates::from_args(&args.gates)?;
        let output = match args.output {
            Some(path) if path.as_os_str() != "-" => match create_output(Some(path))? {
                Some((path, writer)) => Output::File(path, writer),
                None => Output::Stdout,
            },
            _ => Output::Stdout,
        };
        Ok(ReportSettings {
            view: View {
                filter,
                grouping: Grouping { keys, zone },
            },
            format,
            detail: if args.summary {
                Detail::Summary
            } else if args.full {
                Detail::Full
            } else {
                Detail::Standard
            },
            output,
            breakdown_csv: create_output(args.breakdown_csv)?,
            savings_csv: create_output(args.savings_csv)?,
            baseline,
            gates,
        })
    }

    /// Adds the comparison with the previous report and the gates' verdicts to the report.
    pub fn complete(&self, report: &mut Report) {
        if let Some((name, previous)) = &self.baseline {
            report.baseline_diff = Some(BaselineDiff::between(name, previous, report));
        }
        report.gates = self.gates.check(report);
    }

    /// Writes the report (and the breakdown CSV) where the settings say; `table` draws the
    /// terminal format (analyze's report or compare's side-by-side table). Returns the exit
    /// status: 1 when a gate tripped, each reason on stderr.
    pub fn write(
        &mut self,
        report: &Report,
        table: impl Fn(&Report, bool, &mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<ExitStatus> {
        if let Some((path, writer)) = self.breakdown_csv.as_mut() {
            write_breakdowns(report, &mut *writer)
                .and_then(|()| writer.flush())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some((path, writer)) = self.savings_csv.as_mut() {
            write_savings(report, &mut *writer)
                .and_then(|()| writer.flush())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let format = self.format;
        let write = |out: &mut dyn Write, unicode: bool| match format {
            AnalysisFormat::Table => table(report, unicode, out),
            other => other.exporter(unicode).write(report, out),
        };
        let human = format == AnalysisFormat::Table;
        match &mut self.output {
            Output::File(path, writer) if human => {
                let mut out = TerminalWriter::new(&mut *writer);
                write(&mut out, false)
                    .and_then(|()| out.flush())
                    .with_context(|| format!("writing {}", path.display()))?
            }
            Output::File(path, writer) => write(&mut *writer, false)
                .and_then(|()| writer.flush())
                .with_context(|| format!("writing {}", path.display()))?,
            Output::Stdout => {
                let (unicode, mut out) = crate::escape::report_stdout(human);
                write(&mut out, unicode)
                    .and_then(|()| out.flush())
                    .context("writing the report")?;
            }
        }
        let mut status = ExitStatus::Success;
        for gate in report.gates.iter().filter(|g| g.tripped) {
            crate::diag!("gate tripped: --{}: {}", gate.gate, gate.message);
            status = ExitStatus::GateTripped;
        }
        Ok(status)
    }
}

/// Validated settings of `analyze`.
pub struct AnalyzeSettings {
    pub input: InputSettings,
    pub policy: PolicySettings,
    pub report: ReportSettings,
    pub calls_csv: Option<(PathBuf, BufWriter<File>)>,
    pub calls_parquet: Option<PathBuf>,
}

impl AnalyzeSettings {
    pub fn from_args(args: AnalyzeArgs) -> anyhow::Result<AnalyzeSettings> {
        let input = InputSettings::from_args(args.input)?;
        AnalyzeSettings::with_input(input, args.policy, args.report, args.calls)
    }

    /// The settings for reading with `input` (`merge` reads partials instead of logs).
    pub fn with_input(
        mut input: InputSettings,
        policy: PolicyArgs,
        report: ReportArgs,
        calls: CallsArgs,
    ) -> anyhow::Result<AnalyzeSettings> {
        let policy = PolicySettings::from_args(policy, &mut input)?;
        let report = ReportSettings::from_args(report, &mut input)?;
        // Always, so that partials and merges agree whatever files they write.
        input.keep_tags(crate::aggregate::SPEND_TAGS);
        if let Some(path) = &calls.calls_parquet {
            crate::ingest::refuse_input(path)?;
        }
        Ok(AnalyzeSettings {
            input,
            policy,
            report,
            calls_csv: create_output(calls.calls_csv)?,
            calls_parquet: calls.calls_parquet,
        })
    }
}

/// The embedded risk priors, updated by a calibration file when one is given.
pub fn load_risk_model(calibration: Option<&std::path::Path>) -> anyhow::Result<RiskModel> {
    let priors = RiskPriors::embedded().map_err(anyhow::Error::msg)?;
    match calibration {
        None => Ok(RiskModel::prior(priors)),
        Some(path) => {
            let file = CalibrationFile::read(path)?;
            RiskModel::calibrated(priors, file)
                .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
        }
    }
}

/// Everything an analysis produced, for commands and tests that want more than the printout.
pub struct Analysis {
    pub run: RunOutput,
    pub summary: Summary,
    pub policies: Vec<PolicyOutcome>,
    pub report: Report,
}

/// Runs the pipeline and the replays, and completes the report (baseline diff, gates).
pub fn analyze(settings: &AnalyzeSettings) -> Analysis {
    analyze_run(settings, settings.input.run())
}

/// Replays a finished run (read from logs, or merged from partials) and completes the report.
pub fn analyze_run(settings: &AnalyzeSettings, run: RunOutput) -> Analysis {
    let mut analysis =
        settings
            .policy
            .analyze_run(run, &settings.input.catalog, &settings.report.view);
    settings.report.complete(&mut analysis.report);
    analysis
}

/// Says on stderr which models the catalog could not price: their calls are left out of every
/// total, never counted as $0.
pub fn warn_unpriced(report: &Report) {
    for model in &report.unpriced_models {
        crate::diag!(
            "warning: model `{}` is not in the price catalog: {} {} left unpriced",
            model.key,
            model.calls,
            if model.calls == 1 { "call" } else { "calls" }
        );
    }
}

pub fn run(mut args: AnalyzeArgs) -> anyhow::Result<ExitStatus> {
    if let Some(location) = args.history.take() {
        return crate::commands::history::analyze(args, location);
    }
    let (shard, emit_partial) = (args.shard, args.emit_partial.clone());
    let mut settings = AnalyzeSettings::from_args(args)?;
    if let Some(path) = emit_partial {
        settings.input.emit_partial(shard, &path)?;
        return Ok(ExitStatus::Success);
    }
    let analysis = analyze(&settings);
    let unreadable = settings.input.unreadable_named(&analysis.report);
    let status = write_outputs(&mut settings, analysis)?;
    Ok(fail_on_unreadable(&unreadable, status))
}

/// Writes the per-call files and the report of a finished analysis; returns the exit status.
pub fn write_outputs(
    settings: &mut AnalyzeSettings,
    analysis: Analysis,
) -> anyhow::Result<ExitStatus> {
    if let Some((path, writer)) = settings.calls_csv.as_mut() {
        CallsCsvWriter::write(
            &analysis.run,
            &settings.input.catalog,
            &settings.input.rules,
            &mut *writer,
        )
        .and_then(|()| writer.flush())
        .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &settings.calls_parquet {
        write_calls_parquet(
            &analysis.run,
            &settings.input.catalog,
            &settings.input.rules,
            path,
        )?;
    }
    warn_unpriced(&analysis.report);
    let detail = settings.report.detail;
    settings
        .report
        .write(&analysis.report, |report, unicode, out| {
            TableExporter {
                unicode,
                detail,
                width: None,
            }
            .write(report, out)
        })
}
