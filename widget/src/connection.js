// The socket.io link to the bot's widget channel (bot/channels/widget.py).
//
// On every (re)connect the page asks for its session, gets the conversation's
// history from the server, drops from its outbox what the server already holds,
// and sends the rest one message at a time, each waiting for the server's
// acknowledgement. socket.io-client reconnects by itself; events emitted while
// disconnected are discarded rather than buffered, because the outbox resends
// them once the session is back.
import { io } from "socket.io-client";

const ACK_TIMEOUT_MS = 30000;

export class Connection {
  constructor({ botUrl, sessionId, outbox, on }) {
    const url = new URL(botUrl);
    this.botUrl = url;
    this.sessionId = sessionId;
    this.outbox = outbox;
    this.on = on; // {state, session, history, bot, echo, typing, delivered, refused, slowDown}
    this.waitUntil = 0; // the server's rate limit: nothing is sent before this time
    this.ready = false;
    this.inFlight = null;
    this.generation = 0;
    this.everConnected = false;
    this.socket = io(url.origin, {
      path: url.pathname.replace(/\/+$/, "") + "/socket.io",
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
      timeout: 5000,
      transports: ["polling"], // the server offers no websocket (bot/channels/widget.py says why)
    });
    this.listen();
  }

  start() {
    if (!this.socket.connected && !this.socket.active) {
      this.on.state("connecting");
      this.socket.connect();
    }
  }

  listen() {
    const socket = this.socket;
    socket.on("connect", () => this.requestSession());
    socket.on("session_confirm", (sessionId) => {
      this.sessionId = sessionId;
      this.on.session(sessionId);
    });
    socket.on("history", ({ messages = [], pending = false } = {}) => {
      this.everConnected = true;
      this.ready = true;
      this.outbox.dropDelivered(messages);
      this.on.history(messages, pending);
      this.on.state("online");
      this.flush();
    });
    socket.on("bot_uttered", (message) => this.on.bot(message));
    socket.on("user_echo", (message) => this.on.echo(message));
    socket.on("bot_typing", ({ typing } = {}) => this.on.typing(Boolean(typing)));
    socket.on("disconnect", (reason) => {
      this.lose();
      // After a server-side disconnect socket.io does not retry by itself.
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
    });
    socket.on("connect_error", () => {
      this.lose();
      this.checkOrigin();
    });
  }

  requestSession() {
    this.socket.emit("session_request", { session_id: this.sessionId });
  }

  lose() {
    this.ready = false;
    this.inFlight = null;
    this.generation += 1;
    this.socket.sendBuffer = [];
    this.on.state(this.everConnected ? "reconnecting" : "unreachable");
  }

  // A refused origin looks like a network error to the page; the server's
  // origin-check says which it is, so the runner is not told "reconnecting" for ever.
  async checkOrigin() {
    if (this.originChecked) return;
    this.originChecked = true;
    try {
      const reply = await fetch(new URL("webhooks/widget/origin-check", this.base()), { credentials: "omit" });
      const { origin, allowed } = await reply.json();
      if (origin && !allowed) this.on.state("refused", origin);
    } catch {
      this.originChecked = false; // the server is down: ask again on a later failure
    }
  }

  base() {
    return this.botUrl.href.endsWith("/") ? this.botUrl.href : this.botUrl.href + "/";
  }

  send(text, shown) {
    const item = this.outbox.add(text, shown);
    this.flush();
    return item;
  }

  flush() {
    const item = this.outbox.next();
    if (!this.ready || this.inFlight || !item || !this.socket.connected || Date.now() < this.waitUntil) return;
    this.inFlight = item.message_id;
    const generation = this.generation;
    const message = { message: item.text, session_id: this.sessionId, message_id: item.message_id,
      local_time: localTime(new Date()) }; // "since 2pm" on the runner's clock (docs/CONTRACT.md)
    this.socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", message, (error, ack) => {
      if (generation !== this.generation) return; // reconnected since: the history decides
      this.inFlight = null;
      if (error || !ack) return this.flush(); // no answer in time: resend; the server runs it once
      if (ack.status === "retry") return this.requestSession();
      if (ack.status === "rate_limited") {
        // The message stays in the outbox and goes once the wait is over.
        const waitMs = Math.max(1, Number(ack.retry_after) || 1) * 1000;
        this.waitUntil = Date.now() + waitMs;
        setTimeout(() => this.flush(), waitMs);
        return this.on.slowDown(ack.error);
      }
      this.outbox.remove(item.message_id);
      if (ack.status === "refused") this.on.refused(item, ack.error);
      else this.on.delivered(item, ack.status);
      this.flush();
    });
  }
}

// The browser's wall clock, as ISO 8601 without an offset: "2026-12-05T17:04:09".
// The wall clock is all "since 2pm" needs; the time zone is not sent.
export function localTime(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
