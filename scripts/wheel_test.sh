#!/usr/bin/env bash
# The Python wheel and the Dask recipe, as a user meets them:
# 1. builds the wheel with maturin (pyproject.toml) from the release build,
# 2. installs it into a fresh virtual environment and runs the fixtures report from the
#    installed `llm-audit` command,
# 3. runs scripts/dask_audit.py on a local Dask cluster of worker processes, with the installed
#    command, and checks that the merged report equals one `analyze` over the same inputs, byte
#    for byte.
# Needs python3 with venv and a package index (pip installs maturin, dask[distributed]).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet "maturin>=1.5,<2"
# A plain `linux` tag: this wheel is for the machine that built it (see the README for
# manylinux wheels that install anywhere).
"$work/build/bin/maturin" build --release --locked --compatibility linux --out "$work/wheels"

python3 -m venv "$work/env"
"$work/env/bin/pip" install --quiet "$work"/wheels/llm_audit-*.whl "dask[distributed]"
installed="$work/env/bin/llm-audit"
test -x "$installed"
"$installed" --version
"$installed" analyze --no-progress fixtures/logs > "$work/report.txt"
grep -q "^Spent " "$work/report.txt"
echo "wheel: the installed command printed the fixtures report ($(wc -l < "$work/report.txt") lines)"

"$installed" analyze --no-progress --format json --group-by day fixtures/logs fixtures/malformed \
    > "$work/single.json"
"$work/env/bin/python" scripts/dask_audit.py --local-workers 2 --shards 5 --binary "$installed" \
    -- --format json --group-by day fixtures/logs fixtures/malformed > "$work/merged.json"
cmp "$work/single.json" "$work/merged.json"
echo "dask: 5 shards on 2 worker processes merged into the report of one analyze, byte for byte"
