#!/usr/bin/env bash
# Browser test of the HTML report: renders `analyze fixtures/logs --format html` in headless
# Chromium, fails on any console message (the page ships no script, so a message can only be an
# error: a blocked fetch, a Content-Security-Policy violation, an uncaught exception), checks
# the rendered page has its charts, and writes a screenshot to look at.
#
# Usage: scripts/browser_test.sh [path/to/llm-audit]
#   The binary defaults to $CARGO_TARGET_DIR/release/llm-audit; this script builds nothing.
#   OUT (environment) is where report.html and report.png go; default: a new temporary folder.
#   CHROMIUM (environment) is the browser; default: /usr/bin/chromium (Debian's package).
set -euo pipefail

binary="${1:-${CARGO_TARGET_DIR:-target}/release/llm-audit}"
if [[ ! -x "$binary" ]]; then
    echo "browser test: no binary at $binary (build it with cargo build --release)" >&2
    exit 2
fi
binary="$(realpath "$binary")"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
    echo "browser test: no browser at $chromium (apt-get install -y chromium)" >&2
    exit 2
fi
out="$(realpath "${OUT:-$(mktemp -d)}")"
mkdir -p "$out"
cd "$(dirname "$0")/.."

# A fresh profile per run, removed on exit.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# Runs the browser on a page with the flags that keep it offline and quiet; extra flags follow.
# Console messages go to stderr as `INFO:CONSOLE…] "message", source: …` lines.
run_chromium() {
    local page="$1"
    shift
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" "file://$page"
}

# The console messages a run logged, one a line.
console_messages() {
    grep -E ':CONSOLE[:(]' "$1" || true
}

# Canary: a page with a console error and an uncaught exception must be caught, or the log
# format has changed and the check below would pass blindly.
canary="$out/canary.html"
cat > "$canary" <<'HTML'
<!doctype html><title>canary</title><p>canary</p>
<script>console.error("canary console error"); notDefinedAnywhere();</script>
HTML
run_chromium "$canary" --dump-dom > "$out/canary.dom" 2> "$out/canary.log"
canary_messages="$(console_messages "$out/canary.log")"
if ! grep -q 'canary console error' <<< "$canary_messages" \
    || ! grep -q 'notDefinedAnywhere' <<< "$canary_messages"; then
    echo "browser test: the console check did not catch the canary page's errors; log:" >&2
    cat "$out/canary.log" >&2
    exit 1
fi

report="$out/report.html"
"$binary" analyze fixtures/logs -q --format html --group-by day -o "$report"

run_chromium "$report" --dump-dom > "$out/report.dom" 2> "$out/dom.log"
run_chromium "$report" --screenshot="$out/report.png" --window-size=1280,2400 \
    > /dev/null 2> "$out/screenshot.log"

failed=0
messages="$(console_messages "$out/dom.log"; console_messages "$out/screenshot.log")"
if [[ -n "$messages" ]]; then
    echo "browser test: the report logged to the console:" >&2
    echo "$messages" >&2
    failed=1
fi

# Spend over time, spend by tier, by task, and the policy scatter.
charts="$(grep -o '<svg' "$out/report.dom" | wc -l)"
if (( charts < 4 )); then
    echo "browser test: the rendered page has $charts charts, expected at least 4" >&2
    failed=1
fi
for section in summary spend-over-time spend-by-tier-task policies findings groups; do
    if ! grep -q "<section id=\"$section\">" "$out/report.dom"; then
        echo "browser test: section $section missing from the rendered page" >&2
        failed=1
    fi
done

# A blank 1280×2400 page compresses to a few kilobytes; the report with its charts to hundreds.
size="$(stat -c %s "$out/report.png" 2>/dev/null || echo 0)"
if (( size < 30000 )); then
    echo "browser test: screenshot $out/report.png is $size bytes: blank or missing" >&2
    failed=1
fi

if (( failed )); then
    exit 1
fi
echo "browser test: ok ($charts charts, no console messages)"
echo "report:     $report"
echo "screenshot: $out/report.png ($size bytes)"
