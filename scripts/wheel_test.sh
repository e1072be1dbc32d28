#!/usr/bin/env bash
# The Python wheel and the Dask recipe, as a user meets them:
# 1. builds the wheel with maturin (pyproject.toml) from the release build,
# 2. installs it into a fresh virtual environment and runs the fixtures report from the
#    installed `llm-audit` command,
# 3. runs scripts/dask_audit.py on a local Dask cluster of worker processes, with the installed
#    command, and checks that the merged report equals one `analyze` over the same inputs, byte
#    for byte: local files, then the same files in a bucket of a local S3-compatible server
#    (examples/s3_server.rs).
# Needs python3 with venv and a package index (pip installs maturin, dask[distributed]).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
work=$(mktemp -d)
server=
trap 'if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

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

# The same audit with its inputs in object storage: every worker reads its slice of the bucket.
cargo build --release --locked --example s3_server
mkdir -p "$work/s3/audit"
cp -r fixtures/logs "$work/s3/audit/logs"
"$CARGO_TARGET_DIR/release/examples/s3_server" "$work/s3" > "$work/endpoint" &
server=$!
for _ in $(seq 100); do
    [[ -s "$work/endpoint" ]] && break
    sleep 0.1
done
export AWS_ENDPOINT_URL="$(head -1 "$work/endpoint")" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=llm-audit-test AWS_SECRET_ACCESS_KEY=llm-audit-test-secret
unset AWS_PROFILE AWS_SESSION_TOKEN http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
"$installed" analyze --no-progress --format json s3://audit/logs/ > "$work/single-s3.json"
"$work/env/bin/python" scripts/dask_audit.py --local-workers 2 --shards 3 --binary "$installed" \
    -- --format json s3://audit/logs/ > "$work/merged-s3.json"
cmp "$work/single-s3.json" "$work/merged-s3.json"
grep -q '"path": "s3://audit/logs/' "$work/merged-s3.json"
echo "dask: 3 shards reading s3://audit/logs/ merged into the report of one analyze, byte for byte"
