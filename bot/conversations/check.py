"""Compare what the bot sent in one turn with what the turn expects. Pure: no network.

Each expectation gives one Check with the expectation as the test wrote it and
what the bot actually did, in the same words, so a failure reads as a diff.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.conversations.spec import LEVELS, NOTHING, Expectation


@dataclass(frozen=True)
class Reply:
    """Everything the bot sent back for one message."""

    messages: tuple[dict, ...]

    @classmethod
    def of(cls, messages) -> "Reply":
        return cls(tuple(m for m in messages or () if isinstance(m, dict)))

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.messages if m.get("text"))

    @property
    def buttons(self) -> list[dict]:
        return [b for m in self.messages for b in (m.get("buttons") or []) if isinstance(b, dict)]

    @property
    def custom(self) -> dict:
        """All custom objects of the turn, merged, as the contract tells clients to."""
        merged: dict = {}
        for message in self.messages:
            if isinstance(message.get("custom"), dict):
                merged.update(message["custom"])
        return merged

    @property
    def triage(self) -> dict | None:
        return self.custom.get("triage")

    @property
    def asked(self) -> str | None:
        return self.custom.get("ask")

    @property
    def answer_sections(self) -> list[str]:
        """An answer's cited sections, best first; the runner reads the first one quoted."""
        citations = (self.custom.get("answer") or {}).get("citations") or []
        return [c["section"] for c in citations if c.get("section")]

    @property
    def cited_sections(self) -> list[str]:
        """The sections the runner is shown: the one an answer quotes, and every
        section behind a triage result's reasons. An answer's runners-up are not
        shown to the runner, so they do not count."""
        sections = self.answer_sections[:1]
        for citation in (self.triage or {}).get("citations") or []:
            if citation.get("section") and citation["section"] not in sections:
                sections.append(citation["section"])
        return sections

    @property
    def rules(self) -> list[str]:
        return [reason.get("rule") for reason in (self.triage or {}).get("reasons") or []]

    def button_payload(self, title: str) -> str | None:
        """The payload of the offered button with this title (case and spacing ignored)."""
        for button in self.buttons:
            if _plain(button.get("title", "")) == _plain(title):
                return button.get("payload")
        return None


@dataclass(frozen=True)
class Check:
    expected: str     # the expectation as the test wrote it
    actual: str       # what the bot did, in the same terms
    passed: bool


def check_turn(expect: Expectation, reply: Reply) -> list[Check]:
    checks: list[Check] = []
    if expect.triage is not None:
        checks.append(_check_triage(expect, reply))
    if expect.rules:
        missing = [rule for rule in expect.rules if rule not in reply.rules]
        checks.append(Check(f"rules: {', '.join(expect.rules)}", f"rules: {_listed(reply.rules)}", not missing))
    if expect.unknown:
        unknown = list((reply.triage or {}).get("unknown") or []) if reply.triage else []
        missing = [fact for fact in expect.unknown if fact not in unknown]
        actual = f"unknown: {_listed(unknown)}" if reply.triage else "unknown: (no triage result this turn)"
        checks.append(Check(f"unknown: {', '.join(expect.unknown)}", actual, not missing))
    if expect.cites:
        missing = [section for section in expect.cites if section not in reply.cited_sections]
        checks.append(Check(f"cites: {'; '.join(expect.cites)}", f"cites: {_listed(reply.cited_sections, '; ')}", not missing))
    if expect.asks is not None:
        asked = reply.asked or NOTHING
        checks.append(Check(f"asks: {expect.asks}", f"asks: {asked}", asked == expect.asks))
    if expect.no_answer is not None:
        said_no_answer = bool(reply.custom.get("no_answer"))
        checks.append(Check(f"no answer: {_yes(expect.no_answer)}", f"no answer: {_yes(said_no_answer)}", said_no_answer == expect.no_answer))
    text = _plain(reply.text)
    for words in expect.says:
        checks.append(Check(f'says: "{words}"', _said(reply, words, found=_plain(words) in text), _plain(words) in text))
    for words in expect.does_not_say:
        checks.append(Check(f'does not say: "{words}"', _said(reply, words, found=_plain(words) in text), _plain(words) not in text))
    titles = [b.get("title", "") for b in reply.buttons]
    for title in expect.offers:
        offered = reply.button_payload(title) is not None
        checks.append(Check(f'offers: "{title}"', f"offers: {_listed(titles, '; ')}", offered))
    return checks


def _check_triage(expect: Expectation, reply: Reply) -> Check:
    level = (reply.triage or {}).get("level")
    actual = "triage: none" if level is None else f"triage: {level} (rules: {_listed(reply.rules)})"
    if expect.triage == "none":
        return Check("triage: none", actual, level is None)
    expected = f"triage: {'at least ' if expect.triage_at_least else ''}{expect.triage}"
    if level not in LEVELS:
        return Check(expected, actual, False)
    if expect.triage_at_least:
        return Check(expected, actual, LEVELS.index(level) >= LEVELS.index(expect.triage))
    return Check(expected, actual, level == expect.triage)


def _said(reply: Reply, words: str, found: bool) -> str:
    if found:
        return f'the reply says "{words}"'
    return f'the reply does not say "{words}"' if reply.text else "the bot sent no text"


def _plain(text: str) -> str:
    """Text as a reader sees it: no markdown stars, straight quotes, one space, any case."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


def _listed(items, separator: str = ", ") -> str:
    return separator.join(str(i) for i in items) if items else "none"


def _yes(value: bool) -> str:
    return "yes" if value else "no"
