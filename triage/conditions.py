"""The tiny condition language of rules.yml, and its three-valued evaluation.

A condition is one of:
    {sign: swelling}                            the sign is present
    {fact: pain_type, in: [sharp, stabbing]}    the fact has one of these values
    {fact: duration_hours, gt: 72}              a number compared: gt, gte, lt, lte
    {all: [condition, ...]}
    {any: [condition, ...]}

Evaluation is three-valued (Kleene logic): True, False, or None for unknown. A
rule fires only on True, so a sign that was denied or never answered never
fires, and None tells the engine which unknowns could have changed the result.
There is deliberately no `not`: "not swelling" would be true for a runner who
was never asked, and silence must never count as reassurance.
"""
from __future__ import annotations

import difflib
import math
import operator
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from triage.facts import Facts
from triage.vocabulary import NUMERIC_FACTS, Vocabulary

Truth = bool | None  # None: unknown


class RuleError(ValueError):
    """rules.yml says something the engine cannot read; raised at load time."""


@dataclass(frozen=True)
class SignPresent:
    sign: str

    def evaluate(self, facts: Facts) -> Truth:
        answer = facts.signs.get(self.sign)
        if answer is True or answer is False:
            return answer
        return None

    def unknown_names(self, facts: Facts) -> list[str]:
        return [self.sign] if self.evaluate(facts) is None else []


@dataclass(frozen=True)
class FactIn:
    fact: str
    values: frozenset[str]
    canonical: frozenset[str]  # every value the vocabulary knows for this fact

    def evaluate(self, facts: Facts) -> Truth:
        value = getattr(facts, self.fact)
        # UNKNOWN, None, or a word outside the vocabulary: we cannot tell.
        if not isinstance(value, str) or value not in self.canonical:
            return None
        return value in self.values

    def unknown_names(self, facts: Facts) -> list[str]:
        return [self.fact] if self.evaluate(facts) is None else []


_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


@dataclass(frozen=True)
class FactCompare:
    fact: str
    op: str
    threshold: float

    def evaluate(self, facts: Facts) -> Truth:
        value = getattr(facts, self.fact)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            return None
        return _COMPARISONS[self.op](float(value), self.threshold)

    def unknown_names(self, facts: Facts) -> list[str]:
        return [self.fact] if self.evaluate(facts) is None else []


@dataclass(frozen=True)
class AllOf:
    children: tuple["Condition", ...]

    def evaluate(self, facts: Facts) -> Truth:
        results = [child.evaluate(facts) for child in self.children]
        if False in results:
            return False
        return None if None in results else True

    def unknown_names(self, facts: Facts) -> list[str]:
        return _unknowns_of_undecided(self, facts)


@dataclass(frozen=True)
class AnyOf:
    children: tuple["Condition", ...]

    def evaluate(self, facts: Facts) -> Truth:
        results = [child.evaluate(facts) for child in self.children]
        if True in results:
            return True
        return None if None in results else False

    def unknown_names(self, facts: Facts) -> list[str]:
        return _unknowns_of_undecided(self, facts)


Condition = SignPresent | FactIn | FactCompare | AllOf | AnyOf


def _unknowns_of_undecided(node: AllOf | AnyOf, facts: Facts) -> list[str]:
    # A decided condition needs no more answers; an undecided one needs those of
    # its undecided children (a decided child cannot tip it).
    if node.evaluate(facts) is not None:
        return []
    names: list[str] = []
    for child in node.children:
        names.extend(name for name in child.unknown_names(facts) if name not in names)
    return names


# ---------------------------------------------------------------- parsing

def parse_condition(raw: Any, vocabulary: Vocabulary, where: str = "when") -> Condition:
    """Compile one condition from YAML, checking every name against the vocabulary."""
    if not isinstance(raw, dict) or not raw:
        raise RuleError(f"{where}: a condition must be a mapping such as {{sign: swelling}}, got {raw!r}")
    if "all" in raw or "any" in raw:
        return _parse_group(raw, vocabulary, where)
    if "sign" in raw:
        return _parse_sign(raw, vocabulary, where)
    if "fact" in raw:
        return _parse_fact(raw, vocabulary, where)
    raise RuleError(f"{where}: unknown condition {raw!r}; use one of sign, fact, all, any")


def _parse_group(raw: dict, vocabulary: Vocabulary, where: str) -> Condition:
    _only_keys(raw, {"all", "any"}, where)
    if len(raw) != 1:
        raise RuleError(f"{where}: use 'all' or 'any' in one condition, not both; nest them instead")
    (kind, items), = raw.items()
    if not isinstance(items, list) or not items:
        raise RuleError(f"{where}.{kind}: expected a non-empty list of conditions")
    children = tuple(
        parse_condition(item, vocabulary, f"{where}.{kind}[{index}]")
        for index, item in enumerate(items)
    )
    return AllOf(children) if kind == "all" else AnyOf(children)


def _parse_sign(raw: dict, vocabulary: Vocabulary, where: str) -> SignPresent:
    _only_keys(raw, {"sign"}, where)
    sign = raw["sign"]
    if sign not in vocabulary.signs:
        raise RuleError(f"{where}: unknown sign {sign!r}{_did_you_mean(sign, vocabulary.signs)}"
                        f" (signs come from vocabulary.yml)")
    return SignPresent(sign)


def _parse_fact(raw: dict, vocabulary: Vocabulary, where: str) -> FactIn | FactCompare:
    fact = raw["fact"]
    if fact not in vocabulary.fact_names():
        raise RuleError(f"{where}: unknown fact {fact!r}{_did_you_mean(fact, vocabulary.fact_names())};"
                        f" known facts: {', '.join(vocabulary.fact_names())}")
    if fact in NUMERIC_FACTS:
        return _parse_comparison(raw, fact, where)
    return _parse_membership(raw, fact, vocabulary, where)


def _parse_comparison(raw: dict, fact: str, where: str) -> FactCompare:
    _only_keys(raw, {"fact", *_COMPARISONS}, where)
    ops = [key for key in raw if key in _COMPARISONS]
    if len(ops) != 1:
        raise RuleError(f"{where}: numeric fact {fact!r} needs exactly one of {', '.join(_COMPARISONS)}")
    threshold = raw[ops[0]]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise RuleError(f"{where}: {ops[0]} needs a number, got {threshold!r}")
    return FactCompare(fact, ops[0], float(threshold))


def _parse_membership(raw: dict, fact: str, vocabulary: Vocabulary, where: str) -> FactIn:
    _only_keys(raw, {"fact", "in"}, where)
    canonical = vocabulary.values_of(fact)
    values = raw.get("in")
    if not isinstance(values, list) or not values:
        raise RuleError(f"{where}: fact {fact!r} needs 'in: [value, ...]' with values from vocabulary.yml")
    for value in values:
        if value not in canonical:
            raise RuleError(f"{where}: {value!r} is not a value of {fact!r}"
                            f"{_did_you_mean(value, canonical)}; known values: {', '.join(canonical)}")
    return FactIn(fact, frozenset(values), frozenset(canonical))


def _only_keys(raw: dict, allowed: set[str], where: str) -> None:
    extra = sorted(str(key) for key in set(raw) - allowed)
    if extra:
        raise RuleError(f"{where}: unexpected key(s) {', '.join(extra)} in {raw!r}")


def _did_you_mean(name: Any, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
