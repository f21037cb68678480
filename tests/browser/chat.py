"""Driving the widget as a runner does, and reading what it shows."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
TURN_TIMEOUT_MS = 30_000

# What a runner answers to each of the assessment's questions, found by the
# question's words: most by a button, the duration by typing.
ANSWERS = [
    (re.compile(r"feel like", re.I), ("click", "Dull ache or stiffness")),
    (re.compile(r"when did it start", re.I), ("click", "12 to 24 hours later")),
    (re.compile(r"where does it hurt", re.I), ("click", "Calf")),
    (re.compile(r"one specific spot", re.I), ("click", "Spread over the muscle")),
    (re.compile(r"how long have you had it", re.I), ("type", "2 days")),
    (re.compile(r"any of these|anything else from this list", re.I), ("click", "None of these")),
]


class Chat:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.locator("legs-chat-widget")
        self.launcher = self.root.locator(".launcher")
        self.panel = self.root.locator(".panel")
        self.input = self.root.get_by_role("textbox", name="Your message")
        self.log = self.root.locator(".log")
        self.banner = self.root.locator(".banner")
        self.announcer = self.root.locator("[aria-live=polite]")
        self.typed: list[str] = []
        self.clicked: list[str] = []
        self.sent: list[str] = []  # both, in order

    def open(self) -> "Chat":
        self.launcher.click()
        self.wait_online()
        return self

    def wait_online(self, timeout: int = TURN_TIMEOUT_MS) -> None:
        expect(self.panel).to_be_visible()
        expect(self.panel).to_have_attribute("data-state", "online", timeout=timeout)

    def say(self, text: str) -> None:
        self.typed.append(text)
        self.sent.append(text)
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_turn()

    def click_reply(self, title: str) -> None:
        self.clicked.append(title)
        self.sent.append(title)
        self.replies().get_by_text(title, exact=True).click()
        self.wait_turn()

    def wait_turn(self) -> None:
        """Until the server confirmed the runner's messages and the bot stopped typing."""
        expect(self.root.locator(".msg.pending")).to_have_count(0, timeout=TURN_TIMEOUT_MS)
        expect(self.root.locator(".typing")).to_be_hidden(timeout=TURN_TIMEOUT_MS)

    def replies(self) -> Locator:
        return self.root.locator(".replies .reply")

    def messages(self) -> Locator:
        return self.root.locator(".msg:not([hidden]):not([data-welcome])")

    def message_texts(self) -> list[str]:
        """Each message's words without its time (times are drawn in the viewer's zone)."""
        return [text.strip() for text in self.root.locator(
            ".msg:not([hidden]):not([data-welcome]) .bubble").all_inner_texts()]

    def last_bot_text(self) -> str:
        return self.root.locator(".msg.bot:not([hidden])").last.inner_text()

    def triage_card(self) -> Locator:
        return self.root.locator(".card.triage")

    def complete_assessment(self, opening: str, max_steps: int = 12) -> Locator:
        """Answer each question (mostly by its buttons) until the triage card shows."""
        self.say(opening)
        for _ in range(max_steps):
            if self.triage_card().count():
                return self.triage_card().last
            question = self.last_bot_text()
            action, answer = next((a for pattern, a in ANSWERS if pattern.search(question)), (None, None))
            assert action, f"An assessment question this test does not know: {question!r}"
            if action == "click":
                self.click_reply(answer)
            else:
                self.say(answer)
        raise AssertionError(f"No triage card after {max_steps} answers; the conversation: {self.message_texts()}")


def focused_in_widget(page: Page) -> str:
    """What has the keyboard focus inside the widget's shadow root, as 'tag.class' or 'tag#id'."""
    return page.evaluate(
        """() => {
            const active = document.querySelector('legs-chat-widget')?.shadowRoot?.activeElement;
            if (!active) return '';
            return active.tagName.toLowerCase() + (active.id ? '#' + active.id : '') +
                (active.className ? '.' + String(active.className).split(' ').join('.') : '');
        }"""
    )


def focused_text(page: Page) -> str:
    return page.evaluate("() => document.querySelector('legs-chat-widget')?.shadowRoot?.activeElement?.textContent || ''")


# Every visible text in the widget, with its colour and the colour behind it,
# as the browser computed them; WCAG's contrast ratio is computed in Python.
_TEXT_COLOURS = """() => {
  const root = document.querySelector('legs-chat-widget').shadowRoot;
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = (e) => {
    for (let n = e; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const [r, g, b, a = 1] = parse(getComputedStyle(n).backgroundColor);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const e of root.querySelectorAll('*')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
    const box = e.getBoundingClientRect();
    if (!own || !box.width || !box.height || e.closest('.sr-only') || e.closest('[hidden]')) continue;
    out.push({ text: e.textContent.trim().slice(0, 40), fg: parse(getComputedStyle(e).color).slice(0, 3), bg: background(e) });
  }
  return out;
}"""


def contrast_ratio(fg, bg) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast_texts(page: Page, minimum: float = 4.5) -> list[str]:
    """Texts in the widget whose contrast is under WCAG AA for normal text (4.5:1)."""
    return [
        f"{item['text']!r}: {contrast_ratio(item['fg'], item['bg']):.2f}"
        for item in page.evaluate(_TEXT_COLOURS)
        if contrast_ratio(item["fg"], item["bg"]) < minimum
    ]
