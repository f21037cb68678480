"""Keyboard only, screen readers, colour contrast and a 360-pixel phone."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.settings import ROOT
from tests.browser.chat import PHONE, Chat, contrast_ratio, focused_in_widget, focused_text, low_contrast_texts

STYLES = ROOT / "widget" / "src" / "styles.js"


def test_keyboard_alone_opens_types_chooses_a_button_and_closes(widget_bot, page, shoot):
    page.goto(widget_bot.demo_url)
    chat = Chat(page)

    page.keyboard.press("Tab")
    assert focused_in_widget(page).startswith("button.launcher")
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    chat.wait_online()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    assert focused_in_widget(page) == "textarea#input"

    page.keyboard.type("my calves ache after my long run")
    page.keyboard.press("Enter")
    chat.wait_turn()
    titles = chat.replies().all_inner_texts()
    assert len(titles) >= 2
    # Back from the message box into the quick replies, to the first one.
    for _ in titles:
        page.keyboard.press("Shift+Tab")
    chosen = focused_text(page)
    assert chosen == titles[0] and focused_in_widget(page).startswith("button.reply")
    shoot(page, "reply-focused", widths=("desktop",))
    page.keyboard.press("Enter")
    chat.wait_turn()

    expect(chat.root.locator(".msg.user .bubble").last).to_have_text(chosen)
    assert focused_in_widget(page) == "textarea#input"  # ready for the next answer
    assert chat.replies().all_inner_texts() != titles  # the answered question's buttons are gone
    # A screen reader hears the bot's messages as they arrive.
    expect(chat.announcer).to_contain_text("Bot:")
    announced = chat.announcer.inner_text()
    assert chat.root.locator(".msg.bot .bubble").last.inner_text().split("\n")[0] in announced

    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    assert focused_in_widget(page).startswith("button.launcher")
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")


def test_the_panel_is_a_labelled_dialog_with_a_polite_live_region(widget_bot, page):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    expect(chat.root.get_by_role("dialog", name="Sore legs after running?")).to_be_visible()
    expect(chat.root.get_by_role("button", name="Close chat")).to_be_visible()
    expect(chat.root.get_by_role("button", name="Send")).to_be_visible()
    assert chat.announcer.count() == 1
    # The conversation itself is not live: a redraw after a reconnect is not read out again.
    assert chat.log.get_attribute("aria-live") is None


def test_every_text_in_the_widget_meets_wcag_aa_contrast(widget_bot, page):
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    chat.say("I have chest pain and I can't breathe properly after my run")  # the emergency card
    chat.say("what actually are shin splints")  # an answer card with links
    chat.say("my calves ache after my long run")  # a question with quick replies
    assert chat.replies().count() > 0 and chat.triage_card().count() == 1
    assert low_contrast_texts(page) == []


def test_every_colour_pair_in_the_stylesheet_meets_wcag_aa():
    """Blocks that set both a background and a text colour, including the levels not drawn above."""
    source = STYLES.read_text(encoding="utf-8")
    colours = dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', source))
    css = re.sub(r"\$\{c\.(\w+)\}", r"@\1", source.split("export const STYLES")[1])
    pairs = []
    for block in re.findall(r"\{([^{}]*)\}", css):
        background = re.search(r"background: @(\w+)", block)
        colour = re.search(r"(?<![-\w])color: @(\w+)", block)
        if background and colour:
            pairs.append((colour.group(1), background.group(1)))
    assert len(pairs) >= 10, pairs
    rgb = lambda name: [int(colours[name][i:i + 2], 16) for i in (1, 3, 5)]
    low = [(fg, bg, round(contrast_ratio(rgb(fg), rgb(bg)), 2)) for fg, bg in pairs if contrast_ratio(rgb(fg), rgb(bg)) < 4.5]
    assert low == []


def test_it_fits_a_360_pixel_phone(widget_bot, page, shoot):
    page.set_viewport_size(PHONE)
    page.goto(widget_bot.demo_url)
    chat = Chat(page).open()
    chat.say("my calves ache after my long run")
    assert chat.replies().count() > 0

    panel = chat.panel.bounding_box()
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, PHONE["width"], PHONE["height"])
    for element in [*chat.replies().all(), chat.input, chat.root.get_by_role("button", name="Send")]:
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], element
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert chat.log.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(chat.launcher).to_be_hidden()  # the open panel covers the screen; its ✕ closes it
    shoot(page, "small-screen", widths=("phone",))
    chat.root.get_by_role("button", name="Close chat").click()
    expect(chat.launcher).to_be_visible()
