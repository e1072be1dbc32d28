//! `llm-audit analyze`: read the logs, price, classify and replay every call, print the report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;

use crate::aggregate::Summary;
use crate::classify::ClassifyRules;
use crate::cli::{AnalyzeArgs, InputArgs, PolicyArgs};
use crate::commands::ExitStatus;
use crate::commands::pricing::load_catalog;
use crate::export::{
    CallsCsvWriter, Exporter, LatencyReport, Report, ReportFormat, TableExporter, latency_reports,
};
use crate::ingest::{InputSource, discover_sources};
use crate::pipeline::{RowContext, RunOptions, RunOutput, run as run_pipeline};
use crate::policy::{
    DEFAULT_POLICIES, LatencyModels, Policy, PolicyOutcome, Priors, ReplayInput, Tokenizers,
    load_policy, replay,
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
}

impl InputSettings {
    pub fn from_args(args: InputArgs) -> anyhow::Result<InputSettings> {
        let sources = discover_sources(&args.paths)?;
        let catalog = load_catalog(&args.pricing)?;
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
            },
            tag_keys: Vec::new(),
            count_text_tokens: Vec::new(),
        })
    }

    /// Reads, prices and classifies every call.
    pub fn run(&self) -> RunOutput {
        let context = RowContext {
            catalog: &self.catalog,
            rules: &self.rules,
            tag_keys: &self.tag_keys,
            count_text_tokens: &self.count_text_tokens,
        };
        run_pipeline(&self.sources, context, self.options)
    }
}

/// Creates an output file up front, so a bad path fails before the work.
pub fn create_output(path: Option<PathBuf>) -> anyhow::Result<Option<(PathBuf, BufWriter<File>)>> {
    match path {
        Some(path) => {
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
        for key in policies.iter().flat_map(Policy::tag_keys) {
            if !input.tag_keys.iter().any(|k| k == key) {
                input.tag_keys.push(key.to_string());
            }
        }
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
    ) -> (Vec<PolicyOutcome>, Vec<LatencyReport>) {
        let latency = LatencyModels::fit(&run.rows, catalog, &self.priors);
        let input = ReplayInput {
            run,
            catalog,
            priors: &self.priors,
            risk: &self.risk,
            latency: &latency,
            tokenizers: &self.tokenizers,
        };
        let outcomes = self
            .policies
            .iter()
            .map(|policy| replay(policy, &input))
            .collect();
        (outcomes, latency_reports(&latency, catalog, &self.priors))
    }

    /// Runs the pipeline and the replays: the analysis both `analyze` and `compare` print.
    pub fn analyze(&self, input: &InputSettings) -> Analysis {
        let run = input.run();
        let catalog = &input.catalog;
        let summary = Summary::of(&run, catalog);
        let (policies, latency) = self.replay(&run, catalog);
        let mut report = Report::build(&run, &summary, catalog, &policies);
        report.latency_models = latency;
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

/// Validated settings of `analyze`.
pub struct AnalyzeSettings {
    pub input: InputSettings,
    pub policy: PolicySettings,
    pub format: ReportFormat,
    pub calls_csv: Option<(PathBuf, BufWriter<File>)>,
}

impl AnalyzeSettings {
    pub fn from_args(args: AnalyzeArgs) -> anyhow::Result<AnalyzeSettings> {
        let mut input = InputSettings::from_args(args.input)?;
        let policy = PolicySettings::from_args(args.policy, &mut input)?;
        Ok(AnalyzeSettings {
            input,
            policy,
            format: args.format,
            calls_csv: create_output(args.calls_csv)?,
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

/// Runs the pipeline and the replays.
pub fn analyze(settings: &AnalyzeSettings) -> Analysis {
    settings.policy.analyze(&settings.input)
}

/// Says on stderr which models the catalog could not price: their calls are left out of every
/// total, never counted as $0.
pub fn warn_unpriced(report: &Report) {
    for model in &report.unpriced_models {
        eprintln!(
            "warning: model `{}` is not in the price catalog: {} calls left unpriced",
            model.key, model.calls
        );
    }
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitStatus> {
    let mut settings = AnalyzeSettings::from_args(args)?;
    let analysis = analyze(&settings);
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
    warn_unpriced(&analysis.report);
    let stdout = std::io::stdout();
    let exporter: Box<dyn Exporter> = match settings.format {
        ReportFormat::Table => Box::new(TableExporter {
            unicode: stdout.is_terminal(),
        }),
        other => other.exporter(),
    };
    let mut out = BufWriter::new(stdout.lock());
    exporter
        .write(&analysis.report, &mut out)
        .and_then(|()| out.flush())
        .context("writing the report")?;
    Ok(ExitStatus::Success)
}
