"""What a runner sees on each messaging platform: the bot's messages as platform text.

Pure (no Rasa): a bot message (`text`, `buttons`, `custom`, as the action
server sends it) becomes a list of Replies, each within the platform's
length limit, with buttons fitted to what the platform can show. The
triage card and the cited answer are built from their `custom` payloads
(docs/CONTRACT.md), so each platform gets its own formatting; `ask` is
not for display. Platform limits and the card's words are data, in
platforms.yml.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from actions.messages import FACT_NAMES, HEADLINES

PLATFORMS_PATH = Path(__file__).with_name("platforms.yml")


@dataclass(frozen=True)
class Platform:
    name: str
    markup: str
    message_chars: int
    buttons: str
    max_buttons: int | None = None
    button_title_chars: int | None = None
    button_value_bytes: int | None = None


@dataclass(frozen=True)
class Button:
    title: str    # what the platform shows on the button
    payload: str  # what the bot receives when it is pressed
    value: str    # what travels through the platform (the payload, or its digest when too long)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


# --- data -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(PLATFORMS_PATH.read_text(encoding="utf-8"))


def platform(name: str) -> Platform:
    spec = _data()["platforms"].get(name)
    if spec is None:
        raise KeyError(f"No platform {name!r} in {PLATFORMS_PATH.name}")
    return Platform(name=name, **spec)


def card_words() -> dict:
    return _data()["card"]


# --- markup -----------------------------------------------------------------------

class Markup:
    """Plain text: no formatting, links written out."""

    # Spans the splitter must not break (a tag pair, a Slack link).
    protected: re.Pattern | None = None

    def escape(self, text: str) -> str:
        return text

    def bold(self, escaped: str) -> str:
        return escaped

    def link(self, label: str, url: str) -> str:
        return f"{self.escape(label)}: {url}"

    def quote(self, escaped: str) -> str:
        return f"“{escaped}”"


class HtmlMarkup(Markup):
    """Telegram's parse_mode HTML."""

    protected = re.compile(r"<a\b[^>]*>.*?</a>|<b>.*?</b>", re.S)

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def bold(self, escaped: str) -> str:
        return f"<b>{escaped}</b>"

    def link(self, label: str, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{self.escape(label)}</a>'


class SlackMarkup(Markup):
    """Slack mrkdwn: &, < and > escaped, *bold*, <url|label> links."""

    protected = re.compile(r"<[^<>\n]*>")

    def escape(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def bold(self, escaped: str) -> str:
        return f"*{escaped}*"

    def link(self, label: str, url: str) -> str:
        return f"<{url}|{self.escape(label).replace('|', '/')}>"


class WhatsAppMarkup(Markup):
    def bold(self, escaped: str) -> str:
        return f"*{escaped}*"


MARKUPS = {"plain": Markup(), "html": HtmlMarkup(), "slack": SlackMarkup(), "whatsapp": WhatsAppMarkup()}

# The markdown the actions write for the website: **bold**, [label](url), "> " quotes.
MARKDOWN_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)")


def from_markdown(text: str, markup: Markup) -> str:
    lines = []
    for line in text.split("\n"):
        if line.startswith("> "):
            lines.append(markup.quote(_inline(line[2:], markup)))
        else:
            lines.append(_inline(line, markup))
    return "\n".join(lines)


def _inline(text: str, markup: Markup) -> str:
    out, position = [], 0
    for match in MARKDOWN_INLINE.finditer(text):
        out.append(markup.escape(text[position:match.start()]))
        if match["bold"] is not None:
            out.append(markup.bold(markup.escape(match["bold"])))
        else:
            out.append(markup.link(match["label"], match["url"]))
        position = match.end()
    out.append(markup.escape(text[position:]))
    return "".join(out)


# --- the triage card and the cited answer ---------------------------------------------

def triage_card(triage: dict, markup: Markup) -> str | None:
    """Level, what to do, why, what if worse, what was unknown, the caveat.

    For `emergency` the emergency number (in the advice) comes first, before
    anything else. None when the payload carries no advice (the text is used).
    """
    advice, words, level = triage.get("advice") or {}, card_words(), triage.get("level")
    if not advice.get("now") or level not in HEADLINES:
        return None
    headline = markup.bold(markup.escape(HEADLINES[level]))
    now = markup.escape(advice["now"])
    blocks = [markup.bold(now), headline] if level == "emergency" else [headline, f"{markup.bold(words['now'])}\n{now}"]
    if reasons := [_sentence(r.get("text", "")) for r in triage.get("reasons") or [] if r.get("text")]:
        blocks.append(f"{markup.bold(words['why'])} {markup.escape(' '.join(reasons))}")
    if advice.get("if_worse"):
        blocks.append(f"{markup.bold(words['if_worse'])} {markup.escape(advice['if_worse'])}")
    if unknown := [FACT_NAMES[f] for f in triage.get("unknown") or [] if f in FACT_NAMES]:
        blocks.append(markup.escape(words["unknown"].format(facts=_join(unknown))))
    if advice.get("not_a_diagnosis"):
        blocks.append(markup.escape(advice["not_a_diagnosis"]))
    return "\n\n".join(blocks)


def answer_card(answer: dict, markup: Markup) -> str | None:
    """The best passage under its section, with its references as links."""
    citations = answer.get("citations") or []
    if not citations:
        return None
    best, words = citations[0], card_words()
    section = markup.bold(markup.escape(best.get("section", "")))
    before, _, after = words["answer_intro"].partition("{section}")
    blocks = [
        markup.escape(before) + section + markup.escape(after),
        markup.quote(markup.escape(best.get("quote", ""))),
    ]
    if references := best.get("references") or []:
        links = ", ".join(markup.link(ref["label"], ref["url"]) for ref in references)
        blocks.append(f"{markup.escape(words['sources'])} {links}")
    return "\n\n".join(blocks)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# --- buttons --------------------------------------------------------------------------

def button_value(payload: str, spec: Platform) -> str:
    """The payload, or a short digest of it where the platform's field is too small
    (Telegram's 64-byte callback_data); button_for_value maps it back."""
    if spec.button_value_bytes is None or len(payload.encode("utf-8")) <= spec.button_value_bytes:
        return payload
    return "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def shows_numbers(buttons: Sequence[dict], spec: Platform) -> bool:
    """Whether the platform shows these buttons as a numbered list in the text:
    always on SMS and WhatsApp; on others when they do not fit as buttons."""
    if spec.buttons == "numbered":
        return True
    too_many = spec.max_buttons is not None and len(buttons) > spec.max_buttons
    too_long = spec.button_title_chars is not None and any(len(b["title"]) > spec.button_title_chars for b in buttons)
    return too_many or too_long


def fit_buttons(buttons: Sequence[dict], spec: Platform) -> tuple[tuple[Button, ...], str]:
    """The platform's buttons, and the numbered list to add to the text (or "")."""
    if not buttons:
        return (), ""
    if not shows_numbers(buttons, spec):
        return tuple(Button(b["title"], b["payload"], button_value(b["payload"], spec)) for b in buttons), ""
    markup = MARKUPS[spec.markup]
    listing = "\n".join(f"{n}. {markup.escape(b['title'])}" for n, b in enumerate(buttons, 1))
    listing += "\n\n" + markup.escape(card_words()["numbered_hint"])
    if spec.buttons == "numbered":
        return (), listing
    numbered = list(enumerate(buttons, 1))
    if len(numbered) > spec.max_buttons:
        # The last button is the way out ("None of these", "Not sure"): keep it.
        numbered = numbered[: spec.max_buttons - 1] + numbered[-1:]
    return tuple(
        Button(_shorten(f"{n}. {b['title']}", spec.button_title_chars), b["payload"], button_value(b["payload"], spec))
        for n, b in numbered
    ), listing


def _shorten(title: str, limit: int | None) -> str:
    # A button label only; the full words are in the numbered list above it.
    return title if limit is None or len(title) <= limit else title[: limit - 1].rstrip() + "…"


def resolve_choice(text: str, offered: Sequence[dict], spec: Platform) -> str | None:
    """The payload of the offered button the runner chose by number or by its
    words, or None when the text is not a choice (it is then sent as typed)."""
    if not offered:
        return None
    typed = text.strip()
    number = re.fullmatch(r"(\d{1,3})[.)]?", typed)
    if number and shows_numbers(offered, spec):
        index = int(number.group(1))
        return offered[index - 1]["payload"] if 1 <= index <= len(offered) else None
    wanted = _words(typed)
    for button in offered:
        if wanted and _words(button["title"]) == wanted:
            return button["payload"]
    return None


def button_for_value(value: str, offered: Iterable[dict], spec: Platform) -> str | None:
    for button in offered:
        if button_value(button["payload"], spec) == value:
            return button["payload"]
    return None


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


# --- messages -------------------------------------------------------------------------

def render_message(message: dict, spec: Platform) -> list[Reply]:
    """One bot message as the platform's replies: text split within the limit,
    buttons on the last part."""
    markup = MARKUPS[spec.markup]
    body = _body(message, markup)
    buttons, listing = fit_buttons(message.get("buttons") or [], spec)
    text = "\n\n".join(part for part in (body, listing) if part)
    if not text:
        return []
    parts = split_text(text, spec.message_chars, markup.protected)
    return [Reply(part) for part in parts[:-1]] + [Reply(parts[-1], buttons)]


def _body(message: dict, markup: Markup) -> str:
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    card = None
    if isinstance(custom.get("triage"), dict):
        card = triage_card(custom["triage"], markup)
    elif isinstance(custom.get("answer"), dict):
        card = answer_card(custom["answer"], markup)
    return card or from_markdown((message.get("text") or "").strip(), markup)


def text_units(text: str) -> int:
    """Length as the platforms count it (UTF-16 code units; emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, protected: re.Pattern | None = None) -> list[str]:
    """Text in parts of at most `limit` units, split at a paragraph, line or
    word boundary outside protected spans. Nothing is dropped but the
    whitespace at a split; a single word longer than the limit is split inside."""
    parts, rest = [], text.strip()
    while text_units(rest) > limit:
        cut = _cut_point(rest, limit, protected)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts + ([rest] if rest else [])


def _cut_point(text: str, limit: int, protected: re.Pattern | None) -> int:
    fits = _chars_within(text, limit)
    spans = [m.span() for m in protected.finditer(text)] if protected else []
    inside = lambda position: any(start < position < end for start, end in spans)  # noqa: E731
    for separator in ("\n\n", "\n", " "):
        position = text.rfind(separator, 0, fits + 1)
        while position > 0 and inside(position):
            position = text.rfind(separator, 0, position)
        if position > 0:
            return position
    return fits


def _chars_within(text: str, limit: int) -> int:
    """How many characters of text fit in `limit` units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
