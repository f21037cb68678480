"""The bot server stops under an open page and starts again (this file runs last:
it stops and restarts the session's bot, which keeps its conversation database)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.chat import Chat

RESTART_TIMEOUT_MS = 30_000


def test_the_widget_says_it_is_reconnecting_keeps_the_message_and_sends_it_once(widget_bot, page, shoot):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    chat.say("my calves ache after my long run")
    question = chat.last_bot_text()

    widget_bot.stop()
    expect(chat.panel).to_have_attribute("data-state", "reconnecting", timeout=RESTART_TIMEOUT_MS)
    expect(chat.banner).to_be_visible()
    expect(chat.banner).to_contain_text("Reconnecting")
    expect(chat.root.locator(".status")).to_have_text("Reconnecting…")
    # What the runner sends now is kept, marked as waiting, and the draft stays in the box.
    chat.input.fill("not sure")
    chat.input.press("Enter")
    waiting = chat.root.locator(".msg.user.pending")
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".pending-note")).to_be_visible()
    chat.input.fill("a draft I have not sent")
    shoot(page, "reconnecting")

    widget_bot.start()
    chat.wait_online(timeout=RESTART_TIMEOUT_MS)
    chat.wait_turn()
    expect(chat.banner).to_be_hidden()
    expect(chat.input).to_have_value("a draft I have not sent")
    expect(chat.announcer).to_contain_text("Connected again.")
    sent_once = chat.root.locator(".msg.user .bubble").filter(has_text=re.compile(r"^not sure$"))
    expect(sent_once).to_have_count(1)
    assert chat.last_bot_text() != question  # the bot took the answer and moved on

    # The server's own record agrees: a reload shows the message once.
    page.reload()
    chat = Chat(page)
    chat.wait_online()
    expect(sent_once).to_have_count(1)
    # And the conversation carries on.
    before = chat.messages().count()
    chat.click_reply(chat.replies().first.inner_text())
    assert chat.messages().count() > before
    shoot(page, "after-restart")
