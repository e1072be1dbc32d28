#!/usr/bin/env bash
# Times the history commands on a generated Claude Code tree and prints a Markdown table:
#   scripts/bench_history.sh [SIZE]       (default 7G: about a million calls)
# Needs the release binary and the genlogs example:
#   cargo build --release --bins --examples
# Wall time and peak RSS come from /usr/bin/time; the page cache is warm (each input is read
# once before it is timed).
set -euo pipefail
size=${1:-7G}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/llm-audit
gen=$target/release/examples/genlogs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home
mkdir -p "$HOME"
"$gen" --format claude-code --mix dense --bytes "$size" --seed 11 --out "$work/logs" \
  --stats "$work/stats.json" >/dev/null
find "$work/logs" -type f -exec cat {} + >/dev/null
run() { # label, command...
  local label=$1
  shift
  if ! /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/err"; then
    cat "$work/err" >&2
    exit 1
  fi
  read -r secs kib <<<"$(tail -1 "$work/err")"
  printf '| %s | %s s | %d MiB |\n' "$label" "$secs" "$((kib / 1024))"
}
store=$work/store
echo "| step | wall | peak RSS |"
echo "|---|---|---|"
run "analyze (the logs)" "$bin" analyze -q --format json "$work/logs"
run "history add (text tokens counted)" "$bin" history add -q --history "$store" "$work/logs"
run "history add again (nothing changed)" "$bin" history add -q --history "$store" "$work/logs"
run "history add --no-text-tokens (new store)" "$bin" history add -q --no-text-tokens --history "$work/store2" "$work/logs"
run "analyze --history" "$bin" analyze -q --format json "--history=$store"
run "analyze --history --since (last 10 days)" "$bin" analyze -q --format json --since 2026-10-22 "--history=$store"
run "history status" "$bin" history status --history "$store"
run "history compact" "$bin" history compact --history "$store"
run "analyze --history (compacted)" "$bin" analyze -q --format json "--history=$store"
calls=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['calls'])" "$work/stats.json")
bytes=$(du -sb "$store" | cut -f1)
bytes2=$(du -sb "$work/store2" | cut -f1)
stored=$("$bin" history status --format json --history "$store" | python3 -c "import json,sys; print(json.load(sys.stdin)['calls'])")
echo
echo "Input: genlogs claude-code --mix dense --bytes $size --seed 11 ($calls calls after dedupe, $stored stored rows)."
echo "Store: $bytes bytes ($((bytes / stored)) bytes a stored call); without text token counts $bytes2 bytes."
