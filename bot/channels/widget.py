"""The web widget's channel: Rasa's socket.io channel, strict about origins and sessions.

Rasa 3.6's SocketIOInput turns origin checks off (`cors_allowed_origins=[]`),
sends custom payloads as keyword arguments of `emit` (a `triage` payload
crashes it), does not replay a conversation to a reloaded page, and runs a
message again when a dropped connection makes the page resend it. Here:

- only the bot's own origin (the demo page) and the origins in
  WIDGET_ALLOWED_ORIGINS may connect;
- a session id is 128 random bits made by the widget; the page that knows it
  gets the conversation's history from the tracker store on every (re)connect,
  and every tab of that session gets its messages;
- every bot message is one event `{text, buttons, custom, timestamp}`;
- each runner message carries a random id, kept in the tracker with the
  message, so a resend is answered "duplicate" and run once;
- a turn that produced nothing still gets the safe reply with the emergency
  advice, and leaves the conversation where it was (failed_turn.py).

It also serves the built widget (`widget.js`) and the demo page, so the demo
page and the socket share one origin.
"""
from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

import bot.forget  # noqa: F401  ("delete my data" on every channel)
import bot.rasa_speedups  # noqa: F401  (patches Rasa once the server loads its channels)
from bot.channels.edge import EdgeLimits
from bot.channels.failed_turn import undo_failed_turn
from bot.channels.widget_protocol import (
    ORIGINS_VARIABLE,
    SESSION_DAYS_VARIABLE,
    Refusal,
    TurnRequest,
    bot_message,
    history,
    is_random_id,
    last_bot_buttons,
    own_origins,
    parse_origins,
    read_user_message,
    session_expired,
    session_idle_s,
    user_message,
    was_processed,
)
from bot.safety import SAFE_REPLY

logger = logging.getLogger(__name__)

WIDGET_DIR = Path(__file__).resolve().parents[2] / "widget"
BUNDLE = WIDGET_DIR / "dist" / "widget.js"
DEMO_PAGE = WIDGET_DIR / "demo" / "index.html"


class WidgetOutput(OutputChannel):
    """Sends each bot message whole, to every tab of the session; counts them."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt
        self.sent = 0

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.sio.emit(
            self.bot_message_evt, bot_message(message, message.get("timestamp") or time.time()), room=recipient_id
        )
        self.sent += 1

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WidgetInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]):
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            allowed_origins=parse_origins(os.environ.get(ORIGINS_VARIABLE)),
        )

    def __init__(self, user_message_evt: Text = "user_uttered", bot_message_evt: Text = "bot_uttered",
                 socketio_path: Text = "/socket.io", allowed_origins: Optional[List[str]] = None) -> None:
        super().__init__(user_message_evt, bot_message_evt, None, True, socketio_path)
        self.configured_origins = list(allowed_origins or [])
        # Filled when the server starts and knows its port: the demo page's origin.
        self.server_origins: List[str] = []
        self.app = None
        # Messages being run now, so a resend that arrives mid-turn is not run twice.
        self.in_flight: set[tuple[str, str]] = set()
        self.limits = EdgeLimits.from_env()
        self.session_idle_s = session_idle_s(os.environ.get(SESSION_DAYS_VARIABLE))

    def origin_allowed(self, origin: Optional[str]) -> bool:
        return bool(origin) and origin.lower() in {*self.server_origins, *self.configured_origins}

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Long-polling only: Sanic 21.12's websocket code (Rasa 3.6's pin) fails on
        # Python 3.11 ("Passing coroutines is forbidden"), so upgrades are not offered.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origin_allowed, transports=["polling"])
        self.sio = sio
        webhook = SocketBlueprint(sio, self.socketio_path, "widget_webhook", __name__)
        self._add_pages(webhook)

        @webhook.listener("before_server_start")
        async def learn_own_origin(app, _loop) -> None:
            self.app = app
            self.server_origins = own_origins(app.state.host, app.state.port)
            logger.info("Widget origins allowed: %s", ", ".join([*self.server_origins, *self.configured_origins]))

        @sio.on("session_request")
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            events = await self._events(requested) if is_random_id(requested) else []
            # With the store down (events None) the session is kept, not silently started afresh.
            if is_random_id(requested) and (events is None or not session_expired(events, time.time(),
                                                                                 self.session_idle_s)):
                session_id = requested
            else:
                session_id, events = uuid.uuid4().hex, []
            previous = (await sio.get_session(sid)).get("session_id")
            if previous and previous != session_id:
                sio.leave_room(sid, previous)  # a socket hears one conversation only
            await sio.save_session(sid, {"session_id": session_id})
            sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)
            await sio.emit("history", {
                "session_id": session_id,
                "messages": history(events or []),
                "pending": any(key[0] == session_id for key in self.in_flight),
            }, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any) -> Dict[str, Any]:
            session_id = (await sio.get_session(sid)).get("session_id")
            if session_id is None:  # sent before session_request: the widget asks again, then resends
                return {"status": "retry"}
            request = read_user_message(data, session_id)
            if isinstance(request, Refusal):
                return {"status": "refused", "error": request.error}
            wait = self._retry_after(sid, session_id)
            if wait is not None:  # the widget keeps the message and sends it again after the wait
                return {"status": "rate_limited", "retry_after": wait,
                        "error": f"You're sending messages quickly: I'll send this one in {wait} s."}
            return await self._run_once(on_new_message, sid, session_id, request)

        return webhook

    def _retry_after(self, sid: str, session_id: str) -> Optional[int]:
        """The rate limit (edge.py) of this session and of the page's address:
        engineio's Sanic driver writes 127.0.0.1 as REMOTE_ADDR, so the address
        is read from the Sanic request that opened the socket."""
        request = (self.sio.get_environ(sid) or {}).get("sanic.request")
        peer = request.ip if request is not None else ""
        forwarded = request.headers.get("x-forwarded-for") if request is not None else None
        return self.limits.retry_after(session_id, peer, forwarded, time.monotonic())

    async def _run_once(self, on_new_message, sid: str, session_id: str, request: TurnRequest) -> Dict[str, Any]:
        text, message_id = request.text, request.message_id
        key = (session_id, message_id)
        events = await self._events(session_id)
        if events is None:  # the conversation store is down: this turn cannot run
            await WidgetOutput(self.sio, self.bot_message_evt).send_text_message(session_id, SAFE_REPLY)
            return {"status": "ok", "message_id": message_id}
        if key in self.in_flight or was_processed(events, message_id):
            return {"status": "duplicate", "message_id": message_id}
        self.in_flight.add(key)
        sio = self.sio
        try:
            # The session's other tabs show the runner's message and wait with them.
            shown = user_message(text, message_id, time.time(), last_bot_buttons(events))
            await sio.emit("user_echo", shown, room=session_id, skip_sid=sid)
            await sio.emit("bot_typing", {"typing": True}, room=session_id)
            metadata = {"local_time": request.local_time} if request.local_time else None
            await self._run_turn(on_new_message, session_id, text, message_id, metadata)
        finally:
            self.in_flight.discard(key)
            await sio.emit("bot_typing", {"typing": False}, room=session_id)
        return {"status": "ok", "message_id": message_id}

    async def _run_turn(self, on_new_message, session_id: str, text: str, message_id: str, metadata=None) -> None:
        output = WidgetOutput(self.sio, self.bot_message_evt)
        try:
            await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(), message_id=message_id,
                                             metadata=metadata))
        except Exception:  # the runner gets SAFE_REPLY; the log gets the cause
            logger.exception("Turn failed for a widget session")
        if output.sent == 0:
            await undo_failed_turn(self.app, session_id, message_id)
            await output.send_text_message(session_id, SAFE_REPLY)

    async def _events(self, session_id: str) -> Optional[list[dict]]:
        """The session's stored events; None when the conversation store fails
        (PostgreSQL unreachable: bot/rasa_tracker_store.py lets that raise)."""
        try:
            tracker = await self.app.ctx.agent.tracker_store.retrieve_full_tracker(session_id)
        except Exception:
            logger.exception("Could not read a widget session's conversation")
            return None
        return [event.as_dict() for event in tracker.events] if tracker else []

    def _add_pages(self, webhook: Blueprint) -> None:
        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/widget.js", methods=["GET", "HEAD"])
        async def widget_script(_: Request) -> HTTPResponse:
            if not BUNDLE.exists():
                return response.text("The widget is not built: run `make widget` (make run and make test build it).", status=503)
            return await response.file(BUNDLE, mime_type="text/javascript; charset=utf-8",
                                       headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})

        @webhook.route("/demo", methods=["GET", "HEAD"])
        async def demo_page(_: Request) -> HTTPResponse:
            return response.html(DEMO_PAGE.read_text(encoding="utf-8"), headers=self._page_headers())

        @webhook.route("/origin-check", methods=["GET"])
        async def origin_check(request: Request) -> HTTPResponse:
            # Lets a page whose origin is refused say so, instead of "reconnecting"
            # for ever: it reveals only whether the asking origin is allowed.
            origin = request.headers.get("origin", "")
            headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}
            return response.json({"origin": origin, "allowed": self.origin_allowed(origin),
                                  "setting": ORIGINS_VARIABLE}, headers=headers)

    def _page_headers(self) -> Dict[str, str]:
        embedders = " ".join(self.configured_origins)
        return {
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                f"frame-ancestors 'self' {embedders}".strip()
            ),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
