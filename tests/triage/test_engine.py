"""The triage engine against docs/TRIAGE.md, the article and the contract.

A missed red flag is the worst bug this project can have, so most tests are
generated from rules.yml itself: a rule added there is covered here at once.
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from triage.conditions import AllOf, AnyOf, FactCompare, FactIn, SignPresent
from triage.engine import CORE_FACTS, Reason, TriageResult, assess
from triage.advice import load_advice
from triage.facts import UNKNOWN, Facts
from triage.rules import LEVELS, RuleError, load_rules, urgency
from triage.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[2]
OUTSIDE = "Outside the article"


# The article and the specification live in the repository (knowledge/data/, docs/).
ARTICLE = (REPO / "knowledge" / "data" / "legs-ache-after-running.txt").read_text(encoding="utf-8")
TRIAGE_SPEC = (REPO / "docs" / "TRIAGE.md").read_text(encoding="utf-8")

RULES = load_rules()
RULES_BY_ID = {rule.id: rule for rule in RULES}
VOCABULARY = load_vocabulary()

DOMS = Facts(
    pain_type="dull_ache", onset="next_day", location="thigh", spread="widespread", duration_hours=30,
)


# ------------------------------------------------------------------ helpers

def witnesses(condition) -> list[dict]:
    """Every minimal way to make a condition true, as {fact: value, "signs": {...}}."""
    if isinstance(condition, SignPresent):
        return [{"signs": {condition.sign: True}}]
    if isinstance(condition, FactIn):
        return [{"signs": {}, condition.fact: value} for value in sorted(condition.values)]
    if isinstance(condition, FactCompare):
        step = 1.0 if condition.op in ("gt", "gte") else -1.0
        return [{"signs": {}, condition.fact: condition.threshold + step}]
    if isinstance(condition, AnyOf):
        return [w for child in condition.children for w in witnesses(child)]
    if isinstance(condition, AllOf):
        combos = itertools.product(*(witnesses(child) for child in condition.children))
        return [merged for combo in combos if (merged := _merge(combo)) is not None]
    raise AssertionError(f"unknown condition {condition!r}")


def _merge(parts) -> dict | None:
    merged: dict = {"signs": {}}
    for part in parts:
        for key, value in part.items():
            if key == "signs":
                merged["signs"].update(value)
            elif merged.get(key, value) != value:
                return None  # two branches need different values of one fact
            else:
                merged[key] = value
    return merged


def facts_of(witness: dict) -> Facts:
    fields = {key: value for key, value in witness.items() if key != "signs"}
    return Facts(**fields, signs=dict(witness.get("signs", {})))


def fired(result: TriageResult) -> list[str]:
    return [reason.rule for reason in result.reasons]


def leaf_signs(condition) -> set[str]:
    if isinstance(condition, SignPresent):
        return {condition.sign}
    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(leaf_signs(child) for child in condition.children))
    return set()


RULE_WITNESSES = [
    pytest.param(rule, witness, id=f"{rule.id}-{index}")
    for rule in RULES
    for index, witness in enumerate(witnesses(rule.when))
]


# ---------------------------------------------------------- rules vs the spec

def test_rules_yml_holds_exactly_the_rules_of_the_spec_at_their_levels():
    spec: dict[str, str] = {}
    level = None
    for line in TRIAGE_SPEC.splitlines():
        heading = re.match(r"### (\w+)", line)
        if heading:
            level = heading.group(1)
        rule = re.match(r"- ([EUS]\d+) ", line)
        if rule:
            spec[rule.group(1)] = level
    assert len(spec) == 17
    assert {rule.id: rule.level for rule in RULES} == spec


def test_every_sign_of_the_vocabulary_is_read_by_some_rule():
    # A sign nobody reads is a question whose "yes" would be silently ignored.
    read = set().union(*(leaf_signs(rule.when) for rule in RULES))
    assert read == set(VOCABULARY.signs)


# ------------------------------------------------------------- rules firing

@pytest.mark.parametrize("rule, witness", RULE_WITNESSES)
def test_each_way_a_rule_can_fire_gives_at_least_its_level(rule, witness):
    result = assess(facts_of(witness))
    assert rule.id in fired(result)
    assert urgency(result.level) <= urgency(rule.level)


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_each_rule_alone_gives_exactly_its_level(rule):
    levels = {assess(facts_of(witness)).level for witness in witnesses(rule.when)}
    assert rule.level in levels


def test_no_facts_at_all_is_self_care_with_everything_unknown():
    result = assess(Facts())
    assert result.level == "self_care"
    assert result.reasons == ()
    assert set(CORE_FACTS) <= set(result.unknown)
    assert {"chest_pain", "cold_pale_leg", "dark_urine", "swelling"} <= set(result.unknown)


def test_a_typical_doms_case_is_self_care():
    denied = {sign: False for sign in VOCABULARY.signs}
    result = assess(replace(DOMS, signs=denied))
    assert result.level == "self_care"
    assert result.reasons == ()
    assert result.unknown == ()  # everything was answered


def test_most_urgent_level_wins_and_every_fired_rule_is_reported():
    facts = Facts(
        pain_type="sharp",
        signs={"pain_at_rest": True, "swelling": True, "redness": True, "chest_pain": True},
    )
    result = assess(facts)
    assert result.level == "emergency"
    assert fired(result) == ["E1", "U1", "S2", "S4"]


def test_reasons_are_most_urgent_first_even_when_the_lower_rule_comes_first_by_sign():
    result = assess(Facts(duration_hours=100, signs={"cannot_bear_weight": True, "deformity": True}))
    assert fired(result) == ["E4", "U2", "S1"]
    assert [urgency(RULES_BY_ID[rule].level) for rule in fired(result)] == [0, 1, 2]


def test_same_facts_same_result():
    facts = Facts(pain_type="burning", spread="one_spot", signs={"heavy_legs": True, "fever": False})
    assert assess(facts) == assess(facts)
    reordered = Facts(pain_type="burning", spread="one_spot", signs={"fever": False, "heavy_legs": True})
    assert assess(reordered).to_payload() == assess(facts).to_payload()


@pytest.mark.parametrize(
    "base", [Facts(), DOMS, replace(DOMS, signs={sign: False for sign in VOCABULARY.signs})],
    ids=["nothing", "doms", "doms-all-denied"],
)
def test_a_new_warning_sign_never_lowers_the_level(base):
    before = urgency(assess(base).level)
    for sign in VOCABULARY.signs:
        after = assess(replace(base, signs={**base.signs, sign: True}))
        assert urgency(after.level) <= before, sign


# ------------------------------------------------- negations and unknowns

@pytest.mark.parametrize("rule, witness", [p for p in RULE_WITNESSES if p.values[1]["signs"]])
def test_a_denied_sign_never_fires(rule, witness):
    denied = {**witness, "signs": {sign: False for sign in witness["signs"]}}
    assert rule.id not in fired(assess(facts_of(denied)))


@pytest.mark.parametrize("rule, witness", RULE_WITNESSES)
def test_an_unanswered_sign_never_fires_and_is_reported_when_it_matters(rule, witness):
    for sign in witness["signs"]:
        rest = {**witness, "signs": {s: v for s, v in witness["signs"].items() if s != sign}}
        result = assess(facts_of(rest))
        assert rule.id not in fired(result)
        if urgency(rule.level) < urgency(result.level):
            assert sign in result.unknown, (rule.id, sign)


@pytest.mark.parametrize("rule, witness", [p for p in RULE_WITNESSES if len(p.values[1]) > 1])
def test_a_fact_the_runner_is_not_sure_of_never_fires(rule, witness):
    unsure = {key: (UNKNOWN if key != "signs" else value) for key, value in witness.items()}
    result = assess(facts_of(unsure))
    assert rule.id not in fired(result)
    unsure_facts = [key for key in witness if key != "signs"]
    if urgency(rule.level) < urgency(result.level):
        assert set(unsure_facts) <= set(result.unknown)


def test_not_sure_leaves_core_facts_unknown_and_listed():
    facts = Facts(pain_type=UNKNOWN, onset="next_day", location=None, duration_hours=UNKNOWN)
    assert assess(facts).unknown[:3] == ("pain_type", "location", "duration_hours")


def test_half_answered_red_flag_lists_the_missing_answers():
    # Swelling alone fires nothing, but redness or warmth would make it urgent:
    # the result must say they were never answered instead of calling it fine.
    result = assess(replace(DOMS, signs={"swelling": True}))
    assert result.level == "self_care"
    assert {"redness", "warmth"} <= set(result.unknown)


def test_a_tight_hard_muscle_asks_for_the_signs_that_would_make_it_an_emergency():
    result = assess(Facts(signs={"tight_hard_muscle": True}))
    assert result.level != "emergency"
    assert {"getting_worse", "swelling", "injury"} <= set(result.unknown)


def test_unknowns_that_cannot_change_the_level_are_not_listed():
    result = assess(replace(DOMS, signs={"chest_pain": True}))
    assert result.level == "emergency"
    assert result.unknown == ()


# ------------------------------------------------------------ citations

def _all_citations() -> list[tuple[str, dict]]:
    pairs = [(rule.id, dict(rule.citation)) for rule in RULES]
    for level, advice in load_advice().items():
        pairs += [(f"advice:{level}", citation) for citation in advice.citations]
    return pairs


ARTICLE_CITATIONS = [pytest.param(c, id=name) for name, c in _all_citations() if c["section"] != OUTSIDE]
OUTSIDE_CITATIONS = [pytest.param(c, id=name) for name, c in _all_citations() if c["section"] == OUTSIDE]


def _article_headings() -> set[str]:
    # Headings are bare lines: not bullets, not table rows, not sentences.
    lines = (line.strip() for line in ARTICLE.splitlines())
    return {
        line for line in lines
        if line and not line.startswith(("-", "|")) and len(line) < 90 and not line.endswith((".", ":"))
    }


def _reference_list() -> str:
    return ARTICLE[ARTICLE.rindex("\nReferences\n"):]


def test_rules_from_the_article_and_from_outside_are_both_present():
    assert len(ARTICLE_CITATIONS) >= 11 and len(OUTSIDE_CITATIONS) >= 6


@pytest.mark.parametrize("citation", ARTICLE_CITATIONS)
def test_article_citation_quotes_the_article_verbatim_under_a_real_heading(citation):
    assert citation["quote"] in ARTICLE
    assert citation["section"] in _article_headings()
    # The quote sits under that heading: after it, before the next one.
    start = ARTICLE.index("\n" + citation["section"] + "\n")
    assert ARTICLE.index(citation["quote"]) > start
    following = [ARTICLE.index("\n" + h + "\n", start + 1) for h in _article_headings()
                 if ("\n" + h + "\n") in ARTICLE[start + 1:]]
    assert ARTICLE.index(citation["quote"]) < min(following, default=len(ARTICLE))


@pytest.mark.parametrize("citation", ARTICLE_CITATIONS)
def test_article_citation_references_are_what_the_quote_cites(citation):
    cited = set(re.findall(r"\(([^()]+?, (?:\d{4}|n\.d\.))\)", citation["quote"]))
    assert {ref["label"] for ref in citation["references"]} == cited
    for ref in citation["references"]:
        assert ref["url"] in _reference_list()


@pytest.mark.parametrize("citation", OUTSIDE_CITATIONS)
def test_outside_citation_names_a_public_source_and_says_it_is_a_summary(citation):
    assert citation["quote"].startswith("Summary of")
    assert citation["references"]
    assert all(ref["url"].startswith("https://") and ref["label"] for ref in citation["references"])


def test_emergency_rules_cite_outside_the_article():
    assert all(rule.citation["section"] == OUTSIDE for rule in RULES if rule.level == "emergency")


# --------------------------------------------------------------- advice

@pytest.mark.parametrize("level", LEVELS)
def test_every_level_has_advice_with_safety_netting(level):
    advice = load_advice()[level]
    assert advice.now and advice.if_worse and advice.not_a_diagnosis
    assert "not a diagnosis" in advice.not_a_diagnosis
    if level != "emergency":
        assert "999" in advice.if_worse  # every lower level says when to escalate


def test_emergency_advice_starts_with_the_number():
    now = load_advice()["emergency"].now
    assert now.startswith("Call 999")
    assert "112" in now and "911" in now and "emergency department" in now


def test_urgent_advice_is_help_today():
    now = load_advice()["urgent"].now
    assert "today" in now and "111" in now and "urgent care" in now


def test_see_doctor_advice_books_and_stops_running():
    now = load_advice()["see_doctor"].now
    assert "next few days" in now and "Stop running" in now


def test_self_care_advice_is_the_articles_home_treatment_and_says_when_to_come_back():
    advice = load_advice()["self_care"]
    for words in ("R.I.C.E.", "stretching", "Foam rolling", "active recovery"):
        assert words in advice.now
    assert "3 days" in advice.if_worse


def test_the_result_carries_the_advice_of_its_level():
    for facts, level in [(Facts(signs={"dark_urine": True}), "emergency"), (DOMS, "self_care")]:
        assert assess(facts).advice == load_advice()[level]


# -------------------------------------------------------------- payload

def test_payload_matches_the_contract():
    facts = Facts(pain_type="sharp", spread="one_spot", signs={"cannot_bear_weight": True})
    payload = assess(facts).to_payload()
    assert json.loads(json.dumps(payload)) == payload
    assert list(payload) == ["triage"]
    triage = payload["triage"]
    assert {"level", "reasons", "unknown", "citations"} <= set(triage)
    assert set(triage) == {"level", "reasons", "unknown", "citations", "facts", "advice"}
    assert triage["level"] == "urgent"
    assert triage["reasons"] == [
        {"rule": "U2", "text": RULES_BY_ID["U2"].text},
        {"rule": "S3", "text": RULES_BY_ID["S3"].text},
        {"rule": "S4", "text": RULES_BY_ID["S4"].text},
    ]
    assert triage["unknown"] == ["onset", "location", "duration_hours"] + triage["unknown"][3:]
    assert all(isinstance(name, str) for name in triage["unknown"])
    assert triage["citations"] == [dict(RULES_BY_ID[r].citation) for r in ("U2", "S3", "S4")]
    for citation in triage["citations"]:
        assert set(citation) == {"section", "quote", "references"}
        assert all(set(ref) == {"label", "url"} for ref in citation["references"])
    assert triage["facts"] == facts.to_dict()
    assert set(triage["advice"]) == {"now", "if_worse", "not_a_diagnosis"}


def test_self_care_payload_cites_the_article_for_its_advice():
    citations = assess(DOMS).to_payload()["triage"]["citations"]
    assert citations and all(c["section"] != OUTSIDE for c in citations)


def test_editing_a_payload_does_not_edit_the_rules():
    payload = assess(Facts(signs={"deformity": True})).to_payload()
    payload["triage"]["citations"][0]["quote"] = "changed"
    assert RULES_BY_ID["E4"].citation["quote"] != "changed"
    assert assess(Facts(signs={"deformity": True})).to_payload() != payload


def test_assess_accepts_a_plain_dict_of_slots():
    result = assess({"pain_type": "dull ache", "signs": {"numbness": True}})
    assert result.level == "urgent"
    assert isinstance(result.reasons[0], Reason)


# ---------------------------------------------------------------- facts

def test_facts_from_dict_is_tolerant():
    facts = Facts.from_dict({
        "pain_type": "Sharp pain", "onset": "not sure", "location": "calf", "spread": "one spot",
        "duration": "48", "swelling": "yes", "signs": {"redness": False, "fever": "not sure", "bogus": True},
        "session": "abc",
    })
    assert facts == Facts(
        pain_type="sharp", onset=UNKNOWN, location="calf", spread="one_spot",
        duration_hours=48.0, signs={"swelling": True, "redness": False},
    )


@pytest.mark.parametrize("raw, hours", [
    ("72.5", 72.5), (12, 12.0), ("", None), (None, None), ("since Saturday", UNKNOWN),
    ("unknown", UNKNOWN), (-3, UNKNOWN), (True, UNKNOWN),
])
def test_duration_is_coerced_to_hours_or_left_unknown(raw, hours):
    assert Facts.from_dict({"duration_hours": raw}).duration_hours == hours


def test_a_word_outside_the_vocabulary_is_unknown_not_ignored():
    facts = Facts.from_dict({"pain_type": "agonising"})
    assert facts.pain_type == UNKNOWN
    assert "pain_type" in assess(facts).unknown


def test_conflicting_sign_answers_keep_the_red_flag():
    assert Facts.from_dict({"chest_pain": False, "signs": {"chest_pain": True}}).signs == {"chest_pain": True}


def test_facts_round_trip_through_a_dict():
    facts = Facts(pain_type="cramping", onset="during_run", duration_hours=UNKNOWN, signs={"eases_with_rest": True})
    assert Facts.from_dict(facts.to_dict()) == facts
    assert json.loads(json.dumps(facts.to_dict())) == facts.to_dict()


def test_facts_do_not_change_when_the_callers_dict_does():
    signs = {"swelling": False}
    facts = Facts(signs=signs)
    signs["swelling"] = True
    assert facts.signs == {"swelling": False}


# ------------------------------------------------- rules.yml validation

GOOD_RULE = {
    "id": "X9", "level": "urgent", "text": "Test rule.", "when": {"sign": "swelling"},
    "citation": {"section": OUTSIDE, "quote": "Summary of a test.", "references": []},
}


def _write_rules(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"rules": [{**GOOD_RULE, **changes}]}), encoding="utf-8")
    return path


def test_a_good_rule_file_loads(tmp_path):
    assert [rule.id for rule in load_rules(_write_rules(tmp_path))] == ["X9"]


@pytest.mark.parametrize("changes, message", [
    ({"when": {"sign": "sweling"}}, "unknown sign 'sweling' (did you mean 'swelling'?)"),
    ({"when": {"any": [{"sign": "swelling"}, {"sign": "chest_pains"}]}}, "when.any[1]: unknown sign 'chest_pains'"),
    ({"when": {"fact": "pain_kind", "in": ["sharp"]}}, "unknown fact 'pain_kind'"),
    ({"when": {"fact": "pain_type", "in": ["agonising"]}}, "'agonising' is not a value of 'pain_type'"),
    ({"when": {"fact": "pain_type", "gt": 3}}, "unexpected key(s) gt"),
    ({"when": {"fact": "duration_hours", "gt": "three days"}}, "gt needs a number"),
    ({"when": {"not": {"sign": "swelling"}}}, "unknown condition"),
    ({"when": {"all": []}}, "non-empty list"),
    ({"when": {"sign": "swelling", "in": ["x"]}}, "unexpected key(s) in"),
    ({"level": "critical"}, "level 'critical'"),
    ({"level": "self_care"}, "level 'self_care'"),
    ({"citation": {"section": "x", "quote": "y"}}, "citation: expected exactly the keys"),
    ({"citation": {"section": "x", "quote": "y", "references": [{"label": "a", "url": "ftp://b"}]}},
     "https://"),
    ({"text": ""}, "text: expected non-empty text"),
])
def test_a_mistake_in_rules_yml_is_rejected_at_load_time(tmp_path, changes, message):
    with pytest.raises(RuleError) as error:
        load_rules(_write_rules(tmp_path, **changes))
    assert "rule X9" in str(error.value)
    assert message in str(error.value)


def test_a_duplicate_rule_id_is_rejected(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"rules": [GOOD_RULE, GOOD_RULE]}), encoding="utf-8")
    with pytest.raises(RuleError, match="rule X9: the id is used twice"):
        load_rules(path)


def test_load_rules_is_cached_but_callers_cannot_change_the_cache():
    rules = load_rules()
    rules.clear()
    assert load_rules() == RULES and len(RULES) == 17
