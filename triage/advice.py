"""What to tell the runner at each triage level, read from advice.yml."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from triage.conditions import RuleError
from triage.rules import LEVELS, validate_citation

ADVICE_PATH = Path(__file__).with_name("advice.yml")


@dataclass(frozen=True)
class Advice:
    now: str              # what to do now
    if_worse: str         # safety-netting: what to do if it gets worse
    not_a_diagnosis: str
    citations: tuple[dict, ...] = ()  # where the advice itself comes from, if anywhere

    def to_payload(self) -> dict:
        return {"now": self.now, "if_worse": self.if_worse, "not_a_diagnosis": self.not_a_diagnosis}


def load_advice(path: str | Path | None = None) -> dict[str, Advice]:
    """Advice for every level; a level without advice is an error at load time,
    because a runner must never get a level with nothing to do."""
    return dict(_load_cached(str(Path(path or ADVICE_PATH).resolve())))


@lru_cache(maxsize=None)
def _load_cached(path: str) -> tuple[tuple[str, Advice], ...]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("levels"), dict):
        raise RuleError(f"{path}: expected a mapping with 'not_a_diagnosis' and 'levels'")
    disclaimer = _text(raw.get("not_a_diagnosis"), f"{path}: not_a_diagnosis")
    levels = raw["levels"]
    if set(levels) != set(LEVELS):
        raise RuleError(f"{path}: levels must be exactly {', '.join(LEVELS)}, got {', '.join(map(str, levels))}")
    return tuple((level, _parse_level(levels[level], disclaimer, f"{path}: {level}")) for level in LEVELS)


def _parse_level(raw: Any, disclaimer: str, where: str) -> Advice:
    if not isinstance(raw, dict) or not {"now", "if_worse"} <= set(raw) <= {"now", "if_worse", "citations"}:
        raise RuleError(f"{where}: expected 'now', 'if_worse' and optional 'citations'")
    citations = tuple(
        validate_citation(citation, f"{where}.citations[{index}]")
        for index, citation in enumerate(raw.get("citations") or [])
    )
    return Advice(
        now=_text(raw["now"], f"{where}.now"),
        if_worse=_text(raw["if_worse"], f"{where}.if_worse"),
        not_a_diagnosis=disclaimer,
        citations=copy.deepcopy(citations),
    )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: expected non-empty text")
    return value.strip()
