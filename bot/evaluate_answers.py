"""The article questions asked of the whole bot over REST, as a runner asks them.

`python -m knowledge eval` judges the search alone. A runner's question first
meets the NLU (is it a question, a report, out of scope?) and the actions, so
this asks every question of a dev or held-out set in a fresh conversation and
sorts what came back:

- answered: an `answer` payload (right when any cited section is a gold one);
- declined: `no_answer` (the article does not cover it, or out of scope), or an
  answer that says first that the article does not discuss the thing asked
  (`not_discussed`: "The article doesn't discuss ibuprofen; here is the nearest ...");
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
from typing import Callable

import yaml

from bot.rest_client import RestClient, Turn

OUTCOMES = ("answered", "declined", "assessment", "triage", "other")
# The lists a question set may hold, each judged like in_scope except out_of_scope.
ANSWERABLE = ("in_scope", "requests", "for_someone_else", "vague")


@dataclass(frozen=True)
class Outcome:
    question: str
    kind: str  # one of OUTCOMES
    sections: tuple[str, ...] = ()  # cited sections, best first, when answered
    level: str | None = None  # the triage level, when triaged
    passages: tuple[str, ...] = ()  # cited passage ids, best first, when answered
    asked: bool = False  # the turn also asked the first assessment question


@dataclass(frozen=True)
class Gold:
    """What answers a question: sections, and passage ids where the set gives them."""

    sections: tuple[str, ...]
    passages: tuple[str, ...] = ()


@dataclass
class Summary:
    in_scope: list[tuple[Outcome, Gold]] = field(default_factory=list)
    out_of_scope: list[Outcome] = field(default_factory=list)
    requests: list[tuple[Outcome, Gold]] = field(default_factory=list)
    for_someone_else: list[tuple[Outcome, Gold]] = field(default_factory=list)
    vague: list[tuple[Outcome, Gold]] = field(default_factory=list)  # one word: "DOMS", "stretching?"

    def counts(self, outcomes) -> Counter:
        return Counter(outcome.kind for outcome in outcomes)

    def right_at_1(self, group: str = "in_scope") -> int:
        """Answered with a gold section first."""
        return sum(1 for o, gold in getattr(self, group) if o.kind == "answered" and o.sections[0] in gold.sections)

    def passage_right_at_1(self, group: str = "in_scope") -> tuple[int, int]:
        """(answered with a gold passage first, questions with passage gold)."""
        judged = [(o, gold) for o, gold in getattr(self, group) if gold.passages]
        right = sum(1 for o, gold in judged if o.kind == "answered" and o.passages[:1] and o.passages[0] in gold.passages)
        return right, len(judged)


def classify(question: str, turn: Turn) -> Outcome:
    """What the runner got for a question, from one turn's merged custom payloads."""
    custom = turn.custom
    asked = "ask" in custom
    if "answer" in custom and custom["answer"].get("not_discussed"):
        # "The article doesn't discuss ibuprofen; here is the nearest thing":
        # the thing asked is declined, with a pointer.
        return Outcome(question, "declined", asked=asked)
    if "answer" in custom:
        citations = custom["answer"]["citations"]
        return Outcome(question, "answered", tuple(c["section"] for c in citations),
                       passages=tuple(c["passage"] for c in citations if "passage" in c), asked=asked)
    if custom.get("no_answer"):
        return Outcome(question, "declined", asked=asked)
    if "triage" in custom:
        return Outcome(question, "triage", level=custom["triage"]["level"])
    if asked:
        return Outcome(question, "assessment", asked=True)
    return Outcome(question, "other")


def gold_of(item: dict, section_of: Callable[[str], str]) -> Gold:
    """An item's gold: its `gold` sections, or the sections of its `passages`."""
    passages = tuple(item.get("passages") or ())
    sections = tuple(item.get("gold") or dict.fromkeys(section_of(p) for p in passages))
    return Gold(sections, passages)


def evaluate(client: RestClient, questions: dict, section_of: Callable[[str], str] | None = None) -> Summary:
    def ask(question: str) -> Outcome:
        return classify(question, client.say(f"eval-{uuid.uuid4().hex[:12]}", question))

    section_of = section_of or _article_section
    summary = Summary()
    for group in ANSWERABLE:
        for item in questions.get(group) or ():
            getattr(summary, group).append((ask(item["q"]), gold_of(item, section_of)))
    summary.out_of_scope = [ask(_text(item)) for item in questions.get("out_of_scope") or ()]
    return summary


def _text(item) -> str:
    return item["q"] if isinstance(item, dict) else item


def _article_section(passage_id: str) -> str:
    from knowledge.article import load_article

    return load_article().passage(passage_id).section


def render(summary: Summary, source: str) -> str:
    groups = [g for g in ANSWERABLE if getattr(summary, g)]
    n_out = len(summary.out_of_scope)
    counts = {g: summary.counts(o for o, _ in getattr(summary, g)) for g in groups}
    outside = summary.counts(summary.out_of_scope)
    header = " | ".join(g.replace("_", "-") for g in groups)
    lines = [
        f"## The whole bot over REST ({source})",
        "",
        "Each question in a fresh conversation. An in-scope question that starts an assessment is",
        "not answered from the article, though for a symptom stated as a question that can be the",
        "better reply; an out-of-scope one that gets a triage result named an emergency sign.",
        "",
        f"| outcome | {header} | out-of-scope |",
        "|---|" + "---|" * len(groups) + "---|",
        *[f"| {kind} | " + " | ".join(f"{counts[g][kind]}/{len(getattr(summary, g))}" for g in groups)
          + f" | {outside[kind]}/{n_out} |" for kind in OUTCOMES],
        "| answered, a gold section first | "
        + " | ".join(f"{summary.right_at_1(g)}/{len(getattr(summary, g))}" for g in groups) + " | |",
    ]
    if any(summary.passage_right_at_1(g)[1] for g in groups):
        lines.append("| answered, a gold passage first | "
                     + " | ".join("{}/{}".format(*summary.passage_right_at_1(g)) for g in groups) + " | |")
    misses = [f"- {g.replace('_', '-')}, {o.kind}{_detail(o)}: {o.question}"
              for g in groups for o, gold in getattr(summary, g) if not _right(o, gold)]
    misses += [f"- out-of-scope, {o.kind}{_detail(o)}: {o.question}" for o in summary.out_of_scope if o.kind != "declined"]
    return "\n".join(lines + (["", "Not as expected:", ""] + misses if misses else [""]))


def _right(outcome: Outcome, gold: Gold) -> bool:
    return outcome.kind == "answered" and outcome.sections[0] in gold.sections and (
        not gold.passages or outcome.passages[:1] in [(p,) for p in gold.passages])


def _detail(outcome: Outcome) -> str:
    if outcome.kind == "answered":
        return f" ({outcome.sections[0]}{' / ' + outcome.passages[0] if outcome.passages and outcome.passages[0] else ''})"
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
