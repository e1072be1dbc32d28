//! Command-line arguments (clap derive). Raw arguments only: `commands` turns them into
//! validated settings before any long work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

use crate::export::{AnalysisFormat, ReportFormat};
use crate::ingest::InputFormat;
use crate::pipeline::partial::Shard;

/// Audit LLM spend from the logs you already have, and see what cheaper routing would save.
///
/// llm-audit prices every logged call by the provider's rules, classifies it, and replays it
/// under routing policies (cheaper models for simple calls, prompt caching, batch), printing
/// cost, latency and quality-risk side by side. Nothing leaves your machine.
///
/// Exit codes: 0 success; 1 a --fail-* gate tripped (the reason is on stderr); 2 error (bad
/// arguments, unreadable input paths, no coding agent data found when no path is given,
/// invalid catalog or policy file, partials `merge` cannot put together, an output that
/// cannot be written).
#[derive(Debug, Parser)]
#[command(
    name = "llm-audit",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Price, classify and replay every call in the given logs, and print the report.
    Analyze(AnalyzeArgs),
    /// Replay the logs under several routing policies and print them side by side: cost,
    /// savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and
    /// which policies are dominated on cost and risk.
    Compare(CompareArgs),
    /// List the built-in routing policies, show one, or validate policy files.
    Policies(PoliciesCommand),
    /// Classify every call (task, tier, verifiability) and print the distribution by tier and
    /// task, as shares of calls and of spend.
    Classify(ClassifyArgs),
    /// Turn outcomes you measured on candidate models into a calibration file for
    /// `analyze --risk-calibration`.
    Calibrate(CalibrateArgs),
    /// Inspect the quality-risk model.
    Risk(RiskCommand),
    /// Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is
    /// byte for byte the one a single `analyze` over all the inputs prints. Pass the same
    /// pricing, rules, policy and report flags as the shards had.
    Merge(MergeArgs),
    /// Compare traces with billing exports: how much of the bill the traces explain, per
    /// provider, model and day.
    Reconcile(ReconcileArgs),
    /// Inspect and validate the price catalog (and any override files).
    Pricing(PricingCommand),
    /// The coding agents llm-audit reads, where each keeps its data on this machine (variables
    /// that move it included) and how many of its files are there.
    Agents(AgentsArgs),
    /// Keep a history of calls that outlives the logs (agents delete old sessions, gateways
    /// expire their logs): add logs to it, see what it holds, compact it, forget old months.
    /// `analyze --history` reports over it.
    History(HistoryCommand),
    /// Print a shell completion script (or write all of them to a folder).
    Completions(CompletionsArgs),
}

/// The logs to read, and how to read, price and classify them; shared by the commands that
/// read logs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Log files or folders (walked recursively for .jsonl/.json/.ndjson/.log, optionally .gz
    /// or .zst); `-` reads stdin. Without any, the data every coding agent keeps on this
    /// machine is read (`llm-audit agents` shows where).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Without PATHs: read only this coding agent's data (repeatable or comma-separated).
    #[arg(
        long = "agent",
        value_name = "NAME",
        value_delimiter = ',',
        value_parser = clap::builder::PossibleValuesParser::new(crate::ingest::agent_names()),
        conflicts_with = "paths"
    )]
    pub agents: Vec<String>,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// How records are read, priced and classified: what `merge` needs to repeat as the shards had
/// it.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Read every input as this format instead of detecting it per file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, alias = "quiet", short = 'q')]
    pub no_progress: bool,

    /// Count every record, even when two sources show the same call (same response or
    /// request id); by default such calls are counted once.
    #[arg(long)]
    pub no_dedupe: bool,

    /// Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more
    /// than this many MiB, and sort the lists made over them through files past a quarter of
    /// it each, so that memory stays flat on large inputs; 0 always does.
    #[arg(long, value_name = "MIB", default_value_t = 32)]
    pub spill_above: usize,

    /// The longest line read, in MiB: a longer line is counted as an error and skipped, so one
    /// hostile line cannot take the machine's memory (a JSON document may take 1 GiB or this).
    #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_line_mib: u64,

    /// Classification rules (TOML): calls matching a rule's tags, model or sizes get the task,
    /// tier or verifiability it sets, overriding the classifier (see the README).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub calls: CallsArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Read only the K-th of N slices of the inputs (every N-th file of the sorted list,
    /// starting at the K-th), to spread one audit over N machines; needs --emit-partial.
    #[arg(long, value_name = "K/N", requires = "emit_partial")]
    pub shard: Option<Shard>,

    /// Write the parsed calls as a partial result to FILE (`-`: stdout) instead of a report;
    /// `llm-audit merge` puts partials together into the report a single run would print.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["output", "breakdown_csv", "savings_csv", "calls_csv", "calls_parquet"]
    )]
    pub emit_partial: Option<PathBuf>,

    /// Report over the calls stored in the history too (`history add`), plus any PATHs named:
    /// `--history` alone uses the default store (`LLM_AUDIT_HISTORY`, else
    /// `$XDG_DATA_HOME/llm-audit/history`), `--history=DIR|URL` names one. Without PATHs, no
    /// agent data is read besides the store.
    #[arg(
        long,
        value_name = "DIR|URL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "",
        conflicts_with_all = ["shard", "emit_partial", "agents"]
    )]
    pub history: Option<String>,

    /// With --history: the machine this run counts as (named logs are tagged with it); the
    /// host's name by default.
    #[arg(long, value_name = "NAME", requires = "history")]
    pub machine: Option<String>,
}

/// Per-call outputs besides the report.
#[derive(Debug, Args)]
pub struct CallsArgs {
    /// Also write one CSV row per call (ids, tokens, cost, classification; never prompt text).
    #[arg(long, value_name = "FILE")]
    pub calls_csv: Option<PathBuf>,

    /// Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark
    /// or a warehouse.
    #[arg(long, value_name = "FILE")]
    pub calls_parquet: Option<PathBuf>,
}

/// `llm-audit merge`: partial results in, the report of a single run out.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial results written by `analyze --emit-partial` (`-` reads one from stdin).
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<PathBuf>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub calls: CallsArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// What a report covers, how it groups, where it goes, and the CI gates; shared by `analyze`
/// and `compare`.
#[derive(Debug, Args, Default)]
pub struct ReportArgs {
    /// Report format (default: from the `--output` file's extension, else `table`).
    #[arg(long, value_enum)]
    pub format: Option<AnalysisFormat>,

    /// Write the report to this file instead of stdout (`-`: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The table format shows the headline alone: what was spent, what to change, what it
    /// saves and at what risk.
    #[arg(long, conflicts_with = "full")]
    pub summary: bool,

    /// The table format shows everything: exact token counts, every policy measure, risk by
    /// tier, latency models and sample call ids, tables at their full width.
    #[arg(long)]
    pub full: bool,

    /// Also break spend down by these keys: model, provider, day, week, month, tier, task,
    /// session, agent, machine (with --history), project, user, feature, or tag:KEY for any
    /// tag. Repeatable or comma-separated.
    #[arg(long, value_name = "KEY", value_delimiter = ',')]
    pub group_by: Vec<String>,

    /// Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or
    /// RFC 3339 with an offset.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only calls before this time; a bare date includes that whole day.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// The zone days, weeks and months are cut in, and --since/--until are read in: an IANA
    /// name (Europe/Berlin), UTC, or an offset (+05:30).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub timezone: String,

    /// Only calls of models matching this glob (logged name or catalog id). Repeatable.
    #[arg(long = "model", value_name = "GLOB")]
    pub models: Vec<String>,

    /// Only calls of this provider (openai, anthropic, google…). Repeatable.
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,

    /// Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must
    /// match.
    #[arg(long = "tag", value_name = "KEY=GLOB")]
    pub tags: Vec<String>,

    /// Also write every breakdown (by model, provider, tier, task, day and each --group-by
    /// key) as one long CSV: grouping, key, calls, tokens, cost.
    #[arg(long, value_name = "FILE")]
    pub breakdown_csv: Option<PathBuf>,

    /// Also write each policy's savings by where they come from as CSV: a row per policy and
    /// group of model, tier, task and each --group-by key (cost, savings with and without
    /// risk, changed and expected degraded calls); a policy's rows of one grouping add up to
    /// its totals.
    #[arg(long, value_name = "FILE")]
    pub savings_csv: Option<PathBuf>,

    /// Compare with a previous JSON report: spend change by model, new models, new unpriced
    /// models.
    #[arg(long, value_name = "OLD.json")]
    pub baseline_report: Option<PathBuf>,

    #[command(flatten)]
    pub gates: GateArgs,
}

/// CI gates: exit 1, with the reason on stderr, when one trips.
#[derive(Debug, Args, Default)]
pub struct GateArgs {
    /// Fail when a policy would save more than PCT percent of the spend (more than the team
    /// accepts leaving on the table).
    #[arg(long, value_name = "PCT")]
    pub fail_if_savings_above: Option<f64>,

    /// Fail when a policy's expected degraded answers exceed PCT percent of the calls.
    #[arg(long, value_name = "PCT")]
    pub fail_if_risk_above: Option<f64>,

    /// Fail when any call's model is not in the price catalog.
    #[arg(long)]
    pub fail_on_unpriced: bool,

    /// Fail when the logged spend exceeds USD.
    #[arg(long, value_name = "USD")]
    pub fail_if_cost_above: Option<f64>,

    /// Fail when any session (calls sharing a session, conversation or trace id) cost more
    /// than USD.
    #[arg(long, value_name = "USD")]
    pub fail_if_session_cost_above: Option<f64>,

    /// Fail when spend grew by more than PCT percent over the --baseline-report.
    #[arg(long, value_name = "PCT", requires = "baseline_report")]
    pub fail_if_cost_increase_above: Option<f64>,
}

/// The policies to replay and how to rate their risk; shared by `analyze` and `compare`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or
    /// a policy file (TOML). Repeatable; default: every single-idea built-in.
    #[arg(long = "policy", value_name = "NAME|FILE")]
    pub policies: Vec<String>,

    /// Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels)
    /// instead of the priors alone.
    #[arg(long, value_name = "FILE")]
    pub risk_calibration: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct PoliciesCommand {
    #[command(subcommand)]
    pub action: Option<PoliciesAction>,

    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Subcommand)]
pub enum PoliciesAction {
    /// The built-in policies with their rules (the default).
    List {
        /// Output format (`table` or `json`).
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Print a built-in policy's file, to start your own from.
    Show {
        /// Built-in policy name.
        name: String,
    },
    /// Validate policy files: syntax, match conditions, actions and model names against the
    /// catalog. Errors give the line; exits 2 on the first bad file.
    Check {
        /// Policy files (TOML).
        #[arg(required = true, value_name = "FILE")]
        policy_files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Distribution format on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Also write one CSV row per call with its task, tier, confidence and reasons.
    #[arg(long, value_name = "FILE")]
    pub calls_csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Measured outcomes on candidate models (CSV with a header, or JSON Lines): `call_id`,
    /// `candidate_model`, and `passed` (true/false) or `score` (with `threshold`).
    #[arg(long, required = true, value_name = "FILE")]
    pub labels: PathBuf,

    /// A score at or above this passes (for labels with a score and no threshold column).
    #[arg(long, value_name = "SCORE")]
    pub threshold: Option<f64>,

    /// Where to write the calibration file (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RiskCommand {
    #[command(subcommand)]
    pub action: RiskAction,
}

#[derive(Debug, Subcommand)]
pub enum RiskAction {
    /// The prior degradation rates by tier, task type and capability gap, the checks' catch
    /// rates, and the public sources each rests on.
    Priors {
        /// Output format (`table` or `json`).
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
}

/// Price catalog overrides, shared by every command that prices.
#[derive(Debug, Args, Default)]
pub struct PricingArgs {
    /// Override or add catalog entries from a file in llm-audit's schema (TOML, or JSON);
    /// also maps Azure deployment names (`[deployments]`). Repeatable; later files win.
    #[arg(long = "pricing", value_name = "FILE", global = true)]
    pub files: Vec<PathBuf>,

    /// Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the
    /// table many teams already maintain). Applied before `--pricing` files.
    #[arg(long = "pricing-litellm", value_name = "FILE", global = true)]
    pub litellm: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PricingCommand {
    #[command(subcommand)]
    pub action: PricingAction,

    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Subcommand)]
pub enum PricingAction {
    /// One line per model: current prices, tier and source.
    List {
        /// Only this provider's models (openai, anthropic, google, deepseek, mistral, xai,
        /// meta, qwen).
        #[arg(long, value_name = "PROVIDER")]
        provider: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Everything the catalog knows about a model: every price, its history, source and
    /// capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name).
    Show {
        /// Model name.
        model: String,
        /// Output format (`table` or `json`).
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Validate the catalog and any override files: prices, price periods, aliases,
    /// downgrade targets. Exits 2 on a problem.
    Check,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Trace or log files or folders, as for `analyze`; `-` reads stdin.
    #[arg(required = true, value_name = "TRACES")]
    pub traces: Vec<PathBuf>,

    /// Billing exports (files or folders; repeatable).
    #[arg(long, required = true, num_args = 1.., value_name = "EXPORT")]
    pub billing: Vec<PathBuf>,

    /// Read every trace file as this format instead of detecting it per file.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// Report format on stdout (`csv`: one row per provider, model and day).
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Count every trace record, even when two sources show the same call.
    #[arg(long)]
    pub no_dedupe: bool,

    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, alias = "quiet", short = 'q')]
    pub no_progress: bool,

    #[command(flatten)]
    pub pricing: PricingArgs,
}

#[derive(Debug, Args)]
pub struct AgentsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for.
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<Shell>,

    /// Write completions for every supported shell into this folder instead.
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

/// `llm-audit history`: a store of calls that outlives the logs.
#[derive(Debug, Args)]
pub struct HistoryCommand {
    #[command(subcommand)]
    pub action: HistoryAction,

    /// The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`,
    /// `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else
    /// `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`).
    #[arg(long, global = true, value_name = "DIR|URL")]
    pub history: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Read logs (no PATH: every coding agent's data found here) and store each call's
    /// compact row, never prompt text. Sources already stored unchanged are skipped; a
    /// changed one is read again and replaces its earlier reading.
    Add {
        #[command(flatten)]
        input: InputArgs,

        /// Tag the calls with this machine name (letters, digits, `.`, `_`, `-`); default:
        /// `LLM_AUDIT_MACHINE`, else the host's name.
        #[arg(long, value_name = "NAME")]
        machine: Option<String>,

        /// Read every source again, even unchanged ones (to classify them with this version).
        #[arg(long)]
        reread: bool,

        /// Do not count prompt tokens with the real tokenizers (faster; policies that move
        /// calls across tokenizer families then estimate the ratio).
        #[arg(long)]
        no_text_tokens: bool,
    },
    /// What the store holds: calls, days, sources, agents, machines, files and bytes.
    Status {
        /// Output format (`table` or `json`).
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Merge each month's files into one and drop readings that later ones replaced; reports
    /// stay the same.
    Compact,
    /// Remove the calls of every month before DATE's month (YYYY-MM-DD or YYYY-MM).
    Forget {
        #[arg(long, value_name = "DATE")]
        before: String,
    },
}
