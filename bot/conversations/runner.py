"""Drive conversation tests through the REST channel and say what went wrong.

Each conversation gets a fresh conversation id. A conversation stops at its
first failing turn: later turns would answer questions the bot did not ask.
"""
from __future__ import annotations

import http.client

import re
import uuid
from dataclasses import dataclass, field

from bot.conversations.check import Check, Reply, check_turn
from bot.conversations.spec import Conversation, Turn
from bot.rest_client import RestClient


@dataclass
class TurnResult:
    turn: Turn
    sent: str | None = None            # the message posted (a button's payload for a press)
    reply: Reply = field(default_factory=lambda: Reply(()))
    checks: list[Check] = field(default_factory=list)
    error: str | None = None           # why the turn could not be played at all

    @property
    def passed(self) -> bool:
        return self.error is None and all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


@dataclass
class ConversationResult:
    conversation: Conversation
    sender: str
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return len(self.turns) == len(self.conversation.turns) and all(t.passed for t in self.turns)

    @property
    def first_failure(self) -> TurnResult | None:
        return next((t for t in self.turns if not t.passed), None)


def fresh_sender(conversation: Conversation) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", conversation.name.lower()).strip("-")[:40]
    return f"test-{slug}-{uuid.uuid4().hex[:8]}"


def run_conversation(client: RestClient, conversation: Conversation) -> ConversationResult:
    result = ConversationResult(conversation, fresh_sender(conversation))
    previous = Reply(())
    for turn in conversation.turns:
        played = play_turn(client, result.sender, turn, previous)
        result.turns.append(played)
        if not played.passed:
            break
        previous = played.reply
    return result


def play_turn(client: RestClient, sender: str, turn: Turn, previous: Reply) -> TurnResult:
    result = TurnResult(turn)
    if turn.press is not None:
        result.sent = previous.button_payload(turn.press)
        if result.sent is None:
            titles = "; ".join(f'"{b.get("title")}"' for b in previous.buttons) or "no buttons at all"
            result.error = f'there is no button "{turn.press}" to press: the bot\'s previous reply offered {titles}'
            return result
    else:
        result.sent = turn.user
    try:
        answer = client.say(sender, result.sent)
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, cut off: the bot is down or too slow
        result.error = f"could not reach the bot at {client.url}: {error}"
        return result
    result.reply = Reply.of(answer.messages)
    if answer.status != 200:
        result.error = f"the bot answered HTTP {answer.status}: {answer.messages}"
        return result
    result.checks = check_turn(turn.expect, result.reply)
    return result


def run_all(client: RestClient, conversations: list[Conversation], on_result=None) -> list[ConversationResult]:
    results = []
    for conversation in conversations:
        result = run_conversation(client, conversation)
        results.append(result)
        if on_result:
            on_result(result)
    return results


# --- what the terminal shows --------------------------------------------------------


def summary_line(result: ConversationResult) -> str:
    mark = "PASS" if result.passed else "FAIL"
    return f"{mark}  {result.conversation.name}  [{result.conversation.file}]"


def failure_text(result: ConversationResult) -> str:
    """The first failing turn as expected-against-actual, and what the bot said."""
    failed = result.first_failure
    if failed is None:
        return ""
    turn = failed.turn
    total = len(result.conversation.turns)
    lines = [f"      turn {turn.number} of {total}: you {turn.said}"]
    if failed.error:
        lines.append(f"        problem:  {failed.error}")
    for check in failed.failures:
        lines.append(f"        expected  {check.expected}")
        lines.append(f"        actual    {check.actual}")
    if failed.reply.text:
        lines.append("      the bot replied:")
        lines += [f"        | {line}" for line in failed.reply.text.splitlines() if line.strip()]
    if failed.reply.buttons:
        lines.append("      buttons: " + "; ".join(b.get("title", "") for b in failed.reply.buttons))
    if turn.number < total:
        rest = f"turn {total} was" if turn.number + 1 == total else f"turns {turn.number + 1} to {total} were"
        lines.append(f"      ({rest} not run)")
    lines.append(f"      conversation id: {result.sender}")
    return "\n".join(lines)
