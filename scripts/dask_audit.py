#!/usr/bin/env python3
"""Runs one llm-audit analysis over a Dask cluster.

Each task runs `llm-audit analyze --shard K/N --emit-partial -` on a worker and hands the
partial (compact per-call rows, never prompt text) back to the driver, which runs
`llm-audit merge` on them. The report is byte for byte the one a single `analyze` over the same
inputs prints.

Every worker must see the inputs under the same names: object-storage URLs (`s3://...`,
`gs://...`, `az://...`, read by each worker with its own credentials) or a shared file system.
Every worker needs the `llm-audit` command (`pip install llm-audit` in the workers' environment).

    python scripts/dask_audit.py --scheduler tcp://scheduler:8786 --shards 64 \\
        -- --format json -o report.json s3://bucket/logs/
    python scripts/dask_audit.py --local-workers 4 -- --format markdown logs/

Everything after `--` is passed to both `analyze` (on the workers) and `merge` (on the driver),
as `merge` needs the shards' pricing, rules, policy and grouping flags; the inputs (arguments
that are not flags) go to `analyze` only, and output flags (`-o`, `--format`, `--*-csv`, ...)
to `merge` only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# Flags that shape the report only: `merge` takes them, `analyze --emit-partial` refuses them.
OUTPUT_FLAGS = {
    "-o": True,
    "--output": True,
    "--format": True,
    "--breakdown-csv": True,
    "--savings-csv": True,
    "--calls-csv": True,
    "--calls-parquet": True,
    "--summary": False,
    "--full": False,
}


def split_flags(args, value_flags):
    """Splits the arguments after `--` into (flags for both, output flags, inputs)."""
    shared, output, inputs = [], [], []
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        target = output if name in OUTPUT_FLAGS else shared
        if arg.startswith("-") and arg != "-":
            target.append(arg)
            takes_value = OUTPUT_FLAGS.get(name, name in value_flags)
            if takes_value and "=" not in arg and i + 1 < len(args):
                target.append(args[i + 1])
                i += 1
        else:
            inputs.append(arg)
        i += 1
    return shared, output, inputs


def value_flags(binary):
    """The `analyze` flags that take a value, read from its help (so the recipe follows the CLI)."""
    help_text = subprocess.run(
        [binary, "analyze", "--help"], capture_output=True, text=True, check=True
    ).stdout
    flags = set()
    for line in help_text.splitlines():
        words = line.strip().replace(",", " ").split()
        for i, word in enumerate(words[:-1]):
            if word.startswith("-") and words[i + 1].startswith("<"):
                flags.add(word)
    return flags


def run_shard(binary, shard, flags, inputs):
    """One task: the partial of the K-th of N slices of the inputs, as bytes."""
    done = subprocess.run(
        [binary, "analyze", "--shard", shard, "--emit-partial", "-", *flags, *inputs],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"shard {shard} failed ({done.returncode}): {done.stderr.decode(errors='replace')}"
        )
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", help="address of a running Dask scheduler")
    where.add_argument(
        "--local-workers", type=int, help="start a local cluster of this many worker processes"
    )
    parser.add_argument("--shards", type=int, help="slices of the inputs (default: 2 per worker)")
    parser.add_argument(
        "--binary",
        default=shutil.which("llm-audit") or "llm-audit",
        help="the llm-audit command on the driver and the workers (default: from PATH)",
    )
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="-- then llm-audit flags and inputs")
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    shared, output, inputs = split_flags(rest, value_flags(args.binary))
    if not inputs:
        parser.error("name the inputs after `--` (files, folders or object-storage URLs)")

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.local_workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    with client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        shards = args.shards or 2 * workers
        futures = [
            client.submit(run_shard, args.binary, f"{k}/{shards}", shared, inputs, pure=False)
            for k in range(1, shards + 1)
        ]
        partials = client.gather(futures)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for k, partial in enumerate(partials, start=1):
            path = os.path.join(folder, f"part-{k}.bin")
            with open(path, "wb") as out:
                out.write(partial)
            paths.append(path)
        merged = subprocess.run([args.binary, "merge", *shared, *output, *paths], check=False)
    return merged.returncode


if __name__ == "__main__":
    sys.exit(main())
