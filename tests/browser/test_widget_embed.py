"""The snippet on another site's page, the origins the bot accepts, and what the widget sends."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.browser.chat import Chat
from tests.browser.conftest import HOST_PAGE_ORIGIN, REFUSED_ORIGIN

BRAND_BLUE = "rgb(11, 83, 148)"
# A page that styles everything it can, with names the widget also uses.
HOSTILE_PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width">
<style>
  * {{ color: #f0f !important; font: 30px/3 "Comic Sans MS", cursive !important; background: yellow !important; }}
  button {{ display: none !important; }}
  .launcher, .panel, .bubble, .msg, .reply {{ display: none !important; border: 9px solid red !important; }}
</style></head>
<body><h1>A runners' club</h1><button class="launcher">The club's own button</button><p class="bubble">The club's text</p>
<script src="{bot}/webhooks/widget/widget.js" data-title="Ask the physio bot" defer></script>
</body></html>"""


def serve_page(host_pages: dict, origin: str, path: str, html: str) -> str:
    """Another site's page, from the tests' own little server (conftest.host_pages)."""
    host_pages[path] = html
    return f"{origin}{path}"


def test_the_snippet_works_on_another_sites_page_and_styles_do_not_cross(widget_bot, host_pages, page, shoot):
    page.goto(serve_page(host_pages, HOST_PAGE_ORIGIN, "/club.html", HOSTILE_PAGE.format(bot=widget_bot.url)))
    sent = []
    page.on("request", lambda request: sent.extend(_user_messages(request)))
    chat = Chat(page).open()

    expect(chat.root.get_by_role("dialog", name="Ask the physio bot")).to_be_visible()
    chat.say("my calves ache after my long run")
    chat.click_reply(chat.replies().first.inner_text())
    assert chat.root.locator(".msg.bot").count() >= 2

    # The page's rules did not reach in...
    launcher_style = chat.launcher.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).fontSize]")
    assert launcher_style == [BRAND_BLUE, "16px"]
    bubble = chat.root.locator(".msg.bot .bubble").first
    assert bubble.evaluate("e => getComputedStyle(e).color") == "rgb(31, 35, 40)"
    assert "Comic" not in bubble.evaluate("e => getComputedStyle(e).fontFamily")
    # ...and the widget's did not leak out: the page's own .launcher and .bubble keep the page's styles.
    assert page.locator("body > p.bubble").evaluate("e => getComputedStyle(e).position") == "static"
    assert page.locator("body > button.launcher").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.evaluate("() => document.querySelectorAll('head style, head link').length") == 1

    # The widget sends only what the runner typed or chose, its session id, a
    # message id and the wall clock (no time zone), which dates "since 2pm".
    assert len(sent) == 2
    for message in sent:
        assert set(message) == {"message", "session_id", "message_id", "local_time"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", message["local_time"])
    assert sent[0]["message"] == "my calves ache after my long run"
    assert sent[1]["message"].startswith("/inform")  # the chosen button's payload
    assert len({m["session_id"] for m in sent}) == 1
    shoot(page, "other-site")


def _user_messages(request) -> list[dict]:
    """The `user_uttered` events in a socket.io long-polling POST."""
    if request.method != "POST" or "/socket.io/" not in request.url:
        return []
    found = []
    for packet in (request.post_data or "").split("\x1e"):  # engine.io v4 packet separator
        if packet.startswith("42"):
            name, *args = json.loads(packet[2:].lstrip("0123456789"))
            if name == "user_uttered":
                found.append(args[0])
    return found


def test_a_page_whose_origin_is_not_allowed_is_refused_and_says_so(widget_bot, host_pages, page, shoot):
    page.goto(serve_page(host_pages, REFUSED_ORIGIN, "/elsewhere.html", HOSTILE_PAGE.format(bot=widget_bot.url)))
    chat = Chat(page)
    chat.launcher.click()

    expect(chat.panel).to_have_attribute("data-state", "refused", timeout=15_000)
    expect(chat.banner).to_contain_text(REFUSED_ORIGIN)
    expect(chat.banner).to_contain_text("WIDGET_ALLOWED_ORIGINS")
    expect(chat.banner).to_have_attribute("role", "alert")
    chat.input.fill("hello?")
    chat.input.press("Enter")
    expect(chat.root.locator(".msg.pending .pending-note")).to_be_visible()  # kept, not sent
    shoot(page, "refused", widths=("desktop",))


def test_the_socket_refuses_other_origins_and_the_demo_page_limits_embedding(widget_bot):
    handshake = f"{widget_bot.url}/socket.io/?EIO=4&transport=polling"
    assert _status(handshake, {"Origin": REFUSED_ORIGIN}) == 400
    assert _status(handshake, {"Origin": "http://evil.example"}) == 400
    assert _status(handshake, {"Origin": HOST_PAGE_ORIGIN}) == 200
    assert _status(handshake, {"Origin": widget_bot.url}) == 200

    with urllib.request.urlopen(widget_bot.demo_url) as reply:
        policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert f"frame-ancestors 'self' {HOST_PAGE_ORIGIN}" in policy
    with urllib.request.urlopen(f"{widget_bot.url}/webhooks/widget/widget.js") as reply:
        assert reply.headers["Content-Type"].startswith("text/javascript")


def _status(url: str, headers: dict) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
