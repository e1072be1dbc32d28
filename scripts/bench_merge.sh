#!/usr/bin/env bash
# Times `merge` of N shards' partials over CALLS generated calls and prints a Markdown row (calls,
# shards, partial bytes, wall time, peak RSS, peak anonymous RSS):
#   scripts/bench_merge.sh CALLS [SHARDS]      (e.g. 10000000 4)
# The calls are minimal OpenAI chat-completion lines (about 190 bytes, no prompt text: what is
# measured is merge's work a call, not parsing), written by an inline generator; each shard's
# partial is made with `analyze --shard K/N --emit-partial`. Needs the release binary.
set -euo pipefail
calls=${1:?calls}
shards=${2:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CARGO_TARGET_DIR:-$root/target}/release/llm-audit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$calls" "$shards" <<'PY'
import sys
work, calls, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) * 4
models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o4-mini", "gpt-5-mini"]
per = (calls + files - 1) // files
n = 0
for f in range(files):
    with open(f"{work}/calls-{f:03}.jsonl", "w") as out:
        lines = []
        for i in range(n, min(n + per, calls)):
            p = 100 + i % 5000
            lines.append(
                '{"id":"chatcmpl-%d","object":"chat.completion","created":%d,"model":"%s",'
                '"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}\n'
                % (i, 1735689600 + i // 4, models[i % 5], p, 20 + i % 300, p + 20 + i % 300)
            )
            if len(lines) == 100000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)
        n = min(n + per, calls)
PY
for k in $(seq "$shards"); do
  "$bin" analyze -q --shard "$k/$shards" --emit-partial "$work/part-$k.bin" "$work"
done
partial_bytes=$(du -cb "$work"/part-*.bin | tail -1 | cut -f1)
/usr/bin/time -f "%e %M" "$bin" merge -q --format json "$work"/part-*.bin > "$work/report.json" 2> "$work/time" &
# The heap's share of the peak: anonymous resident memory (RssAnon), sampled every 50 ms (the
# rest of the peak is file pages: the binary and the temporary files' maps, which the kernel
# can drop).
anon=0
while kill -0 $! 2>/dev/null; do
  kib=$(awk '/^RssAnon/ {print $2}' /proc/"$(pgrep -n -f "$bin merge")"/status 2>/dev/null || echo 0)
  [ -n "$kib" ] && [ "$kib" -gt "$anon" ] && anon=$kib
  sleep 0.05
done
wait $!
read -r secs kib <<<"$(tail -1 "$work/time")"
merged=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['calls'])" "$work/report.json")
printf '| %s | %s | %s bytes | %s s | %d MiB | %d MiB |\n' "$calls" "$shards" "$partial_bytes" "$secs" "$((kib / 1024))" "$((anon / 1024))"
test "$merged" = "$calls"
