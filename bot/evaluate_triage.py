"""Evaluate the bot's triage on the dev vignettes over the REST channel.

    python -m bot.evaluate_triage --url http://127.0.0.1:5005 \
        [--vignettes tests/dev/vignettes.yml] [--report reports/triage_eval.md] [--no-fail]

Each vignette is one fresh conversation (see docs/CONTRACT.md): the
opening is sent, and every `{"ask": slot}` is answered from the vignette until a
`{"triage": ...}` payload arrives. The scoring functions are pure and kept apart
from the HTTP and file I/O at the bottom of the module.

Exit code: 0 when the thresholds are met (or with --no-fail), 1 when under-triage
> 0, exact-level rate < 0.95 or any core-slot accuracy < 0.95, 2 when the bot
cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Optional

import yaml

from bot.rest_client import RestClient
from triage.rules import LEVELS as SEVERITY_ORDER

LEVELS = tuple(reversed(SEVERITY_ORDER))  # least -> most urgent: the one order of triage/rules.py
NO_TRIAGE = "none"
CORE_SLOTS = ("pain_type", "onset", "location", "duration_hours")
# Past this many turns a conversation counts as stuck: six questions asked at
# most three times each, plus two "anything else?" prompts, fit well inside.
MAX_TURNS = 30
UNKNOWN_ANSWER = "not sure"
# Older vignettes have no `spread` answer; their location answer says it best.
# A sign asked back ("Just to check: ...") is answered with what the runner
# says about warning signs.
SLOT_ALIASES = {"spread": "location", "sign_check": "warning_signs"}
MIN_EXACT_RATE = 0.95
MIN_SLOT_ACCURACY = 0.95

Messages = list
SendFn = Callable[[str], Messages]


# ---------------------------------------------------------------- conversation


def merge_custom(messages: Messages) -> dict:
    """Merge every `custom` object of one turn's messages into one dict."""
    merged: dict = {}
    for message in messages or []:
        custom = message.get("custom") if isinstance(message, dict) else None
        if isinstance(custom, dict):
            merged.update(custom)
    return merged


def answer_key_for(slot: str, answers: dict) -> Optional[str]:
    """The vignette answer key for a slot the bot asks, if the vignette has one."""
    if slot in answers:
        return slot
    alias = SLOT_ALIASES.get(slot)
    return alias if alias in answers else None


def choose_answer(slot: str, answers: dict) -> str:
    """What the runner says when asked for `slot`: the same words every time
    it is asked, as the contract's testers do (docs/CONTRACT.md)."""
    key = answer_key_for(slot, answers)
    return answers[key] if key else UNKNOWN_ANSWER


def new_result(vignette: dict) -> dict:
    expect = vignette.get("expect", {})
    return {
        "id": vignette["id"],
        "note": vignette.get("note", ""),
        "gold_level": expect.get("level"),
        "gold_facts": expect.get("facts") or {},
        "predicted_level": None,
        "reasons": [],
        "unknown": [],
        "facts": {},
        "asked": [],
        "transcript": [],
        "error": None,
    }


def record_triage(result: dict, triage: dict) -> None:
    result["predicted_level"] = triage.get("level")
    result["reasons"] = triage.get("reasons") or []
    result["unknown"] = triage.get("unknown") or []
    result["facts"] = triage.get("facts") or {}


def bot_texts(messages: Messages) -> list:
    return [m.get("text") for m in messages or [] if isinstance(m, dict) and m.get("text")]


def run_vignette(vignette: dict, send: SendFn, max_turns: int = MAX_TURNS) -> dict:
    """Play one vignette against `send(text) -> messages`; return its result."""
    result = new_result(vignette)
    answers = vignette.get("answers") or {}
    text = vignette["opening"]
    for _ in range(max_turns):
        messages = send(text)
        custom = merge_custom(messages)
        result["transcript"].append({"user": text, "bot": bot_texts(messages), "custom": custom})
        if "triage" in custom:
            record_triage(result, custom["triage"] or {})
            return result
        slot = custom.get("ask")
        if not slot:
            result["error"] = "bot neither asked a slot nor gave a triage"
            return result
        text = choose_answer(slot, answers)
        result["asked"].append(slot)
    result["error"] = f"no triage after {max_turns} turns"
    return result


# ---------------------------------------------------------------- scoring


def level_rank(level: Optional[str]) -> int:
    """Urgency rank; a missing or unknown level ranks below self_care."""
    return LEVELS.index(level) if level in LEVELS else -1


def triage_direction(gold: str, predicted: Optional[str]) -> str:
    """'exact', 'under' (less urgent than gold) or 'over' (more urgent)."""
    difference = level_rank(predicted) - level_rank(gold)
    if predicted == gold:
        return "exact"
    return "under" if difference <= 0 else "over"


def duration_matches(gold, predicted) -> bool:
    """Gold is [min_hours, max_hours] or None (the fact must stay unknown)."""
    if gold is None:
        return predicted is None
    if predicted is None or isinstance(predicted, bool):
        return False
    try:
        hours = float(predicted)
    except (TypeError, ValueError):
        return False
    low, high = gold
    return float(low) <= hours <= float(high)


# How the triage payload marks a fact the runner said they were not sure of.
UNKNOWN = "unknown"


def fact_matches(slot: str, gold, predicted) -> bool:
    """Gold None means the runner could not say: the bot must report it unknown."""
    if predicted == UNKNOWN:
        predicted = None
    if slot == "duration_hours":
        return duration_matches(gold, predicted)
    return gold == predicted


def slot_mismatches(result: dict) -> dict:
    """{slot: (gold, predicted)} for every gold core slot the bot got wrong."""
    wrong = {}
    for slot, gold in result["gold_facts"].items():
        if slot not in CORE_SLOTS:
            continue
        predicted = result["facts"].get(slot)
        if not fact_matches(slot, gold, predicted):
            wrong[slot] = (gold, predicted)
    return wrong


# The question each core fact is asked with.
QUESTION_OF = {"duration_hours": "duration"}


def reached(result: dict, slot: str) -> bool:
    """Did the conversation come to this fact: its question asked, or a value
    read? An emergency ends the questions at once (docs/TRIAGE.md), so a fact
    never asked and never said is not one the bot misread."""
    return QUESTION_OF.get(slot, slot) in result["asked"] or result["facts"].get(slot) is not None


def slot_accuracy(results: list, only_reached: bool = False) -> dict:
    """{slot: {"correct", "total", "accuracy"}} over results where gold is given
    (and, with only_reached, where the conversation came to the fact)."""
    scores = {}
    for slot in CORE_SLOTS:
        graded = [r for r in results if slot in r["gold_facts"] and (not only_reached or reached(r, slot))]
        correct = sum(slot not in slot_mismatches(r) for r in graded)
        accuracy = correct / len(graded) if graded else None
        scores[slot] = {"correct": correct, "total": len(graded), "accuracy": accuracy}
    return scores


def confusion_matrix(results: list) -> dict:
    """{gold_level: {predicted_level_or_'none': count}} over all levels."""
    columns = LEVELS + (NO_TRIAGE,)
    matrix = {gold: {pred: 0 for pred in columns} for gold in LEVELS}
    for result in results:
        predicted = result["predicted_level"]
        column = predicted if predicted in LEVELS else NO_TRIAGE
        matrix.setdefault(result["gold_level"], {pred: 0 for pred in columns})[column] += 1
    return matrix


def is_failure(result: dict) -> bool:
    wrong_level = result["predicted_level"] != result["gold_level"]
    return wrong_level or bool(result["error"]) or bool(slot_mismatches(result))


def summarize(results: list) -> dict:
    directions = [triage_direction(r["gold_level"], r["predicted_level"]) for r in results]
    total = len(results)
    return {
        "total": total,
        "exact": directions.count("exact"),
        "exact_rate": directions.count("exact") / total if total else 0.0,
        "under_triage": directions.count("under"),
        "over_triage": directions.count("over"),
        "no_triage": sum(r["predicted_level"] not in LEVELS for r in results),
        "confusion": confusion_matrix(results),
        "slots": slot_accuracy(results),
        "slots_reached": slot_accuracy(results, only_reached=True),
        "failures": [r["id"] for r in results if is_failure(r)],
    }


def threshold_violations(summary: dict) -> list:
    """Human-readable reasons the run fails its thresholds (empty when it passes)."""
    problems = []
    if summary["under_triage"] > 0:
        problems.append(f"under-triage count {summary['under_triage']} > 0")
    if summary["exact_rate"] < MIN_EXACT_RATE:
        problems.append(f"exact-level rate {summary['exact_rate']:.3f} < {MIN_EXACT_RATE}")
    for slot, score in summary["slots"].items():
        if score["accuracy"] is not None and score["accuracy"] < MIN_SLOT_ACCURACY:
            problems.append(f"{slot} accuracy {score['accuracy']:.3f} < {MIN_SLOT_ACCURACY}")
    return problems


# ---------------------------------------------------------------- formatting


def percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def confusion_rows(confusion: dict) -> list:
    columns = LEVELS + (NO_TRIAGE,)
    header = "| gold \\ predicted | " + " | ".join(columns) + " |"
    rows = [header, "|" + "---|" * (len(columns) + 1)]
    for gold, counts in confusion.items():
        rows.append(f"| {gold} | " + " | ".join(str(counts.get(c, 0)) for c in columns) + " |")
    return rows


def summary_lines(summary: dict) -> list:
    lines = [
        "| metric | value |",
        "|---|---|",
        f"| vignettes | {summary['total']} |",
        f"| exact level | {summary['exact']}/{summary['total']} ({percent(summary['exact_rate'])}) |",
        f"| under-triage | {summary['under_triage']} |",
        f"| over-triage | {summary['over_triage']} |",
        f"| no triage | {summary['no_triage']} |",
    ]
    for slot, score in summary["slots"].items():
        lines.append(
            f"| {slot} accuracy | {score['correct']}/{score['total']} ({percent(score['accuracy'])}) |"
        )
    for slot, score in summary.get("slots_reached", {}).items():
        lines.append(f"| {slot} accuracy where asked or said | {score['correct']}/{score['total']} "
                     f"({percent(score['accuracy'])}) |")
    return lines


def format_table(summary: dict) -> str:
    return "\n".join(summary_lines(summary) + [""] + confusion_rows(summary["confusion"]))


def format_reasons(reasons: list) -> str:
    parts = []
    for reason in reasons:
        if isinstance(reason, dict):
            parts.append(f"{reason.get('rule', '?')}: {reason.get('text', '')}".strip())
        else:
            parts.append(str(reason))
    return "; ".join(parts) or "(none)"


def failure_section(result: dict) -> list:
    lines = [
        f"### {result['id']}: {result['note']}",
        f"- level: gold `{result['gold_level']}`, predicted `{result['predicted_level']}`",
        f"- reasons given: {format_reasons(result['reasons'])}",
        f"- facts understood: `{json.dumps(result['facts'], sort_keys=True)}`",
        f"- unknown: {result['unknown'] or '(none)'}; slots asked: {result['asked'] or '(none)'}",
    ]
    for slot, (gold, predicted) in slot_mismatches(result).items():
        lines.append(f"- {slot}: gold `{gold}`, understood `{predicted}`")
    if result["error"]:
        lines.append(f"- error: {result['error']}")
    lines.append("- transcript:")
    for turn in result["transcript"]:
        lines.append(f"  - runner: {turn['user']!r} -> bot: {turn['bot']!r} custom keys {sorted(turn['custom'])}")
    return lines + [""]


def render_report(summary: dict, results: list) -> str:
    verdict = threshold_violations(summary)
    lines = ["# Triage evaluation", "", *summary_lines(summary), "", "## Confusion matrix", ""]
    lines += confusion_rows(summary["confusion"]) + ["", "## Verdict", ""]
    lines += [f"- FAIL: {problem}" for problem in verdict] or ["- PASS"]
    lines += ["", f"## Failures ({len(summary['failures'])})", ""]
    failed = [r for r in results if r["id"] in summary["failures"]]
    for result in failed:
        lines += failure_section(result)
    return "\n".join(lines) + "\n"


def progress_line(result: dict) -> str:
    mark = "FAIL" if is_failure(result) else "ok"
    return f"{result['id']:>5}  gold {result['gold_level']:<10}  predicted {str(result['predicted_level']):<10}  {mark}"


# ---------------------------------------------------------------- I/O


def load_vignettes(path: Path) -> list:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


# A set's writer may fix the day ("Today for every vignette: Saturday
# 2026-12-05"): its runners then write on that day, at this hour, whatever
# day the set is played on, so that "since thursday" means what it meant.
SET_DAY = re.compile(r"^#.*\btoday\b[^\n]*?(\d{4}-\d{2}-\d{2})", re.IGNORECASE | re.MULTILINE)
WRITING_HOUR = "17:00:00"


def runners_clock(path: Path) -> Optional[str]:
    """The local time the set's runners write at (ISO 8601), if its header fixes the day."""
    found = SET_DAY.search(path.read_text(encoding="utf-8")[:2000])
    return f"{found.group(1)}T{WRITING_HOUR}" if found else None


def rest_sender(base_url: str, conversation_id: str, timeout: float = 60.0, local_time: Optional[str] = None) -> SendFn:
    """Send one runner's messages in one conversation (the bot's one REST client)."""
    client = RestClient(base_url, timeout)

    def send(text: str) -> Messages:
        turn = client.say(conversation_id, text, local_time)
        if turn.status != 200:
            raise ValueError(f"HTTP {turn.status}: {turn.text[:200]}")
        return turn.messages

    return send


def bot_is_reachable(base_url: str, timeout: float = 10.0) -> bool:
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/webhooks/rest/", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def evaluate_over_rest(vignette: dict, base_url: str, local_time: Optional[str] = None) -> dict:
    conversation_id = f"eval-{vignette['id']}-{uuid.uuid4().hex[:12]}"
    try:
        return run_vignette(vignette, rest_sender(base_url, conversation_id, local_time=local_time))
    except (urllib.error.URLError, OSError, ValueError) as error:
        result = new_result(vignette)
        result["error"] = f"request failed: {error}"
        return result


def write_report(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def parse_args(argv: Optional[list]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Evaluate triage on the dev vignettes over REST.")
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa server base URL")
    parser.add_argument("--vignettes", type=Path, default=Path("tests/dev/vignettes.yml"))
    parser.add_argument("--report", type=Path, default=Path("reports/triage_eval.md"))
    parser.add_argument("--no-fail", action="store_true", help="always exit 0")
    return parser.parse_args(argv)


def evaluate(base_url: str, vignettes_path: Path, report_path: Optional[Path] = None) -> tuple[dict, list]:
    """Play every vignette against a running bot; return (summary, results) as data.

    Writes the Markdown report when `report_path` is given. The caller checks
    that the bot is reachable first."""
    results, local_time = [], runners_clock(vignettes_path)
    for vignette in load_vignettes(vignettes_path):
        results.append(evaluate_over_rest(vignette, base_url, local_time))
        print(progress_line(results[-1]), flush=True)
    summary = summarize(results)
    print("\n" + format_table(summary))
    if report_path is not None:
        write_report(report_path, render_report(summary, results))
    return summary, results


def main(argv: Optional[list] = None) -> int:
    args = parse_args(argv)
    if not bot_is_reachable(args.url):
        print(f"bot not reachable at {args.url}/webhooks/rest/", file=sys.stderr)
        return 0 if args.no_fail else 2
    summary, _ = evaluate(args.url, args.vignettes, args.report)
    problems = threshold_violations(summary)
    print("\n" + ("\n".join(f"FAIL: {p}" for p in problems) or "PASS") + f"\nreport: {args.report}")
    return 0 if args.no_fail or not problems else 1


if __name__ == "__main__":
    sys.exit(main())
