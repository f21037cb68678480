"""The web widget in a real browser: Debian's Chromium, headless, driven by Playwright.

One live bot for the whole session (ports 5605/5655, its own conversation
database), started the way `make run` starts it, with one extra page origin
allowed: http://127.0.0.1:5615, where a small server of the tests' own serves
"another site's" pages with the snippet pasted in (http://localhost:5615, the
same server under another name, is an origin the bot does not allow). The reconnect test stops and
starts this same bot, so it runs last (its file sorts last).

Nothing is downloaded: Playwright drives /usr/bin/chromium, which `make test`
installs from Debian when it is missing. Screenshots go to reports/screenshots/.
"""
from __future__ import annotations

import threading
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.servers import running_bot
from bot.settings import ROOT, isolated_settings, load_settings
from bot.training import prepare
from tests.browser.chat import DESKTOP, PHONE

CHROMIUM = Path("/usr/bin/chromium")
BUNDLE = ROOT / "widget" / "dist" / "widget.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
HOST_PAGES_PORT = 5615
HOST_PAGE_ORIGIN = f"http://127.0.0.1:{HOST_PAGES_PORT}"
REFUSED_ORIGIN = f"http://localhost:{HOST_PAGES_PORT}"
# This machine's closed network refuses Chromium's background connections;
# these switches stop it trying (and waiting).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class LiveBot:
    """The bot's two servers, which a test may stop and start again."""

    def __init__(self, settings, extra_env):
        self.settings = settings
        self.extra_env = extra_env
        self._stack: ExitStack | None = None

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    @property
    def demo_url(self) -> str:
        return f"{self.url}/webhooks/widget/demo"

    def start(self) -> None:
        stack = ExitStack()
        stack.enter_context(running_bot(self.settings, self.extra_env))
        self._stack = stack

    def stop(self) -> None:
        if self._stack:
            self._stack.close()
            self._stack = None


@pytest.fixture(scope="session")
def widget_bot(tmp_path_factory):
    assert BUNDLE.exists(), "The widget is not built: run `make widget` (make test builds it)."
    prepare(load_settings())
    settings = isolated_settings(tmp_path_factory.mktemp("widget-bot"), 5605, 5655)
    bot = LiveBot(settings, {"WIDGET_ALLOWED_ORIGINS": HOST_PAGE_ORIGIN})
    bot.start()
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def host_pages():
    """Pages of "another site": {path: html}; a test adds its page, then opens it."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode("utf-8"))

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", HOST_PAGES_PORT), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages
    server.shutdown()
    server.server_close()


# Module scope, not session: Playwright's sync API keeps an event loop running
# in this thread while it is open, and the async tests collected after this
# folder (tests/channels/) cannot start theirs inside it.
@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "Debian's Chromium is missing: `make test` installs it (apt-get install chromium)."
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile: its own storage, so its own chat session."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London")
    yield context
    context.close()


@pytest.fixture
def page_errors():
    return []


@pytest.fixture
def page(context, page_errors):
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    yield page
    assert not page_errors, f"JavaScript errors on the page: {page_errors}"


@pytest.fixture
def shoot():
    """Save a screenshot of the page at desktop and phone widths, as a test artifact:
    reports/screenshots/<name>-desktop.png and <name>-phone.png (names are unique per test)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str, widths=("desktop", "phone")) -> list[Path]:
        paths = []
        original = page.viewport_size
        for width in widths:
            page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
            page.wait_for_timeout(150)  # let the layout settle and the log scroll
            path = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path))
            paths.append(path)
        page.set_viewport_size(original)
        return paths

    return shoot
