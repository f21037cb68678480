"""Webhook payloads of each platform, signed and forged, posted to a live bot
whose channels are turned on by environment variables alone; the replies are
read from the calls the bot made to a local fake of the platforms' APIs, as
the runner on that platform would see them."""
from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request

import pytest

from bot.channels.render import platform
from bot.channels.security import slack_signature
from bot.rest_client import RestClient
from tests.channels.runners import (
    SECRETS, MessengerRunner, SlackRunner, TelegramRunner, TwilioRunner, post,
)

# The choices a runner with ordinary post-run soreness would make.
SORE_BUT_FINE = ["Dull ache or stiffness", "12 to 24 hours later", "Calf", "Spread over the muscle",
                 "Less than a day", "None of these"]
RUNNERS = {
    "telegram": TelegramRunner,
    "slack": SlackRunner,
    "messenger": MessengerRunner,
    "sms": TwilioRunner,
    "whatsapp": lambda url, fake: TwilioRunner(url, fake, whatsapp=True),
}


def limit(kind: str) -> int:
    return int(SECRETS["TWILIO_SMS_MAX_CHARS"]) if kind == "sms" else platform(kind).message_chars


def plain(text: str) -> str:
    """What the runner reads, without the platform's markup."""
    text = re.sub(r"<https?://[^|<>]+\|([^<>]*)>", r"\1", text)  # Slack links
    text = re.sub(r"</?[a-z]+(?: [^<>]*)?>", "", text)  # Telegram HTML tags
    return html.unescape(text).replace("*", "")


@pytest.fixture(params=list(RUNNERS))
def runner(request, channels_bot, fake_platforms):
    made = RUNNERS[request.param](channels_bot, fake_platforms)
    made.kind = request.param
    return made


def assess(runner, opening: str, choices: list[str]):
    seen = runner.say(opening)
    for _ in range(12):
        assert seen.status == 200 and seen.texts, f"no reply: {seen}"
        if "This is not a diagnosis" in plain(seen.text):
            return seen
        offered = runner.options()
        assert offered, f"neither a question with choices nor a result: {seen.texts}"
        pick = next((c for c in choices if c in offered), None)
        assert pick, f"none of {choices} in {offered}"
        seen = runner.choose(pick)
    pytest.fail("no triage result after 12 turns")


def test_start_up_registered_the_telegram_webhook_with_its_secret(channels_bot, fake_platforms):
    calls = [c for c in fake_platforms.since(0, "telegram") if c.path.endswith("/setWebhook")]
    assert calls, "no setWebhook call at start"
    assert calls[0].path == f"/telegram/bot{SECRETS['TELEGRAM_TOKEN']}/setWebhook"
    assert calls[0].json["url"] == SECRETS["TELEGRAM_WEBHOOK_URL"]
    assert calls[0].json["secret_token"] == SECRETS["TELEGRAM_SECRET_TOKEN"]


def test_a_full_assessment_with_the_platforms_buttons(runner):
    result = assess(runner, "my calves ache after my long run", SORE_BUT_FINE)
    card = plain(result.text)
    assert "This sounds like normal post-run soreness." in card
    assert "What to do now:" in card and "If it gets worse:" in card
    assert "**" not in result.text  # the website's markdown never shows raw
    assert all(len(text) <= limit(runner.kind) for text in result.texts)


def test_buttons_look_native_on_each_platform(runner):
    seen = runner.say("my calves ache after my long run")
    if runner.kind in ("sms", "whatsapp"):
        assert not seen.buttons
        assert re.search(r"^1\. \S", seen.texts[-1], re.M) and "Reply with a number or the words." in seen.texts[-1]
    else:
        # The first question ("What does the pain feel like?") has seven
        # buttons; a platform that numbers long lists shows "7. Not sure".
        assert seen.buttons and seen.buttons[-1][1] == "/not_sure" and seen.buttons[-1][0].endswith("Not sure")
        assert all(payload.startswith("/inform{") for _, payload in seen.buttons[:-1])


def test_a_cited_answer_shows_its_section_and_reference_links(runner, channels_bot):
    question = "how long does DOMS usually last?"
    expected = RestClient(channels_bot).say(f"rest-{runner.kind}-{time.time()}", question).custom["answer"]["citations"][0]
    seen = runner.say(question)
    text = plain(seen.text)
    assert f"From the article, under {expected['section']}:" in text
    assert expected["quote"][:60] in text
    assert expected["references"], "the test needs a cited passage"
    for reference in expected["references"]:
        assert reference["url"] in seen.text and reference["label"] in text


def test_an_emergency_puts_the_emergency_number_first(runner):
    seen = runner.say("my chest hurts and i'm short of breath after my run")
    assert plain(seen.texts[0]).startswith("Call 999 (UK), 112 (EU) or 911 (US) now")
    assert "This could be an emergency" in plain(seen.text)


def test_sms_numbers_and_words_both_answer_a_question(channels_bot, fake_platforms):
    by_number, by_words = TwilioRunner(channels_bot, fake_platforms), TwilioRunner(channels_bot, fake_platforms)
    for runner in (by_number, by_words):
        runner.say("my calves ache after my long run")
    question, options = by_number.last.texts[-1], by_number.options()
    assert options == by_words.options() and len(options) > 2
    by_number.say("2")
    by_words.say(options[1].upper())
    assert by_number.last.texts[-1] != question
    assert by_number.last.texts[-1] == by_words.last.texts[-1]
    by_number.say("99")  # not a choice: sent as typed, and the bot asks again
    assert by_number.last.texts


def test_the_warning_sign_checklist_fits_messenger(channels_bot, fake_platforms):
    runner = MessengerRunner(channels_bot, fake_platforms)
    seen = runner.say("my calves ache after my long run")
    for _ in range(8):
        if "None of these" in runner.options():
            break
        seen = runner.choose(next(c for c in SORE_BUT_FINE if c in runner.options()))
    assert len(runner.options()) == 18  # the checklist: 18 choices, numbered in the text
    assert len(seen.buttons) <= 13 and all(len(title) <= 20 for title, _ in seen.buttons)
    assert any(title.endswith("None of these") for title, _ in seen.buttons)


def test_a_telegram_button_with_a_long_payload_still_answers(channels_bot, fake_platforms):
    runner = TelegramRunner(channels_bot, fake_platforms)
    runner.say("my calves ache after my long run")
    while "None of these" not in runner.options():
        runner.choose(next(c for c in SORE_BUT_FINE if c in runner.options()))
    values = dict(runner.last.buttons)
    assert all(len(value.encode()) <= 64 for value in values.values())  # Telegram's callback_data limit
    chest = "Chest pain, breathlessness or coughing up blood"
    assert values[chest].startswith("#")  # its payload is longer, so a digest travels instead
    seen = runner.choose(chest)
    assert plain(seen.texts[0]).startswith("Call 999")


def test_long_replies_arrive_as_several_sms_never_cut(channels_bot, fake_platforms):
    runner = TwilioRunner(channels_bot, fake_platforms)
    limit = int(SECRETS["TWILIO_SMS_MAX_CHARS"])
    seen = runner.say("my calves ache after my long run")
    while "None of these" not in runner.options():
        seen = runner.choose(next(c for c in SORE_BUT_FINE if c in runner.options()))
    assert len(seen.texts) > 1 and all(len(text) <= limit for text in seen.texts)
    assert len(runner.options()) == 18  # the whole checklist, over several SMS
    card = runner.choose("None of these")
    assert len(card.texts) > 1 and all(len(text) <= limit for text in card.texts)
    joined = " ".join(card.texts)
    for phrase in ("This sounds like normal post-run soreness.", "- Foam rolling: 30 to 60 seconds on each tender spot.",
                   "If it gets worse:", "This is not a diagnosis. It is a guide to how soon to get help"):
        assert phrase in joined


def test_a_slack_mention_in_a_channel_is_answered_in_that_channel(channels_bot, fake_platforms):
    runner = SlackRunner(channels_bot, fake_platforms)
    runner.channel = "C0RUNCLUB"
    body = runner.event("<@UBOT> my chest hurts and i'm short of breath", mention=True)
    seen = runner.send(body, "application/json; charset=utf-8")  # read() checks the channel
    assert plain(seen.texts[0]).startswith("Call 999")


# --- authenticity --------------------------------------------------------------------

def test_forged_telegram_updates_are_refused(channels_bot, fake_platforms):
    runner = TelegramRunner(channels_bot, fake_platforms)
    assert_silence(fake_platforms, "telegram", runner.say, "my chest hurts", secret="guessed")
    assert_silence(fake_platforms, "telegram", runner.say, "my chest hurts", secret=None)


def test_forged_slack_events_are_refused(channels_bot, fake_platforms):
    runner = SlackRunner(channels_bot, fake_platforms)
    assert_silence(fake_platforms, "slack", runner.say, "my chest hurts", secret="not-the-secret", expect=401)
    body = runner.event("hello")
    stale = str(int(time.time()) - 3600)
    status = post(f"{channels_bot}/webhooks/slack/webhook", body, {
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": stale,
        "X-Slack-Signature": slack_signature(SECRETS["SLACK_SIGNING_SECRET"], body, stale)})
    assert status == 401


def test_forged_messenger_events_are_refused(channels_bot, fake_platforms):
    runner = MessengerRunner(channels_bot, fake_platforms)
    assert_silence(fake_platforms, "messenger", runner.say, "my chest hurts", secret="not-the-secret")
    assert_silence(fake_platforms, "messenger", runner.say, "my chest hurts", secret="nope", algorithm="sha256")
    assert runner.say("hello", algorithm="sha256").status == 200  # the newer header is accepted when valid


def test_forged_twilio_messages_are_refused(channels_bot, fake_platforms):
    runner = TwilioRunner(channels_bot, fake_platforms)
    assert_silence(fake_platforms, "twilio", runner.say, "my chest hurts", token="not-the-token")
    # Signed for another URL: a replay of a request meant for someone else.
    assert_silence(fake_platforms, "twilio", runner.say, "my chest hurts", url="https://evil.example/hook")


def test_messenger_webhook_verification(channels_bot):
    ok = f"{channels_bot}/webhooks/facebook/webhook?hub.mode=subscribe&hub.verify_token={SECRETS['MESSENGER_VERIFY_TOKEN']}&hub.challenge=1234"
    with urllib.request.urlopen(ok) as reply:
        assert reply.read() == b"1234"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(ok.replace(SECRETS["MESSENGER_VERIFY_TOKEN"], "wrong"))
    assert refused.value.code == 403


def assert_silence(fake, platform_name, say, text, expect=403, **forged):
    mark = fake.mark()
    assert say(text, **forged).status == expect
    time.sleep(1.0)
    assert fake.since(mark, platform_name) == [], "a forged request reached the conversation"


# --- duplicates ------------------------------------------------------------------------

def test_a_repeated_telegram_update_is_answered_once(channels_bot, fake_platforms):
    runner = TelegramRunner(channels_bot, fake_platforms)
    update = runner.message_update("my calves ache after my long run")
    assert runner.send(update).texts
    assert_answered_once(runner, lambda: runner.send(update))


def test_a_slack_retry_is_answered_once(channels_bot, fake_platforms):
    runner = SlackRunner(channels_bot, fake_platforms)
    body = runner.event("my calves ache after my long run", event_id="Ev-retry-1")
    assert runner.send(body, "application/json").texts
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert_answered_once(runner, lambda: runner.send(body, "application/json", extra_headers=retry))


def test_a_repeated_messenger_delivery_is_answered_once(channels_bot, fake_platforms):
    runner = MessengerRunner(channels_bot, fake_platforms)
    event = runner.message_event("my calves ache after my long run", mid="m_same")
    assert runner.send([event]).texts
    assert_answered_once(runner, lambda: runner.send([event]))


def test_a_repeated_twilio_delivery_is_answered_once(channels_bot, fake_platforms):
    runner = TwilioRunner(channels_bot, fake_platforms)
    form = runner.form("my calves ache after my long run", sid="SM" + "7" * 32)
    assert runner.send(form).texts
    assert_answered_once(runner, lambda: runner.send(form))


def assert_answered_once(runner, repeat):
    mark = runner.fake.mark()
    runner.wait = False
    assert repeat().status == 200  # acknowledged, so the platform stops retrying
    time.sleep(1.0)
    assert runner.fake.since(mark, runner.platform) == []


def test_delete_my_data_is_confirmed_then_done_on_every_platform(runner):
    runner.say("my calves ache after my long run")
    seen = runner.say("delete my data")
    assert "delete this whole conversation" in plain(seen.text)
    seen = runner.choose("Yes, delete it")
    assert "deleted this conversation" in plain(seen.text)


def test_sms_confirms_a_deletion_by_number(channels_bot, fake_platforms):
    runner = TwilioRunner(channels_bot, fake_platforms)
    runner.say("my calves ache after my long run")  # its question's buttons are the tracker's latest
    runner.say("forget me")
    assert runner.options()[:2] == ["Yes, delete it", "No, keep it"]
    assert "deleted this conversation" in plain(runner.say("1").text)
