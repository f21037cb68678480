"""A conversation from the tracker store as a conversation test, with the bot's
current behaviour written in as the expectation, for staff to review and keep.

The store is Rasa's SQLTrackerStore in SQLite: table `events` with one row per
event (sender_id, type_name, data as JSON). Read with sqlite3 so exporting needs
neither Rasa nor a running bot.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import yaml

from bot.conversations.check import Reply


class ExportError(ValueError):
    """No store, no such conversation: said plainly."""


def load_events(database: Path, sender: str) -> list[dict]:
    if not database.exists():
        raise ExportError(f"no conversation store at {database}")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
        if not rows:
            # Never list other conversations' ids: each is a runner's (a phone
            # number, on SMS), and knowing one is enough to read that conversation.
            raise ExportError(f'no conversation with id "{sender}" in {database}')
    return [{"event": kind, **json.loads(data or "{}")} for kind, data in rows]


def turns_from_events(events: list[dict]) -> list[tuple[str, Reply]]:
    """(what the runner sent, everything the bot sent back) for each user message."""
    turns: list[tuple[str, list[dict]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", []))
        elif event["event"] == "bot" and turns:
            data = event.get("data") or {}
            message = {"text": event.get("text"), "buttons": data.get("buttons"), "custom": data.get("custom")}
            turns[-1][1].append({key: value for key, value in message.items() if value})
    return [(sent, Reply.of(messages)) for sent, messages in turns]


def conversation_spec(name: str, turns: list[tuple[str, Reply]]) -> dict:
    written = []
    previous = Reply(())
    for sent, reply in turns:
        written.append({**_what_was_said(sent, previous), **expectations_of(reply)})
        previous = reply
    return {"name": name, "turns": written}


def _what_was_said(sent: str, previous: Reply) -> dict:
    """A button's payload is written as a press of its title, as the runner saw it."""
    for button in previous.buttons:
        if button.get("payload") == sent and button.get("title"):
            return {"press": button["title"]}
    return {"user": sent}


def expectations_of(reply: Reply) -> dict:
    """What the bot did in a turn, as the expectations a test writes."""
    expect: dict = {}
    if reply.triage:
        expect["triage"] = reply.triage.get("level")
        if reply.rules:
            expect["rules"] = _Flow(reply.rules)
        if reply.triage.get("unknown"):
            expect["unknown"] = _Flow(reply.triage["unknown"])
    answer = reply.custom.get("answer")
    if answer:
        sections = [c["section"] for c in answer.get("citations") or [] if c.get("section")]
        if sections:
            expect["cites"] = sections[0]  # the one the runner reads
    if reply.custom.get("no_answer"):
        expect["no answer"] = "yes"
    if reply.asked:
        expect["asks"] = reply.asked
    if not expect and reply.text:
        expect["says"] = _first_sentence(reply.text)
    return expect


def export_yaml(database: Path, sender: str, when: dt.date | None = None) -> str:
    turns = turns_from_events(load_events(database, sender))
    if not turns:
        raise ExportError(f'the conversation "{sender}" has no messages from the runner')
    spec = conversation_spec(f"Conversation {sender}", turns)
    header = (
        f"# Exported from the conversation store (conversation id {sender}) on {(when or dt.date.today()).isoformat()}.\n"
        "# The expectations are what the bot did then. Read each turn: give the conversation\n"
        "# a name that says what it checks, correct any expectation that is wrong, delete the\n"
        "# ones that do not matter, and save it in tests/conversations/.\n"
    )
    return header + yaml.dump([spec], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _first_sentence(text: str, limit: int = 80) -> str:
    line = next(line for line in text.splitlines() if line.strip()).strip().strip("*")
    end = min((line.find(mark) + 1 for mark in ".?!" if 0 < line.find(mark) + 1), default=len(line))
    sentence = line[:end]
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0]


class _Flow(list):
    """A short list written on one line: rules: [S1, S3]."""


class _Dumper(yaml.SafeDumper):
    """Writes "yes" and "no" unquoted: conversation tests read them as words (spec.read_yaml)."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))
