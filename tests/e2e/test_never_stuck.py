"""Never stuck, proven on the live bot: the three-asks rule as a property.

A seeded generator plays 200 conversations through the real form and actions
over REST. Each opens with a report of pain, then answers every question with
a reply drawn at random from every kind a runner sends: garbage, emoji, other
intents, questions about the article, unhelpful replies, answers to a
different question, and replies a classifier may take for "stop". Whatever
they say, every conversation must reach a triage result within a bound, no
question may be asked more than three times, and every turn must either ask
something or give the result (a runner is never left without a next step).

Explicit stop phrases are left out: they end the assessment without a result
by design (tests/conversations/stop.yml). The seed is printed on failure, so a
failing conversation can be replayed.
"""
from __future__ import annotations

import random
from collections import Counter

import pytest

CONVERSATIONS = 200
SEED = 20261204
# Six questions asked three times each, with room for sign checks and
# stop confirmations (which count as asks of the pending question).
MAX_TURNS = 40
MAX_ASKS = 3

REPLIES = {
    "garbage": ["asdfgh", "???", "...", "k", "jjjjjjj", "x" * 300, "12345", "ok so", "\u200b", "/"],
    "emoji": ["🤷", "🏃‍♂️🔥", "👍", "😭😭", "🦵"],
    "other intents": ["hi", "thanks", "are you a bot?", "ok", "yes", "no", "bye", "cool", "lol"],
    "questions": ["what is doms?", "should i stretch after a run?", "why do you need that?", "what do you mean?",
                  "is foam rolling good?", "can i still run tomorrow?"],
    "unhelpful": ["hmm", "idk", "why?", "not sure", "whatever", "dunno mate", "hard to say", "depends"],
    "other answers": ["my calf", "2 days", "sharp", "the next morning", "one spot", "both legs", "since tues",
                      "achy", "during my run", "after my shower"],
    "misread stops": ["at the start of the session", "near the end", "when i stopped", "right at the finish",
                      "on the cool down"],
    "checklist": ["none of these", "bit swollen, none of the rest", "nah", "that's all", "limping a bit"],
}
OPENINGS = ["my calf hurts after my run", "legs ache after parkrun", "sore thighs since the race",
            "shin pain after running", "hamstring feels tight after intervals"]


def _reply(rng: random.Random) -> str:
    kind = rng.choice(sorted(REPLIES))
    return rng.choice(REPLIES[kind])


def _play(conversation, rng: random.Random) -> tuple[dict | None, Counter, list]:
    turn = conversation.say(rng.choice(OPENINGS))
    asks: Counter = Counter()
    transcript = []
    for _ in range(MAX_TURNS):
        if "triage" in turn.custom:
            return turn.custom["triage"], asks, transcript
        asked = turn.custom.get("ask")
        assert asked, f"a turn with neither a question nor a result: {transcript} -> {turn.messages}"
        asks[(asked, turn.custom.get("sign"))] += 1  # each sign asked back is a question of its own
        reply = _reply(rng)
        transcript.append((asked, reply))
        turn = conversation.say(reply)
    return None, asks, transcript


@pytest.mark.parametrize("batch", range(4))
def test_every_conversation_reaches_a_result_whatever_the_replies(batch, client):
    from tests.e2e.conftest import Conversation

    for index in range(CONVERSATIONS // 4):
        seed = SEED + batch * 1000 + index
        result, asks, transcript = _play(Conversation(client), random.Random(seed))
        assert result is not None, f"seed {seed}: no result after {MAX_TURNS} turns: {transcript}"
        assert result["level"] in ("self_care", "see_doctor", "urgent", "emergency")
        over = {slot: n for slot, n in asks.items() if n > MAX_ASKS}
        assert not over, f"seed {seed}: asked more than three times: {over}: {transcript}"
