"""The connectors' reading of platform payloads, and a turn that always answers."""
from __future__ import annotations

from bot.channels.messaging import PlatformOutput, conversation_id, platform_sender, run_turn
from bot.channels.messenger import delivery_id, messaging_events, read_event
from bot.channels.render import platform
from bot.channels.telegram import read_update
from bot.channels.twilio import spec_for_address, url_twilio_called
from bot.safety import EMPTY_MESSAGE_REPLY, SAFE_REPLY, TOO_LONG_REPLY


class RecordingOutput(PlatformOutput):
    def __init__(self, refuse: str | None = None):
        super().__init__(platform("sms"))
        self.delivered = []
        self.refuse = refuse  # the platform refuses replies containing this

    async def deliver(self, recipient_id, reply):
        if self.refuse and self.refuse in reply.text:
            return False
        self.delivered.append((recipient_id, reply.text))
        return True


async def test_a_failed_turn_still_answers_with_the_emergency_advice():
    async def broken(message):
        raise RuntimeError("action server down")

    output = RecordingOutput()
    await run_turn(broken, output, "+44", "my calf hurts", "twilio")
    assert "".join(text for _, text in output.delivered).replace("\n", " ").startswith(SAFE_REPLY[:60])
    assert any("999" in text for _, text in output.delivered)


async def test_an_empty_message_gets_a_prompt_and_no_turn():
    async def must_not_run(message):
        raise AssertionError("no turn for an empty message")

    output = RecordingOutput()
    await run_turn(must_not_run, output, "+44", "   ", "twilio")
    assert output.delivered == [("+44", EMPTY_MESSAGE_REPLY)]


async def test_a_huge_message_gets_asked_to_be_shorter_and_no_turn():
    async def must_not_run(message):
        raise AssertionError("no turn for a 30,000-character message")

    output = RecordingOutput()
    await run_turn(must_not_run, output, "+44", "ow " * 10_000, "twilio")
    assert output.delivered == [("+44", TOO_LONG_REPLY)]


async def test_a_turn_that_answered_gets_nothing_extra():
    async def answers(message):
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    output = RecordingOutput()
    await run_turn(answers, output, "+44", "my calf hurts", "twilio")
    assert output.delivered == [("+44", "Where does it hurt?")]


async def test_a_reply_the_platform_refused_is_followed_by_the_safe_reply():
    async def answers(message):
        await message.output_channel.send_response(message.sender_id, {"text": "Thanks."})
        await message.output_channel.send_response(message.sender_id, {"text": "EMERGENCY CARD"})

    output = RecordingOutput(refuse="EMERGENCY")
    await run_turn(answers, output, "+44", "my calf hurts", "twilio")
    assert output.delivered[0] == ("+44", "Thanks.")
    assert any("999" in text for _, text in output.delivered[1:])


async def test_a_platform_turn_runs_in_the_channels_own_conversation_and_answers_the_sender():
    seen = []

    async def answers(message):
        seen.append(message.sender_id)
        await message.output_channel.send_response(message.sender_id, {"text": "Where does it hurt?"})

    output = RecordingOutput()
    await run_turn(answers, output, "whatsapp:+44", "my calf hurts", "twilio")
    assert seen == ["twilio:whatsapp:+44"]  # never the bare number, which REST could guess
    assert output.delivered == [("whatsapp:+44", "Where does it hurt?")]


def test_conversation_ids_keep_the_platforms_own_id():
    assert platform_sender(conversation_id("telegram", "42")) == "42"
    assert platform_sender("whatsapp:+44") == "whatsapp:+44"
    assert platform_sender("rest-user") == "rest-user"


def test_telegram_updates_give_chat_text_and_button_presses():
    message = {"update_id": 1, "message": {"message_id": 5, "chat": {"id": 42, "type": "private"}, "text": "hi"}}
    assert read_update(message) == ("42", "hi", None)
    press = {"update_id": 2, "callback_query": {"id": "77", "from": {"id": 42}, "data": "/deny",
                                                "message": {"message_id": 6, "chat": {"id": 42}}}}
    assert read_update(press) == ("42", "/deny", "77")
    assert read_update({"update_id": 3, "edited_message": {"chat": {"id": 42}, "text": "edit"}}) is None
    assert read_update({"update_id": 4, "message": {"chat": {"id": 42}, "sticker": {}}}) is None


def test_messenger_events_give_sender_text_and_whether_a_button_was_pressed():
    typed = {"sender": {"id": "9"}, "message": {"mid": "m1", "text": "my calf hurts"}}
    quick = {"sender": {"id": "9"}, "message": {"mid": "m2", "text": "Calf", "quick_reply": {"payload": "/inform"}}}
    postback = {"sender": {"id": "9"}, "postback": {"mid": "m3", "payload": "/greet", "title": "Get started"}}
    echo = {"sender": {"id": "page"}, "message": {"mid": "m4", "text": "bot", "is_echo": True}}
    assert read_event(typed) == ("9", "my calf hurts", False)
    assert read_event(quick) == ("9", "/inform", True)
    assert read_event(postback) == ("9", "/greet", True)
    assert read_event(echo) is None and read_event({"sender": {"id": "9"}, "read": {"watermark": 1}}) is None
    assert [delivery_id(e) for e in (typed, postback)] == ["mid:m1", "mid:m3"]
    body = {"entry": [{"messaging": [typed, quick]}, {"messaging": [postback]}]}
    assert messaging_events(body) == [typed, quick, postback]
    odd = {"entry": [{"messaging": 5}, {"messaging": {"a": typed}}, "x", {"messaging": ["x", typed]}]}
    assert messaging_events(odd) == [typed]  # a malformed body is skipped, not a 500


def test_whatsapp_and_sms_get_their_own_formatting_and_limits():
    assert spec_for_address("whatsapp:+447700900123").markup == "whatsapp"
    assert spec_for_address("+447700900123").markup == "plain"
    assert spec_for_address("+447700900123", 320).message_chars == 320
    assert spec_for_address("whatsapp:+447700900123", 320).message_chars == platform("whatsapp").message_chars


def test_the_url_twilio_signed_is_rebuilt_behind_a_proxy():
    path = "/webhooks/twilio/webhook"
    assert url_twilio_called("http", "127.0.0.1:5005", path, "", {}) == "http://127.0.0.1:5005" + path
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"}
    assert url_twilio_called("http", "127.0.0.1:5005", path, "a=1", forwarded) == "https://bot.example.org" + path + "?a=1"
