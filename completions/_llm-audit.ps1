
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'llm-audit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'llm-audit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'llm-audit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('analyze', 'analyze', [CompletionResultType]::ParameterValue, 'Price, classify and replay every call in the given logs, and print the report')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk')
            [CompletionResult]::new('policies', 'policies', [CompletionResultType]::ParameterValue, 'List the built-in routing policies, show one, or validate policy files')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend')
            [CompletionResult]::new('calibrate', 'calibrate', [CompletionResultType]::ParameterValue, 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`')
            [CompletionResult]::new('risk', 'risk', [CompletionResultType]::ParameterValue, 'Inspect the quality-risk model')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day')
            [CompletionResult]::new('pricing', 'pricing', [CompletionResultType]::ParameterValue, 'Inspect and validate the price catalog (and any override files)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (or write all of them to a folder)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;analyze' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format (default: from the `--output` file''s extension, else `table`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--group-by', '--group-by', [CompletionResultType]::ParameterName, 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only calls before this time; a bare date includes that whole day')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only calls of models matching this glob (logged name or catalog id). Repeatable')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only calls of this provider (openai, anthropic, google…). Repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match')
            [CompletionResult]::new('--breakdown-csv', '--breakdown-csv', [CompletionResultType]::ParameterName, 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost')
            [CompletionResult]::new('--savings-csv', '--savings-csv', [CompletionResultType]::ParameterName, 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals')
            [CompletionResult]::new('--baseline-report', '--baseline-report', [CompletionResultType]::ParameterName, 'Compare with a previous JSON report: spend change by model, new models, new unpriced models')
            [CompletionResult]::new('--fail-if-savings-above', '--fail-if-savings-above', [CompletionResultType]::ParameterName, 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)')
            [CompletionResult]::new('--fail-if-risk-above', '--fail-if-risk-above', [CompletionResultType]::ParameterName, 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls')
            [CompletionResult]::new('--fail-if-cost-above', '--fail-if-cost-above', [CompletionResultType]::ParameterName, 'Fail when the logged spend exceeds USD')
            [CompletionResult]::new('--fail-if-session-cost-above', '--fail-if-session-cost-above', [CompletionResultType]::ParameterName, 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD')
            [CompletionResult]::new('--fail-if-cost-increase-above', '--fail-if-cost-increase-above', [CompletionResultType]::ParameterName, 'Fail when spend grew by more than PCT percent over the --baseline-report')
            [CompletionResult]::new('--calls-csv', '--calls-csv', [CompletionResultType]::ParameterName, 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)')
            [CompletionResult]::new('--calls-parquet', '--calls-parquet', [CompletionResultType]::ParameterName, 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in')
            [CompletionResult]::new('--risk-calibration', '--risk-calibration', [CompletionResultType]::ParameterName, 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Read only the K-th of N slices of the inputs (every N-th file of the sorted list, starting at the K-th), to spread one audit over N machines; needs --emit-partial')
            [CompletionResult]::new('--emit-partial', '--emit-partial', [CompletionResultType]::ParameterName, 'Write the parsed calls as a partial result to FILE (`-`: stdout) instead of a report; `llm-audit merge` puts partials together into the report a single run would print')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Report over the calls stored in the history too (`history add`), plus any PATHs named: `--history` alone uses the default store (`LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history`), `--history=DIR|URL` names one. Without PATHs, no agent data is read besides the store')
            [CompletionResult]::new('--machine', '--machine', [CompletionResultType]::ParameterName, 'With --history: the machine this run counts as (named logs are tagged with it); the host''s name by default')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width')
            [CompletionResult]::new('--fail-on-unpriced', '--fail-on-unpriced', [CompletionResultType]::ParameterName, 'Fail when any call''s model is not in the price catalog')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;compare' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format (default: from the `--output` file''s extension, else `table`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--group-by', '--group-by', [CompletionResultType]::ParameterName, 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only calls before this time; a bare date includes that whole day')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only calls of models matching this glob (logged name or catalog id). Repeatable')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only calls of this provider (openai, anthropic, google…). Repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match')
            [CompletionResult]::new('--breakdown-csv', '--breakdown-csv', [CompletionResultType]::ParameterName, 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost')
            [CompletionResult]::new('--savings-csv', '--savings-csv', [CompletionResultType]::ParameterName, 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals')
            [CompletionResult]::new('--baseline-report', '--baseline-report', [CompletionResultType]::ParameterName, 'Compare with a previous JSON report: spend change by model, new models, new unpriced models')
            [CompletionResult]::new('--fail-if-savings-above', '--fail-if-savings-above', [CompletionResultType]::ParameterName, 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)')
            [CompletionResult]::new('--fail-if-risk-above', '--fail-if-risk-above', [CompletionResultType]::ParameterName, 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls')
            [CompletionResult]::new('--fail-if-cost-above', '--fail-if-cost-above', [CompletionResultType]::ParameterName, 'Fail when the logged spend exceeds USD')
            [CompletionResult]::new('--fail-if-session-cost-above', '--fail-if-session-cost-above', [CompletionResultType]::ParameterName, 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD')
            [CompletionResult]::new('--fail-if-cost-increase-above', '--fail-if-cost-increase-above', [CompletionResultType]::ParameterName, 'Fail when spend grew by more than PCT percent over the --baseline-report')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in')
            [CompletionResult]::new('--risk-calibration', '--risk-calibration', [CompletionResultType]::ParameterName, 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width')
            [CompletionResult]::new('--fail-on-unpriced', '--fail-on-unpriced', [CompletionResultType]::ParameterName, 'Fail when any call''s model is not in the price catalog')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;policies' {
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The built-in policies with their rules (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in policy''s file, to start your own from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;policies;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`table` or `json`)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;policies;show' {
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;policies;check' {
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;policies;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The built-in policies with their rules (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in policy''s file, to start your own from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;policies;help;list' {
            break
        }
        'llm-audit;policies;help;show' {
            break
        }
        'llm-audit;policies;help;check' {
            break
        }
        'llm-audit;policies;help;help' {
            break
        }
        'llm-audit;classify' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Distribution format on stdout')
            [CompletionResult]::new('--calls-csv', '--calls-csv', [CompletionResultType]::ParameterName, 'Also write one CSV row per call with its task, tier, confidence and reasons')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;calibrate' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--labels', '--labels', [CompletionResultType]::ParameterName, 'Measured outcomes on candidate models (CSV with a header, or JSON Lines): `call_id`, `candidate_model`, and `passed` (true/false) or `score` (with `threshold`)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'A score at or above this passes (for labels with a score and no threshold column)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the calibration file (default: stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the calibration file (default: stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;risk' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('priors', 'priors', [CompletionResultType]::ParameterValue, 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;risk;priors' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`table` or `json`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;risk;help' {
            [CompletionResult]::new('priors', 'priors', [CompletionResultType]::ParameterValue, 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;risk;help;priors' {
            break
        }
        'llm-audit;risk;help;help' {
            break
        }
        'llm-audit;merge' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format (default: from the `--output` file''s extension, else `table`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to this file instead of stdout (`-`: stdout)')
            [CompletionResult]::new('--group-by', '--group-by', [CompletionResultType]::ParameterName, 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only calls before this time; a bare date includes that whole day')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only calls of models matching this glob (logged name or catalog id). Repeatable')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only calls of this provider (openai, anthropic, google…). Repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match')
            [CompletionResult]::new('--breakdown-csv', '--breakdown-csv', [CompletionResultType]::ParameterName, 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost')
            [CompletionResult]::new('--savings-csv', '--savings-csv', [CompletionResultType]::ParameterName, 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals')
            [CompletionResult]::new('--baseline-report', '--baseline-report', [CompletionResultType]::ParameterName, 'Compare with a previous JSON report: spend change by model, new models, new unpriced models')
            [CompletionResult]::new('--fail-if-savings-above', '--fail-if-savings-above', [CompletionResultType]::ParameterName, 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)')
            [CompletionResult]::new('--fail-if-risk-above', '--fail-if-risk-above', [CompletionResultType]::ParameterName, 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls')
            [CompletionResult]::new('--fail-if-cost-above', '--fail-if-cost-above', [CompletionResultType]::ParameterName, 'Fail when the logged spend exceeds USD')
            [CompletionResult]::new('--fail-if-session-cost-above', '--fail-if-session-cost-above', [CompletionResultType]::ParameterName, 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD')
            [CompletionResult]::new('--fail-if-cost-increase-above', '--fail-if-cost-increase-above', [CompletionResultType]::ParameterName, 'Fail when spend grew by more than PCT percent over the --baseline-report')
            [CompletionResult]::new('--calls-csv', '--calls-csv', [CompletionResultType]::ParameterName, 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)')
            [CompletionResult]::new('--calls-parquet', '--calls-parquet', [CompletionResultType]::ParameterName, 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in')
            [CompletionResult]::new('--risk-calibration', '--risk-calibration', [CompletionResultType]::ParameterName, 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width')
            [CompletionResult]::new('--fail-on-unpriced', '--fail-on-unpriced', [CompletionResultType]::ParameterName, 'Fail when any call''s model is not in the price catalog')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;reconcile' {
            [CompletionResult]::new('--billing', '--billing', [CompletionResultType]::ParameterName, 'Billing exports (files or folders; repeatable)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every trace file as this format instead of detecting it per file')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format on stdout (`csv`: one row per provider, model and day)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every trace record, even when two sources show the same call')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;pricing' {
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per model: current prices, tier and source')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;pricing;list' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s models (openai, anthropic, google, deepseek, mistral, xai, meta, qwen)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;pricing;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`table` or `json`)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;pricing;check' {
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;pricing;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per model: current prices, tier and source')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;pricing;help;list' {
            break
        }
        'llm-audit;pricing;help;show' {
            break
        }
        'llm-audit;pricing;help;check' {
            break
        }
        'llm-audit;pricing;help;help' {
            break
        }
        'llm-audit;agents' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;history' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What the store holds: calls, days, sources, agents, machines, files and bytes')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;history;add' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every input as this format instead of detecting it per file')
            [CompletionResult]::new('--spill-above', '--spill-above', [CompletionResultType]::ParameterName, 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does')
            [CompletionResult]::new('--max-line-mib', '--max-line-mib', [CompletionResultType]::ParameterName, 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)')
            [CompletionResult]::new('--pricing', '--pricing', [CompletionResultType]::ParameterName, 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win')
            [CompletionResult]::new('--pricing-litellm', '--pricing-litellm', [CompletionResultType]::ParameterName, 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files')
            [CompletionResult]::new('--machine', '--machine', [CompletionResultType]::ParameterName, 'Tag the calls with this machine name (letters, digits, `.`, `_`, `-`); default: `LLM_AUDIT_MACHINE`, else the host''s name')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bar (it is also hidden when stderr is not a terminal)')
            [CompletionResult]::new('--no-dedupe', '--no-dedupe', [CompletionResultType]::ParameterName, 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once')
            [CompletionResult]::new('--reread', '--reread', [CompletionResultType]::ParameterName, 'Read every source again, even unchanged ones (to classify them with this version)')
            [CompletionResult]::new('--no-text-tokens', '--no-text-tokens', [CompletionResultType]::ParameterName, 'Do not count prompt tokens with the real tokenizers (faster; policies that move calls across tokenizer families then estimate the ratio)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;history;status' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`table` or `json`)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;history;compact' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;history;forget' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'before')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;history;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What the store holds: calls, days, sources, agents, machines, files and bytes')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;history;help;add' {
            break
        }
        'llm-audit;history;help;status' {
            break
        }
        'llm-audit;history;help;compact' {
            break
        }
        'llm-audit;history;help;forget' {
            break
        }
        'llm-audit;history;help;help' {
            break
        }
        'llm-audit;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write completions for every supported shell into this folder instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'llm-audit;help' {
            [CompletionResult]::new('analyze', 'analyze', [CompletionResultType]::ParameterValue, 'Price, classify and replay every call in the given logs, and print the report')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk')
            [CompletionResult]::new('policies', 'policies', [CompletionResultType]::ParameterValue, 'List the built-in routing policies, show one, or validate policy files')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend')
            [CompletionResult]::new('calibrate', 'calibrate', [CompletionResultType]::ParameterValue, 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`')
            [CompletionResult]::new('risk', 'risk', [CompletionResultType]::ParameterValue, 'Inspect the quality-risk model')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day')
            [CompletionResult]::new('pricing', 'pricing', [CompletionResultType]::ParameterValue, 'Inspect and validate the price catalog (and any override files)')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (or write all of them to a folder)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'llm-audit;help;analyze' {
            break
        }
        'llm-audit;help;compare' {
            break
        }
        'llm-audit;help;policies' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The built-in policies with their rules (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a built-in policy''s file, to start your own from')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file')
            break
        }
        'llm-audit;help;policies;list' {
            break
        }
        'llm-audit;help;policies;show' {
            break
        }
        'llm-audit;help;policies;check' {
            break
        }
        'llm-audit;help;classify' {
            break
        }
        'llm-audit;help;calibrate' {
            break
        }
        'llm-audit;help;risk' {
            [CompletionResult]::new('priors', 'priors', [CompletionResultType]::ParameterValue, 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on')
            break
        }
        'llm-audit;help;risk;priors' {
            break
        }
        'llm-audit;help;merge' {
            break
        }
        'llm-audit;help;reconcile' {
            break
        }
        'llm-audit;help;pricing' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'One line per model: current prices, tier and source')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem')
            break
        }
        'llm-audit;help;pricing;list' {
            break
        }
        'llm-audit;help;pricing;show' {
            break
        }
        'llm-audit;help;pricing;check' {
            break
        }
        'llm-audit;help;agents' {
            break
        }
        'llm-audit;help;history' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What the store holds: calls, days, sources, agents, machines, files and bytes')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)')
            break
        }
        'llm-audit;help;history;add' {
            break
        }
        'llm-audit;help;history;status' {
            break
        }
        'llm-audit;help;history;compact' {
            break
        }
        'llm-audit;help;history;forget' {
            break
        }
        'llm-audit;help;completions' {
            break
        }
        'llm-audit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
