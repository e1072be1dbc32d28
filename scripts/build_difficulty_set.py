#!/usr/bin/env python3
"""Builds fixtures/difficulty/outcomes.jsonl: public benchmark questions, each with whether the
cheaper model of a model pair answered it wrong, from per-question results that two public
repositories publish. Standard library only; deterministic.

Usage: scripts/build_difficulty_set.py ZEROEVAL_GIT_DIR MMLU_PRO_GIT_DIR > fixtures/difficulty/outcomes.jsonl

Sources (read with `git show`, at the commits named in fixtures/difficulty/README.md):
- yuchenlin/ZeroEval (Apache-2.0), result_dirs/{gsm,math-l5}/<model>.json: each model's
  answer to every GSM8K test question (MIT) and MATH level-5 problem (MIT). ZeroEval publishes
  answers, not grades: this script grades them (the number for GSM8K, a normalised string for
  MATH) and prints its accuracy per model to stderr beside the accuracy ZeroEval's own summary
  reports, as a check of the grading. (CRUXEval is left out: a plain grading of its Python
  literals fell 5 to 15 points away from ZeroEval's own.)
- TIGER-AI-Lab/MMLU-Pro (Apache-2.0; the MMLU-Pro data is MIT),
  eval_results/model_outputs_<model>_5shots.zip: every question with the model's `pred` and the
  gold `answer`.

Each row's half ("tune" or "held_out") is fixed by a hash of its id, so the split never moves.
Lateral pairs (same maker, flagship > its cheaper sibling) only; Mixtral is left out on purpose
because the outside check (RouteLLM's released results) routes GPT-4 to Mixtral.
"""

import ast
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile

ZEROEVAL_PAIRS = [
    ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"),
    ("claude-3-5-sonnet-20240620", "claude-3-haiku-20240307"),
    ("Meta-Llama-3.1-70B-Instruct", "Meta-Llama-3.1-8B-Instruct"),
    ("gemini-1.5-pro", "gemini-1.5-flash"),
    ("Qwen2-72B-Instruct", "Qwen2-7B-Instruct"),
]
MMLU_PRO_PAIRS = [
    ("gemini-1.5-pro-002", "gemini-1.5-flash-002"),
    ("Meta-Llama-3_1-70B-Instruct", "Meta-Llama-3_1-8B-Instruct"),
    ("Qwen1.5-72B-Chat", "Qwen1.5-7B-Chat"),
]
# MMLU-Pro holds 12,032 questions; every fourth (by id hash) keeps the file small.
MMLU_PRO_KEEP = 4


def models_of(pairs):
    """Every model of `pairs`, once, in order."""
    return list(dict.fromkeys(model for pair in pairs for model in pair))


def outcomes_of(key, results, pairs):
    """The outcome of question `key` for every pair whose two models answered it."""
    return {f"{strong}>{cheap}": outcome(results[strong][key], results[cheap][key])
            for strong, cheap in pairs if key in results[strong] and key in results[cheap]}


def outcome(strong_right, cheap_right):
    """Which of the pair answered wrong: none, cheap, flagship or both."""
    wrong = {(True, True): "none", (True, False): "cheap", (False, True): "flagship",
             (False, False): "both"}
    return wrong[(strong_right, cheap_right)]


def git_show(repo, path):
    return subprocess.check_output(["git", "-C", repo, "show", "HEAD:" + path])


def half_of(row_id):
    digest = hashlib.sha256(row_id.encode()).digest()
    return "held_out" if digest[0] % 2 else "tune"


def answer_field(output):
    """The `answer` a model wrote in ZeroEval's JSON reply format, or None."""
    if isinstance(output, list):
        output = output[0] if output else ""
    found = re.findall(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)"', output)
    if found:
        try:
            return json.loads('"' + found[-1] + '"')
        except ValueError:
            return found[-1]
    found = re.findall(r'"answer"\s*:\s*([^,}\n]+)', output)
    return found[-1].strip() if found else None


def number(text):
    if text is None:
        return None
    found = re.findall(r"-?\d[\d,]*\.?\d*", text.replace("$", ""))
    if not found:
        return None
    try:
        return float(found[-1].replace(",", "").rstrip("."))
    except ValueError:
        return None


def normalise(text):
    if text is None:
        return None
    t = text.strip()
    boxed = re.findall(r"\\boxed\{(.*)\}", t)
    if boxed:
        t = boxed[-1]
    for old, new in [("\\left", ""), ("\\right", ""), ("\\!", ""), ("\\,", ""), ("dfrac", "frac"),
                     ("tfrac", "frac"), ("^\\circ", ""), ("^{\\circ}", ""), ("\\%", ""), ("$", ""),
                     ("\\text{ }", ""), (" ", ""), ("'", '"')]:
        t = t.replace(old, new)
    t = re.sub(r"\\text\{(.*?)\}", r"\1", t)
    t = t.rstrip(".")
    try:
        return repr(float(t))
    except ValueError:
        return t


def graded(dataset, gold, output):
    got = answer_field(output)
    if dataset == "gsm":
        want = number(gold)
        have = number(got)
        return have is not None and want is not None and abs(have - want) < 1e-6
    return got is not None and normalise(got) == normalise(gold)


def zeroeval_rows(repo):
    rows = {}
    prompts = {}
    for dataset, source in [("gsm", "gsm8k"), ("math-l5", "math_level5")]:
        accuracy = {}
        results = {}
        for model in models_of(ZEROEVAL_PAIRS):
            items = json.loads(git_show(repo, f"result_dirs/{dataset}/{model}.json"))
            right = {}
            for item in items:
                key = f"{source}/{item['id']}"
                right[key] = graded(dataset, item["answer"], item["output"])
                prompts.setdefault(key, item.get("question") or item.get("problem"))
            results[model] = right
            accuracy[model] = 100.0 * sum(right.values()) / len(right)
        summary = json.loads(git_show(repo, f"result_dirs/{dataset}.summary.json"))
        published = {s.get("Model"): s.get("Acc") for s in summary if isinstance(s, dict)}
        for model, acc in accuracy.items():
            print(f"{dataset:8} {model:32} graded {acc:5.1f}  ZeroEval {published.get(model)}",
                  file=sys.stderr)
        for key, prompt in prompts.items():
            if not key.startswith(source + "/"):
                continue
            rows[key] = {"id": key, "source": source, "subject": None, "prompt": prompt,
                         "outcomes": outcomes_of(key, results, ZEROEVAL_PAIRS)}
    return rows


def mmlu_pro_rows(repo):
    results = {}
    questions = {}
    for model in models_of(MMLU_PRO_PAIRS):
        blob = git_show(repo, f"eval_results/model_outputs_{model}_5shots.zip")
        archive = zipfile.ZipFile(io.BytesIO(blob))
        name = next(n for n in archive.namelist() if n.endswith(".json"))
        right = {}
        for item in json.loads(archive.read(name)):
            key = f"mmlu_pro/{item['question_id']}"
            right[key] = item.get("pred") == item.get("answer")
            questions.setdefault(key, item)
        results[model] = right
        print(f"mmlu-pro {model:32} graded {100.0 * sum(right.values()) / len(right):5.1f}",
              file=sys.stderr)
    rows = {}
    for key, item in questions.items():
        if hashlib.sha256(key.encode()).digest()[1] % MMLU_PRO_KEEP:
            continue
        options = item["options"]
        if isinstance(options, str):
            options = ast.literal_eval(options)
        letters = "ABCDEFGHIJ"
        prompt = item["question"].strip() + "\n\n" + "\n".join(
            f"{letters[i]}. {str(o).strip()}" for i, o in enumerate(options))
        rows[key] = {"id": key, "source": "mmlu_pro", "subject": item["category"],
                     "prompt": prompt, "outcomes": outcomes_of(key, results, MMLU_PRO_PAIRS)}
    return rows


def main():
    zeroeval, mmlu_pro = sys.argv[1], sys.argv[2]
    rows = {}
    rows.update(zeroeval_rows(zeroeval))
    rows.update(mmlu_pro_rows(mmlu_pro))
    for key in sorted(rows):
        row = rows[key]
        if not row["outcomes"] or not row["prompt"]:
            continue
        row["half"] = half_of(key)
        print(json.dumps(row, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
