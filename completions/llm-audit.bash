_llm__audit() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="llm__audit"
                ;;
            llm__audit,agents)
                cmd="llm__audit__subcmd__agents"
                ;;
            llm__audit,analyze)
                cmd="llm__audit__subcmd__analyze"
                ;;
            llm__audit,calibrate)
                cmd="llm__audit__subcmd__calibrate"
                ;;
            llm__audit,classify)
                cmd="llm__audit__subcmd__classify"
                ;;
            llm__audit,compare)
                cmd="llm__audit__subcmd__compare"
                ;;
            llm__audit,completions)
                cmd="llm__audit__subcmd__completions"
                ;;
            llm__audit,help)
                cmd="llm__audit__subcmd__help"
                ;;
            llm__audit,history)
                cmd="llm__audit__subcmd__history"
                ;;
            llm__audit,merge)
                cmd="llm__audit__subcmd__merge"
                ;;
            llm__audit,policies)
                cmd="llm__audit__subcmd__policies"
                ;;
            llm__audit,pricing)
                cmd="llm__audit__subcmd__pricing"
                ;;
            llm__audit,reconcile)
                cmd="llm__audit__subcmd__reconcile"
                ;;
            llm__audit,risk)
                cmd="llm__audit__subcmd__risk"
                ;;
            llm__audit__subcmd__help,agents)
                cmd="llm__audit__subcmd__help__subcmd__agents"
                ;;
            llm__audit__subcmd__help,analyze)
                cmd="llm__audit__subcmd__help__subcmd__analyze"
                ;;
            llm__audit__subcmd__help,calibrate)
                cmd="llm__audit__subcmd__help__subcmd__calibrate"
                ;;
            llm__audit__subcmd__help,classify)
                cmd="llm__audit__subcmd__help__subcmd__classify"
                ;;
            llm__audit__subcmd__help,compare)
                cmd="llm__audit__subcmd__help__subcmd__compare"
                ;;
            llm__audit__subcmd__help,completions)
                cmd="llm__audit__subcmd__help__subcmd__completions"
                ;;
            llm__audit__subcmd__help,help)
                cmd="llm__audit__subcmd__help__subcmd__help"
                ;;
            llm__audit__subcmd__help,history)
                cmd="llm__audit__subcmd__help__subcmd__history"
                ;;
            llm__audit__subcmd__help,merge)
                cmd="llm__audit__subcmd__help__subcmd__merge"
                ;;
            llm__audit__subcmd__help,policies)
                cmd="llm__audit__subcmd__help__subcmd__policies"
                ;;
            llm__audit__subcmd__help,pricing)
                cmd="llm__audit__subcmd__help__subcmd__pricing"
                ;;
            llm__audit__subcmd__help,reconcile)
                cmd="llm__audit__subcmd__help__subcmd__reconcile"
                ;;
            llm__audit__subcmd__help,risk)
                cmd="llm__audit__subcmd__help__subcmd__risk"
                ;;
            llm__audit__subcmd__help__subcmd__history,add)
                cmd="llm__audit__subcmd__help__subcmd__history__subcmd__add"
                ;;
            llm__audit__subcmd__help__subcmd__history,compact)
                cmd="llm__audit__subcmd__help__subcmd__history__subcmd__compact"
                ;;
            llm__audit__subcmd__help__subcmd__history,forget)
                cmd="llm__audit__subcmd__help__subcmd__history__subcmd__forget"
                ;;
            llm__audit__subcmd__help__subcmd__history,status)
                cmd="llm__audit__subcmd__help__subcmd__history__subcmd__status"
                ;;
            llm__audit__subcmd__help__subcmd__policies,check)
                cmd="llm__audit__subcmd__help__subcmd__policies__subcmd__check"
                ;;
            llm__audit__subcmd__help__subcmd__policies,list)
                cmd="llm__audit__subcmd__help__subcmd__policies__subcmd__list"
                ;;
            llm__audit__subcmd__help__subcmd__policies,show)
                cmd="llm__audit__subcmd__help__subcmd__policies__subcmd__show"
                ;;
            llm__audit__subcmd__help__subcmd__pricing,check)
                cmd="llm__audit__subcmd__help__subcmd__pricing__subcmd__check"
                ;;
            llm__audit__subcmd__help__subcmd__pricing,list)
                cmd="llm__audit__subcmd__help__subcmd__pricing__subcmd__list"
                ;;
            llm__audit__subcmd__help__subcmd__pricing,show)
                cmd="llm__audit__subcmd__help__subcmd__pricing__subcmd__show"
                ;;
            llm__audit__subcmd__help__subcmd__risk,priors)
                cmd="llm__audit__subcmd__help__subcmd__risk__subcmd__priors"
                ;;
            llm__audit__subcmd__history,add)
                cmd="llm__audit__subcmd__history__subcmd__add"
                ;;
            llm__audit__subcmd__history,compact)
                cmd="llm__audit__subcmd__history__subcmd__compact"
                ;;
            llm__audit__subcmd__history,forget)
                cmd="llm__audit__subcmd__history__subcmd__forget"
                ;;
            llm__audit__subcmd__history,help)
                cmd="llm__audit__subcmd__history__subcmd__help"
                ;;
            llm__audit__subcmd__history,status)
                cmd="llm__audit__subcmd__history__subcmd__status"
                ;;
            llm__audit__subcmd__history__subcmd__help,add)
                cmd="llm__audit__subcmd__history__subcmd__help__subcmd__add"
                ;;
            llm__audit__subcmd__history__subcmd__help,compact)
                cmd="llm__audit__subcmd__history__subcmd__help__subcmd__compact"
                ;;
            llm__audit__subcmd__history__subcmd__help,forget)
                cmd="llm__audit__subcmd__history__subcmd__help__subcmd__forget"
                ;;
            llm__audit__subcmd__history__subcmd__help,help)
                cmd="llm__audit__subcmd__history__subcmd__help__subcmd__help"
                ;;
            llm__audit__subcmd__history__subcmd__help,status)
                cmd="llm__audit__subcmd__history__subcmd__help__subcmd__status"
                ;;
            llm__audit__subcmd__policies,check)
                cmd="llm__audit__subcmd__policies__subcmd__check"
                ;;
            llm__audit__subcmd__policies,help)
                cmd="llm__audit__subcmd__policies__subcmd__help"
                ;;
            llm__audit__subcmd__policies,list)
                cmd="llm__audit__subcmd__policies__subcmd__list"
                ;;
            llm__audit__subcmd__policies,show)
                cmd="llm__audit__subcmd__policies__subcmd__show"
                ;;
            llm__audit__subcmd__policies__subcmd__help,check)
                cmd="llm__audit__subcmd__policies__subcmd__help__subcmd__check"
                ;;
            llm__audit__subcmd__policies__subcmd__help,help)
                cmd="llm__audit__subcmd__policies__subcmd__help__subcmd__help"
                ;;
            llm__audit__subcmd__policies__subcmd__help,list)
                cmd="llm__audit__subcmd__policies__subcmd__help__subcmd__list"
                ;;
            llm__audit__subcmd__policies__subcmd__help,show)
                cmd="llm__audit__subcmd__policies__subcmd__help__subcmd__show"
                ;;
            llm__audit__subcmd__pricing,check)
                cmd="llm__audit__subcmd__pricing__subcmd__check"
                ;;
            llm__audit__subcmd__pricing,help)
                cmd="llm__audit__subcmd__pricing__subcmd__help"
                ;;
            llm__audit__subcmd__pricing,list)
                cmd="llm__audit__subcmd__pricing__subcmd__list"
                ;;
            llm__audit__subcmd__pricing,show)
                cmd="llm__audit__subcmd__pricing__subcmd__show"
                ;;
            llm__audit__subcmd__pricing__subcmd__help,check)
                cmd="llm__audit__subcmd__pricing__subcmd__help__subcmd__check"
                ;;
            llm__audit__subcmd__pricing__subcmd__help,help)
                cmd="llm__audit__subcmd__pricing__subcmd__help__subcmd__help"
                ;;
            llm__audit__subcmd__pricing__subcmd__help,list)
                cmd="llm__audit__subcmd__pricing__subcmd__help__subcmd__list"
                ;;
            llm__audit__subcmd__pricing__subcmd__help,show)
                cmd="llm__audit__subcmd__pricing__subcmd__help__subcmd__show"
                ;;
            llm__audit__subcmd__risk,help)
                cmd="llm__audit__subcmd__risk__subcmd__help"
                ;;
            llm__audit__subcmd__risk,priors)
                cmd="llm__audit__subcmd__risk__subcmd__priors"
                ;;
            llm__audit__subcmd__risk__subcmd__help,help)
                cmd="llm__audit__subcmd__risk__subcmd__help__subcmd__help"
                ;;
            llm__audit__subcmd__risk__subcmd__help,priors)
                cmd="llm__audit__subcmd__risk__subcmd__help__subcmd__priors"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        llm__audit)
            opts="-h -V --help --version analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__agents)
            opts="-h -V --format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__analyze)
            opts="-q -o -h -V --agent --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --format --output --summary --full --group-by --since --until --timezone --model --provider --tag --breakdown-csv --savings-csv --baseline-report --fail-if-savings-above --fail-if-risk-above --fail-on-unpriced --fail-if-cost-above --fail-if-session-cost-above --fail-if-cost-increase-above --calls-csv --calls-parquet --policy --risk-calibration --shard --emit-partial --history --machine --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --agent)
                    COMPREPLY=($(compgen -W "qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli grok droid cline zcode opencode kilo hermes goose antigravity" -- "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv markdown html" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group-by)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timezone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --model)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --provider)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tag)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --breakdown-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --savings-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --baseline-report)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-savings-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-risk-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-session-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-increase-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --calls-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --calls-parquet)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --policy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --risk-calibration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shard)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --emit-partial)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --machine)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__calibrate)
            opts="-q -o -h -V --agent --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --labels --threshold --output --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --agent)
                    COMPREPLY=($(compgen -W "qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli grok droid cline zcode opencode kilo hermes goose antigravity" -- "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --labels)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__classify)
            opts="-q -h -V --agent --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --format --calls-csv --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --agent)
                    COMPREPLY=($(compgen -W "qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli grok droid cline zcode opencode kilo hermes goose antigravity" -- "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --calls-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__compare)
            opts="-q -o -h -V --agent --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --format --output --summary --full --group-by --since --until --timezone --model --provider --tag --breakdown-csv --savings-csv --baseline-report --fail-if-savings-above --fail-if-risk-above --fail-on-unpriced --fail-if-cost-above --fail-if-session-cost-above --fail-if-cost-increase-above --policy --risk-calibration --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --agent)
                    COMPREPLY=($(compgen -W "qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli grok droid cline zcode opencode kilo hermes goose antigravity" -- "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv markdown html" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group-by)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timezone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --model)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --provider)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tag)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --breakdown-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --savings-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --baseline-report)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-savings-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-risk-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-session-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-increase-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --policy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --risk-calibration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__completions)
            opts="-h -V --dir --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help)
            opts="analyze compare policies classify calibrate risk merge reconcile pricing agents history completions help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__agents)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__analyze)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__calibrate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__classify)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__compare)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__history)
            opts="add status compact forget"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__history__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__history__subcmd__compact)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__history__subcmd__forget)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__history__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__merge)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__policies)
            opts="list show check"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__policies__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__policies__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__policies__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__pricing)
            opts="list show check"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__pricing__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__pricing__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__pricing__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__reconcile)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__risk)
            opts="priors"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__help__subcmd__risk__subcmd__priors)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history)
            opts="-h -V --history --help --version add status compact forget help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__add)
            opts="-q -h -V --agent --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --machine --reread --no-text-tokens --history --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --agent)
                    COMPREPLY=($(compgen -W "qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli grok droid cline zcode opencode kilo hermes goose antigravity" -- "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --machine)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__compact)
            opts="-h -V --history --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__forget)
            opts="-h -V --before --history --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --before)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help)
            opts="add status compact forget help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help__subcmd__compact)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help__subcmd__forget)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__history__subcmd__status)
            opts="-h -V --format --history --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --history)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__merge)
            opts="-q -o -h -V --input-format --no-progress --no-dedupe --spill-above --max-line-mib --rules --pricing --pricing-litellm --format --output --summary --full --group-by --since --until --timezone --model --provider --tag --breakdown-csv --savings-csv --baseline-report --fail-if-savings-above --fail-if-risk-above --fail-on-unpriced --fail-if-cost-above --fail-if-session-cost-above --fail-if-cost-increase-above --calls-csv --calls-parquet --policy --risk-calibration --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --spill-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-line-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv markdown html" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group-by)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timezone)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --model)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --provider)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tag)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --breakdown-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --savings-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --baseline-report)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-savings-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-risk-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-session-cost-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-if-cost-increase-above)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --calls-csv)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --calls-parquet)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --policy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --risk-calibration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies)
            opts="-h -V --pricing --pricing-litellm --help --version list show check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__check)
            opts="-h -V --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__help)
            opts="list show check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__list)
            opts="-h -V --format --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__policies__subcmd__show)
            opts="-h -V --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing)
            opts="-h -V --pricing --pricing-litellm --help --version list show check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__check)
            opts="-h -V --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__help)
            opts="list show check help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__list)
            opts="-h -V --provider --format --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --provider)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__pricing__subcmd__show)
            opts="-h -V --format --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__reconcile)
            opts="-q -h -V --billing --input-format --format --no-dedupe --no-progress --pricing --pricing-litellm --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --billing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --input-format)
                    COMPREPLY=($(compgen -W "openai-batch qwen-code claude-code codex gemini-cli pi openclaw kimi amp codebuff roo-code copilot-cli copilot-cli-otel grok droid cline zcode opencode kilo hermes goose antigravity otel openinference langfuse langsmith helicone litellm-payload litellm bedrock openai-usage openai-costs anthropic-usage anthropic-cost aws-cur gcp-billing azure-cost openrouter gemini openai anthropic" -- "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                --pricing)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pricing-litellm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__risk)
            opts="-h -V --help --version priors help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__risk__subcmd__help)
            opts="priors help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__risk__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__risk__subcmd__help__subcmd__priors)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        llm__subcmd__audit__subcmd__risk__subcmd__priors)
            opts="-h -V --format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json csv" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _llm__audit -o nosort -o bashdefault -o default llm-audit
else
    complete -F _llm__audit -o bashdefault -o default llm-audit
fi
