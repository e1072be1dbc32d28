#!/usr/bin/env python3
"""Writes a large OpenAI-format log by repeating the 330 labelled calls of fixtures/classify/
with unique response ids (so no call is merged as a duplicate).

    python3 scripts/replicate_labelled.py 600 > /tmp/replay_bench.jsonl   # 198,000 calls, 452 MB
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ID = re.compile(r'"(chatcmpl-[^"]*|resp_[^"]*)"')


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    lines = []
    for name in ("labelled_a.jsonl", "labelled_b.jsonl"):
        text = (ROOT / "fixtures" / "classify" / name).read_text()
        lines.extend(json.dumps(json.loads(l)) for l in text.splitlines() if l.strip())
    out = sys.stdout
    for copy in range(copies):
        for line in lines:
            out.write(ID.sub(lambda m: f'"{m.group(1)}-{copy}"', line) + "\n")


if __name__ == "__main__":
    main()
