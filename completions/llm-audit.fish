# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_llm_audit_global_optspecs
    string join \n h/help V/version
end

function __fish_llm_audit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_llm_audit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_llm_audit_using_subcommand
    set -l cmd (__fish_llm_audit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c llm-audit -n "__fish_llm_audit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "analyze" -d 'Price, classify and replay every call in the given logs, and print the report'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "compare" -d 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "policies" -d 'List the built-in routing policies, show one, or validate policy files'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "classify" -d 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "calibrate" -d 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "risk" -d 'Inspect the quality-risk model'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "merge" -d 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "reconcile" -d 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "pricing" -d 'Inspect and validate the price catalog (and any override files)'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "agents" -d 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "history" -d 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "completions" -d 'Print a shell completion script (or write all of them to a folder)'
complete -c llm-audit -n "__fish_llm_audit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l agent -d 'Without PATHs: read only this coding agent\'s data (repeatable or comma-separated)' -r -f -a "qwen-code\t''
claude-code\t''
codex\t''
gemini-cli\t''
pi\t''
openclaw\t''
kimi\t''
amp\t''
codebuff\t''
roo-code\t''
copilot-cli\t''
grok\t''
droid\t''
cline\t''
zcode\t''
opencode\t''
kilo\t''
hermes\t''
goose\t''
antigravity\t''"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l format -d 'Report format (default: from the `--output` file\'s extension, else `table`)' -r -f -a "table\t'Tables for a terminal, fitted to its width'
json\t'The full analysis as JSON, with a `schema_version`'
csv\t'The policy summary as CSV'
markdown\t'A compact summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`'
html\t'One self-contained HTML file with charts'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -s o -l output -d 'Write the report to this file instead of stdout (`-`: stdout)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l group-by -d 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l since -d 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l until -d 'Only calls before this time; a bare date includes that whole day' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l timezone -d 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l model -d 'Only calls of models matching this glob (logged name or catalog id). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l provider -d 'Only calls of this provider (openai, anthropic, google…). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l tag -d 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l breakdown-csv -d 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l savings-csv -d 'Also write each policy\'s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy\'s rows of one grouping add up to its totals' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l baseline-report -d 'Compare with a previous JSON report: spend change by model, new models, new unpriced models' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-if-savings-above -d 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-if-risk-above -d 'Fail when a policy\'s expected degraded answers exceed PCT percent of the calls' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-if-cost-above -d 'Fail when the logged spend exceeds USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-if-session-cost-above -d 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-if-cost-increase-above -d 'Fail when spend grew by more than PCT percent over the --baseline-report' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l calls-csv -d 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l calls-parquet -d 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l policy -d 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l risk-calibration -d 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l shard -d 'Read only the K-th of N slices of the inputs (every N-th file of the sorted list, starting at the K-th), to spread one audit over N machines; needs --emit-partial' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l emit-partial -d 'Write the parsed calls as a partial result to FILE (`-`: stdout) instead of a report; `llm-audit merge` puts partials together into the report a single run would print' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l history -d 'Report over the calls stored in the history too (`history add`), plus any PATHs named: `--history` alone uses the default store (`LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history`), `--history=DIR|URL` names one. Without PATHs, no agent data is read besides the store' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l machine -d 'With --history: the machine this run counts as (named logs are tagged with it); the host\'s name by default' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l summary -d 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l full -d 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -l fail-on-unpriced -d 'Fail when any call\'s model is not in the price catalog'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand analyze" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l agent -d 'Without PATHs: read only this coding agent\'s data (repeatable or comma-separated)' -r -f -a "qwen-code\t''
claude-code\t''
codex\t''
gemini-cli\t''
pi\t''
openclaw\t''
kimi\t''
amp\t''
codebuff\t''
roo-code\t''
copilot-cli\t''
grok\t''
droid\t''
cline\t''
zcode\t''
opencode\t''
kilo\t''
hermes\t''
goose\t''
antigravity\t''"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l format -d 'Report format (default: from the `--output` file\'s extension, else `table`)' -r -f -a "table\t'Tables for a terminal, fitted to its width'
json\t'The full analysis as JSON, with a `schema_version`'
csv\t'The policy summary as CSV'
markdown\t'A compact summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`'
html\t'One self-contained HTML file with charts'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -s o -l output -d 'Write the report to this file instead of stdout (`-`: stdout)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l group-by -d 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l since -d 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l until -d 'Only calls before this time; a bare date includes that whole day' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l timezone -d 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l model -d 'Only calls of models matching this glob (logged name or catalog id). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l provider -d 'Only calls of this provider (openai, anthropic, google…). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l tag -d 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l breakdown-csv -d 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l savings-csv -d 'Also write each policy\'s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy\'s rows of one grouping add up to its totals' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l baseline-report -d 'Compare with a previous JSON report: spend change by model, new models, new unpriced models' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-if-savings-above -d 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-if-risk-above -d 'Fail when a policy\'s expected degraded answers exceed PCT percent of the calls' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-if-cost-above -d 'Fail when the logged spend exceeds USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-if-session-cost-above -d 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-if-cost-increase-above -d 'Fail when spend grew by more than PCT percent over the --baseline-report' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l policy -d 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l risk-calibration -d 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l summary -d 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l full -d 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -l fail-on-unpriced -d 'Fail when any call\'s model is not in the price catalog'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand compare" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -f -a "list" -d 'The built-in policies with their rules (the default)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -f -a "show" -d 'Print a built-in policy\'s file, to start your own from'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -f -a "check" -d 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and not __fish_seen_subcommand_from list show check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from list" -l format -d 'Output format (`table` or `json`)' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from list" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from list" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from show" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from show" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from check" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from check" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from help" -f -a "list" -d 'The built-in policies with their rules (the default)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a built-in policy\'s file, to start your own from'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand policies; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l agent -d 'Without PATHs: read only this coding agent\'s data (repeatable or comma-separated)' -r -f -a "qwen-code\t''
claude-code\t''
codex\t''
gemini-cli\t''
pi\t''
openclaw\t''
kimi\t''
amp\t''
codebuff\t''
roo-code\t''
copilot-cli\t''
grok\t''
droid\t''
cline\t''
zcode\t''
opencode\t''
kilo\t''
hermes\t''
goose\t''
antigravity\t''"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l format -d 'Distribution format on stdout' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l calls-csv -d 'Also write one CSV row per call with its task, tier, confidence and reasons' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand classify" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l agent -d 'Without PATHs: read only this coding agent\'s data (repeatable or comma-separated)' -r -f -a "qwen-code\t''
claude-code\t''
codex\t''
gemini-cli\t''
pi\t''
openclaw\t''
kimi\t''
amp\t''
codebuff\t''
roo-code\t''
copilot-cli\t''
grok\t''
droid\t''
cline\t''
zcode\t''
opencode\t''
kilo\t''
hermes\t''
goose\t''
antigravity\t''"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l labels -d 'Measured outcomes on candidate models (CSV with a header, or JSON Lines): `call_id`, `candidate_model`, and `passed` (true/false) or `score` (with `threshold`)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l threshold -d 'A score at or above this passes (for labels with a score and no threshold column)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -s o -l output -d 'Where to write the calibration file (default: stdout)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand calibrate" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and not __fish_seen_subcommand_from priors help" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and not __fish_seen_subcommand_from priors help" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and not __fish_seen_subcommand_from priors help" -f -a "priors" -d 'The prior degradation rates by tier, task type and capability gap, the checks\' catch rates, and the public sources each rests on'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and not __fish_seen_subcommand_from priors help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and __fish_seen_subcommand_from priors" -l format -d 'Output format (`table` or `json`)' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and __fish_seen_subcommand_from priors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and __fish_seen_subcommand_from priors" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and __fish_seen_subcommand_from help" -f -a "priors" -d 'The prior degradation rates by tier, task type and capability gap, the checks\' catch rates, and the public sources each rests on'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand risk; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l format -d 'Report format (default: from the `--output` file\'s extension, else `table`)' -r -f -a "table\t'Tables for a terminal, fitted to its width'
json\t'The full analysis as JSON, with a `schema_version`'
csv\t'The policy summary as CSV'
markdown\t'A compact summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`'
html\t'One self-contained HTML file with charts'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -s o -l output -d 'Write the report to this file instead of stdout (`-`: stdout)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l group-by -d 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l since -d 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l until -d 'Only calls before this time; a bare date includes that whole day' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l timezone -d 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l model -d 'Only calls of models matching this glob (logged name or catalog id). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l provider -d 'Only calls of this provider (openai, anthropic, google…). Repeatable' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l tag -d 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l breakdown-csv -d 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l savings-csv -d 'Also write each policy\'s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy\'s rows of one grouping add up to its totals' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l baseline-report -d 'Compare with a previous JSON report: spend change by model, new models, new unpriced models' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-if-savings-above -d 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-if-risk-above -d 'Fail when a policy\'s expected degraded answers exceed PCT percent of the calls' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-if-cost-above -d 'Fail when the logged spend exceeds USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-if-session-cost-above -d 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-if-cost-increase-above -d 'Fail when spend grew by more than PCT percent over the --baseline-report' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l calls-csv -d 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l calls-parquet -d 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l policy -d 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l risk-calibration -d 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l summary -d 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l full -d 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -l fail-on-unpriced -d 'Fail when any call\'s model is not in the price catalog'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand merge" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l billing -d 'Billing exports (files or folders; repeatable)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l input-format -d 'Read every trace file as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l format -d 'Report format on stdout (`csv`: one row per provider, model and day)' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -l no-dedupe -d 'Count every trace record, even when two sources show the same call'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -f -a "list" -d 'One line per model: current prices, tier and source'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -f -a "show" -d 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -f -a "check" -d 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and not __fish_seen_subcommand_from list show check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -l provider -d 'Only this provider\'s models (openai, anthropic, google, deepseek, mistral, xai, meta, qwen)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from show" -l format -d 'Output format (`table` or `json`)' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from show" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from show" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from check" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from check" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from help" -f -a "list" -d 'One line per model: current prices, tier and source'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from help" -f -a "show" -d 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand pricing; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand agents" -l format -d 'Output format' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand agents" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand agents" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -l history -d 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -f -a "add" -d 'Read logs (no PATH: every coding agent\'s data found here) and store each call\'s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -f -a "status" -d 'What the store holds: calls, days, sources, agents, machines, files and bytes'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -f -a "compact" -d 'Merge each month\'s files into one and drop readings that later ones replaced; reports stay the same'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -f -a "forget" -d 'Remove the calls of every month before DATE\'s month (YYYY-MM-DD or YYYY-MM)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and not __fish_seen_subcommand_from add status compact forget help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l agent -d 'Without PATHs: read only this coding agent\'s data (repeatable or comma-separated)' -r -f -a "qwen-code\t''
claude-code\t''
codex\t''
gemini-cli\t''
pi\t''
openclaw\t''
kimi\t''
amp\t''
codebuff\t''
roo-code\t''
copilot-cli\t''
grok\t''
droid\t''
cline\t''
zcode\t''
opencode\t''
kilo\t''
hermes\t''
goose\t''
antigravity\t''"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l input-format -d 'Read every input as this format instead of detecting it per file' -r -f -a "openai-batch\t'OpenAI Batch API output files (and input files, which hold no usage)'
qwen-code\t'Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose detector also takes their envelope'
claude-code\t'Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`)'
codex\t'Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`)'
gemini-cli\t'Gemini CLI session files'
pi\t'pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`)'
openclaw\t'OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi\'s format, told apart by place'
kimi\t'Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`)'
amp\t'Amp threads (`~/.local/share/amp/threads/T-*.json`)'
codebuff\t'Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`)'
roo-code\t'Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`)'
copilot-cli\t'GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`)'
copilot-cli-otel\t'GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`)'
grok\t'Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`)'
droid\t'Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`)'
cline\t'Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`)'
zcode\t'ZCode CLI\'s database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has'
opencode\t'OpenCode\'s database (`~/.local/share/opencode/opencode*.db`) and legacy message files'
kilo\t'Kilo\'s database (`~/.local/share/kilo/kilo*.db`), OpenCode\'s schema'
hermes\t'Hermes Agent\'s state database (`~/.hermes/state.db`): per-session totals'
goose\t'Goose\'s session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals'
antigravity\t'Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`)'
otel\t'OpenTelemetry GenAI spans as OTLP JSON (the collector\'s file exporter)'
openinference\t'OpenInference (Arize Phoenix) LLM spans'
langfuse\t'Langfuse observations export'
langsmith\t'LangSmith runs export'
helicone\t'Helicone request export (JSONL or CSV)'
litellm-payload\t'LiteLLM StandardLoggingPayload, as its logging callbacks write it'
litellm\t'LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table)'
bedrock\t'AWS Bedrock model invocation logs'
openai-usage\t'OpenAI Usage API (completions) JSON or the dashboard usage CSV'
openai-costs\t'OpenAI Costs API JSON'
anthropic-usage\t'Anthropic Admin API usage_report (messages) JSON'
anthropic-cost\t'Anthropic Admin API cost_report JSON'
aws-cur\t'AWS Cost and Usage Report 2.0 line items (Bedrock), CSV'
gcp-billing\t'Google Cloud billing export (BigQuery table as CSV or JSONL)'
azure-cost\t'Azure Cost Management cost and usage details export, CSV'
openrouter\t'OpenRouter activity export, CSV'
gemini\t'Google Gemini generateContent responses (streamed chunks included)'
openai\t'OpenAI Chat Completions and Responses API: request/response pairs or bare responses'
anthropic\t'Anthropic Messages API: request/response pairs or bare responses'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l spill-above -d 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l max-line-mib -d 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine\'s memory (a JSON document may take 1 GiB or this)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l rules -d 'Classification rules (TOML): calls matching a rule\'s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l pricing -d 'Override or add catalog entries from a file in llm-audit\'s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l pricing-litellm -d 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l machine -d 'Tag the calls with this machine name (letters, digits, `.`, `_`, `-`); default: `LLM_AUDIT_MACHINE`, else the host\'s name' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l history -d 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -s q -l no-progress -d 'No progress bar (it is also hidden when stderr is not a terminal)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l no-dedupe -d 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l reread -d 'Read every source again, even unchanged ones (to classify them with this version)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -l no-text-tokens -d 'Do not count prompt tokens with the real tokenizers (faster; policies that move calls across tokenizer families then estimate the ratio)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from status" -l format -d 'Output format (`table` or `json`)' -r -f -a "table\t'Tables for a terminal'
json\t'The full report as JSON'
csv\t'The policy table as CSV'"
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from status" -l history -d 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from compact" -l history -d 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from compact" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from compact" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from forget" -l before -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from forget" -l history -d 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)' -r
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from forget" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "add" -d 'Read logs (no PATH: every coding agent\'s data found here) and store each call\'s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "status" -d 'What the store holds: calls, days, sources, agents, machines, files and bytes'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "compact" -d 'Merge each month\'s files into one and drop readings that later ones replaced; reports stay the same'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Remove the calls of every month before DATE\'s month (YYYY-MM-DD or YYYY-MM)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand completions" -l dir -d 'Write completions for every supported shell into this folder instead' -r -F
complete -c llm-audit -n "__fish_llm_audit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "analyze" -d 'Price, classify and replay every call in the given logs, and print the report'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "compare" -d 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "policies" -d 'List the built-in routing policies, show one, or validate policy files'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "classify" -d 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "calibrate" -d 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "risk" -d 'Inspect the quality-risk model'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "merge" -d 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "reconcile" -d 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "pricing" -d 'Inspect and validate the price catalog (and any override files)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "agents" -d 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "history" -d 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "completions" -d 'Print a shell completion script (or write all of them to a folder)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and not __fish_seen_subcommand_from analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from policies" -f -a "list" -d 'The built-in policies with their rules (the default)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from policies" -f -a "show" -d 'Print a built-in policy\'s file, to start your own from'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from policies" -f -a "check" -d 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from risk" -f -a "priors" -d 'The prior degradation rates by tier, task type and capability gap, the checks\' catch rates, and the public sources each rests on'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from pricing" -f -a "list" -d 'One line per model: current prices, tier and source'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from pricing" -f -a "show" -d 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from pricing" -f -a "check" -d 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "add" -d 'Read logs (no PATH: every coding agent\'s data found here) and store each call\'s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "status" -d 'What the store holds: calls, days, sources, agents, machines, files and bytes'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "compact" -d 'Merge each month\'s files into one and drop readings that later ones replaced; reports stay the same'
complete -c llm-audit -n "__fish_llm_audit_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "forget" -d 'Remove the calls of every month before DATE\'s month (YYYY-MM-DD or YYYY-MM)'
