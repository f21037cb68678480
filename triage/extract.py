"""Triage facts from what a runner types.

Deterministic by design: a red flag must never depend on a statistical model's
mood. Phrases live in lexicon.yml; matching runs on spaCy tokens normalised by
a domain table, spaCy's lookup lemmatizer and a small typo corrector, so
"swollen calves", "calf swelling" and "swolen calfs" meet the same entries.

A denial ("no swelling", "it isn't red") turns a sign false; "not sure if it's
swollen" leaves it unknown. How far each cue reaches is data too: the
lexicon's `context` block holds the cues by category (negated, possible,
historical, pseudo), the words their scope runs over and the terminators, as
NegEx and ConText write them; this module applies them to typed spans. Where the wording is ambiguous the reading that
keeps a warning sign wins: a missed red flag is the worst mistake this module
can make, and a false alarm on ordinary running talk the second worst, which
is what the lexicon's `ordinary` phrases and sign contexts are for.
"""
from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from triage.durations import (dates_the_pain_at, onset_after, onset_delay, onset_from_ages,
                              pain_age_hours, tells_of_pain, times_of_writing, times_said, ties_to_the_pain)

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
# The facts the lexicon reads from phrases (triage.engine's CORE_FACTS are the
# ones a result must know; times are read by triage/durations.py).
PHRASE_FACTS = ("pain_type", "onset", "location", "spread")
# What counts only as the answer to its own question: a pain word that says it
# hurts, not how (lexicon `pain_said`), and a time not tied to the pain.
ANSWER_ONLY = "answer_only"
# The role of a fact said only of someone else in a message that is not about
# them alone ("he says friday morning when he got out of bed"): theirs, for the
# question it answers when they are the one assessed (bot/nlu/fact_extractor.py).
THEIRS = "theirs"
FACT_KINDS = (*PHRASE_FACTS, "sign")
# A red flag may come at the end of a long message; past this it is not chat.
MAX_CHARS = 20_000
# Listed entries are matched as phrases (longest wins inside one fact), and
# when two values of a fact are named the one listed first wins: "dull but
# sometimes sharp" counts as sharp, "both shins, one spot" as one spot.
SPREAD_PRIORITY = ("one_spot", "widespread")
# Typed variants of the apostrophe and quotes, one character for one so offsets still fit.
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})

# After a denial of named signs only an explicit "none of these" is the whole
# answer: a bare "no" there is just the start of the denial.
BARE_NO = {"no", "nope", "nah", "n", "negative"}
# A sign's phrases that say it only when the runner cannot do them ("catch my
# breath", "walk on it"): the lexicon key, and a sign phrase's tag.
WHEN_DENIED = "present_when_denied"
FIRST_PERSON_POSSESSIVES = {"my", "mine"}


class ScopeRules:
    """The lexicon's `context` block (NegEx and ConText as data): cue, scope,
    terminator and pseudo-cue word sets, and the reach numbers."""

    NUMBERS = ("reach", "max_scope", "near_gap", "hedge_reach", "or_item_words")

    def __init__(self, context: dict, norms):
        for name, value in context.items():
            setattr(self, name, value if name in self.NUMBERS else frozenset(value))
        # Reach words are compared by norm: "feels" and "felt" are "feel".
        self.reaches_over = frozenset(norms(context["reaches_over"]))


@dataclass(frozen=True)
class Mention:
    """One fact found in the text, with its character span."""

    fact: str  # pain_type | onset | location | spread | duration | run_age | sign
    value: str  # canonical value (a sign's name for signs)
    start: int
    end: int
    present: bool = True  # False when the runner denies it
    other: bool = False  # said of someone else ("my mate had chest pain")
    # Set aside by the sentence: "elsewhere" (white numb fingers), "explained"
    # (blue from the tape), "long_standing" (cold feet for years), "resolved"
    # (puffed at the finish, got my breath back), "hedged" (pee "a bit dark":
    # asked back); "" if not.
    aside: str = ""
    # Counts only as the answer to its own question, never a reason not to ask
    # it: "sore" says it hurts, not how (a dull ache when it answers "What does
    # the pain feel like?"); "71 years young" or "38 years" say nothing of the pain.
    answer_only: bool = False


@dataclass(frozen=True)
class Extraction:
    mentions: tuple[Mention, ...]
    answer: str | None  # "unsure", "none" or "stop" when the whole message says so
    nothing_else: bool = False  # "..., none of the rest": the checklist is answered
    # The message speaks only of someone else's pain (a parent, a coach): they
    # are the one assessed, and every fact counts.
    someone_else: bool = False
    # In a runner's own message, what was said of someone else: never the
    # runner's facts; its signs are asked back.
    others: tuple[Mention, ...] = ()
    # Every pain it tells of, warning signs included, is someone else's ("my
    # running mate had chest pains"): said mid-way through the writer's own
    # assessment, it tells nothing of the writer.
    only_others: bool = False
    # Signs named only as ordinary running talk ("out of breath at the end of my
    # 10k") or as long-standing ("cold feet my whole life"): no new sign, so a
    # reply naming one that way is no yes to a question about it.
    ordinary: frozenset[str] = frozenset()

    def value(self, fact: str) -> str | float | None:
        """The value the runner gave for a core fact or duration, if any."""
        chosen = self.mention(fact)
        if chosen is None:
            return None
        return float(chosen.value) if fact in ("duration", "run_age") else chosen.value

    def mention(self, fact: str) -> Mention | None:
        """The mention that gives a fact its value: for a core fact one that
        tells of the pain before one that only answers its question ("sore",
        "a class straight after"), then the most telling value, then the
        first; for a duration or the run's age, the first."""
        found = [m for m in self.mentions if m.fact == fact and m.present]
        if not found or fact not in PHRASE_FACTS:
            return found[0] if found else None
        order = _priority(fact)
        return min(found, key=lambda m: (m.answer_only, order.index(m.value), m.start))

    def signs(self) -> dict[str, bool]:
        """Each sign mentioned: True if present anywhere, else False."""
        signs: dict[str, bool] = {}
        for mention in self.mentions:
            if mention.fact == "sign":
                signs[mention.value] = signs.get(mention.value, False) or mention.present
        return signs

    def facts(self) -> dict:
        """The facts as a partial dict in triage.facts.Facts' shape."""
        found = {fact: self.value(fact) for fact in PHRASE_FACTS}
        found["duration_hours"] = pain_age_hours(self.value("duration"), self.value("run_age"), found["onset"])
        facts = {k: v for k, v in found.items() if v is not None}
        if signs := self.signs():
            facts["signs"] = signs
        return facts


def extract(text: str, now: datetime | None = None) -> Extraction:
    """Every fact `text` states, with denials and a whole-message answer."""
    text = _clean(text or "")[:MAX_CHARS]
    matcher = _matcher()
    doc = matcher.nlp(_lowered(text))
    reading = _Reading(doc, matcher.phrases(doc), matcher)
    mentions = reading.mentions()
    mentions = _with_onset_delay(text, mentions)
    mentions = _place_of_the_pain(text, mentions)
    mentions += _timeline(text, now or datetime.now(), reading, mentions)
    mentions += _onset_from_stopping(mentions)
    long_standing = {m.value for m in mentions if m.aside == "long_standing" and m.fact == "sign" and m.present}
    # A denial stands wherever it is said ("always cold feet, normal colour though").
    mentions = [m for m in mentions if m.aside != "long_standing" or not m.present]  # no new sign: not asked either
    someone_else = _about_someone_else([m for m in mentions if not m.aside], reading)
    set_aside = [m for m in mentions if (m.aside and m.present) or (m.other and not someone_else)]
    mentions = [m for m in mentions if m not in set_aside]
    others = tuple(set_aside)
    pain = [m for m in mentions if m.fact in ("location", "pain_type", "sign") and m.present]
    only_others = bool(pain) and all(m.other for m in pain)
    ordinary = frozenset((reading.running_talk | long_standing) - {m.value for m in mentions if m.fact == "sign"})
    return Extraction(tuple(mentions), _whole_answer(text, mentions), _says_nothing_else(text), someone_else, others,
                      only_others, ordinary)


def _timeline(text: str, now: datetime, reading: "_Reading", mentions: list[Mention]) -> list[Mention]:
    """The pain's age, the run's age and, from the two, the onset.

    A time the legs were fine at ("was fine on thursday night") or of
    something long-standing dates nothing. With only the run dated, the
    duration is the run's age and pain_age_hours moves it by the onset."""
    times = [t for t in times_said(text, now) if not reading.time_set_aside(t.start, t.dates_run)]
    pains, runs = [t for t in times if not t.dates_run], [t for t in times if t.dates_run]
    said = (pains or runs or [None])[0]
    if said is None:
        return []
    # Tied to the complaint by a pain word or by a fact in its clause ("legs have felt heavy for the last month").
    # With no pain, place or sign anywhere, "for ages" is not the pain's ("stuck at 28 mins for ages").
    told = any(m.fact in ("pain_type", "location", "sign") for m in mentions) or tells_of_pain(text)
    tied = (ties_to_the_pain(text, said.start, said.end) and told) or reading.tells_of_the_pain_at(said.start)
    found = [Mention("duration", f"{said.hours:g}", said.start, said.end, answer_only=not tied)]
    if runs:
        found.append(Mention("run_age", f"{runs[0].hours:g}", 0, len(text)))
    # "Ran 10k yesterday, felt fine, but this morning I can't put weight on it":
    # a time of writing said with the pain tells when it was there first.
    felt = [t for t in pains[:1] if dates_the_pain_at(text, t.start, t.end)] if pains else [
        t for t in times_of_writing(text) if runs and t.start > runs[0].start and reading.tells_of_the_pain_at(t.start)]
    if felt and runs and not any(m.fact == "onset" and m.present and not m.answer_only for m in mentions):
        # "did a long run thursday, legs stiff since friday morning": next day.
        onset = onset_from_ages(runs[0].hours, felt[0].hours)
        if onset is not None:
            found.append(Mention("onset", onset, felt[0].start, felt[0].end, answer_only=not tied))
    return found


def _onset_from_stopping(mentions: list[Mention]) -> list[Mention]:
    """A pain that made the runner stop began during the run ("running marathon
    pace and got a sudden severe pain, had to stop"), when nothing else says when."""
    if any(m.fact == "onset" and m.present for m in mentions):
        return []
    stopped = [m for m in mentions if m.fact == "sign" and m.value == "had_to_stop" and m.present and not m.aside]
    return [Mention("onset", "during_run", m.start, m.end, other=m.other) for m in stopped[:1]]


def _about_someone_else(mentions: list[Mention], reading: "_Reading") -> bool:
    """Pain said of someone else, and no place or pain of the writer's own. A
    pain word in the question ("her thighs are really sore, is this just normal
    stiffness?") or before the place ("sudden sharp pain high in the back of
    her thigh") is theirs too; "she had to stop with a sharp pain, im just
    achy" tells of the writer's own pain (a pain word in a sentence where the
    writer speaks as "I" or "me"), and her signs are set aside."""
    pain = [m for m in mentions if m.fact in ("location", "pain_type", "sign") and m.present]
    own = [m for m in pain if not m.other and (
        m.fact == "location" or (m.fact == "pain_type" and reading.speaks_as_i_around(m.start)))]
    return any(m.other for m in pain) and not own


def _clean(text: str) -> str:
    return text.translate(QUOTES)


def _lowered(text: str) -> str:
    """Lower case for the tokenizer, whose contraction rules know "can't" but
    not "CAN'T", when that keeps every character where it was."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


class Label(NamedTuple):
    """What a lexicon phrase stands for."""

    kind: str  # a fact (pain_type ... sign), or near, context, unsure, ordinary, pseudo
    value: str = ""  # the fact's value or the sign's name
    # A sign phrase's polarity (present, absent, present_when_denied); a near
    # half's "rule:side"; a sign context's "ordinary" or "keep".
    tag: str = ""


class Span(NamedTuple):
    """A phrase match, in tokens."""

    kind: str
    value: str
    tag: str
    start: int
    end: int


def _span(label: Label, start: int, end: int) -> Span:
    return Span(label.kind, label.value, label.tag, start, end)


class _Token(NamedTuple):
    """The token attributes scope rules read, copied once: spaCy's are slow to fetch."""

    text: str
    lower_: str
    norm_: str
    is_punct: bool
    is_space: bool
    idx: int


class _Reading:
    """One message's phrase matches, and the scope of each denial and doubt in it."""

    def __init__(self, doc, spans: list[Span], matcher: "_Matcher"):
        self.m = matcher
        self.r: ScopeRules = matcher.rules
        self.doc: list[_Token] = doc.user_data["tokens"]
        spans = _without_ordinary(spans)
        self.clause_ids = self._clause_ids()
        self.sentence_ids = self._clause_ids(commas=False)
        near = _near_signs(spans, self.sentence_ids, [t.norm_ in matcher.fillers for t in self.doc], self.r.near_gap)
        self.facts = _longest_per_group([s for s in spans if s.kind in FACT_KINDS], loose=list(near))
        self.near_gaps = near  # near sign span -> the tokens between its halves
        self.contexts = [s for s in spans if s.kind == "context"]
        unsure = [s for s in spans if s.kind == "unsure"]
        self.pseudo_at = [reach > 0 for reach in _reach(len(doc), [s for s in spans if s.kind == "pseudo"])]
        # "like someone threw a stone at my calf" is a simile: no one else is there.
        self.other_cues = [s for s in spans if s.kind == "other"
                           and not (s.start > 0 and self.doc[s.start - 1].norm_ in self.r.similes)]
        self.pain_free = [s for s in spans if s.kind in ("pain_free", "pain_changes")]
        self.fine_then = [s for s in spans if s.kind == "pain_free"]
        self.long_standing = [s for s in spans if s.kind == "long_standing"]
        self.degree_hedges = [s for s in spans if s.kind == "degree_hedge"]
        self.onset_ties = [s for s in spans if s.kind == "onset_tie"]
        self.other_at = self._other_person_scope(self.other_cues)
        self.third_party_at = self._other_person_scope([s for s in spans if s.kind == "third_party"])
        places = [s for s in spans if s.kind in ("location", "leg", "touching")]
        # "back" in "the back of my leg" is the leg, and "hand" in "my hand on it"
        # the one touching it: a cue inside a place of the leg or a touch is none.
        self.asides = [s for s in spans if s.kind in ("elsewhere", "explained", "figure", "long_standing", "resolved")
                       and not any(p.start <= s.start and s.end <= p.end for p in places)]
        self.leg_clauses = {self.clause_ids[s.start] for s in places}
        # Sentences proper ("... blue, but that's the tape" is one): a number per token.
        self.full_sentence_ids = list(itertools.accumulate(
            int(self._ends_clause(t)) for t in self.doc))
        self.unsure_at = [reach > 0 for reach in _reach(len(doc), unsure)]
        # The words between a near sign's halves are not part of it: a "not"
        # there ("leg isn't cold or pale") is a cue for what follows too.
        # A phrase that says nothing unless denied ("catch my breath") is no
        # phrase for other cues to reach over: "can't take a deep breath, chest
        # tight" must not deny the chest.
        terms = [s for s in self.facts if not _is_when_denied(s)]
        self.term_reach = _reach(len(doc), terms, skip=near)
        self.term_at = [reach > 0 for reach in self.term_reach]
        self.term_starts = {s.start for s in terms}
        # A fact inside a doubt ("hard to say") is the doubt, not the fact.
        self.facts = [s for s in self.facts if not any(self.unsure_at[s.start:s.end])]

    def _other_person_scope(self, cues: list[Span]) -> list[bool]:
        """Per token: said of someone else? From an other-person cue to the end
        of its clause, or to a first-person word."""
        said_of_other = [False] * len(self.doc)
        for cue in cues:
            for i in range(cue.end, min(len(self.doc), cue.end + self.r.max_scope)):
                token = self.doc[i]
                if self.clause_ids[i] != self.clause_ids[cue.start] or token.lower_ in self.r.first_person:
                    break
                said_of_other[i] = True
        return said_of_other

    def mentions(self) -> list[Mention]:
        found = [(span, self._mention(span)) for span in self.facts]
        # Only the leg's own signs keep another in running talk, not a red face.
        present = {m.value for _, m in found
                   if m is not None and m.fact == "sign" and m.present and not m.aside and not m.other}
        talk = {id(span) for span, m in found if m is not None and self._running_talk(span, present)}
        # Running talk for sure: no word that keeps the sign in its whole
        # sentence either ("dark yellow last night, but this morning it came
        # out brown" may still be the sign, and stays open to the learned reader).
        self.running_talk = {m.value for span, m in found if id(span) in talk and m.fact == "sign" and m.present
                             and not self._kept_in(span, self.full_sentence_ids)}
        return [mention for span, mention in found if mention is not None and id(span) not in talk]

    def _running_talk(self, span: Span, present_signs: set[str]) -> bool:
        return self._ordinary_here(span) and not self._kept_by_signs(span, present_signs)

    def _kept_by_signs(self, span: Span, present: set[str]) -> bool:
        """'short of breath during parkrun and my calf is swollen': running talk
        alone, a warning sign with the other sign named anywhere in the message."""
        return bool(present.intersection(self.m.lexicon["signs"][span.value].get("keep_with_signs", ())))

    def _mention(self, span: Span) -> Mention | None:
        fact, value = span.kind, span.value
        scope = self._scope(span)
        if scope == "unsure" and self._doubt_is_about_it(span):
            return None
        if _is_when_denied(span):
            if not self._ability_denied(span.start) or self._answer_after(span.end):
                # "caught my breath", "I can walk on it" say nothing, and in
                # "can't move my foot? no" the answer is the runner's.
                return None
            first, last = self.doc[span.start], self.doc[span.end - 1]
            return Mention(fact, value, first.idx, last.idx + len(last.text), True, self._of_other(span),
                           self._aside(span))
        if fact == "onset" and self._pain_free_then(span):
            return None
        stated = span.tag != "absent"
        if scope == "listed_neg":
            # A denial run down a list denies its items; a phrase that already
            # says a sign is absent ("no swelling, walking fine") keeps its meaning.
            scope = "neg" if stated else None
        present = {"neg": not stated, "yes": True}.get(scope, stated)
        if fact == "sign" and scope == "neg" and stated and self._hedged(span):
            present = True
        if fact != "sign" and not present:
            return None  # "not sharp" says nothing about which pain it is
        first, last = self.doc[span.start], self.doc[span.end - 1]
        answer_only = span.tag == ANSWER_ONLY or (fact == "onset" and not self._tells_of_the_pain(span))
        return Mention(fact, value, first.idx, last.idx + len(last.text), present, self._of_other(span),
                       self._aside(span), answer_only=answer_only)

    def _tells_of_the_pain(self, span: Span) -> bool:
        """Does the clause of this time also tell of the pain ("calves stiff the
        next morning", "it started halfway")? "A bootcamp class straight after"
        dates the class, not the pain."""
        clause = self.clause_ids[span.start]
        return any(self.clause_ids[s.start] == clause for s in self.facts if s.kind in ("pain_type", "location", "sign")) \
            or any(self.clause_ids[t.start] == clause for t in self.onset_ties)

    def _pain_free_then(self, span: Span) -> bool:
        """'felt fine on the run': a time said with a word that the legs were
        fine then. 'fine til about mile 14' dates the pain: what comes after
        "until" is when it began."""
        clause = self.clause_ids[span.start]
        return any(self.clause_ids[cue.start] == clause
                   and not any(t.lower_ in self.r.until for t in self.doc[cue.end:span.start])
                   # A change dates the time it comes before ("got worse after i finished"), not
                   # an earlier start ("started aching the morning after ... now it's getting worse").
                   and (cue.kind == "pain_free" or cue.end <= span.start)
                   for cue in self.pain_free)

    def time_set_aside(self, at: int, dates_run: bool) -> bool:
        """Is the time phrase at character `at` one the pain did not start at:
        of something long-standing ("knees have always creaked, for 20
        years") or of an explanation ("tape from the physio last month"), or, unless it dates the run, after a word that the legs were
        fine then ("was fine on thursday night"; "fine until" dates the pain)?"""
        token = self._token_at(at)
        if token is None:
            return False
        if any(self.full_sentence_ids[cue.start] == self.full_sentence_ids[token]
               and not any(t.lower_ in self.r.contrasts for t in self.doc[min(cue.end, token):max(cue.start, token)])
               for cue in self.long_standing):
            return True  # "... always clicked, for years, but my calves ache since yesterday": the "but" ends it
        if any(cue.kind == "explained" and self.clause_ids[cue.start] == self.clause_ids[token] for cue in self.asides):
            return True  # "kinesio tape on my shin from the physio last month": the tape's time
        return not dates_run and any(
            self.clause_ids[cue.start] == self.clause_ids[token] and cue.end <= token
            and not any(t.lower_ in self.r.until for t in self.doc[cue.end:token])
            for cue in self.fine_then)

    def tells_of_the_pain_at(self, at: int) -> bool:
        """Does the clause at character `at` name a pain, a place or a sign of
        the writer's own ("my son had a red rash last week" dates his rash)?"""
        token = self._token_at(at)
        return token is not None and any(
            self.clause_ids[s.start] == self.clause_ids[token] and not any(self.other_at[s.start:s.end])
            for s in self.facts if s.kind in ("pain_type", "location", "sign"))

    def _token_at(self, at: int) -> int | None:
        """The first token at or after character `at`."""
        return next((i for i, t in enumerate(self.doc) if t.idx >= at), None)

    def _of_other(self, span: Span) -> bool:
        return any(self.other_at[span.start:span.end]) or (span.kind == "location" and self._refers_back(span.start))

    def _refers_back(self, start: int) -> bool:
        """A place with no owner, said after someone else in the same sentence,
        is theirs: "her lower leg looks bent, there's a kink halfway down the
        shin". A word of the writer's own between them ends that ("... and I
        think the knee too")."""
        sentence = self.full_sentence_ids[start]
        for cue in self.other_cues:
            if cue.end <= start and self.full_sentence_ids[cue.start] == sentence:
                between = self.doc[cue.end:start]
                if not any(t.lower_ in self.r.first_person for t in between):
                    return True
        return False

    def _aside(self, span: Span) -> str:
        """Why the sentence sets this fact aside from the leg's own, or ""."""
        if any(self.third_party_at[span.start:span.end]):
            return "third_party"
        if span.kind == "sign" and span.value in self.r.asked_back_when_hedged and self._degree_hedged(span):
            return "hedged"
        if span.kind == "location" or (span.kind == "sign" and span.value in self.r.whole_body_signs):
            return ""
        clause, sentence = self.clause_ids[span.start], self.full_sentence_ids[span.start]
        for cue in self.asides:
            if cue.start <= span.start < cue.end or cue.start < span.end <= cue.end:
                continue  # the sign's own words (a cue between the halves of a near pair still counts)
            if cue.kind == "resolved" and span.value in self.m.kept_when_resolved:
                # A pain that has gone was still that pain: "calf cramping ... it's fine now" (S6).
                # A pain type that is a warning sign too (tingling) is a sign, and goes with it.
                continue
            if cue.kind == "explained" and self._cue_denied(cue.start):
                continue  # "blue, and not from the tape": the explanation is the one denied
            if cue.kind == "elsewhere" and self.clause_ids[cue.start] == clause and clause not in self.leg_clauses:
                return cue.kind
            if span.tag == ANSWER_ONLY:
                continue  # an ice bath explains a cold leg, not the soreness beside it
            if cue.kind in ("figure", "explained", "resolved") and self.full_sentence_ids[cue.start] in (sentence, sentence + 1):
                # In its sentence or the next: "legs are broken lol. not literally"; "his calves were
                # BLUE. it was the dye from his socks"; "legs went numb. the feeling came straight back".
                return "resolved" if cue.kind == "resolved" else "explained"
            if cue.kind not in ("elsewhere", "figure") and self.full_sentence_ids[cue.start] == sentence:
                return cue.kind
        return ""

    def _degree_hedged(self, span: Span) -> bool:
        """'a bit dark', 'slightly darker': a degree hedge inside the sign's words or just before them."""
        return any(span.start - 3 <= c.start < span.end for c in self.degree_hedges)

    def _cue_denied(self, start: int) -> bool:
        """A denial in the two words before a cue ("not from the tape", "isn't the sock")."""
        return any(self._is_cue(i) for i in range(max(0, start - 2), start))

    def _hedged(self, span: Span) -> bool:
        """A hedge next to the denial ("not chest pain exactly", "not quite
        swollen"): the runner words the sign differently, and it stands."""
        doc, reach = self.doc, self.r.hedge_reach
        near = range(max(0, span.start - reach), min(len(doc), span.end + reach))
        return any(doc[i].lower_ in self.r.hedges for i in near)

    def _doubt_is_about_it(self, span: Span) -> bool:
        """'not sure if it's swollen' doubts the swelling; 'not sure if my swollen
        calf is serious' takes the swelling as given and doubts something else."""
        clause = self.clause_ids[span.start]
        for i in range(span.end, min(len(self.doc), span.end + self.r.max_scope)):
            token = self.doc[i]
            if self.clause_ids[i] != clause or token.is_punct:
                return True
            if not (self.term_at[i] or token.norm_ in self.r.list_words or token.norm_ in self.r.doubt_tails):
                return False
        return True

    def _scope(self, span: Span) -> str | None:
        """'yes', 'neg', 'unsure' or None: what the words around `span` do to it."""
        after = self._answer_after(span.end)
        if after:
            return after
        inside = self._cue_between(*self.near_gaps.get(span, (0, 0)))
        return inside or self._cue_before(span.start)

    def _answer_after(self, end: int) -> str | None:
        """'Swelling? No.' denies it, 'Red: yes' states it, 'Warm? not sure' doubts it."""
        doc = self.doc
        while end < len(doc) and doc[end].norm_ in self.r.answer_hedges:
            end += 1  # "puffy maybe? no actually": the hedge before the runner's own answer
        if end < len(doc) and doc[end].text in self.r.answer_separators:
            end += 1
        elif end + 1 < len(doc) and not (doc[end + 1].is_punct or doc[end + 1].is_space):
            return None  # without a separator only a lone word counts: "swelling no, red yes"
        if end >= len(doc):
            return None
        if self.unsure_at[end]:
            return "unsure"
        word = doc[end].lower_
        if self._names_a_fact_next(end):
            return None  # "pink? no breathing problems": the "no" denies what follows it
        return "neg" if word in self.r.negated_after else "yes" if word in self.r.affirmed_after else None

    def _names_a_fact_next(self, i: int) -> bool:
        """Does a fact follow token `i` in the same stretch of words (no punctuation
        between), one that is not itself asked in turn ("swelling? no redness? no")?"""
        doc = self.doc
        stop = next((j for j in range(i + 1, len(doc)) if doc[j].is_punct or doc[j].is_space), len(doc))
        return any(i < s.start < stop and not (s.end < len(doc) and doc[s.end].text in self.r.answer_separators)
                   for s in self.facts)

    def _ability_denied(self, start: int) -> bool:
        """Is the phrase at `start` something the runner says they cannot do?
        'can't (I / seem to / even) ...', 'could hardly ...', 'not able to ...', 'unable to ...'."""
        doc = self.doc
        able = False  # "able" seen: any denial before it counts ("haven't been able to", "shouldn't I be able to")
        for i in range(start - 1, max(-1, start - 1 - self.r.reach), -1):
            norm = doc[i].norm_
            if norm == "unable":
                return True
            able = able or norm == "able"
            if norm in self.r.ability_denials | {"never"} and (able or self._after_modal(i)):
                return True
            listed = norm in self.r.ability_listed and i + 1 < len(doc) and doc[i + 1].norm_ == "or"
            if norm not in self.r.ability_reach and norm not in self.r.ability_modals and not listed:
                break
        return self._denied_after(start)

    def _denied_after(self, start: int) -> bool:
        """'tried to move my toes but couldn't': the denial follows the phrase, and
        is all that follows it ('I can walk on it but can't run' is no denial of walking)."""
        doc = self.doc
        contrast = next((i for i in range(start, len(doc)) if doc[i].lower_ in self.r.contrasts), None)
        if contrast is None or contrast - start > self.r.reach:
            return False
        norms = []
        for token in doc[contrast + 1:]:
            if token.is_punct or token.is_space:
                break
            norms.append(token.norm_)
        allowed = self.r.ability_modals | self.r.ability_denials | self.r.ability_reach | {"it", "do"}
        if not norms or len(norms) > self.r.reach or not set(norms) <= allowed:
            return False
        return any(n in self.r.ability_denials and j > 0 and norms[j - 1] in self.r.ability_modals
                   for j, n in enumerate(norms))

    def _after_modal(self, i: int) -> bool:
        """'can't', 'could hardly', and the question order 'can I not'."""
        doc = self.doc
        if i > 0 and doc[i - 1].norm_ in self.r.ability_modals:
            return True
        return i > 1 and doc[i - 1].norm_ in ("i", "you") and doc[i - 2].norm_ in self.r.ability_modals

    def _cue_between(self, start: int, end: int) -> str | None:
        """A cue between the halves of a near sign: 'my pee isn't dark'."""
        for i in range(start, end):
            if self.unsure_at[i]:
                return "unsure"
            if self._is_cue(i):
                return "neg"
        return None

    def _cue_before(self, start: int) -> str | None:
        """'neg', 'listed_neg' (a denial carried over a list comma), 'unsure' or
        None: the cue, if any, whose scope reaches `start`.

        A cue reaches forward over other phrases, list words and a few light
        words ("don't think it's", "no sign of any"); anything else, a new
        clause or a breaker ("but", ".") ends its reach.
        """
        reach, listed, alternatives, unknown = 0, False, False, 0
        for i in range(start - 1, max(-1, start - 1 - self.r.max_scope), -1):
            token = self.doc[i]
            if self.unsure_at[i]:
                return "unsure"
            if self.term_at[i] and not (self._is_cue(i) and self.term_reach[i] > start):
                continue  # another phrase; its own "not" counts only where it overlaps this one
            if self._is_cue(i):
                applies = self._cue_applies(i, start) and not self._denied_one_by_one(i, start)
                return ("listed_neg" if listed else "neg") if applies else None
            if self._ends_scope(i) and not (token.norm_ in self.r.cue_adverbs and i > 0 and self._is_cue(i - 1)):
                return None
            if token.text == ",":
                if not self._list_comma(i):
                    return None
                listed = True
            elif token.norm_ in self.r.list_words:
                listed = True  # "no chest pain and breathing is fine": the denial runs down a list
                alternatives = alternatives or token.norm_ in ("or", "nor")
            else:
                reach += 1
                # Before "or", an item the lexicon does not know is still an item:
                # "no breathing issues or chest pain".
                unknown += token.norm_ not in self.r.reaches_over
                if reach > self.r.reach or unknown > (self.r.or_item_words if alternatives else 0):
                    return None
        return None

    def _is_cue(self, i: int) -> bool:
        """A denial cue, unless a pseudo-cue covers it ("can't not", "never been this")."""
        token = self.doc[i]
        return (token.lower_ in self.r.negated or token.norm_ in self.r.negated) and not self.pseudo_at[i]

    def _cue_applies(self, i: int, start: int) -> bool:
        doc = self.doc
        if i + 1 < len(doc) and doc[i + 1].is_punct:
            return False  # "No, it's swollen", "nope - can't walk": an answer, not a denial
        if self._past_only(start):
            return False  # "wasn't short of breath until today": it is now
        if doc[i].lower_ == "without":
            # "can't walk without limping": a second negative undoes the first.
            return not any(self._is_cue(j) for j in range(self._clause_start(i), i))
        return True

    def _denied_one_by_one(self, cue: int, start: int) -> bool:
        """'no pain no swelling numb toes': a runner who denies item by item, each
        with its own "no", has not denied the item said straight after without one."""
        if cue + 1 >= len(self.doc) or self.term_reach[cue + 1] != start or not self.term_at[cue + 1]:
            return False  # the cue's own phrase must end where this one starts
        earlier = range(max(0, cue - 3), cue)
        return any(self._is_cue(j) and self.clause_ids[j] == self.clause_ids[cue] for j in earlier)

    def _past_only(self, start: int) -> bool:
        """Does the clause go on with 'before' or 'until', making the denial about the past?"""
        doc = self.doc
        for j in range(start, min(len(doc), start + self.r.max_scope)):
            if doc[j].lower_ in self.r.until:
                return True
            if doc[j].lower_ in self.r.contrasts and self._taken_back(j):
                return True  # "wasn't breathless during the race but now I am"
            if doc[j].lower_ in self.r.before:
                after = doc[j + 1] if j + 1 < len(doc) else None
                # "wasn't short of breath before but I am now": a contrast ends the past too.
                return after is None or after.is_punct or after.lower_ in self.r.now | self.r.contrasts
            if self._ends_scope(j) and self.doc[j].lower_ not in self.r.list_words:
                return False
        return False

    def _taken_back(self, contrast: int) -> bool:
        """Is what follows `contrast` only 'now I am', 'it is now', 'it does today':
        the denied sign, affirmed for the present?"""
        said = []
        for token in self.doc[contrast + 1:contrast + 1 + self.r.reach + 1]:
            if self._ends_clause(token) or token.text == "," or token.norm_ == "and":
                break  # "... but it is now, and it's hot": the take-back ends with its clause
            if not token.is_punct:
                said.append(token.norm_)
        return (any(norm in self.r.take_back_verbs for norm in said)
                and all(norm in self.r.take_back_verbs | self.r.take_back_words | self.r.clause_subjects | self.r.now
                        for norm in said))

    def _ends_scope(self, i: int) -> bool:
        token = self.doc[i]
        if self._ends_clause(token) or token.lower_ in self.r.terminators:
            return True
        if token.norm_ == "and" and i + 1 not in self.term_starts:
            return True  # "no swelling and feels hot": "and" joins clauses, not list items
        return self._starts_new_clause(i)

    def _list_comma(self, comma: int) -> bool:
        """Does a denial carry over this comma? Only inside a list that reads as one:
        closed by "or"/"nor" or of three or more items ("no swelling, redness or
        warmth"). "no chest pain, short of breath" may be two statements, and then
        the safe reading keeps the second."""
        after = comma + 1
        if after < len(self.doc) and self.doc[after].norm_ in self.r.list_words:
            after += 1  # "redness, or warmth"
        if comma == 0 or not self.term_at[comma - 1] or after not in self.term_starts:
            return False
        lo, hi = self._list_run(comma)
        closed = any(t.norm_ in ("or", "nor") for t in self.doc[comma:hi])  # "or" after this comma
        return closed or sum(t.text == "," for t in self.doc[lo:hi]) >= 2

    def _list_run(self, comma: int) -> tuple[int, int]:
        """The token range around `comma` that can belong to one list."""
        def in_list(j: int) -> bool:
            token = self.doc[j]
            return (self.term_at[j] or token.text == "," or token.norm_ in self.r.list_words
                    or (token.norm_ in self.r.reaches_over and not self._starts_new_clause(j)))

        lo, hi = comma, comma + 1
        while lo > max(0, comma - self.r.max_scope) and in_list(lo - 1) and not self._is_cue(lo - 1):
            lo -= 1
        while hi < min(len(self.doc), comma + self.r.max_scope) and in_list(hi):
            hi += 1
        return lo, hi

    def _clause_start(self, i: int) -> int:
        limit = max(0, i - self.r.max_scope)
        while i > limit and not self._ends_scope(i - 1):
            i -= 1
        return i

    def _ends_clause(self, token: _Token) -> bool:
        """A sentence end, a line break, or an emoji ("legs sore 😩 my head is
        pounding" is two clauses, as if a full stop stood there)."""
        return token.text in self.r.clause_ends or token.is_space or _is_symbol(token.text)

    def _clause_ids(self, commas: bool = True) -> list[int]:
        """A number per token that changes at every clause boundary: a sentence
        end or a contrast ("but"), and with `commas` a comma or a new subject ("and it")."""
        ids, clause = [], 0
        for i, token in enumerate(self.doc):
            if self._ends_clause(token) or token.lower_ in self.r.contrasts or (
                    commas and (token.text == "," or self._starts_new_clause(i))):
                clause += 1
            ids.append(clause)
        return ids

    def _ordinary_here(self, span: Span) -> bool:
        """'out of breath at the end of my 10k': a sign whose clause also names
        ordinary effort (and nothing that makes it a sign again) is running talk."""
        if span.kind != "sign" or not self.contexts:
            return False
        ours = [c for c in self.contexts if c.value == span.value]
        clause = {self.clause_ids[i] for i in range(span.start, span.end)}
        sentence = {self.full_sentence_ids[i] for i in range(span.start, span.end)}
        in_clause = any(c.tag == "ordinary" and self.clause_ids[c.start] in clause for c in ours)
        # "pee ..., but it's pale now": the pee's colour, in any clause of its
        # sentence, and only another word ("pale, cold foot") keeps it.
        in_sentence = any(c.tag == "ordinary_sentence" and self.full_sentence_ids[c.start] in sentence for c in ours)
        # A word that keeps the sign counts anywhere in the sentence, commas or
        # not: "my wee is dark yellow, almost brown" is still the warning sign.
        ordinary = ((in_clause and not self._kept_in(span, self.sentence_ids))
                    or (in_sentence and not self._kept_in(span, self.sentence_ids, others_only=True)))
        return ordinary and not self._taken_back_later(span.end)

    def _kept_in(self, span: Span, sentence_ids: list[int], others_only: bool = False) -> bool:
        """Does a word that keeps this sign stand in its sentence (as `sentence_ids` cut them)?
        With `others_only`, the sign's own word ("pale") does not keep it."""
        sentence = {sentence_ids[i] for i in range(span.start, span.end)}
        resolved = [cue for cue in self.asides if cue.kind == "resolved"]
        return any(c.tag == "keep" and c.value == span.value and sentence_ids[c.start] in sentence
                   and not (others_only and span.start <= c.start < span.end)
                   and not any(r.start <= c.start < r.end for r in resolved)  # "fine since" keeps nothing
                   and not self._cue_denied(c.start)  # nor does "not tea coloured"
                   for c in self.contexts)

    def speaks_as_i_around(self, char: int) -> bool:
        """Does the writer speak as "I" or "me" in the sentence around this
        character? The first-person possessives are left out: "my" also owns
        the other person ("my daughter")."""
        tokens = list(self.doc)
        at = max((i for i, t in enumerate(tokens) if t.idx <= char), default=0)
        sentence = self.full_sentence_ids[at] if tokens else 0
        return any(self.full_sentence_ids[i] == sentence and t.lower_ in self.r.first_person
                   and t.lower_ not in FIRST_PERSON_POSSESSIVES for i, t in enumerate(tokens))

    def _starts_new_clause(self, i: int) -> bool:
        """'not numb and it is red': a pronoun after 'and', a comma or 'but' opens a new clause."""
        doc = self.doc
        return doc[i].lower_ in self.r.clause_subjects and i > 0 and doc[i - 1].lower_ in self.r.clause_joiners

    def _taken_back_later(self, end: int) -> bool:
        """'wasn't breathless during the race but now I am': the race was then, the sign is now."""
        for j in range(end, min(len(self.doc), end + self.r.max_scope)):
            token = self.doc[j]
            if self._ends_clause(token):
                return False
            if token.lower_ in self.r.contrasts:
                return self._taken_back(j)
        return False


def _is_symbol(text: str) -> bool:
    """An emoji token: symbols, with their variation selectors and joiners."""
    return bool(text) and all(unicodedata.category(c) in ("So", "Sk", "Mn", "Cf") for c in text) \
        and any(unicodedata.category(c) == "So" for c in text)


def _reach(length: int, spans, skip: dict[Span, tuple[int, int]] | None = None) -> list[int]:
    """Per token, the furthest end of the phrases covering it (0: none), leaving
    out the `skip` range of a span."""
    reach = [0] * length
    for span in spans:
        gap = range(*(skip or {}).get(span, (0, 0)))
        for i in range(span.start, span.end):
            if i not in gap:
                reach[i] = max(reach[i], span.end)
    return reach


def _without_ordinary(spans: list[Span]) -> list[Span]:
    """Drop phrases inside a longer ordinary one: 'warm' in 'warm up', 'red' in 'red in the face'."""
    covering: dict[int, list[Span]] = {}  # token -> ordinary phrases over it
    for o in spans:
        if o.kind == "ordinary":
            for i in range(o.start, o.end):
                covering.setdefault(i, []).append(o)
    return [s for s in spans if s.kind not in (*FACT_KINDS, "near") or not any(
        s.end <= o.end and o.end - o.start > s.end - s.start for o in covering.get(s.start, ()))]


def _near_signs(spans: list[Span], sentence_ids: list[int], fillers: list[bool],
                near_gap: int) -> dict[Span, tuple[int, int]]:
    """Signs said in two halves a few words apart in one sentence: 'pee is really dark',
    'I coughed and there was blood'. Each maps to the token range between its halves.
    Filler words do not count towards the gap: 'peed and it was like really dark'."""
    halves: dict[tuple[str, str], list[Span]] = {}
    for span in spans:
        if span.kind == "near":
            rule, side = span.tag.split(":")
            halves.setdefault((span.value, rule), [[], []])[int(side)].append(span)
    found: dict[Span, tuple[int, int]] = {}
    for (sign, _), (firsts, seconds) in halves.items():
        for a in firsts:
            for b in seconds:
                if abs(a.start - b.start) > near_gap + 8:
                    continue  # too far apart for any phrase lengths: skip the detailed test
                left, right = (a, b) if a.start <= b.start else (b, a)
                gap = right.start - left.end - sum(fillers[left.end:right.start])
                same_sentence = sentence_ids[left.start] == sentence_ids[right.end - 1]
                if right.start >= left.end and gap <= near_gap and same_sentence:
                    found[Span("sign", sign, "present", left.start, right.end)] = (left.end, right.start)
    return found


def _longest_per_group(spans: list[Span], loose: list[Span] = ()) -> list[Span]:
    """Within one fact keep the longest of overlapping phrases ('chest pain' over
    'pain'); a listed phrase wins over a `loose` near match it overlaps."""
    kept: list[Span] = []
    taken: dict[str, set[int]] = {}  # group -> tokens already covered by a kept phrase
    for span in sorted(spans, key=_longest_first) + sorted(loose, key=_longest_first):
        tokens = taken.setdefault(_group(span), set())
        if not tokens.intersection(range(span.start, span.end)):
            tokens.update(range(span.start, span.end))
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _longest_first(span: Span) -> tuple[int, int]:
    return span.start - span.end, span.start


def _group(span: Span) -> tuple[str, ...]:
    """Overlapping phrases of one group compete. A when-denied phrase has its
    own group, so "catch my breath" keeps both readings: said ("stopped to
    catch my breath") and denied ("can't seem to catch my breath")."""
    if span.kind == "sign":
        return (span.kind, span.value, span.tag == WHEN_DENIED)
    return (span.kind,)


def _is_when_denied(span: Span) -> bool:
    return span.kind == "sign" and span.tag == WHEN_DENIED


def _with_onset_delay(text: str, mentions: list[Mention]) -> list[Mention]:
    """'12 hours after my run' is an onset. Its number decides which one, over
    any onset phrase inside it ('2 days after' also reads as 'day after')."""
    delay = onset_delay(text)
    if delay is None:
        return mentions
    value = "during_run" if delay.during else onset_after(delay.hours)
    kept = [m for m in mentions if not (m.fact == "onset" and m.start < delay.end and delay.start < m.end)]
    return kept + [Mention("onset", value, delay.start, delay.end)]


def _place_of_the_pain(text: str, mentions: list[Mention]) -> list[Mention]:
    """One place from several: the one the runner says hurts most ("calves
    mostly, hammies a bit"); else, with places in both the upper and the lower
    leg ("calves and quads"), the whole leg (lexicon: leg_regions)."""
    places = [m for m in mentions if m.fact == "location" and m.present]
    if len(places) < 2:
        return mentions
    lexicon = _matcher().lexicon
    main = [m for m in places if _marked(text, m, lexicon["main_place"])]
    minor = [m for m in places if _marked(text, m, lexicon["minor_place"])]
    if main or minor:
        chosen = (main or [m for m in places if m not in minor] or places)[0]
        return [m for m in mentions if m not in places or m is chosen]
    said = {m.value for m in places}
    regions = lexicon["leg_regions"]
    if said & set(regions["upper"]) and said & set(regions["lower"]):
        whole = Mention("location", "whole_leg", places[0].start, places[-1].end, other=places[0].other)
        return [m for m in mentions if m not in places] + [whole]
    return mentions


def _marked(text: str, place: Mention, words: list[str]) -> bool:
    """Is the place said with one of these words just before or after it ("mostly the quads", "calves a bit")?"""
    pattern = "|".join(map(re.escape, words))
    before, after = text[max(0, place.start - 16):place.start].lower(), text[place.end:place.end + 14].lower()
    return bool(re.search(rf"\b(?:{pattern})\s+(?:(?:in\s+)?(?:the|my|both|his|her)\s+)?$", before)
                or re.match(rf"\w*\s*(?:{pattern})\b", after))


def _whole_answer(text: str, mentions: list[Mention]) -> str | None:
    """'unsure' or 'none' when the message is that answer and nothing more.

    A denial of named signs ("no swelling") is not "none of these": read that
    way it would deny every sign the runner was never asked about.
    """
    answers = _matcher().answers
    said = _plain(text, answers["emoji"], answers["spellings"])
    said = re.sub(r"\b(tbh|really|honestly|mate|sorry|to be honest|lol|haha|um+|er+|hmm+|ok|okay|well)\b", " ", said)
    said = " ".join(said.split())
    if said in answers["unsure"] or (not mentions and _starts_with(said, answers["unsure"])):
        return "unsure"
    if said in answers["stop"]:
        return "stop"
    if any(m.present for m in mentions):
        return None
    if said in answers["none"] or _starts_with(said, answers["none"] if not mentions else answers["none_strong"]):
        return "none"
    return None


def _says_nothing_else(text: str) -> bool:
    """"..., none of the rest", and also "none of those" after named signs:
    a whole-answer "none" phrase of more than one word, said anywhere."""
    answers = _matcher().answers
    said = f" {_plain(text, spellings=answers['spellings'])} "
    phrases = answers["nothing_else"] + [p for p in answers["none_strong"]
                                         if " " in p and {"none", "nothing", "neither", "all"} & set(p.split())]
    return any(f" {phrase} " in said for phrase in phrases)


def _starts_with(said: str, phrases: list[str]) -> bool:
    return any(said.startswith(p + " ") for p in phrases if len(p) > 1)


def opens_with_no(text: str) -> bool:
    """Does the reply open with a plain no ("no none of those, its not getting
    worse, it just wont shift")? Asked about one sign, that answers it, whatever
    the words after it resemble."""
    first = re.split(r"[,.;:!?\n]|\s-\s|\bbut\b", text or "", maxsplit=1)[0]
    answers = _matcher().answers
    return _plain(first, spellings=answers["spellings"]) in answers["none"]


def _plain(phrase: str, emoji: dict[str, str] | None = None, spellings: dict[str, str] | None = None) -> str:
    for symbol, words in (emoji or {}).items():
        phrase = phrase.replace(symbol, f" {words} ")
    words = re.sub(r"[^\w\s']", " ", phrase.lower()).split()
    return " ".join((spellings or {}).get(word, word) for word in words)


def more_telling(fact: str, new: str, old: str) -> bool:
    """Is `new` a more telling value of `fact` than `old`, by the lexicon's order
    (pain types run from stabbing down to a dull ache)?"""
    order = _priority(fact)
    return new in order and old in order and order.index(new) < order.index(old)


def _priority(fact: str) -> list[str]:
    if fact == "spread":
        return list(SPREAD_PRIORITY)
    return list(_matcher().lexicon[fact])


class _Matcher:
    """spaCy pipeline and phrase matcher built once from lexicon.yml."""

    def __init__(self, lexicon: dict):
        self.lexicon = lexicon
        dicts = ("emoji", "spellings")
        self.answers = {k: [_plain(p) for p in v] for k, v in lexicon["answers"].items() if k not in dicts}
        self.answers.update({k: lexicon["answers"][k] for k in dicts})
        self.answers["none_strong"] = [p for p in self.answers["none"] if p not in BARE_NO]
        table = _phrase_table(lexicon)
        self.nlp = _pipeline(lexicon["normalise"], _domain_words(table, lexicon["normalise"]), lexicon["split"])
        self.rules = ScopeRules(lexicon["context"], lambda words: [t.norm_ for t in self.nlp(" ".join(words))])
        # What a resolution does not set aside: the pain's course and its plain
        # types (a pain type that is also a warning sign, tingling, goes with it).
        self.kept_when_resolved = self.rules.course_signs | (set(lexicon["pain_type"]) - set(lexicon["signs"]))
        self.fillers = {t.norm_ for t in self.nlp(" ".join(lexicon["fillers"]))}
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        # The matcher wants string keys; each stands for its label.
        self.labels = {":".join(label): label for label in table}
        for label, phrases in table.items():
            if label.kind in FACT_KINDS:
                phrases = _with_every_owner(phrases)
            self.matcher.add(":".join(label), list(self.nlp.pipe(phrases)))

    def phrases(self, doc) -> list[Span]:
        """Matches in `doc`, and in `doc` without its filler words, so that
        "can't put any weight" and "foot is really cold" meet their phrases."""
        found = {self._span(match) for match in self.matcher(doc)}
        tokens: list[_Token] = doc.user_data["tokens"]
        kept = [i for i, token in enumerate(tokens) if token.norm_ not in self.fillers]
        if len(kept) < len(doc):
            for key, start, end in self.matcher(_subdoc(doc.vocab, [tokens[i] for i in kept])):
                found.add(self._span((key, kept[start], kept[end - 1] + 1)))
        return sorted(found, key=lambda s: (s.start, s.end, s.kind, s.value, s.tag))

    def _span(self, match) -> Span:
        key, start, end = match
        return _span(self.labels[self.nlp.vocab.strings[key]], start, end)


# A phrase written with "my" stands for anyone's: "can't put my foot down"
# also reads "cant put her foot down" (a parent writing), whose "her" then
# makes it the daughter's, by the other-person scope like any of her facts.
OWNERS = ("her", "his", "their", "your")


def _with_every_owner(phrases: list[str]) -> list[str]:
    owned = [p for p in phrases if re.search(r"\bmy\b", p)]
    return phrases + [re.sub(r"\bmy\b", owner, p) for p in owned for owner in OWNERS]


def _subdoc(vocab, tokens: list[_Token]):
    """A new Doc of these tokens, keeping their norms."""
    from spacy.tokens import Doc

    sub = Doc(vocab, words=[t.text for t in tokens], spaces=[True] * len(tokens))
    for token, kept in zip(sub, tokens):
        token.norm_ = kept.norm_
    return sub


def _other_people(other: dict) -> list[str]:
    """The phrases that name someone else: the listed ones, and every owner
    before every person, with or without a describing word."""
    named = [f"{owner} {person}" for owner in other["owners"] for person in other["people"]]
    described = [f"{owner} {word} {person}" for owner in other["owners"] for word in other["describing"]
                 for person in other["people"]]
    return other["phrases"] + named + described


def _third_parties(other: dict) -> list[str]:
    """'different girl', 'another runner', 'someone else': set apart from the one written about."""
    people = [person for person in other["people"] if " " not in person] + ["runner", "runners"]  # not "other half"
    return other["third_party_phrases"] + [f"{word} {person}" for word in other["third_party"] for person in people]


def _person_colours(colour: dict) -> list[str]:
    """'i look pale', 'he go white': the whole person's colour, every subject with every verb and colour."""
    return [f"{who} {verb} {shade}" for who in colour["subjects"] for verb in colour["verbs"]
            for shade in colour["colours"]]


def _phrase_table(lexicon: dict) -> dict[Label, list[str]]:
    context = lexicon["context"]
    table: dict[Label, list[str]] = {Label("unsure"): context["possible"], Label("pseudo"): context["pseudo"],
                                     Label("other"): _other_people(context["other_person"]),
                                     Label("third_party"): _third_parties(context["other_person"]),
                                     Label("ordinary"): lexicon["ordinary"] + _person_colours(context["person_colour"]),
                                     **{Label(kind): context[kind] for kind in ("elsewhere", "explained", "figure", "long_standing", "resolved",
                                                                              "touching", "pain_free", "pain_changes")},
                                     Label("leg"): context["leg_words"], Label("degree_hedge"): context["degree_hedges"],
                                     Label("onset_tie"): context["onset_ties"]}
    for fact in PHRASE_FACTS:
        for value, phrases in lexicon[fact].items():
            table[Label(fact, value)] = phrases
    table[Label("pain_type", "dull_ache", ANSWER_ONLY)] = lexicon["pain_said"]
    for sign, entry in lexicon["signs"].items():
        for polarity in ("present", "absent", WHEN_DENIED):
            if polarity in entry:
                table[Label("sign", sign, polarity)] = entry[polarity]
        for rule, halves in enumerate(entry.get("near", [])):
            for side, phrases in enumerate(halves):
                table[Label("near", sign, f"{rule}:{side}")] = phrases
        for context_kind, key in (("ordinary", "ordinary_with"), ("keep", "keep_with"),
                                  ("ordinary_sentence", "ordinary_in_sentence")):
            if key in entry:
                table[Label("context", sign, context_kind)] = entry[key]
    return table


def _domain_words(table: dict[Label, list[str]], normalise: dict[str, str]) -> set[str]:
    """Words a typo may be corrected to: those of body parts, pains and signs,
    and the slang and misspellings the normalise table already knows."""
    words = {w for w in normalise if w.isalpha() and len(w) >= 4}
    for label, phrases in table.items():
        if label.kind in ("location", "pain_type", "sign", "near"):
            for phrase in phrases:
                words.update(w for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) >= 4)
    return words


class _Normaliser:
    """Sets each token's NORM: the domain table, else the lookup lemma, with
    stretched words ("swollennnn") shortened and one-letter typos of domain
    words ("hamstrng", "brethless") corrected when the word is not English."""

    def __init__(self, lemmas, normalise: dict[str, str], domain: set[str]):
        from spacy.lang.en.stop_words import STOP_WORDS

        self.normalise = normalise
        self.lemmas = lemmas
        self.english = set(self.lemmas.values()) | set(STOP_WORDS) | set(normalise) | domain
        self.domain = domain | set(normalise)
        # Every one-letter deletion of a domain word or its plural ("tingels" is
        # "tingles"), pointing back at the word: a symmetric-delete typo index.
        self.typos: dict[str, set[tuple[str, str]]] = {}
        for word in domain - STOP_WORDS:
            for form in (word, word + "s"):
                for variant in _deletions(form) | {form}:
                    self.typos.setdefault(variant, set()).add((form, word))

    def __call__(self, doc):
        tokens = []
        for token in doc:
            text = token.text
            lower = text.lower()
            norm = self.norm(lower)
            token.norm_ = norm
            tokens.append(_Token(text, lower, norm, token.is_punct, token.is_space, token.idx))
        doc.user_data["tokens"] = tokens  # read by _Reading: spaCy's attributes are slow to fetch
        return doc

    @lru_cache(maxsize=50_000)
    def norm(self, lower: str) -> str:
        if lower in self.english or lower in self.lemmas or not lower.isalpha():
            return self._known(lower)
        stretched = _unstretched(lower)  # "reddd" -> "redd", "red": the domain word first
        for known in (self.domain, self.english):
            for word in stretched:
                if word in known:
                    return self._known(word)
        return self._known(self._corrected(stretched[0]) or lower)

    def _known(self, lower: str) -> str:
        lemma = self.lemmas.get(lower, lower)
        return self.normalise.get(lower) or self.normalise.get(lemma) or lemma or lower

    def _corrected(self, word: str) -> str | None:
        if len(word) < 4:
            return None
        candidates = {
            base
            for variant in _deletions(word) | {word}
            for form, base in self.typos.get(variant, ())
            if _one_edit(word, form)
        }
        norms = {self._known(c) for c in candidates}
        return min(candidates) if len(norms) == 1 else None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True  # a substitution
        i, j = diff if len(diff) == 2 else (0, 0)
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]  # two neighbours swapped
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _unstretched(word: str) -> list[str]:
    """'swollennnn' -> ['swollenn', 'swollen']; a word without runs -> [word]."""
    if not re.search(r"(.)\1\1", word):
        return [word]
    return [re.sub(r"(.)\1{2,}", r"\1\1", word), re.sub(r"(.)\1+", r"\1", word)]


def _pipeline(normalise: dict[str, str], domain: set[str], split: dict[str, list[str]]):
    spacy = _import_spacy()
    from spacy.symbols import ORTH
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # "swollen&red" and "pins&needles" are two words and a conjunction.
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, r"&"]).finditer
    # Contractions typed without vowels ("cnt breathe") split like "can't" does.
    for word, parts in split.items():
        for typed in (word, word.capitalize(), word.upper()):
            pieces, at = [], 0
            for part in parts:
                pieces.append({ORTH: typed[at:at + len(part)]})
                at += len(part)
            nlp.tokenizer.add_special_case(typed, pieces)
    # spaCy's lookup lemmatizer, read from its table on the lower-cased word
    # ("N'T" and "n't" alike) by the normaliser rather than run as a pipe.
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmas = nlp.remove_pipe("lemmatizer")[1].lookups.get_table("lemma_lookup")
    normaliser = _Normaliser(lemmas, normalise, domain)

    from spacy.language import Language

    name = f"triage_norms_{id(normaliser)}"
    Language.component(name, func=normaliser)
    nlp.add_pipe(name)
    return nlp


def _import_spacy():
    """Import spaCy without letting thinc drag in TensorFlow or PyTorch.

    thinc imports each of them when it is installed (Rasa installs
    TensorFlow, and PyTorch may be there too), which costs seconds to tens of
    seconds in processes that never use them (tests, the action server).
    Where one is already loaded (TensorFlow in the Rasa server) it is left
    alone; the others are hidden from thinc, which spaCy's blank pipeline does
    not need, and later imports of them still work.
    """
    if "spacy" in sys.modules:
        import spacy

        return spacy
    hidden = [name for name in ("tensorflow", "torch") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        for name in hidden:
            del sys.modules[name]
    return spacy


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8")))
