"""What the runner reads: plain text built from pure results. No Rasa here."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

from triage.engine import TriageResult

QUESTIONS_PATH = Path(__file__).with_name("questions.yml")

HEADLINES = {
    "emergency": "⚠️ This could be an emergency.",
    "urgent": "Get medical help today.",
    "see_doctor": "Get this checked by a doctor or physio in the next few days.",
    "self_care": "This sounds like normal post-run soreness.",
}
# How an unknown fact is named in "I couldn't use ...".
FACT_NAMES = {
    "pain_type": "what the pain feels like",
    "onset": "when it started",
    "location": "where it hurts",
    "spread": "whether it is in one spot",
    "duration_hours": "how long you've had it",
}


def questions() -> dict:
    return _question_file()["questions"]


@lru_cache(maxsize=1)
def _question_file() -> dict:
    return yaml.safe_load(QUESTIONS_PATH.read_text(encoding="utf-8"))


def sign_check_question(sign: str) -> dict:
    """The plain yes/no question that asks back about one sign."""
    data = _question_file()
    return {"text": data["sign_checks"][sign], "buttons": data["sign_check_buttons"]}


def triage_text(result: TriageResult, about_them: bool = False) -> str:
    """The level, why, what to do now and if worse, unknowns, and the caveat.
    `about_them`: the person assessed is not the writer (a parent, a coach),
    and what is said of them speaks of them ("Their pain is ...")."""
    advice = result.advice
    said_of = of_them if about_them else str
    parts = [f"**{HEADLINES[result.level]}**", advice.now]
    if about_them:
        parts.insert(1, "This is about the person you are writing for.")
    if result.reasons:
        parts.append("Why: " + " ".join(said_of(_sentence(r.text)) for r in result.reasons))
    parts.append("If it gets worse: " + advice.if_worse)
    if unknown := [FACT_NAMES[f] for f in result.unknown if f in FACT_NAMES]:
        parts.append(said_of("I couldn't take into account " + _join(unknown) + ", so treat this with care."))
    parts.append(advice.not_a_diagnosis)
    return "\n\n".join(parts)


# Second person to third, for what is said of the person assessed: objects
# first ("made you stop" is "made them stop"), then "your" and "you".
THEM = ((re.compile(r"\b(made|makes|wake|wakes|let|lets) you\b"), r"\1 them"),
        (re.compile(r"\byou've\b"), "they've"), (re.compile(r"\bYour\b"), "Their"),
        (re.compile(r"\byour\b"), "their"), (re.compile(r"\bYou\b"), "They"), (re.compile(r"\byou\b"), "they"))


def of_them(text: str) -> str:
    """'Your pain gets worse when you move' -> 'Their pain gets worse when they move'."""
    for pattern, replacement in THEM:
        text = pattern.sub(replacement, text)
    return text


def checklist_buttons(signs_known: dict[str, bool]) -> list[dict]:
    """Warning-sign buttons for the items the runner has not answered yet."""
    spec = questions()["warning_signs"]
    buttons = [
        {"title": item["title"], "payload": _sign_payload(item)}
        for item in spec["checklist"]
        if not all(sign in signs_known for sign in item["signs"])
    ]
    return buttons + [spec["none_button"]]


def checklist_signs() -> list[str]:
    return [s for item in questions()["warning_signs"]["checklist"] for s in item["signs"]]


def _sign_payload(item: dict) -> str:
    entities = {"sign": item["signs"], **item.get("also", {})}
    return "/inform" + json.dumps(entities)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
