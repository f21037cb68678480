"""A local stand-in for the four platforms' APIs: records every call the bot
makes and answers as the platform would, so nothing leaves the machine.

Runs an aiohttp server in a thread; the bot (another process) is pointed at
it with TELEGRAM_API_URL, SLACK_API_URL, MESSENGER_API_URL and TWILIO_API_URL.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web

PREFIXES = {"telegram": "/telegram", "slack": "/slack/api", "messenger": "/graph/v18.0", "twilio": "/twilio"}


@dataclass
class Call:
    platform: str
    method: str
    path: str
    query: dict
    headers: dict
    json: dict | None = None
    form: dict = field(default_factory=dict)


class FakePlatforms:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self.port = _free_port()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_urls(self) -> dict[str, str]:
        names = {"telegram": "TELEGRAM_API_URL", "slack": "SLACK_API_URL",
                 "messenger": "MESSENGER_API_URL", "twilio": "TWILIO_API_URL"}
        return {names[p]: self.url + prefix for p, prefix in PREFIXES.items()}

    def start(self) -> "FakePlatforms":
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int, platform: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls[mark:] if platform is None or c.platform == platform]

    def wait_quiet(self, mark: int, platform: str, quiet_s: float = 1.0, timeout: float = 60) -> list[Call]:
        """Calls since `mark` once at least one arrived and none followed for quiet_s."""
        deadline, seen, last_change = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.since(mark, platform))
            if count != seen:
                seen, last_change = count, time.monotonic()
            elif count and time.monotonic() - last_change >= quiet_s:
                break
            time.sleep(0.05)
        return self.since(mark, platform)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._record)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._ready.set()
        self._loop.run_forever()

    async def _record(self, request: web.Request) -> web.Response:
        platform = next((p for p, prefix in PREFIXES.items() if request.path.startswith(prefix + "/")), "unknown")
        raw = await request.read()
        call = Call(platform, request.method, request.path, dict(request.query), dict(request.headers))
        if request.content_type == "application/json":
            call.json = json.loads(raw or b"null")
        elif request.content_type == "application/x-www-form-urlencoded":
            call.form = dict((await request.post()).items())
        with self._lock:
            self.calls.append(call)
        body, status = _answer(platform, len(self.calls))
        return web.json_response(body, status=status)


def _answer(platform: str, number: int) -> tuple[dict, int]:
    if platform == "telegram":
        return {"ok": True, "result": {"message_id": number}}, 200
    if platform == "slack":
        return {"ok": True, "ts": f"{number}.000"}, 200
    if platform == "messenger":
        return {"recipient_id": "x", "message_id": f"m_{number}"}, 200
    if platform == "twilio":
        return {"sid": f"SM{number:032d}", "status": "queued"}, 201
    return {"error": "unknown platform"}, 404


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
