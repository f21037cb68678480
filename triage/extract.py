"""Triage facts from what a runner types.

Deterministic by design: a red flag must never depend on a statistical model's
mood. Phrases live in lexicon.yml; matching runs on spaCy tokens normalised by
a domain table and spaCy's lookup lemmatizer, so "swollen calves" and "calf
swelling" meet the same entries. A denial ("no swelling", "it isn't red")
turns a sign false; "not sure if it's swollen" leaves it unknown.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from triage.durations import duration_hours

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
CORE_FACTS = ("pain_type", "onset", "location", "spread")
NEGATION_REACH = 6  # tokens a cue reaches forward: "no swelling, redness or warmth"
# Listed entries are matched as phrases (longest wins inside one fact), and
# when two values of a fact are named the one listed first wins: "dull but
# sometimes sharp" counts as sharp, "both shins, one spot" as one spot.
SPREAD_PRIORITY = ("one_spot", "widespread")
SUBJECTS = {"it", "i", "my", "its", "it's", "they", "there", "he", "she", "this", "that"}


@dataclass(frozen=True)
class Mention:
    """One fact found in the text, with its character span."""

    fact: str  # pain_type | onset | location | spread | duration | sign
    value: str  # canonical value (a sign's name for signs)
    start: int
    end: int
    present: bool = True  # False when the runner denies it


@dataclass(frozen=True)
class Extraction:
    mentions: tuple[Mention, ...]
    answer: str | None  # "unsure" or "none" when the whole message says so

    def value(self, fact: str) -> str | float | None:
        """The value the runner gave for a core fact or duration, if any."""
        found = [m for m in self.mentions if m.fact == fact and m.present]
        if not found:
            return None
        if fact == "duration":
            return float(found[0].value)
        order = _priority(fact)
        return min(found, key=lambda m: (order.index(m.value), m.start)).value

    def signs(self) -> dict[str, bool]:
        """Each sign mentioned: True if present anywhere, else False."""
        signs: dict[str, bool] = {}
        for mention in self.mentions:
            if mention.fact == "sign":
                signs[mention.value] = signs.get(mention.value, False) or mention.present
        return signs

    def facts(self) -> dict:
        """The facts as a partial dict in triage.facts.Facts' shape."""
        found = {fact: self.value(fact) for fact in CORE_FACTS}
        found["duration_hours"] = self.value("duration")
        facts = {k: v for k, v in found.items() if v is not None}
        if signs := self.signs():
            facts["signs"] = signs
        return facts


def extract(text: str, now: datetime | None = None) -> Extraction:
    """Every fact `text` states, with denials and a whole-message answer."""
    text = text.replace("’", "'").replace("‘", "'")
    matcher = _matcher()
    doc = matcher.nlp(text[:5000])
    spans = _longest_per_fact(matcher.phrases(doc))
    unsure_spans = [s for s in spans if s[0] == "unsure"]
    mentions = [
        _mention(doc, key, start, end, unsure_spans, spans)
        for key, start, end in spans
        if key.split(":")[0] in (*CORE_FACTS, "sign")
    ]
    mentions = [m for m in mentions if m is not None]
    hours = duration_hours(text, now or datetime.now())
    if hours is not None:
        mentions.append(Mention("duration", f"{hours:g}", 0, len(text)))
    return Extraction(tuple(mentions), _whole_answer(text, mentions))


def _mention(doc, key, start, end, unsure_spans, spans) -> Mention | None:
    fact, value, *polarity = key.split(":")
    scope = _cue_before(doc, start, unsure_spans, spans)
    if scope is None and _denied_after(doc, end):
        scope = "neg"
    if scope == "unsure":
        return None
    stated = not (polarity and polarity[0] == "absent")
    present = stated if scope is None else not stated
    if fact != "sign" and not present:
        return None  # "not sharp" says nothing about which pain it is
    first, last = doc[start], doc[end - 1]
    return Mention(fact, value, first.idx, last.idx + len(last.text), present)


def _cue_before(doc, start: int, unsure_spans, spans) -> str | None:
    """'neg', 'unsure' or None: the nearest cue in the same clause before `start`."""
    matcher = _matcher()
    starts_of_terms = {s for _, s, _ in spans}
    for i in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        token = doc[i]
        if any(s <= i < e for _, s, e in unsure_spans):
            return "unsure"
        if token.norm_ in matcher.negation_cues or token.lower_ in matcher.negation_cues:
            return "neg"
        if token.lower_ in matcher.breakers or _starts_new_clause(doc, i):
            return None
        if token.text == "," and i + 1 not in starts_of_terms and doc[i + 1].lower_ not in ("or", "nor", "and"):
            return None
    return None


def _starts_new_clause(doc, i: int) -> bool:
    """'not numb and it is red': a pronoun after 'and' or a comma opens a new clause."""
    return doc[i].lower_ in SUBJECTS and i > 0 and doc[i - 1].lower_ in ("and", ",", "but", "so")


def _denied_after(doc, end: int) -> bool:
    """'Swelling? No.' and 'redness: none' deny what they follow."""
    rest = [t.lower_ for t in doc[end : end + 3]]
    return len(rest) >= 2 and rest[0] in ("?", ":", "-", "=") and rest[1] in ("no", "none", "nope", "nah", "never")


def _whole_answer(text: str, mentions: list[Mention]) -> str | None:
    """'unsure' or 'none' when the message is that answer and nothing more."""
    said = re.sub(r"[^\w\s']", " ", text.lower())
    said = re.sub(r"\b(tbh|really|honestly|mate|sorry|to be honest|lol|haha|um+|er+|hmm+)\b", " ", said)
    said = " ".join(said.split())
    answers = _matcher().answers
    if said in answers["unsure"] or (not mentions and _starts_with(said, answers["unsure"])):
        return "unsure"
    if any(m.present for m in mentions):
        return None
    if said in answers["none"] or _starts_with(said, answers["none"]):
        return "none"
    return None


def _starts_with(said: str, phrases: list[str]) -> bool:
    return any(said.startswith(p + " ") for p in phrases if len(p) > 1)


def _priority(fact: str) -> list[str]:
    if fact == "spread":
        return list(SPREAD_PRIORITY)
    return list(_matcher().lexicon[fact])


def _longest_per_fact(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Within one fact keep the longest of overlapping phrases ('chest pain' over 'pain')."""
    kept: list[tuple[str, int, int]] = []
    for key, start, end in sorted(spans, key=lambda s: (s[1] - s[2], s[1])):
        group = _group(key)
        if not any(_group(k) == group and s < end and start < e for k, s, e in kept):
            kept.append((key, start, end))
    return sorted(kept, key=lambda s: s[1])


def _group(key: str) -> str:
    parts = key.split(":")
    return ":".join(parts[:2]) if parts[0] == "sign" else parts[0]


class _Matcher:
    """spaCy pipeline and phrase matcher built once from lexicon.yml."""

    def __init__(self, lexicon: dict):
        self.lexicon = lexicon
        self.nlp = _pipeline(lexicon["normalise"])
        self.negation_cues = set(lexicon["negation_cues"])
        self.breakers = set(lexicon["scope_breakers"])
        self.answers = {k: [_plain(p) for p in v] for k, v in lexicon["answers"].items()}
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        for key, phrases in _phrase_table(lexicon).items():
            self.matcher.add(key, list(self.nlp.pipe(phrases)))

    def phrases(self, doc) -> list[tuple[str, int, int]]:
        strings = self.nlp.vocab.strings
        return [(strings[match_id], start, end) for match_id, start, end in self.matcher(doc)]


def _plain(phrase: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", phrase.lower()).split())


def _phrase_table(lexicon: dict) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {"unsure": lexicon["uncertainty_cues"]}
    for fact in CORE_FACTS:
        for value, phrases in lexicon[fact].items():
            table[f"{fact}:{value}"] = phrases
    for sign, polarities in lexicon["signs"].items():
        for polarity, phrases in polarities.items():
            table[f"sign:{sign}:{polarity}"] = phrases
    return table


def _pipeline(normalise: dict[str, str]):
    spacy = _import_spacy()
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()

    def set_norms(doc):
        for token in doc:
            lower = token.lower_
            token.norm_ = normalise.get(lower) or normalise.get(token.lemma_.lower()) or token.lemma_.lower() or lower
        return doc

    from spacy.language import Language

    if "triage_norms" not in Language.factories:
        Language.component("triage_norms", func=set_norms)
    nlp.add_pipe("triage_norms")
    return nlp


def _import_spacy():
    """Import spaCy without letting thinc drag in TensorFlow.

    thinc imports TensorFlow when it is installed (Rasa installs it), which
    costs tens of seconds in processes that never use it (tests, the action
    server). Where TensorFlow is already loaded (the Rasa server) nothing
    changes; elsewhere thinc sees it as absent, which spaCy's lookup
    pipeline does not need, and later imports of TensorFlow still work.
    """
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")))
