"""Reading a reply in the context of the question it answers, from labelled examples.

The lexicon (triage/extract.py) reads the words it knows. When it finds no
value for the question the bot is waiting on, this reader matches the reply to
that question's options by its nearest labelled example answers
(triage/data/answers.yml and checklist.yml), in sentence-embedding space:
"when i got up" sits near "woke up with it" (next_day), "halfway round" near
"mid run" (during_run). Below the similarity threshold it says nothing, and
the question is asked again with its buttons.

Pure: numpy only. The vectors come from an `embed` function that the caller
supplies (the MiniLM model in the action server), so tests can give their own.
A new phrasing is taught by adding a labelled line to the data, not code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import yaml

DATA_DIR = Path(__file__).with_name("data")
ANSWERS_PATH = DATA_DIR / "answers.yml"
CHECKLIST_PATH = DATA_DIR / "checklist.yml"
# Replies to "Just to check: ...?" about one sign, labelled yes, no or unsure.
CHECKS_PATH = DATA_DIR / "checks.yml"
UNKNOWN = "unknown"
# How close a reply must be to its nearest example, and how many neighbours
# vote. Chosen with leave_one_out() below over the examples and their MiniLM
# vectors, before 129 examples that were near-duplicates of evaluated
# sentences were removed: at 0.62 it read 78% of them, 85% of those right
# (0.5: 91% read, 83% right; 0.7: 61% read, 84% right).
THRESHOLD = 0.62
NEIGHBOURS = 5
# The duration buttons' values: a duration read by example is only a bucket.
DURATION_BUCKETS = ((24, "12"), (72, "48"), (336, "96"), (float("inf"), "336"))

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Example:
    slot: str
    text: str
    value: str


@dataclass(frozen=True)
class Match:
    value: str
    similarity: float


def check_slot(sign: str) -> str:
    """The reader's slot for replies to the check of one sign."""
    return f"check:{sign}"


def load_examples(answers: Path = ANSWERS_PATH, checklist: Path = CHECKLIST_PATH,
                  checks: Path = CHECKS_PATH) -> list[Example]:
    """Every labelled answer, with durations as their bucket, checklist
    replies labelled "done" (nothing else applies) or "more", and replies to
    a sign's check labelled yes, no or unsure."""
    examples = [Example(item["slot"], str(item["text"]), _label(item["slot"], item["value"]))
                for item in yaml.safe_load(answers.read_text(encoding="utf-8"))]
    examples += [Example("warning_signs", str(item["text"]), "done" if item.get("done") else "more")
                 for item in yaml.safe_load(checklist.read_text(encoding="utf-8"))]
    examples += [Example(check_slot(item["sign"]), str(item["text"]), str(item["value"]))
                 for item in yaml.safe_load(checks.read_text(encoding="utf-8"))]
    return examples


def _label(slot: str, value) -> str:
    if slot != "duration" or value == UNKNOWN:
        return str(value)
    return next(bucket for limit, bucket in DURATION_BUCKETS if float(value) < limit)


class AnswerReader:
    def __init__(self, examples: list[Example], vectors: np.ndarray, embed_one: Callable[[str], np.ndarray],
                 threshold: float = THRESHOLD, neighbours: int = NEIGHBOURS):
        self.embed_one = embed_one
        self.threshold = threshold
        self.neighbours = neighbours
        self.by_slot: dict[str, tuple[np.ndarray, list[str]]] = {}
        for slot in {e.slot for e in examples}:
            rows = [i for i, e in enumerate(examples) if e.slot == slot]
            self.by_slot[slot] = (vectors[rows], [examples[i].value for i in rows])

    def read(self, slot: str, text: str) -> Match | None:
        """The option the reply names, "unknown" for a reply like "idk", or
        None when no example is close enough to say."""
        if slot not in self.by_slot or not text.strip() or text.startswith("/"):
            return None
        return self.match(slot, self.embed_one(text))

    def match(self, slot: str, vector: np.ndarray) -> Match | None:
        vectors, labels = self.by_slot[slot]
        similarities = vectors @ vector
        nearest = np.argsort(-similarities)[: self.neighbours]
        if similarities[nearest[0]] < self.threshold:
            return None
        votes: dict[str, float] = {}
        for i in nearest:
            if similarities[i] >= self.threshold:
                votes[labels[i]] = votes.get(labels[i], 0.0) + float(similarities[i])
        value = max(votes, key=votes.get)
        return Match(value, float(max(similarities[i] for i in nearest if labels[i] == value)))


def leave_one_out(examples: list[Example], vectors: np.ndarray, threshold: float) -> dict[str, float]:
    """How the reader does on each example with that example left out:
    the share it reads, and the share of those it reads right."""
    read = right = 0
    for i, example in enumerate(examples):
        keep = [j for j in range(len(examples)) if j != i]
        reader = AnswerReader([examples[j] for j in keep], vectors[keep], lambda _: vectors[i], threshold)
        found = reader.match(example.slot, vectors[i]) if example.slot in reader.by_slot else None
        if found is not None:
            read += 1
            right += found.value == example.value
    return {"read": read / len(examples), "right_when_read": right / read if read else 0.0}
