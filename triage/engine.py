"""The triage engine: facts in, level, reasons, unknowns and advice out.

Pure and deterministic: no Rasa, no I/O after the first load, and the same
facts always give the same result. The level is the most urgent level among
the rules that fire; self_care when none does.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from triage.advice import Advice, load_advice
from triage.facts import CATEGORICAL_FIELDS, Facts
from triage.rules import LEVELS, Rule, RuleError, load_rules, urgency
from triage.vocabulary import load_vocabulary

__all__ = ["Advice", "Reason", "Rule", "RuleError", "TriageResult", "assess", "load_rules", "LEVELS"]

# The four facts every assessment asks about (the contract's core slots). When
# one is unknown the result always says so, whatever the level.
CORE_FACTS = ("pain_type", "onset", "location", "duration_hours")


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str        # in the runner's words
    citation: dict   # the contract's citation shape


@dataclass(frozen=True)
class TriageResult:
    level: str                     # emergency | urgent | see_doctor | self_care
    reasons: tuple[Reason, ...]    # every rule that fired, most urgent first
    unknown: tuple[str, ...]       # facts and signs we could not use, see _unknown_facts
    advice: Advice
    facts: Facts = field(default_factory=Facts)

    def citations(self) -> list[dict]:
        """The reasons' citations, then the advice's, each once, in that order."""
        unique: list[dict] = []
        for citation in [reason.citation for reason in self.reasons] + list(self.advice.citations):
            if citation and citation not in unique:
                unique.append(copy.deepcopy(citation))
        return unique

    def to_payload(self) -> dict:
        """The contract's triage payload, plus the facts and advice it was built from."""
        return {
            "triage": {
                "level": self.level,
                "reasons": [{"rule": reason.rule, "text": reason.text} for reason in self.reasons],
                "unknown": list(self.unknown),
                "citations": self.citations(),
                "facts": self.facts.to_dict(),
                "advice": self.advice.to_payload(),
            }
        }


def assess(facts: Facts | Mapping[str, Any]) -> TriageResult:
    """Triage the runner's facts. A plain dict is read with Facts.from_dict."""
    if not isinstance(facts, Facts):
        facts = Facts.from_dict(facts)
    rules = load_rules()
    fired = _fired_most_urgent_first(rules, facts)
    level = fired[0].level if fired else "self_care"
    return TriageResult(
        level=level,
        reasons=tuple(_reason(rule) for rule in fired),
        unknown=_unknown_facts(facts, rules, level),
        advice=load_advice()[level],
        facts=facts,
    )


def _fired_most_urgent_first(rules: Sequence[Rule], facts: Facts) -> list[Rule]:
    # sorted() is stable, so rules of one level keep their order in rules.yml.
    return sorted((rule for rule in rules if rule.fires(facts)), key=lambda rule: urgency(rule.level))


def _reason(rule: Rule) -> Reason:
    # A copy, so a caller editing a result cannot edit the cached rules.
    return Reason(rule=rule.id, text=rule.text, citation=copy.deepcopy(dict(rule.citation)))


def _unknown_facts(facts: Facts, rules: Sequence[Rule], level: str) -> tuple[str, ...]:
    """Unknown is not "no", so the result names what it could not use:
    - each core fact that is not known (not asked, "not sure", or a value outside the vocabulary);
    - each fact or sign left unanswered in a rule more urgent than the result
      that could still fire: an answer there could have raised the level.
    Most urgent rules first, each name once.
    """
    names = [name for name in CORE_FACTS if not _is_known(facts, name)]
    for rule in sorted(rules, key=lambda rule: urgency(rule.level)):
        if urgency(rule.level) < urgency(level) and rule.when.evaluate(facts) is None:
            names.extend(name for name in rule.when.unknown_names(facts) if name not in names)
    return tuple(names)


def _is_known(facts: Facts, name: str) -> bool:
    value = getattr(facts, name)
    if name in CATEGORICAL_FIELDS:
        return isinstance(value, str) and value in load_vocabulary().values_of(name)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value  # NaN is unknown
