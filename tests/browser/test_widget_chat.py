"""The demo page in headless Chromium against the live bot: whole conversations by mouse."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from knowledge.article import load_article
from tests.browser.chat import PHONE, Chat

SELF_CARE_GREEN = "rgb(26, 107, 50)"
EMERGENCY_RED = "rgb(179, 38, 30)"


def test_an_assessment_by_buttons_and_typing_ends_in_a_triage_card(widget_bot, page, shoot):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()

    card = chat.complete_assessment("my calves ache after my long run")

    expect(card).to_have_attribute("data-level", "self_care")
    expect(card.locator(".triage-label")).to_have_text("Result: Self-care")
    assert card.locator(".triage-head").evaluate("e => getComputedStyle(e).backgroundColor") == SELF_CARE_GREEN
    expect(card.locator(".section-now .section-title")).to_have_text("What to do now")
    expect(card.locator(".section-now li").first).to_be_visible()  # the advice's list, drawn as a list
    expect(card.locator(".section-worse .section-title")).to_have_text("If it gets worse")
    expect(card.locator(".disclaimer")).to_contain_text("not a diagnosis")
    # Buttons show their titles, never their payloads; typed answers show as typed.
    assert len(chat.clicked) >= 3 and len(chat.typed) >= 2, (chat.clicked, chat.typed)
    assert chat.root.locator(".msg.user .bubble").all_inner_texts() == chat.sent
    assert "/inform" not in chat.log.inner_text()
    expect(chat.announcer).to_contain_text("Result: Self-care")
    # Every message has its time.
    for message in chat.messages().all():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", message.locator("time").get_attribute("datetime"))
    shoot(page, "triage-card")


def test_an_emergency_shows_the_numbers_to_call_first(widget_bot, page, shoot):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()

    chat.say("I have chest pain and I can't breathe properly after my run")

    card = chat.triage_card().last
    expect(card).to_have_attribute("data-level", "emergency")
    expect(card.locator(".triage-label")).to_have_text("Result: Emergency")
    assert card.locator(".triage-head").evaluate("e => getComputedStyle(e).backgroundColor") == EMERGENCY_RED
    numbers = card.locator(".call-number")
    assert [n.get_attribute("href") for n in numbers.all()] == ["tel:999", "tel:112", "tel:911"]
    # Prominent: right under the level, and in large type.
    assert card.locator(".call").evaluate("e => e.previousElementSibling.className") == "triage-head"
    assert float(numbers.first.locator(".number").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 22
    shoot(page, "emergency-card")


def test_a_question_is_answered_with_its_section_and_reference_links(widget_bot, page, shoot):
    article = load_article()
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()

    chat.say("what actually are shin splints")

    answer = chat.root.locator(".card.answer").last
    section = answer.locator(".answer-section").inner_text()
    assert section in article.headings
    expect(answer.locator(".answer-quote")).to_contain_text("shin")
    links = answer.locator(".refs a")
    assert links.count() >= 1
    known_urls = {reference.url for reference in article.references}
    for link in links.all():
        assert link.get_attribute("href") in known_urls
        assert link.get_attribute("target") == "_blank"
        assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    # A reference really opens in a new tab (the request is answered locally: no internet here).
    chat.page.context.route("https://**/*", lambda route: route.fulfill(status=200, body="reference", content_type="text/plain"))
    with chat.page.context.expect_page() as new_tab:
        links.first.click()
    assert new_tab.value.url == links.first.get_attribute("href")
    new_tab.value.close()
    shoot(page, "answer-card")


def test_a_reload_and_a_second_tab_show_the_same_conversation(widget_bot, context, page):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    chat.say("my shins hurt after running")
    before = chat.message_texts()
    assert len(before) >= 2

    page.reload()
    chat = Chat(page)
    chat.wait_online()  # the panel stays open across a reload
    expect(chat.messages()).to_have_count(len(before))
    assert chat.message_texts() == before
    assert chat.replies().count() > 0  # the pending question's buttons are back too

    second = context.new_page()
    second.goto(widget_bot.demo_url)
    other = Chat(second).open()
    expect(other.messages()).to_have_count(len(before))
    assert other.message_texts() == before

    # What one tab says shows in the other, with the bot's reply.
    other.say("not sure")
    expect(chat.root.locator(".msg.user .bubble").filter(has_text=re.compile(r"^not sure$"))).to_have_count(1)
    expect(chat.messages()).to_have_count(other.messages().count())
    second.close()


def test_markup_long_messages_and_odd_unicode_are_shown_as_typed(widget_bot, page, shoot):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    attack = '<img src=x onerror="window.__pwned = 1"><b>bold?</b> **not bold from the runner**'
    odd = "مرحبا Grüße 👩🏽‍🦰 e\u0301 ẞ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200b日本語"
    long_text = ("my calf " * 600) + "x" * 400

    for text in (long_text, attack, odd):
        chat.say(text)

    bubbles = chat.root.locator(".msg.user .bubble")
    shown = [bubble.evaluate("e => e.textContent") for bubble in bubbles.all()]
    assert shown == [long_text, attack, odd]
    assert page.evaluate("() => window.__pwned") is None
    assert chat.root.locator(".log img, .log b").count() == 0
    # Nothing is wider than the conversation, at desktop and phone widths.
    for size in (None, PHONE):
        if size:
            page.set_viewport_size(size)
        assert chat.log.evaluate("e => e.scrollWidth <= e.clientWidth")
    shoot(page, "odd-input")


def test_clear_conversation_asks_first_then_deletes_it_on_screen_and_on_the_server(widget_bot, page):
    """The "Clear conversation" control: the bot asks before deleting; after
    "Yes, delete it" nothing of the conversation is on screen, and a reload
    (which asks the server for the history) brings none of it back."""
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    chat.say("my calves ache after my long run")
    page.reload()  # the server gives the history back; the panel stays open (the tab remembers it)
    chat = Chat(page)
    chat.wait_online()
    expect(chat.log).to_contain_text("my calves ache after my long run")

    chat.root.get_by_role("button", name="Clear conversation").click()
    chat.wait_turn()
    assert "delete this whole conversation" in chat.last_bot_text()
    chat.click_reply("Yes, delete it")

    expect(chat.log.locator(".note")).to_contain_text("deleted this conversation")
    assert not any("calves ache" in text for text in chat.message_texts())

    page.reload()
    chat = Chat(page)
    chat.wait_online()
    expect(chat.log).not_to_contain_text("calves ache")
