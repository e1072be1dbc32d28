#!/usr/bin/env bash
# End-to-end benchmark of llm-audit against a peer tool on identical generated logs (issues 8
# and 28).
#
# Generates (or reuses) seeded logs with `examples/genlogs`, then times each run three times
# with /usr/bin/time and reports the median wall time, CPU time (user + sys), throughput, peak
# RSS and peak anonymous RSS (the heap and stacks, without mapped files: `RssAnon` of the
# measured processes, sampled every 20 ms):
#   - OpenAI JSONL with prompt text (~500 MB): llm-audit with 1 and 2 rayon threads;
#   - Claude Code transcripts (~480 MB) in two mixes: the standard one (long tool results, lines
#     of about 4 KB) and the dense one (`--mix dense`: short tool results, many more records per
#     byte, lines of about 1 KB, the case issue 8 measures). Each with llm-audit on 2 threads
#     and ccusage 20.0.24's native binary (`daily --json --offline`, CLAUDE_CONFIG_DIR = the
#     generated tree, HOME = an empty folder);
#   - `cat` of the same files to /dev/null: the page-cache floor; and on the Claude Code trees,
#     `examples/json_floor` on 2 threads, which reads the files and checks each line is JSON
#     with serde_json, keeping nothing: the floor under any serde_json-based reader;
#   - on every input, `llm-audit classify` on 2 threads: the run's reading stage alone (every
#     call read, priced, classified and kept, as `analyze` does before its policies, findings
#     and report), which bounds how fast `analyze` can be.
# Then it writes issue 28's targets, each met or not, with what bounds it, from these numbers.
# On each Claude Code tree both tools must report the same input, cache and output tokens, and
# match what the generator wrote; the script fails otherwise.
#
# Usage: scripts/bench_e2e.sh [--big] [--cold-build] [--write]
#   --big         also 20 GB of OpenAI logs (four files of 5 GB, seeds SEED to SEED+3, whose
#                 times interleave), 2 threads, one run: peak memory against issue 28's target
#   --cold-build  also time a release build of the binary into an empty target folder (about
#                 8 minutes here), and report it beside the binary's size
#   --write       replace the block between <!-- e2e:begin --> and <!-- e2e:end --> in
#                 BENCHMARKS.md
# Environment:
#   BENCH_DIR   where generated logs live, reused across runs (default /tmp/llm-audit-bench)
#   PEER_DIR    where ccusage is installed once (default ~/.cache/llm-audit-bench/peers)
#   SEED        generator seed (default 1)
#   RUNS        timed runs per measurement (default 3)
#   OPENAI_SIZE, CLAUDE_SIZE, DENSE_SIZE, BIG_SIZE   generated sizes (default 500M, 480M,
#               480M, 5G); DENSE_SIZE is the dense Claude Code tree, BIG_SIZE each of the four
#               big files
#   BASELINE_BIN, BASELINE_NAME   an earlier llm-audit binary and its name (a commit), also run
#               on both Claude Code trees: issue 28 asks for no more memory there than before
#   CARGO_TARGET_DIR is honoured.
set -euo pipefail

big=0
cold_build=0
write=0
for arg in "$@"; do
    case "$arg" in
        --big) big=1 ;;
        --cold-build) cold_build=1 ;;
        --write) write=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "bench_e2e: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

cd "$(dirname "$0")/.."
root="$(pwd)"
seed="${SEED:-1}"
runs="${RUNS:-3}"
openai_size="${OPENAI_SIZE:-500M}"
claude_size="${CLAUDE_SIZE:-480M}"
dense_size="${DENSE_SIZE:-480M}"
big_size="${BIG_SIZE:-5G}"
bench_dir="${BENCH_DIR:-/tmp/llm-audit-bench}"
peer_dir="${PEER_DIR:-$HOME/.cache/llm-audit-bench/peers}"
ccusage_version="20.0.24"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
llm_audit="$target_dir/release/llm-audit"
genlogs="$target_dir/release/examples/genlogs"
json_floor="$target_dir/release/examples/json_floor"

for tool in /usr/bin/time python3 npm; do
    command -v "$tool" > /dev/null || {
        echo "bench_e2e: $tool is required" >&2
        exit 2
    }
done

baseline_bin="${BASELINE_BIN:-}"
baseline_name="${BASELINE_NAME:-an earlier build}"
if [[ -n "$baseline_bin" && ! -x "$baseline_bin" ]]; then
    echo "bench_e2e: BASELINE_BIN $baseline_bin is not an executable" >&2
    exit 2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# A cold build first, while nothing else runs: the project's own release profile (this shell's
# overrides of it dropped), into an empty target folder, with the registry's sources on disk.
if ((cold_build)); then
    echo "== cold release build of the binary (several minutes)" >&2
    env -u CARGO_PROFILE_RELEASE_STRIP -u CARGO_PROFILE_RELEASE_DEBUG CARGO_TARGET_DIR="$scratch/cold" \
        /usr/bin/time -o "$scratch/cold.time" -f '%e %U %S %M' \
        cargo build --release --locked --quiet --bin llm-audit
    cold_size="$(stat -c %s "$scratch/cold/release/llm-audit")"
    echo "   cold build: $(cat "$scratch/cold.time") (wall s, user s, sys s, peak KiB); $cold_size bytes" >&2
    rm -rf "$scratch/cold"
fi

echo "== building (release)" >&2
cargo build --release --quiet
cargo build --release --quiet --example genlogs --example json_floor

# Generated data is keyed by the generator's source (every file, sub-folders included), so a
# changed generator regenerates.
gen_hash="$(find examples/genlogs.rs examples/genlogs -name '*.rs' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-10)"
data_dir="$bench_dir/genlogs-$gen_hash"
for stale in "$bench_dir"/genlogs-*; do
    if [[ -d "$stale" && "$stale" != "$data_dir" ]]; then
        echo "== removing $stale (written by another version of the generator)" >&2
        rm -rf "$stale"
    fi
done
mkdir -p "$data_dir"

# generate FORMAT SIZE NAME [MIX]: writes $data_dir/NAME (in the generator's MIX, default
# standard) unless its stats file (written last) exists.
generate() {
    local format="$1" size="$2" name="$3" mix="${4:-standard}"
    local out="$data_dir/$name" stats="$data_dir/$name.stats.json"
    if [[ -s "$stats" ]]; then
        echo "== reusing $out" >&2
        return
    fi
    echo "== generating $format ($mix mix), $size, seed $seed -> $out" >&2
    rm -rf "$out"
    "$genlogs" --format "$format" --mix "$mix" --bytes "$size" --seed "$seed" --out "$out" \
        --stats "$stats.tmp"
    mv "$stats.tmp" "$stats"
}

openai_name="openai-seed$seed-$openai_size.jsonl"
claude_name="claude-code-seed$seed-$claude_size"
dense_name="claude-code-dense-seed$seed-$dense_size"
generate openai "$openai_size" "$openai_name"
generate claude-code "$claude_size" "$claude_name"
generate claude-code "$dense_size" "$dense_name" dense
openai="$data_dir/$openai_name"
claude="$data_dir/$claude_name"
dense="$data_dir/$dense_name"
if ((big)); then
    # The four files, linked into one folder that holds nothing else (their stats files stay
    # outside it), so that every tool is handed the folder.
    big_dir="$data_dir/openai-seed$seed-4x$big_size"
    mkdir -p "$big_dir"
    for big_seed in "$seed" $((seed + 1)) $((seed + 2)) $((seed + 3)); do
        big_name="openai-seed$big_seed-$big_size.jsonl"
        seed="$big_seed" generate openai "$big_size" "$big_name"
        ln -f "$data_dir/$big_name" "$big_dir/$big_name"
    done
fi

# The peer, installed once. npm leaves the native binary without its execute bit (the package's
# JavaScript wrapper sets it on first use), so it is set here.
ccusage_home="$peer_dir/ccusage-$ccusage_version"
ccusage="$ccusage_home/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
if [[ ! -f "$ccusage" ]]; then
    echo "== installing ccusage@$ccusage_version into $ccusage_home" >&2
    mkdir -p "$ccusage_home"
    npm install --silent --no-audit --no-fund --prefix "$ccusage_home" "ccusage@$ccusage_version" > /dev/null
fi
if [[ ! -f "$ccusage" ]]; then
    echo "bench_e2e: no native binary at $ccusage; the package holds:" >&2
    find "$ccusage_home/node_modules" -path '*bin*' -type f >&2 || true
    exit 2
fi
chmod +x "$ccusage"
if [[ "$(head -c 4 "$ccusage" | tail -c 3)" != "ELF" ]]; then
    echo "bench_e2e: $ccusage is not a native executable" >&2
    exit 2
fi

empty_home="$scratch/home"
mkdir -p "$empty_home"

# Bytes of a file or of every file under a folder.
input_bytes() {
    if [[ -d "$1" ]]; then
        # `%.0f`: `print` writes a sum of 20 GB as "2e+10", and mawk's `%d` stops at 2^31.
        find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }'
    else
        stat -c %s "$1"
    fi
}

# cat_all PATH: reads every file of PATH once.
cat_all() {
    if [[ -d "$1" ]]; then
        find "$1" -type f -print0 | xargs -0 cat > /dev/null
    else
        cat "$1" > /dev/null
    fi
}
export -f cat_all

results="$scratch/results.tsv"
: > "$results"

# The timed run: `run.py TIME_FILE STDOUT_FILE COMMAND...` runs COMMAND under /usr/bin/time
# (which writes "wall user sys max_rss_kib" to TIME_FILE) and appends the peak of the summed
# `RssAnon` of /usr/bin/time's descendants, sampled every 20 ms, to the same line. Python starts
# before the command does, so its start-up is not timed.
cat > "$scratch/run.py" << 'EOF'
import os, subprocess, sys, time
time_file, stdout = sys.argv[1], sys.argv[2]
with open(stdout, "wb") as out:
    timer = subprocess.Popen(
        ["/usr/bin/time", "-o", time_file, "-f", "%e %U %S %M", *sys.argv[3:]], stdout=out)
def descendants(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return []
    return children + [d for c in children for d in descendants(c)]
def anon_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
peak = 0
while timer.poll() is None:
    peak = max(peak, sum(anon_kib(p) for p in descendants(timer.pid)))
    time.sleep(0.02)
if timer.returncode != 0:
    sys.exit(f"bench_e2e: {' '.join(sys.argv[3:])} failed ({timer.returncode})")
line = open(time_file).read().split()
open(time_file, "w").write(" ".join(line[:4] + [str(peak)]) + "\n")
EOF

# measure LABEL TOOL THREADS INPUT_PATH STDOUT_FILE COMMAND...: times COMMAND $runs times
# ($MEASURE_RUNS if set) and appends "label tool threads bytes wall cpu rss_kib anon_kib
# rss_min_kib rss_max_kib" (medians, then the spread of the peak RSS) to the results.
measure() {
    local label="$1" tool="$2" threads="$3" input="$4" stdout="$5"
    shift 5
    local bytes count="${MEASURE_RUNS:-$runs}"
    bytes="$(input_bytes "$input")"
    : > "$scratch/times"
    for ((run = 1; run <= count; run++)); do
        # Warm the page cache before every run: this machine's sometimes drops files even with
        # memory free, and a run that reads from disk measures the disk.
        cat_all "$input"
        python3 "$scratch/run.py" "$scratch/time" "$stdout" "$@"
        cat "$scratch/time" >> "$scratch/times"
    done
    python3 - "$scratch/times" "$label" "$tool" "$threads" "$bytes" >> "$results" << 'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
wall = statistics.median(float(r[0]) for r in rows)
cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
rss = statistics.median(int(r[3]) for r in rows)
anon = statistics.median(int(r[4]) for r in rows)
spread = [str(min(int(r[3]) for r in rows)), str(max(int(r[3]) for r in rows))]
print("\t".join(sys.argv[2:6] + [f"{wall:.3f}", f"{cpu:.3f}", str(rss), str(anon)] + spread))
EOF
    tail -n 1 "$results" | awk -F'\t' '{ printf "   %-28s %-16s %s thr  wall %s s  cpu %s s  rss %d MiB  anon %d MiB\n", $1, $2, $3, $5, $6, $7 / 1024, $8 / 1024 }' >&2
}

openai_label="OpenAI JSONL"
claude_label="Claude Code ($(find "$claude" -type f | wc -l) files)"
dense_label="Claude Code, dense ($(find "$dense" -type f | wc -l) files)"

# Other processes on the machine inflate wall times; the load average says how busy it was.
load_before="$(cut -d' ' -f1 /proc/loadavg)"
echo "== measuring ($runs runs each, median); load average $load_before" >&2
measure "$openai_label" "cat" "-" "$openai" /dev/null bash -c 'cat_all "$0"' "$openai"
for threads in 1 2; do
 measure "$openai_label" "llm-audit" "$threads" "$openai" \
        "$scratch/openai-$threads.json" env RAYON_NUM_THREADS=$threads "$llm_audit" analyze -q --format json "$openai"
done
# measure_stage LABEL INPUT: `llm-audit classify` on 2 threads, the run's reading stage alone.
measure_stage() {
    measure "$1" "llm-audit classify" "2" "$2" /dev/null \
        env RAYON_NUM_THREADS=2 "$llm_audit" classify -q --format json "$2"
}
measure_stage "$openai_label" "$openai"
# measure_claude LABEL TREE KEY: the page-cache floor, the serde_json floor (every line checked
# to be JSON, nothing kept: `examples/json_floor`), llm-audit and ccusage on one Claude Code
# tree; the two reports are kept as $scratch/KEY-llm-audit.json and $scratch/KEY-ccusage.json.
measure_claude() {
    local label="$1" tree="$2" key="$3"
    measure "$label" "cat" "-" "$tree" /dev/null bash -c 'cat_all "$0"' "$tree"
    measure "$label" "serde_json floor" "2" "$tree" /dev/null \
        env RAYON_NUM_THREADS=2 "$json_floor" "$tree"
    measure "$label" "llm-audit" "2" "$tree" "$scratch/$key-llm-audit.json" \
        env RAYON_NUM_THREADS=2 "$llm_audit" analyze -q --format json "$tree"
    measure_stage "$label" "$tree"
    if [[ -n "$baseline_bin" ]]; then
        measure "$label" "llm-audit at $baseline_name" "2" "$tree" /dev/null \
            env RAYON_NUM_THREADS=2 "$baseline_bin" analyze -q --format json "$tree"
    fi
    measure "$label" "ccusage $ccusage_version" "-" "$tree" "$scratch/$key-ccusage.json" \
        env CLAUDE_CONFIG_DIR="$tree" HOME="$empty_home" "$ccusage" daily --json --offline
}
measure_claude "$claude_label" "$claude" claude
measure_claude "$dense_label" "$dense" dense
if ((big)); then
    # One run: it takes half a minute, and what it measures is memory. The 20 GB do not all
    # stay in the page cache on a 24 GiB machine, so part of the run reads the disk.
    MEASURE_RUNS=1 measure "OpenAI JSONL (big: 4 files)" "llm-audit" "2" "$big_dir" "$scratch/big.json" \
        env RAYON_NUM_THREADS=2 "$llm_audit" analyze -q --format json "$big_dir"
fi

load_after="$(cut -d' ' -f1 /proc/loadavg)"

# check_claude KEY NAME: both tools must have seen the same usage in one Claude Code tree
# ($data_dir/NAME, with the reports measure_claude kept under KEY), and the usage the generator
# wrote. Prints one sentence for the notes under the table; fails the script otherwise.
check_claude() {
    local key="$1" name="$2"
    echo "== checking that both tools read the same usage in $name" >&2
    python3 - "$scratch/$key-llm-audit.json" "$scratch/$key-ccusage.json" "$data_dir/$name.stats.json" << 'EOF'
import json, sys
ours = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))["totals"]
truth = json.load(open(sys.argv[3]))
dense = truth.get("mix") == "dense"
def total(bucket):
    return sum(group[bucket] for group in ours["by_provider"])
t = truth["tokens"]
rows = [
    ("input", total("input_tokens"), peer["inputTokens"], t["input"]),
    ("cache read", total("cache_read_tokens"), peer["cacheReadTokens"], t["cache_read"]),
    ("cache write", total("cache_write_5m_tokens") + total("cache_write_1h_tokens"),
     peer["cacheCreationTokens"], t["cache_write_5m"] + t["cache_write_1h"]),
    ("output", total("output_tokens"), peer["outputTokens"], t["output"]),
]
failures = []
for name, mine, theirs, expected in rows:
    print(f"   {name:<12} llm-audit {mine:>15,}   ccusage {theirs:>15,}   generated {expected:>15,}", file=sys.stderr)
    if mine != expected:
        failures.append(f"llm-audit {name} {mine} != generated {expected}")
    # ccusage dedups a response's lines by message and request id. Keeping the first line's
    # usage instead of the last would undercount output by exactly the partial counts of
    # pre-2.0 transcripts (output_first_line); no other gap is explained.
    allowed = {expected} | ({truth["output_first_line"]} if name == "output" else set())
    if theirs not in allowed:
        failures.append(f"ccusage {name} {theirs} not in {sorted(allowed)}")
if ours["calls"] != truth["calls"] or ours["errors"] != 0:
    failures.append(f"llm-audit calls {ours['calls']} (generated {truth['calls']}), errors {ours['errors']}")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
same = all(theirs == mine for _, mine, theirs, _ in rows)
logs = (f"dense Claude Code logs ({truth['records']:,} lines, "
        f"{truth['bytes'] / truth['records']:,.0f} bytes each on average)"
        if dense else "Claude Code logs")
print(f"On the {logs} both tools counted {ours['calls']:,} calls' tokens "
      + ("identically" if same else "alike up to ccusage's first-line output counts")
      + f" (input {rows[0][1]:,}, cache read {rows[1][1]:,}, cache write {rows[2][1]:,}, "
      + f"output {rows[3][1]:,}), as the generator wrote them.")
EOF
}
sanity="$(check_claude claude "$claude_name")"
sanity_dense="$(check_claude dense "$dense_name")"

table="$(python3 - "$results" << 'EOF'
import sys
print("| input | tool | threads | wall s | CPU s | MB/s | peak RSS MiB | peak anonymous MiB |")
print("|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    label, tool, threads, size, wall, cpu, rss, anon = line.rstrip("\n").split("\t")[:8]
    mb = int(size) / 1e6
    rate = mb / float(wall) if float(wall) > 0 else float("inf")
    print(f"| {label}, {mb:,.0f} MB | {tool} | {threads} | {float(wall):.2f} | {float(cpu):.2f} "
          f"| {rate:,.0f} | {int(rss) / 1024:,.0f} | {int(anon) / 1024:,.0f} |")
EOF
)"

# Issue 28's targets from the numbers above: each met, or its gap and what bounds it.
binary_size="$(stat -c %s "$llm_audit")"
binary_symbols="$(readelf -S "$llm_audit" 2> /dev/null | grep -c '\.symtab' || true)"
targets="$(python3 - "$results" "$openai_label" "$claude_label" "$dense_label" "ccusage $ccusage_version" \
    "llm-audit at $baseline_name" "$binary_size" "$binary_symbols" "${cold_size:-}" \
    "$( ((cold_build)) && cat "$scratch/cold.time" || true)" << 'EOF'
import sys
(results, openai, claude, dense, peer, baseline, size, symbols, cold_size, cold) = sys.argv[1:]
runs = {}
for line in open(results):
    label, tool, threads, nbytes, wall, cpu, rss, anon, low, high = line.rstrip("\n").split("\t")
    # /usr/bin/time counts hundredths: a run of small files may take "0.00" s.
    runs[(label, tool, threads)] = dict(bytes=int(nbytes), wall=max(float(wall), 0.01), cpu=float(cpu),
                                        rss=int(rss) / 1024, anon=int(anon) / 1024,
                                        spread=(int(high) - int(low)) / 1024)
def run(label, tool, threads="2"):
    return runs.get((label, tool, threads))
def mark(ok):
    return "yes" if ok else "no"
rows = []
def add(target, measured, met, bound=""):
    rows.append(f"| {target} | {measured} | {mark(met)} | {'' if met else bound} |")
def budget(limit, ours, stage, floors):
    """What bounds a time target of `limit` seconds: the reading stage alone (`classify`), and
    what the rest of the run (the replays, findings and report) takes beside what is left."""
    rest = max(ours["wall"] - stage["wall"], 0)
    if stage["wall"] >= limit:
        # A third decimal where two would print the two times alike.
        digits = 3 if f"{stage['wall']:.2f}" == f"{limit:.2f}" else 2
        return (f"llm-audit's reading stage alone (`classify`: read, price, classify) takes "
                f"{stage['wall']:.{digits}f} s, more than {limit:.{digits}f} s{floors}")
    return (f"the reading stage (`classify`) takes {stage['wall']:.2f} s of the {limit:.2f} s, "
            f"leaving {limit - stage['wall']:.2f} s for the policies' replays, the findings and "
            f"the report, which take {rest:.2f} s (the two runs' difference){floors}")

mixes = [("standard", claude), ("dense", dense)]
for mix, label in mixes:
    ours, theirs = run(label, "llm-audit"), run(label, peer, "-")
    cat, floor, stage = run(label, "cat", "-"), run(label, "serde_json floor"), run(label, "llm-audit classify")
    ratio = theirs["wall"] / ours["wall"]
    add(f"≥ 5× ccusage, {mix} Claude Code mix",
        f"{ours['wall']:.2f} s against {theirs['wall']:.2f} s: {ratio:.1f}×",
        ratio >= 5,
        f"5× is {theirs['wall'] / 5:.2f} s: "
        + budget(theirs["wall"] / 5, ours, stage,
                 f" (`cat` of the files takes {cat['wall']:.2f} s, the serde_json floor "
                 f"{floor['wall']:.2f} s)"))
for mix, label in mixes:
    ours, theirs = run(label, "llm-audit"), run(label, peer, "-")
    add(f"less memory than ccusage, {mix} mix",
        f"{ours['rss']:.0f} MiB against {theirs['rss']:.0f} MiB", ours["rss"] < theirs["rss"])
for mix, label in mixes:
    ours, before = run(label, "llm-audit"), run(label, baseline)
    if before is None:
        rows.append(f"| no more memory than before on the {mix} Claude Code mix | no earlier "
                    f"build run (`BASELINE_BIN`) | - | |")
        continue
    # A build's peak RSS differs from run to run (the threads' timing decides how many
    # buffers are in flight at once): a difference within that spread, or within 1 MiB, is
    # none.
    noise = max(ours["spread"], before["spread"], 1)
    add(f"no more memory than before on the {mix} Claude Code mix",
        f"{ours['rss']:.1f} MiB against {before['rss']:.1f} MiB for "
        f"{baseline[len('llm-audit at '):]} (medians; the runs of one build differ by up to "
        f"{max(ours['spread'], before['spread']):.1f} MiB)",
        ours["rss"] <= before["rss"] + noise,
        f"{ours['rss'] - before['rss']:.1f} MiB more, beyond the runs' spread")
for mix, label in mixes:
    ours, cat, stage = run(label, "llm-audit"), run(label, "cat", "-"), run(label, "llm-audit classify")
    ratio = ours["wall"] / cat["wall"]
    add(f"within 3× of `cat`, {mix} mix", f"{ratio:.1f}× ({ours['wall']:.2f} s against {cat['wall']:.2f} s)",
        ratio <= 3,
        f"3× `cat` is {3 * cat['wall']:.2f} s: " + budget(3 * cat["wall"], ours, stage, ""))
ours, stage = run(openai, "llm-audit"), run(openai, "llm-audit classify")
rate = ours["bytes"] / 1e6 / ours["wall"]
add("≥ 1 GB/s on OpenAI JSONL with prompt text, 2 threads",
    f"{rate:,.0f} MB/s ({ours['wall']:.2f} s for {ours['bytes'] / 1e6:,.0f} MB)", rate >= 1000,
    f"1 GB/s is {ours['bytes'] / 1e9:.2f} s for this file: "
    + budget(ours["bytes"] / 1e9, ours, stage,
             f" (the stage's CPU is {stage['cpu']:.2f} s of the run's {ours['cpu']:.2f} s on 2 cores)"))
big = [v | dict(label=k[0]) for k, v in runs.items() if k[0].startswith(openai + " (big")]
if big:
    b = big[0]
    add(f"peak memory under 200 MB at 20 GB of gateway logs",
        f"{b['rss'] * 1.048576:.0f} MB ({b['rss']:.0f} MiB; anonymous {b['anon']:.0f} MiB) on "
        f"{b['bytes'] / 1e9:.1f} GB", b["rss"] * 1.048576 < 200,
        "the calls' files mapped for the passes in time order, and the heap")
else:
    rows.append("| peak memory under 200 MB at 20 GB of gateway logs | not measured in this run "
                "(`--big`) | - | |")
mb = int(size) / 1e6
stripped = symbols.strip() == "0"
measured = f"{mb:.1f} MB, symbols {'stripped' if stripped else 'kept (a profiling build)'}"
if cold:
    wall, user, sys_, rss = cold.split()
    measured += (f"; cold build of the binary {float(wall) / 60:.1f} min ({float(user) + float(sys_):,.0f} s of CPU), "
                 f"which made {int(cold_size) / 1e6:.1f} MB")
else:
    measured += "; cold build not timed in this run (`--cold-build`)"
cold_mb = int(cold_size) / 1e6 if cold_size else mb
add("release binary smaller than 97 MB unstripped, symbols stripped; size and cold build reported",
    measured, cold_mb < 97 and (stripped or bool(cold_size)),
    "this run's binary keeps its symbols: build with the project's release profile, or add "
    "`--cold-build`" if not stripped and not cold_size else "")
print("| target | measured | met? | what bounds it |")
print("|---|---|---|---|")
print("\n".join(rows))
EOF
)"

cores="$(nproc)"
memory="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
command_line="scripts/bench_e2e.sh${*:+ $*}"
block="$(
    cat << EOF
- **Date:** $(date -u +%F).
- **Machine:** $cores cores, $memory GiB RAM, release build; the files read into the page cache
  before every run; 1-minute load average $load_before before the runs and $load_after after (a
  load above $cores would mean other processes competed for the cores and inflated the wall times).
- **Command:** \`$command_line\` (medians of $runs runs; CPU is user + sys; MB are 10^6 bytes).
- **Inputs:** \`cargo run --release --example genlogs -- --format F --bytes SIZE --seed $seed\`:
  OpenAI Chat Completions and Responses logs with prompt text (\`--bytes $openai_size\`), and
  two Claude Code \`CLAUDE_CONFIG_DIR\` trees: the standard mix (\`--bytes $claude_size\`) and the
  dense one (\`--mix dense --bytes $dense_size\`: short tool results, many more records per byte).
  The peer is ccusage $ccusage_version's native binary, \`ccusage daily --json --offline\`.

$table

Issue 28's targets, from the table above:

$targets

$sanity

$sanity_dense
EOF
)"

echo
echo "$block"

if ((write)); then
    python3 - BENCHMARKS.md "$block" << 'EOF'
import sys
path, block = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- e2e:begin -->", "<!-- e2e:end -->"
if begin not in text or end not in text:
    sys.exit(f"{path} has no {begin} ... {end} block")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{begin}\n{block}\n{end}{tail}")
EOF
    echo "== wrote the table into BENCHMARKS.md" >&2
fi
