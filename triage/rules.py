"""Triage rules as data: rules.yml, read and checked once, at load time.

A mistake in rules.yml (a misspelt sign, an unknown fact, a missing citation)
must stop the bot from starting, not silently stop a red flag from firing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from triage.conditions import Condition, RuleError, parse_condition
from triage.vocabulary import Vocabulary, load_vocabulary

RULES_PATH = Path(__file__).with_name("rules.yml")

# Most urgent first; the order is the meaning.
LEVELS = ("emergency", "urgent", "see_doctor", "self_care")
# self_care is what is left when no rule fires, so no rule may claim it.
RULE_LEVELS = LEVELS[:-1]

_RULE_KEYS = {"id", "level", "text", "when", "citation"}
_CITATION_KEYS = {"section", "quote", "references"}
_REFERENCE_KEYS = {"label", "url"}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    text: str           # in the runner's words
    when: Condition
    citation: Mapping[str, Any]  # the contract's citation shape

    def fires(self, facts) -> bool:
        return self.when.evaluate(facts) is True


def urgency(level: str) -> int:
    """0 for emergency ... 3 for self_care: smaller is more urgent."""
    return LEVELS.index(level)


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Every rule of rules.yml in file order, validated against vocabulary.yml.

    Raises RuleError naming the file, the rule and the place of any mistake.
    """
    return list(_load_cached(str(Path(path or RULES_PATH).resolve())))


@lru_cache(maxsize=None)
def _load_cached(path: str) -> tuple[Rule, ...]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list) or not raw["rules"]:
        raise RuleError(f"{path}: expected a mapping with a non-empty 'rules' list")
    vocabulary = load_vocabulary()
    rules: list[Rule] = []
    for index, entry in enumerate(raw["rules"]):
        rule = _parse_rule(entry, index, vocabulary, path)
        if any(seen.id == rule.id for seen in rules):
            raise RuleError(f"{path}: rule {rule.id}: the id is used twice")
        rules.append(rule)
    return tuple(rules)


def _parse_rule(entry: Any, index: int, vocabulary: Vocabulary, path: str) -> Rule:
    name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
    try:
        return _build_rule(entry, vocabulary)
    except RuleError as error:
        raise RuleError(f"{path}: rule {name}: {error}") from None


def _build_rule(entry: Any, vocabulary: Vocabulary) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(f"a rule must be a mapping, got {entry!r}")
    missing = sorted(_RULE_KEYS - set(entry))
    extra = sorted(str(key) for key in set(entry) - _RULE_KEYS)
    if missing or extra:
        raise RuleError(f"missing keys {missing}, unexpected keys {extra}")
    if entry["level"] not in RULE_LEVELS:
        raise RuleError(f"level {entry['level']!r} is not one of {', '.join(RULE_LEVELS)}")
    for key in ("id", "text"):
        _require_text(entry[key], key)
    return Rule(
        id=entry["id"],
        level=entry["level"],
        text=entry["text"].strip(),
        when=parse_condition(entry["when"], vocabulary),
        citation=validate_citation(entry["citation"]),
    )


def validate_citation(raw: Any, where: str = "citation") -> dict:
    """A citation in the contract's shape: {section, quote, references: [{label, url}]}."""
    if not isinstance(raw, dict) or set(raw) != _CITATION_KEYS:
        raise RuleError(f"{where}: expected exactly the keys {sorted(_CITATION_KEYS)}, got {raw!r}")
    _require_text(raw["section"], f"{where}.section")
    _require_text(raw["quote"], f"{where}.quote")
    references = raw["references"]
    if not isinstance(references, list):
        raise RuleError(f"{where}.references: expected a list (empty when the passage cites nothing)")
    for index, reference in enumerate(references):
        _validate_reference(reference, f"{where}.references[{index}]")
    return {
        "section": raw["section"],
        "quote": raw["quote"],
        "references": [{"label": ref["label"], "url": ref["url"]} for ref in references],
    }


def _validate_reference(reference: Any, where: str) -> None:
    if not isinstance(reference, dict) or set(reference) != _REFERENCE_KEYS:
        raise RuleError(f"{where}: expected exactly the keys {sorted(_REFERENCE_KEYS)}, got {reference!r}")
    _require_text(reference["label"], f"{where}.label")
    _require_text(reference["url"], f"{where}.url")
    if not reference["url"].startswith("https://"):
        raise RuleError(f"{where}.url: expected an https:// address, got {reference['url']!r}")


def _require_text(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: expected non-empty text, got {value!r}")
