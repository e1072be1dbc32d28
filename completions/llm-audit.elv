
use builtin;
use str;

set edit:completion:arg-completer[llm-audit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'llm-audit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'llm-audit'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand analyze 'Price, classify and replay every call in the given logs, and print the report'
            cand compare 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk'
            cand policies 'List the built-in routing policies, show one, or validate policy files'
            cand classify 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend'
            cand calibrate 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`'
            cand risk 'Inspect the quality-risk model'
            cand merge 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had'
            cand reconcile 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day'
            cand pricing 'Inspect and validate the price catalog (and any override files)'
            cand agents 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there'
            cand history 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it'
            cand completions 'Print a shell completion script (or write all of them to a folder)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;analyze'= {
            cand --agent 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)'
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --format 'Report format (default: from the `--output` file''s extension, else `table`)'
            cand -o 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --output 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --group-by 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated'
            cand --since 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset'
            cand --until 'Only calls before this time; a bare date includes that whole day'
            cand --timezone 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)'
            cand --model 'Only calls of models matching this glob (logged name or catalog id). Repeatable'
            cand --provider 'Only calls of this provider (openai, anthropic, google…). Repeatable'
            cand --tag 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match'
            cand --breakdown-csv 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost'
            cand --savings-csv 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals'
            cand --baseline-report 'Compare with a previous JSON report: spend change by model, new models, new unpriced models'
            cand --fail-if-savings-above 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)'
            cand --fail-if-risk-above 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls'
            cand --fail-if-cost-above 'Fail when the logged spend exceeds USD'
            cand --fail-if-session-cost-above 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD'
            cand --fail-if-cost-increase-above 'Fail when spend grew by more than PCT percent over the --baseline-report'
            cand --calls-csv 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)'
            cand --calls-parquet 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse'
            cand --policy 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in'
            cand --risk-calibration 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone'
            cand --shard 'Read only the K-th of N slices of the inputs (every N-th file of the sorted list, starting at the K-th), to spread one audit over N machines; needs --emit-partial'
            cand --emit-partial 'Write the parsed calls as a partial result to FILE (`-`: stdout) instead of a report; `llm-audit merge` puts partials together into the report a single run would print'
            cand --history 'Report over the calls stored in the history too (`history add`), plus any PATHs named: `--history` alone uses the default store (`LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history`), `--history=DIR|URL` names one. Without PATHs, no agent data is read besides the store'
            cand --machine 'With --history: the machine this run counts as (named logs are tagged with it); the host''s name by default'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand --summary 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
            cand --full 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
            cand --fail-on-unpriced 'Fail when any call''s model is not in the price catalog'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;compare'= {
            cand --agent 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)'
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --format 'Report format (default: from the `--output` file''s extension, else `table`)'
            cand -o 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --output 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --group-by 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated'
            cand --since 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset'
            cand --until 'Only calls before this time; a bare date includes that whole day'
            cand --timezone 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)'
            cand --model 'Only calls of models matching this glob (logged name or catalog id). Repeatable'
            cand --provider 'Only calls of this provider (openai, anthropic, google…). Repeatable'
            cand --tag 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match'
            cand --breakdown-csv 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost'
            cand --savings-csv 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals'
            cand --baseline-report 'Compare with a previous JSON report: spend change by model, new models, new unpriced models'
            cand --fail-if-savings-above 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)'
            cand --fail-if-risk-above 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls'
            cand --fail-if-cost-above 'Fail when the logged spend exceeds USD'
            cand --fail-if-session-cost-above 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD'
            cand --fail-if-cost-increase-above 'Fail when spend grew by more than PCT percent over the --baseline-report'
            cand --policy 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in'
            cand --risk-calibration 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand --summary 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
            cand --full 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
            cand --fail-on-unpriced 'Fail when any call''s model is not in the price catalog'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;policies'= {
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'The built-in policies with their rules (the default)'
            cand show 'Print a built-in policy''s file, to start your own from'
            cand check 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;policies;list'= {
            cand --format 'Output format (`table` or `json`)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;policies;show'= {
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;policies;check'= {
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;policies;help'= {
            cand list 'The built-in policies with their rules (the default)'
            cand show 'Print a built-in policy''s file, to start your own from'
            cand check 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;policies;help;list'= {
        }
        &'llm-audit;policies;help;show'= {
        }
        &'llm-audit;policies;help;check'= {
        }
        &'llm-audit;policies;help;help'= {
        }
        &'llm-audit;classify'= {
            cand --agent 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)'
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --format 'Distribution format on stdout'
            cand --calls-csv 'Also write one CSV row per call with its task, tier, confidence and reasons'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;calibrate'= {
            cand --agent 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)'
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --labels 'Measured outcomes on candidate models (CSV with a header, or JSON Lines): `call_id`, `candidate_model`, and `passed` (true/false) or `score` (with `threshold`)'
            cand --threshold 'A score at or above this passes (for labels with a score and no threshold column)'
            cand -o 'Where to write the calibration file (default: stdout)'
            cand --output 'Where to write the calibration file (default: stdout)'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;risk'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand priors 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;risk;priors'= {
            cand --format 'Output format (`table` or `json`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;risk;help'= {
            cand priors 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;risk;help;priors'= {
        }
        &'llm-audit;risk;help;help'= {
        }
        &'llm-audit;merge'= {
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --format 'Report format (default: from the `--output` file''s extension, else `table`)'
            cand -o 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --output 'Write the report to this file instead of stdout (`-`: stdout)'
            cand --group-by 'Also break spend down by these keys: model, provider, day, week, month, tier, task, session, agent, machine (with --history), project, user, feature, or tag:KEY for any tag. Repeatable or comma-separated'
            cand --since 'Only calls at or after this time: 2025-08-01, 2025-08-01T14:00 (read in --timezone) or RFC 3339 with an offset'
            cand --until 'Only calls before this time; a bare date includes that whole day'
            cand --timezone 'The zone days, weeks and months are cut in, and --since/--until are read in: an IANA name (Europe/Berlin), UTC, or an offset (+05:30)'
            cand --model 'Only calls of models matching this glob (logged name or catalog id). Repeatable'
            cand --provider 'Only calls of this provider (openai, anthropic, google…). Repeatable'
            cand --tag 'Only calls whose tag KEY matches GLOB (`--tag project=checkout`). Repeatable; all must match'
            cand --breakdown-csv 'Also write every breakdown (by model, provider, tier, task, day and each --group-by key) as one long CSV: grouping, key, calls, tokens, cost'
            cand --savings-csv 'Also write each policy''s savings by where they come from as CSV: a row per policy and group of model, tier, task and each --group-by key (cost, savings with and without risk, changed and expected degraded calls); a policy''s rows of one grouping add up to its totals'
            cand --baseline-report 'Compare with a previous JSON report: spend change by model, new models, new unpriced models'
            cand --fail-if-savings-above 'Fail when a policy would save more than PCT percent of the spend (more than the team accepts leaving on the table)'
            cand --fail-if-risk-above 'Fail when a policy''s expected degraded answers exceed PCT percent of the calls'
            cand --fail-if-cost-above 'Fail when the logged spend exceeds USD'
            cand --fail-if-session-cost-above 'Fail when any session (calls sharing a session, conversation or trace id) cost more than USD'
            cand --fail-if-cost-increase-above 'Fail when spend grew by more than PCT percent over the --baseline-report'
            cand --calls-csv 'Also write one CSV row per call (ids, tokens, cost, classification; never prompt text)'
            cand --calls-parquet 'Also write the per-call rows (the `--calls-csv` columns) as Parquet, for DuckDB, Spark or a warehouse'
            cand --policy 'A policy to replay besides the baseline: a built-in name (see `llm-audit policies`) or a policy file (TOML). Repeatable; default: every single-idea built-in'
            cand --risk-calibration 'Rate quality risk with a calibration file written by `llm-audit calibrate` (your labels) instead of the priors alone'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand --summary 'The table format shows the headline alone: what was spent, what to change, what it saves and at what risk'
            cand --full 'The table format shows everything: exact token counts, every policy measure, risk by tier, latency models and sample call ids, tables at their full width'
            cand --fail-on-unpriced 'Fail when any call''s model is not in the price catalog'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;reconcile'= {
            cand --billing 'Billing exports (files or folders; repeatable)'
            cand --input-format 'Read every trace file as this format instead of detecting it per file'
            cand --format 'Report format on stdout (`csv`: one row per provider, model and day)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --no-dedupe 'Count every trace record, even when two sources show the same call'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;pricing'= {
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'One line per model: current prices, tier and source'
            cand show 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
            cand check 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;pricing;list'= {
            cand --provider 'Only this provider''s models (openai, anthropic, google, deepseek, mistral, xai, meta, qwen)'
            cand --format 'Output format'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;pricing;show'= {
            cand --format 'Output format (`table` or `json`)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;pricing;check'= {
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;pricing;help'= {
            cand list 'One line per model: current prices, tier and source'
            cand show 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
            cand check 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;pricing;help;list'= {
        }
        &'llm-audit;pricing;help;show'= {
        }
        &'llm-audit;pricing;help;check'= {
        }
        &'llm-audit;pricing;help;help'= {
        }
        &'llm-audit;agents'= {
            cand --format 'Output format'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;history'= {
            cand --history 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
            cand status 'What the store holds: calls, days, sources, agents, machines, files and bytes'
            cand compact 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same'
            cand forget 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;history;add'= {
            cand --agent 'Without PATHs: read only this coding agent''s data (repeatable or comma-separated)'
            cand --input-format 'Read every input as this format instead of detecting it per file'
            cand --spill-above 'Keep the calls in a temporary file (in TMPDIR) instead of memory once they take more than this many MiB, and sort the lists made over them through files past a quarter of it each, so that memory stays flat on large inputs; 0 always does'
            cand --max-line-mib 'The longest line read, in MiB: a longer line is counted as an error and skipped, so one hostile line cannot take the machine''s memory (a JSON document may take 1 GiB or this)'
            cand --rules 'Classification rules (TOML): calls matching a rule''s tags, model or sizes get the task, tier or verifiability it sets, overriding the classifier (see the README)'
            cand --pricing 'Override or add catalog entries from a file in llm-audit''s schema (TOML, or JSON); also maps Azure deployment names (`[deployments]`). Repeatable; later files win'
            cand --pricing-litellm 'Override or add entries from a LiteLLM `model_prices_and_context_window.json` (the table many teams already maintain). Applied before `--pricing` files'
            cand --machine 'Tag the calls with this machine name (letters, digits, `.`, `_`, `-`); default: `LLM_AUDIT_MACHINE`, else the host''s name'
            cand --history 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)'
            cand -q 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-progress 'No progress bar (it is also hidden when stderr is not a terminal)'
            cand --no-dedupe 'Count every record, even when two sources show the same call (same response or request id); by default such calls are counted once'
            cand --reread 'Read every source again, even unchanged ones (to classify them with this version)'
            cand --no-text-tokens 'Do not count prompt tokens with the real tokenizers (faster; policies that move calls across tokenizer families then estimate the ratio)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;history;status'= {
            cand --format 'Output format (`table` or `json`)'
            cand --history 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;history;compact'= {
            cand --history 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;history;forget'= {
            cand --before 'before'
            cand --history 'The store: a folder, or an object-storage URL (`s3://bucket/prefix`, `gs://…`, `az://…`) a team shares. Default: `LLM_AUDIT_HISTORY`, else `$XDG_DATA_HOME/llm-audit/history` (`~/.local/share/llm-audit/history`)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;history;help'= {
            cand add 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
            cand status 'What the store holds: calls, days, sources, agents, machines, files and bytes'
            cand compact 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same'
            cand forget 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;history;help;add'= {
        }
        &'llm-audit;history;help;status'= {
        }
        &'llm-audit;history;help;compact'= {
        }
        &'llm-audit;history;help;forget'= {
        }
        &'llm-audit;history;help;help'= {
        }
        &'llm-audit;completions'= {
            cand --dir 'Write completions for every supported shell into this folder instead'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'llm-audit;help'= {
            cand analyze 'Price, classify and replay every call in the given logs, and print the report'
            cand compare 'Replay the logs under several routing policies and print them side by side: cost, savings (risk-free and with risk), latency, calls routed and blocked, quality risk, and which policies are dominated on cost and risk'
            cand policies 'List the built-in routing policies, show one, or validate policy files'
            cand classify 'Classify every call (task, tier, verifiability) and print the distribution by tier and task, as shares of calls and of spend'
            cand calibrate 'Turn outcomes you measured on candidate models into a calibration file for `analyze --risk-calibration`'
            cand risk 'Inspect the quality-risk model'
            cand merge 'Put partial results (`analyze --shard K/N --emit-partial FILE`) together: the report is byte for byte the one a single `analyze` over all the inputs prints. Pass the same pricing, rules, policy and report flags as the shards had'
            cand reconcile 'Compare traces with billing exports: how much of the bill the traces explain, per provider, model and day'
            cand pricing 'Inspect and validate the price catalog (and any override files)'
            cand agents 'The coding agents llm-audit reads, where each keeps its data on this machine (variables that move it included) and how many of its files are there'
            cand history 'Keep a history of calls that outlives the logs (agents delete old sessions, gateways expire their logs): add logs to it, see what it holds, compact it, forget old months. `analyze --history` reports over it'
            cand completions 'Print a shell completion script (or write all of them to a folder)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'llm-audit;help;analyze'= {
        }
        &'llm-audit;help;compare'= {
        }
        &'llm-audit;help;policies'= {
            cand list 'The built-in policies with their rules (the default)'
            cand show 'Print a built-in policy''s file, to start your own from'
            cand check 'Validate policy files: syntax, match conditions, actions and model names against the catalog. Errors give the line; exits 2 on the first bad file'
        }
        &'llm-audit;help;policies;list'= {
        }
        &'llm-audit;help;policies;show'= {
        }
        &'llm-audit;help;policies;check'= {
        }
        &'llm-audit;help;classify'= {
        }
        &'llm-audit;help;calibrate'= {
        }
        &'llm-audit;help;risk'= {
            cand priors 'The prior degradation rates by tier, task type and capability gap, the checks'' catch rates, and the public sources each rests on'
        }
        &'llm-audit;help;risk;priors'= {
        }
        &'llm-audit;help;merge'= {
        }
        &'llm-audit;help;reconcile'= {
        }
        &'llm-audit;help;pricing'= {
            cand list 'One line per model: current prices, tier and source'
            cand show 'Everything the catalog knows about a model: every price, its history, source and capabilities. Accepts any name a log may use (alias, Bedrock or Vertex name)'
            cand check 'Validate the catalog and any override files: prices, price periods, aliases, downgrade targets. Exits 2 on a problem'
        }
        &'llm-audit;help;pricing;list'= {
        }
        &'llm-audit;help;pricing;show'= {
        }
        &'llm-audit;help;pricing;check'= {
        }
        &'llm-audit;help;agents'= {
        }
        &'llm-audit;help;history'= {
            cand add 'Read logs (no PATH: every coding agent''s data found here) and store each call''s compact row, never prompt text. Sources already stored unchanged are skipped; a changed one is read again and replaces its earlier reading'
            cand status 'What the store holds: calls, days, sources, agents, machines, files and bytes'
            cand compact 'Merge each month''s files into one and drop readings that later ones replaced; reports stay the same'
            cand forget 'Remove the calls of every month before DATE''s month (YYYY-MM-DD or YYYY-MM)'
        }
        &'llm-audit;help;history;add'= {
        }
        &'llm-audit;help;history;status'= {
        }
        &'llm-audit;help;history;compact'= {
        }
        &'llm-audit;help;history;forget'= {
        }
        &'llm-audit;help;completions'= {
        }
        &'llm-audit;help;help'= {
        }
    ]
    $completions[$command]
}
