// The chat window: launcher, conversation, quick replies, composer, status.
//
// The server's history is the conversation: it is drawn again on every
// (re)connect, with the runner's not-yet-confirmed messages after it. Live
// messages are appended and announced in a polite live region; the drawn log
// itself is not live, so a redraw after a reconnect is not read out again.
import { answerCard, LEVELS, markdown, triageCard } from "./cards.js";
import { Connection } from "./connection.js";
import { h } from "./dom.js";
import { addMessage, isVisible, mergeTurns } from "./messages.js";
import { Outbox } from "./outbox.js";
import { isRandomId, randomId, safeStorage, SESSION_IDLE_DAYS, sessionExpired } from "./session.js";
import { STYLES } from "./styles.js";

// What the "Clear conversation" control sends: the server asks for a
// confirmation with buttons, as it does for "delete my data" (bot/privacy.py).
const FORGET_PAYLOAD = "/forget";
const MAX_CHARS = 20000; // the server's limit (bot/channels/widget_protocol.py)
const COUNTER_FROM = 18000;
const WELCOME =
  "Hi! Tell me what hurts after your run and I'll help you judge how soon to get help, " +
  "or ask me a question about sore legs.\n\n" +
  "If you have chest pain, trouble breathing, or a cold, pale leg, call your emergency number now.";

const STATES = {
  connecting: { status: "Connecting…", banner: "" },
  online: { status: "Online", banner: "" },
  reconnecting: {
    status: "Reconnecting…",
    banner: "Connection lost. Reconnecting… What you type is kept and sent once the connection is back.",
  },
  unreachable: {
    status: "Offline",
    banner: "Can't reach the chat server. Trying again… What you type is kept and sent once it is back.",
  },
  refused: { status: "Not available here", banner: "" },
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export class ChatWidget {
  constructor(host, { botUrl, title, sessionDays = SESSION_IDLE_DAYS }) {
    const prefix = `legs-chat:${new URL(botUrl).origin}`;
    this.keys = { session: `${prefix}:session`, used: `${prefix}:used`, outbox: `${prefix}:outbox`, draft: `${prefix}:draft`, open: `${prefix}:open` };
    this.sessionDays = sessionDays;
    this.local = safeStorage("localStorage");
    this.tab = safeStorage("sessionStorage");
    this.messages = [];
    this.nodes = []; // the log's node for each message, same order
    this.typing = false;
    this.state = "connecting";
    this.shadow = host.attachShadow({ mode: "open" });
    this.adoptStyles();
    this.shadow.append(this.build(title));
    this.connection = new Connection({
      botUrl,
      sessionId: this.sessionId(),
      outbox: (this.outbox = new Outbox(this.tab, this.keys.outbox)),
      on: {
        state: (state, detail) => this.setState(state, detail),
        session: (id) => this.local.setItem(this.keys.session, id),
        history: (messages, pending) => this.showHistory(messages, pending),
        bot: (message) => this.receive(message),
        echo: (message) => this.receive(message),
        typing: (typing) => this.setTyping(typing),
        delivered: (item) => this.delivered(item),
        refused: (item, error) => this.refused(item, error),
        slowDown: (error) => this.note(error),
      },
    });
    this.drawAll();
    if (this.tab.getItem(this.keys.open) === "1") this.open({ focus: false });
  }

  sessionId() {
    let id = this.local.getItem(this.keys.session);
    const used = Number(this.local.getItem(this.keys.used));
    if (!isRandomId(id) || sessionExpired(used, Date.now(), this.sessionDays)) {
      this.local.setItem(this.keys.session, (id = randomId()));
    }
    this.markUsed();
    return id;
  }

  markUsed() {
    this.local.setItem(this.keys.used, String(Date.now()));
  }

  adoptStyles() {
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      this.shadow.adoptedStyleSheets = [sheet];
    } else {
      this.shadow.append(h("style", {}, STYLES));
    }
  }

  build(title) {
    this.launcher = h("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "panel",
      "aria-label": `Open chat: ${title}`, onclick: () => (this.isOpen() ? this.close() : this.open()),
    }, chatIcon(), h("span", { class: "launcher-text" }, "Chat"));
    this.statusText = h("p", { class: "status", id: "status" }, STATES.connecting.status);
    this.banner = h("div", { class: "banner", role: "alert", hidden: true });
    this.log = h("div", { class: "log", role: "region", "aria-label": "Conversation", tabindex: "0" });
    this.typingRow = h("div", { class: "typing", hidden: true, "aria-hidden": "true" },
      h("span", { class: "dots" }, h("span"), h("span"), h("span")), "The bot is typing…");
    this.input = h("textarea", {
      id: "input", rows: "1", maxlength: String(MAX_CHARS), placeholder: "Type your message…",
      "aria-describedby": "hint", autocomplete: "off", enterkeyhint: "send",
      onkeydown: (event) => this.onKey(event), oninput: () => this.onInput(),
    });
    this.counter = h("p", { class: "counter", hidden: true });
    this.announcer = h("div", { class: "sr-only", "aria-live": "polite", "aria-relevant": "additions" });
    this.panel = h("section", {
      class: "panel", id: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "title",
      "aria-describedby": "status", hidden: true, "data-state": "connecting", onkeydown: (event) => this.onPanelKey(event),
    },
      h("header", { class: "head" },
        h("div", { class: "head-text" }, h("h2", { class: "title", id: "title" }, title), this.statusText),
        h("button", { type: "button", class: "clear", onclick: () => this.send(FORGET_PAYLOAD, "Clear conversation") },
          "Clear conversation"),
        h("button", { type: "button", class: "close", "aria-label": "Close chat", onclick: () => this.close() }, "✕")),
      this.banner,
      this.log,
      this.typingRow,
      h("form", { class: "composer", onsubmit: (event) => { event.preventDefault(); this.submit(); } },
        h("label", { for: "input", class: "sr-only" }, "Your message"),
        this.input,
        h("button", { type: "submit", class: "send" }, "Send")),
      this.counter,
      h("p", { id: "hint", class: "sr-only" }, "Enter sends, Shift+Enter starts a new line, Escape closes the chat."),
      this.announcer);
    this.input.value = this.tab.getItem(this.keys.draft) || "";
    return h("div", { class: "root" }, this.panel, this.launcher);
  }

  // Opening and closing, by mouse or keyboard.
  isOpen() {
    return !this.panel.hidden;
  }

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.classList.add("is-open");
    this.tab.setItem(this.keys.open, "1");
    this.connection.start();
    this.fitInput();
    this.scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.classList.remove("is-open");
    this.tab.setItem(this.keys.open, "0");
    this.launcher.focus();
  }

  onPanelKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  }

  onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    }
  }

  onInput() {
    this.tab.setItem(this.keys.draft, this.input.value);
    this.fitInput();
    const length = this.input.value.length;
    this.counter.hidden = length < COUNTER_FROM;
    this.counter.textContent = `${length.toLocaleString()} / ${MAX_CHARS.toLocaleString()} characters`;
  }

  fitInput() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  // Sending: typed text, or a quick reply's payload shown as its title.
  submit() {
    const text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    this.input.value = "";
    this.onInput();
    this.send(text, text);
  }

  send(text, shown) {
    this.markUsed();
    const item = this.connection.send(text, shown);
    const message = { sender: "user", text: shown, message_id: item.message_id, timestamp: item.timestamp };
    this.removeReplies();
    this.appendMessage(message);
    if (this.state === "online") this.setTyping(true);
    this.scrollToEnd();
  }

  delivered(item) {
    const node = this.log.querySelector(`[data-message-id="${item.message_id}"]`);
    if (node) node.classList.remove("pending");
    if (!this.outbox.items.length) this.setTyping(false);
    this.drawReplies(); // the turn is over: its last question's buttons can show
  }

  refused(item, error) {
    const index = this.messages.findIndex((m) => m.message_id === item.message_id);
    if (index >= 0) {
      this.nodes[index].remove();
      this.messages.splice(index, 1);
      this.nodes.splice(index, 1);
    }
    if (item.text === item.shown && !this.input.value) {
      this.input.value = item.text; // keep what the runner typed, to shorten or fix
      this.onInput();
    }
    this.setTyping(false);
    this.note(error);
  }

  note(text) {
    this.log.append(h("div", { class: "note", role: "note" }, text));
    this.announce(text);
    this.scrollToEnd();
  }

  // The server deleted the conversation: nothing of it stays on screen either
  // (every tab of the session gets this message).
  forgotten(message) {
    this.messages = [];
    this.drawAll();
    this.note(message.text || "Conversation deleted.");
  }

  // Receiving.
  showHistory(messages, pending) {
    const local = this.outbox.items.map((item) => ({ sender: "user", text: item.shown, message_id: item.message_id, timestamp: item.timestamp }));
    this.messages = [...mergeTurns(messages), ...local];
    this.drawAll();
    this.setTyping(pending || local.length > 0);
  }

  receive(message) {
    if (message.sender === "bot" && message.custom && message.custom.forgotten) return this.forgotten(message);
    if (message.sender === "user" && this.messages.some((m) => m.message_id && m.message_id === message.message_id)) return;
    this.removeReplies();
    const { index, merged } = addMessage(this.messages, message);
    const node = this.messageNode(this.messages[index]);
    if (merged) this.nodes[index].replaceWith(node);
    else this.log.append(node);
    this.nodes[index] = node;
    this.drawReplies();
    const custom = message.custom || {};
    if (isVisible(message) && (!merged || custom.triage || custom.answer)) {
      this.announce(`${message.sender === "bot" ? "Bot" : "You, in another tab"}: ${spoken(node)}`);
    }
    this.scrollTo(node);
  }

  appendMessage(message) {
    this.messages.push(message);
    const node = this.messageNode(message);
    this.nodes.push(node);
    this.log.append(node);
  }

  drawAll() {
    this.log.replaceChildren();
    this.nodes = this.messages.map((message) => this.messageNode(message));
    this.log.append(this.messageNode({ sender: "bot", text: WELCOME, welcome: true }), ...this.nodes);
    this.drawReplies();
    this.scrollToEnd();
  }

  messageNode(message) {
    const isBot = message.sender === "bot";
    const pending = !isBot && this.outbox.items.some((item) => item.message_id === message.message_id);
    const custom = message.custom || {};
    const body = !isBot ? message.text
      : custom.triage ? triageCard(custom.triage, message.text)
      : custom.answer ? answerCard(custom.answer, message.text)
      : markdown(message.text || "");
    const hasCard = Boolean(isBot && ((custom.triage && Object.hasOwn(LEVELS, custom.triage.level)) || custom.answer));
    return h("div", {
      class: `msg ${isBot ? "bot" : "user"}${pending ? " pending" : ""}${hasCard ? " with-card" : ""}`,
      hidden: !isVisible(message),
      "data-message-id": message.message_id || false,
      "data-welcome": message.welcome || false,
    },
      h("span", { class: "sr-only" }, isBot ? "Bot said:" : "You said:"),
      h("div", { class: "bubble", dir: "auto" }, body),
      h("p", { class: "meta" },
        message.timestamp ? timeTag(message.timestamp) : null,
        !isBot ? h("span", { class: "pending-note" }, " · Waiting to send") : null));
  }

  // Quick replies: the buttons of the latest bot message, until the runner answers.
  drawReplies() {
    this.removeReplies();
    const last = this.messages[this.messages.length - 1];
    if (!last || last.sender !== "bot" || !(last.buttons || []).length || this.outbox.items.length) return;
    this.replies = h("div", { class: "replies", role: "group", "aria-label": "Quick replies" },
      last.buttons.map((button) => h("button", {
        type: "button", class: "reply",
        onclick: () => {
          this.send(button.payload, button.title);
          this.input.focus();
        },
      }, button.title)));
    this.log.append(this.replies);
    this.scrollTo(this.nodes[this.nodes.length - 1]);
  }

  removeReplies() {
    this.replies?.remove();
    this.replies = null;
  }

  setTyping(typing) {
    this.typing = typing;
    this.typingRow.hidden = !typing;
    if (typing) this.scrollToEnd();
  }

  setState(state, detail) {
    const was = this.state;
    this.state = state;
    this.panel.dataset.state = state;
    this.statusText.textContent = STATES[state].status;
    const banner = state === "refused"
      ? `This site (${detail}) is not allowed to use this chat. The bot's owner can add it to WIDGET_ALLOWED_ORIGINS.`
      : STATES[state].banner;
    if (banner !== this.banner.textContent) this.banner.textContent = banner;
    this.banner.hidden = !banner;
    if (state !== "online") this.setTyping(false);
    if (state === "online" && (was === "reconnecting" || was === "unreachable")) this.announce("Connected again.");
  }

  announce(text) {
    this.announcer.append(h("p", {}, text));
    while (this.announcer.childElementCount > 5) this.announcer.firstElementChild.remove();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  // A long reply (a triage card) is shown from its start, not its end.
  scrollTo(node) {
    if (node.offsetHeight > this.log.clientHeight) this.log.scrollTop = node.offsetTop - 8;
    else this.scrollToEnd();
  }
}

// A speech bubble drawn in SVG: an emoji would depend on the visitor's fonts.
function chatIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "launcher-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

function timeTag(timestamp) {
  const date = new Date(timestamp * 1000);
  return h("time", { datetime: date.toISOString() }, timeFormat.format(date));
}

// What a screen reader hears for a new message: its words, without the
// "(opens in a new tab)" hints of its links.
function spoken(node) {
  const words = [];
  const walker = document.createTreeWalker(node.querySelector(".bubble"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest(".sr-only")) words.push(walker.currentNode.data);
  }
  return words.join(" ").replace(/\s+/g, " ").replace(/ ([.,:;!?])/g, "$1").trim();
}

