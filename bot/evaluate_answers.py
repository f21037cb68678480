"""The article questions asked of the whole bot over REST, as a runner asks them.

`python -m knowledge eval` judges the search alone. A runner's question first
meets the NLU (is it a question, a report, out of scope?) and the actions, so
this asks every question of a dev or held-out set in a fresh conversation and
sorts what came back:

- answered: an `answer` payload (right when any cited section is a gold one);
- declined: `no_answer` (the article does not cover it, or out of scope);
- assessment: the bot took it for a report and asked the first question;
- triage: the bot gave a triage result at once (an emergency sign);
- other: anything else, such as "I didn't understand".

    python -m bot.evaluate_answers --url http://127.0.0.1:5005 [--questions tests/dev/questions.yml]
"""
from __future__ import annotations

import argparse
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.rest_client import RestClient, Turn

OUTCOMES = ("answered", "declined", "assessment", "triage", "other")


@dataclass(frozen=True)
class Outcome:
    question: str
    kind: str  # one of OUTCOMES
    sections: tuple[str, ...] = ()  # cited sections, best first, when answered
    level: str | None = None  # the triage level, when triaged


@dataclass
class Summary:
    in_scope: list[tuple[Outcome, tuple[str, ...]]] = field(default_factory=list)  # with gold sections
    out_of_scope: list[Outcome] = field(default_factory=list)

    def counts(self, outcomes) -> Counter:
        return Counter(outcome.kind for outcome in outcomes)

    def right_at_1(self) -> int:
        return sum(1 for o, gold in self.in_scope if o.kind == "answered" and o.sections[0] in gold)


def classify(question: str, turn: Turn) -> Outcome:
    """What the runner got for a question, from one turn's merged custom payloads."""
    custom = turn.custom
    if "answer" in custom:
        return Outcome(question, "answered", tuple(c["section"] for c in custom["answer"]["citations"]))
    if custom.get("no_answer"):
        return Outcome(question, "declined")
    if "triage" in custom:
        return Outcome(question, "triage", level=custom["triage"]["level"])
    if "ask" in custom:
        return Outcome(question, "assessment")
    return Outcome(question, "other")


def evaluate(client: RestClient, questions: dict) -> Summary:
    def ask(question: str) -> Outcome:
        return classify(question, client.say(f"eval-{uuid.uuid4().hex[:12]}", question))

    summary = Summary()
    for item in questions["in_scope"]:
        summary.in_scope.append((ask(item["q"]), tuple(item["gold"])))
    summary.out_of_scope = [ask(question) for question in questions["out_of_scope"]]
    return summary


def render(summary: Summary, source: str) -> str:
    n_in, n_out = len(summary.in_scope), len(summary.out_of_scope)
    inside = summary.counts(o for o, _ in summary.in_scope)
    outside = summary.counts(summary.out_of_scope)
    lines = [
        f"## The whole bot over REST ({source})",
        "",
        "Each question in a fresh conversation. An in-scope question that starts an assessment is",
        "not answered from the article, though for a symptom stated as a question that can be the",
        "better reply; an out-of-scope one that gets a triage result named an emergency sign.",
        "",
        "| outcome | in-scope | out-of-scope |",
        "|---|---|---|",
        *[f"| {kind} | {inside[kind]}/{n_in} | {outside[kind]}/{n_out} |" for kind in OUTCOMES],
        f"| answered, a gold section first | {summary.right_at_1()}/{n_in} | |",
        "",
    ]
    misses = [f"- in-scope, {o.kind}{_detail(o)}: {o.question}" for o, _ in summary.in_scope if o.kind != "answered"]
    misses += [f"- out-of-scope, {o.kind}{_detail(o)}: {o.question}" for o in summary.out_of_scope if o.kind != "declined"]
    return "\n".join(lines + (["Not as expected:", ""] + misses if misses else []))


def _detail(outcome: Outcome) -> str:
    if outcome.kind == "answered":
        return f" ({outcome.sections[0]})"
    return f" ({outcome.level})" if outcome.level else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--questions", type=Path, default=Path("tests/dev/questions.yml"))
    parser.add_argument("--report", type=Path, help="also write the Markdown here")
    args = parser.parse_args(argv)
    questions = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    text = render(evaluate(RestClient(args.url), questions), str(args.questions))
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
