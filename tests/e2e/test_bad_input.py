"""Bad input gets a clear answer, never a crash or silence."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"message": "hi"}', b'{"sender": "", "message": "hi"}', b'{"sender": "x", "message": 5}',
     # a messaging platform's conversation: REST must not post into a runner's SMS
     b'{"sender": "twilio:+447700900123", "message": "stop"}'],
)
def test_malformed_requests_get_400_with_a_reason(client, body):
    turn = client.post_raw(body)
    assert turn.status == 400
    assert turn.messages[0]["error"]


def test_oversized_message_gets_413(client):
    turn = client.say("big", "a" * 20_001)
    assert turn.status == 413


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_messages_get_a_polite_reply(client, text):
    turn = client.say("empty", text)
    assert turn.status == 200
    assert "didn't get any text" in turn.text


@pytest.mark.parametrize(
    "text",
    [
        "my calves ache " * 700,  # about 10,000 characters
        "🏃‍♀️🦵😣🔥",
        "me duelen las piernas después de correr",
        "Ｍｙ ｃａｌｆ ｈｕｒｔｓ",
        "\u202egnirun retfa sgel\u202c",
    ],
)
def test_odd_messages_get_a_reply(conversation, text):
    turn = conversation.say(text)
    assert turn.messages and turn.text.strip()
