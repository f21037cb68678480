"""How each platform shows the bot's messages (pure rendering, no Rasa)."""
from __future__ import annotations

import re

import pytest

from bot.channels.render import (
    MARKUPS, button_for_value, fit_buttons, from_markdown, platform, render_message,
    resolve_choice, split_text, text_units, triage_card,
)
from actions.messages import HEADLINES, checklist_buttons, questions, triage_text
from triage.engine import LEVELS, assess

PLATFORMS = ["telegram", "slack", "messenger", "sms", "whatsapp"]
CITATION = {
    "section": "Is it okay to run with sore legs?",
    "quote": "It depends on the type & severity of soreness <mild DOMS>.",
    "references": [{"label": "Mayo Clinic, 2022", "url": "https://example.org/a?b=1&c=2"}],
}
EMERGENCY_FACTS = {"signs": {"chest_pain": True}}
SELF_CARE_FACTS = {"pain_type": "dull_ache", "onset": "next_day", "location": "calf", "spread": "widespread",
                   "duration_hours": 12, "signs": {}}


def triage_message(facts: dict) -> dict:
    result = assess(facts)
    return {"text": triage_text(result), "custom": result.to_payload()}


def normalised(text: str) -> str:
    return " ".join(text.split())


# --- markup ---------------------------------------------------------------------------

def test_website_markdown_becomes_each_platforms_formatting():
    text = "Under **Warm-up & cool-down**:\n> Stretch <gently>.\nSee [Mayo, 2022](https://x.org/a?b&c)"
    assert from_markdown(text, MARKUPS["html"]) == (
        'Under <b>Warm-up &amp; cool-down</b>:\n“Stretch &lt;gently&gt;.”\nSee <a href="https://x.org/a?b&amp;c">Mayo, 2022</a>')
    assert from_markdown(text, MARKUPS["slack"]) == (
        "Under *Warm-up &amp; cool-down*:\n“Stretch &lt;gently&gt;.”\nSee <https://x.org/a?b&c|Mayo, 2022>")
    assert from_markdown(text, MARKUPS["plain"]) == (
        "Under Warm-up & cool-down:\n“Stretch <gently>.”\nSee Mayo, 2022: https://x.org/a?b&c")
    assert from_markdown(text, MARKUPS["whatsapp"]).startswith("Under *Warm-up & cool-down*:")


# --- the triage card ---------------------------------------------------------------------

@pytest.mark.parametrize("name", PLATFORMS)
def test_an_emergency_card_starts_with_the_emergency_number(name):
    replies = render_message(triage_message(EMERGENCY_FACTS), platform(name))
    first_line = re.sub(r"<[^>]+>|\*", "", replies[0].text).splitlines()[0]
    assert first_line.startswith("Call 999 (UK), 112 (EU) or 911 (US) now")
    assert HEADLINES["emergency"] in replies[0].text
    assert "Why:" in replies[0].text and "If it gets worse:" in replies[0].text


@pytest.mark.parametrize("level_facts", [
    SELF_CARE_FACTS,
    {**SELF_CARE_FACTS, "signs": {"swelling": True, "redness": True, "warmth": True}},
    {"pain_type": "sharp", "location": "shin", "spread": "one_spot", "duration_hours": 168, "signs": {}},
])
def test_every_level_card_has_level_advice_and_caveat(level_facts):
    message = triage_message(level_facts)
    triage = message["custom"]["triage"]
    card = triage_card(triage, MARKUPS["plain"])
    assert card.startswith(HEADLINES[triage["level"]])
    assert triage["advice"]["now"] in card and triage["advice"]["if_worse"] in card
    assert card.endswith(triage["advice"]["not_a_diagnosis"])
    for reason in triage["reasons"]:
        assert reason["text"].rstrip(".") in card


def test_unknown_facts_are_named_on_the_card():
    facts = {**SELF_CARE_FACTS}
    del facts["onset"]
    card = triage_card(assess(facts).to_payload()["triage"], MARKUPS["plain"])
    assert "I couldn't take into account when it started, so treat this with care." in card


def test_a_triage_payload_without_advice_falls_back_to_the_text():
    replies = render_message({"text": "**Get medical help today.**", "custom": {"triage": {"level": "urgent"}}},
                             platform("slack"))
    assert replies[0].text == "*Get medical help today.*"


def test_all_levels_have_a_headline():
    assert set(HEADLINES) == set(LEVELS)


# --- the cited answer ------------------------------------------------------------------

@pytest.mark.parametrize("name, link", [
    ("telegram", '<a href="https://example.org/a?b=1&amp;c=2">Mayo Clinic, 2022</a>'),
    ("slack", "<https://example.org/a?b=1&c=2|Mayo Clinic, 2022>"),
    ("messenger", "Mayo Clinic, 2022: https://example.org/a?b=1&c=2"),
    ("sms", "Mayo Clinic, 2022: https://example.org/a?b=1&c=2"),
])
def test_an_answer_shows_section_quote_and_reference_links(name, link):
    message = {"text": "ignored", "custom": {"answer": {"citations": [CITATION], "score": 0.8}}}
    text = render_message(message, platform(name))[0].text
    assert "From the article, under " in text and "Is it okay to run with sore legs?" in text
    assert "type &amp; severity" in text if name in ("telegram", "slack") else "type & severity" in text
    assert text.endswith("Sources: " + link)


def test_no_answer_and_questions_show_their_text_and_never_the_ask_payload():
    no_answer = render_message({"text": "The article doesn't cover that.", "custom": {"no_answer": True}}, platform("sms"))
    assert [r.text for r in no_answer] == ["The article doesn't cover that."]
    asked = render_message({"text": "Where does it hurt?", "custom": {"ask": "location"}}, platform("telegram"))
    assert [r.text for r in asked] == ["Where does it hurt?"]
    assert render_message({"custom": {"ask": "location"}}, platform("sms")) == []


# --- splitting ---------------------------------------------------------------------------

def test_split_keeps_every_word_within_the_limit():
    text = " ".join(f"word{i}" for i in range(500)) + "\n\n" + "tail " * 50
    parts = split_text(text, 100)
    assert len(parts) > 10 and all(text_units(p) <= 100 for p in parts)
    assert normalised(" ".join(parts)) == normalised(text)


def test_split_prefers_paragraphs_then_lines():
    text = "a" * 60 + "\n\n" + "b" * 30 + "\n" + "c" * 30
    assert split_text(text, 80) == ["a" * 60, "b" * 30 + "\n" + "c" * 30]


def test_split_never_breaks_a_link_or_bold_span():
    link = '<a href="https://example.org/x">Mayo Clinic, 2022 and more words</a>'
    text = "intro " * 10 + link + " outro"
    for part in split_text(text, 80, MARKUPS["html"].protected):
        assert part.count("<a ") == part.count("</a>")
    slack = "intro " * 10 + "<https://example.org/x|Mayo Clinic, 2022 words>" + " outro"
    assert all(p.count("<") == p.count(">") for p in split_text(slack, 70, MARKUPS["slack"].protected))


def test_emoji_count_as_two_units_and_an_overlong_word_is_split_not_lost():
    assert text_units("🏃") == 2
    parts = split_text("🏃" * 30, 21)
    assert all(text_units(p) <= 21 for p in parts) and "".join(parts) == "🏃" * 30
    assert "".join(split_text("x" * 250, 100)) == "x" * 250


@pytest.mark.parametrize("name", PLATFORMS)
def test_a_long_message_is_split_with_buttons_on_the_last_part(name):
    spec = platform(name)
    long_text = " ".join(["A sentence of a long message."] * (spec.message_chars // 10))
    buttons = questions()["onset"]["buttons"]
    replies = render_message({"text": long_text, "buttons": buttons}, spec)
    assert len(replies) >= 2 and all(text_units(r.text) <= spec.message_chars for r in replies)
    assert all(not r.buttons for r in replies[:-1])
    assert bool(replies[-1].buttons) == (spec.buttons != "numbered")
    assert normalised(" ".join(r.text for r in replies)).startswith(normalised(long_text))


# --- buttons ------------------------------------------------------------------------------

def test_sms_and_whatsapp_show_buttons_as_a_numbered_list():
    buttons = questions()["onset"]["buttons"]
    for name in ("sms", "whatsapp"):
        (reply,) = render_message({"text": "When did it start?", "buttons": buttons}, platform(name))
        assert reply.buttons == ()
        assert reply.text == ("When did it start?\n\n1. During the run\n2. Right after the run\n"
                              "3. 12 to 24 hours later\n4. A few days later\n5. Not sure\n\n"
                              "Reply with a number or the words.")


def test_telegram_sends_long_payloads_as_a_digest_it_can_map_back():
    spec, buttons = platform("telegram"), checklist_buttons({})
    fitted, listing = fit_buttons(buttons, spec)
    assert listing == "" and [b.title for b in fitted] == [b["title"] for b in buttons]
    assert all(len(b.value.encode()) <= 64 for b in fitted)
    long = next(b for b in fitted if len(b.payload.encode()) > 64)
    assert long.value.startswith("#") and button_for_value(long.value, buttons, spec) == long.payload
    short = next(b for b in fitted if len(b.payload.encode()) <= 64)
    assert short.value == short.payload


def test_messenger_numbers_a_checklist_too_long_for_quick_replies():
    spec, buttons = platform("messenger"), checklist_buttons({})
    assert len(buttons) > spec.max_buttons
    fitted, listing = fit_buttons(buttons, spec)
    assert len(fitted) == spec.max_buttons and all(len(b.title) <= spec.button_title_chars for b in fitted)
    assert fitted[-1].payload == buttons[-1]["payload"] and fitted[-1].title == f"{len(buttons)}. None of these"
    for number, button in enumerate(buttons, 1):
        assert f"{number}. {button['title']}" in listing
    fitting = questions()["onset"]["buttons"]  # 5 choices, none over 20 characters
    assert fit_buttons(fitting, spec) == (fit_buttons(fitting, platform("slack"))[0], "")
    too_long = questions()["spread"]["buttons"]  # "Spread over the muscle": 22 characters
    fitted, listing = fit_buttons(too_long, spec)
    assert fitted[0].title == "1. Spread over the…" and "1. Spread over the muscle" in listing


def test_slack_and_telegram_show_all_checklist_buttons():
    for name in ("slack", "telegram"):
        fitted, listing = fit_buttons(checklist_buttons({}), platform(name))
        assert len(fitted) == len(checklist_buttons({})) and listing == ""


def test_a_number_or_the_words_choose_a_button_where_numbers_are_shown():
    buttons, sms = questions()["onset"]["buttons"], platform("sms")
    assert resolve_choice("2", buttons, sms) == buttons[1]["payload"]
    assert resolve_choice(" 3. ", buttons, sms) == buttons[2]["payload"]
    assert resolve_choice("right AFTER the run!", buttons, sms) == buttons[1]["payload"]
    assert resolve_choice("9", buttons, sms) is None
    assert resolve_choice("yesterday evening", buttons, sms) is None
    assert resolve_choice("2", [], sms) is None
    # On Telegram the choices are buttons, not numbers: "2" stays the runner's words ("2 days").
    assert resolve_choice("2", buttons, platform("telegram")) is None
