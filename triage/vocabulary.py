"""The canonical names of every triage fact, read from vocabulary.yml.

vocabulary.yml is the one home of these names: the fact extractor produces them,
the rules read them, the questions offer them and the tests expect them. Code
here only reads it, so a name changed there is caught where it is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yml")

# Facts whose values are numbers, not words: they have no entry in the vocabulary.
NUMERIC_FACTS = ("duration_hours",)


@dataclass(frozen=True)
class Vocabulary:
    # fact name -> {canonical value: label the runner sees}
    categorical: Mapping[str, Mapping[str, str]]
    # sign name -> label the runner sees
    signs: Mapping[str, str]

    def fact_names(self) -> tuple[str, ...]:
        return tuple(self.categorical) + NUMERIC_FACTS

    def values_of(self, fact: str) -> Mapping[str, str]:
        return self.categorical.get(fact, {})


@lru_cache(maxsize=None)
def _load_cached(path: str) -> Vocabulary:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("signs"), dict):
        raise ValueError(f"{path}: expected a mapping with a 'signs' section")
    signs = {str(name): str(label) for name, label in raw["signs"].items()}
    categorical = {
        str(fact): {str(value): str(label) for value, label in values.items()}
        for fact, values in raw.items()
        if fact != "signs"
    }
    return Vocabulary(categorical=categorical, signs=signs)


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The vocabulary, read once per path."""
    return _load_cached(str(Path(path or VOCABULARY_PATH).resolve()))
