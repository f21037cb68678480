"""The widget under the server's rate limit, in headless Chromium: a message
sent too soon is kept, the runner is told to wait, and it goes by itself
once the wait is over (nothing typed is lost)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bot.settings import isolated_settings
from tests.browser.chat import Chat
from tests.browser.conftest import HOST_PAGE_ORIGIN, LiveBot

# 6 turns a minute with a burst of 2 (bot/channels/edge.py): the third message
# in a row waits about 10 s. Loopback is limited only because this bot says so.
LIMITS = {"RATE_LIMIT_LOOPBACK": "true", "RATE_LIMIT_PER_MINUTE": "6", "WIDGET_ALLOWED_ORIGINS": HOST_PAGE_ORIGIN}


@pytest.fixture(scope="module")
def limited_bot(tmp_path_factory):
    bot = LiveBot(isolated_settings(tmp_path_factory.mktemp("limited-bot"), 5625, 5675), LIMITS)
    bot.start()
    yield bot
    bot.stop()


def test_a_message_sent_too_soon_waits_with_a_note_then_goes(limited_bot, page):
    page.goto(limited_bot.demo_url)
    chat = Chat(page).open()
    sent = ["my calves ache after my long run", "both calves", "since yesterday"]
    for text in sent:  # typed one after another, without waiting for the bot
        chat.input.fill(text)
        chat.input.press("Enter")

    expect(chat.log.locator(".note")).to_contain_text("You're sending messages quickly", timeout=20_000)
    # The kept message goes once the wait is over: every message is confirmed, in order.
    expect(chat.root.locator(".msg.pending")).to_have_count(0, timeout=30_000)
    shown = chat.root.locator(".msg.user .bubble").all_inner_texts()
    assert [text.strip() for text in shown] == sent
