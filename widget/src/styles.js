// The widget's CSS, inside its shadow root: the page's rules cannot reach in,
// these cannot leak out, and `all: initial` on the host stops inherited
// styles (fonts, colours, line height) from coming in.
// Colour pairs and their WCAG contrast ratios are checked in
// tests/browser/test_widget_access.py (AA: 4.5 for text, 3 for large text and edges).
export const COLORS = {
  ink: "#1f2328",
  muted: "#57606a",
  paper: "#ffffff",
  botBubble: "#eef1f4",
  brand: "#0b5394",
  edge: "#6e7781",
  focus: "#1a4d8f",
  emergency: "#b3261e",
  emergencySoft: "#fde8e7",
  emergencyInk: "#7a1a14",
  urgent: "#a33f00",
  seeDoctor: "#f2c94c",
  seeDoctorSoft: "#fff8e1",
  selfCare: "#1a6b32",
  noteSoft: "#fff4d6",
  noteInk: "#5c3c00",
};
const c = COLORS;

export const STYLES = `
:host { all: initial !important; display: block !important; position: static !important; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.root {
  font: 400 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  color: ${c.ink};
  -webkit-text-size-adjust: 100%;
}
.sr-only {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid ${c.focus}; outline-offset: 2px; }

.launcher {
  position: fixed; right: 16px; bottom: 16px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 8px; min-height: 48px; padding: 0 20px;
  border: 2px solid ${c.paper}; border-radius: 999px; background: ${c.brand}; color: ${c.paper};
  font-weight: 600; font-size: 16px; cursor: pointer; box-shadow: 0 4px 14px rgba(0, 0, 0, .25);
}
.launcher-icon { width: 22px; height: 22px; flex: none; }

.panel {
  position: fixed; right: 16px; bottom: 80px; z-index: 2147483001;
  display: flex; flex-direction: column;
  width: 400px; max-width: calc(100vw - 32px);
  height: 640px; max-height: calc(100vh - 104px); max-height: calc(100dvh - 104px);
  background: ${c.paper}; color: ${c.ink};
  border: 1px solid ${c.edge}; border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0, 0, 0, .28);
}
.head {
  display: flex; align-items: center; gap: 8px; padding: 10px 8px 10px 16px;
  background: ${c.brand}; color: ${c.paper};
}
.head-text { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 17px; font-weight: 700; line-height: 1.3; overflow-wrap: anywhere; }
.status { margin: 0; font-size: 13px; }
.close {
  flex: none; width: 44px; height: 44px; border: 0; border-radius: 8px;
  background: transparent; color: ${c.paper}; font-size: 20px; cursor: pointer;
}
.clear {
  flex: none; min-height: 44px; padding: 0 10px; border: 1px solid ${c.paper}; border-radius: 8px;
  background: transparent; color: ${c.paper}; font-size: 13px; cursor: pointer;
}
.clear:focus-visible { outline-color: ${c.paper}; outline-offset: 2px; }
.close:focus-visible { outline-color: ${c.paper}; outline-offset: -4px; }
.banner {
  padding: 10px 16px; background: ${c.noteSoft}; color: ${c.noteInk};
  border-bottom: 1px solid ${c.edge}; font-size: 14px; font-weight: 600;
}

.log {
  position: relative; flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain;
  padding: 12px; display: flex; flex-direction: column; gap: 10px;
}
.msg { display: flex; flex-direction: column; max-width: 88%; }
.msg.bot { align-self: flex-start; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.with-card { max-width: 100%; width: 100%; }
.bubble {
  padding: 8px 12px; border-radius: 14px; overflow-wrap: anywhere; word-break: normal;
  unicode-bidi: plaintext; max-width: 100%;
}
.bot .bubble { background: ${c.botBubble}; color: ${c.ink}; border-bottom-left-radius: 4px; }
.user .bubble { background: ${c.brand}; color: ${c.paper}; border-bottom-right-radius: 4px; white-space: pre-wrap; }
.with-card .bubble { padding: 0; background: transparent; }
.bubble a { color: ${c.brand}; text-decoration: underline; }
.bubble p, .bubble ul, .bubble ol, .bubble blockquote { margin: 0 0 6px; }
.bubble > :last-child, .md > :last-child, .section > :last-child { margin-bottom: 0; }
.bubble ul, .bubble ol { padding-left: 22px; }
.bubble blockquote { padding-left: 10px; border-left: 3px solid ${c.edge}; }
.bubble pre { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 13px; }
.meta { margin: 2px 6px 0; font-size: 12px; color: ${c.muted}; }
.pending-note { display: none; }
.panel:not([data-state="online"]) .msg.pending .pending-note { display: inline; }
.msg.pending .bubble { opacity: .85; }
.note {
  align-self: stretch; padding: 8px 12px; border-radius: 10px; font-size: 14px;
  background: ${c.noteSoft}; color: ${c.noteInk}; border: 1px solid ${c.edge};
}

.replies { display: flex; flex-wrap: wrap; gap: 8px; padding: 2px 0 4px; }
.reply {
  min-height: 40px; padding: 6px 14px; border: 2px solid ${c.brand}; border-radius: 999px;
  background: ${c.paper}; color: ${c.brand}; font-weight: 600; cursor: pointer; text-align: left;
  overflow-wrap: anywhere; max-width: 100%;
}
.reply:hover { background: ${c.botBubble}; }

.typing { display: flex; align-items: center; gap: 8px; padding: 0 16px 6px; font-size: 13px; color: ${c.muted}; }
.dots { display: inline-flex; gap: 3px; }
.dots span { width: 6px; height: 6px; border-radius: 50%; background: ${c.muted}; animation: blink 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: .2s; }
.dots span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .dots span { animation: none; opacity: .7; } }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid ${c.edge}; }
.composer textarea {
  flex: 1; min-width: 0; min-height: 44px; max-height: 120px; resize: none; padding: 10px 12px;
  border: 1px solid ${c.edge}; border-radius: 10px; background: ${c.paper}; color: ${c.ink}; line-height: 1.4;
}
.composer textarea::placeholder { color: ${c.muted}; opacity: 1; }
.send {
  flex: none; min-height: 44px; padding: 0 16px; border: 0; border-radius: 10px;
  background: ${c.brand}; color: ${c.paper}; font-weight: 700; cursor: pointer;
}
.counter { margin: -6px 12px 8px; font-size: 12px; color: ${c.muted}; text-align: right; }

.card { border: 2px solid ${c.edge}; border-radius: 12px; overflow: hidden; background: ${c.paper}; }
.card .section, .card .refs, .card .disclaimer, .card > .md { margin: 0; padding: 8px 12px; }
.section-title, .refs-title { margin: 0 0 2px; font-weight: 700; font-size: 14px; }
.refs ul { margin: 0; padding-left: 20px; }
.disclaimer { font-size: 13px; color: ${c.muted}; border-top: 1px solid ${c.botBubble}; }
.triage-head { display: flex; gap: 10px; align-items: center; padding: 10px 12px; }
.triage-head p { margin: 0; }
.triage-icon {
  flex: none; display: inline-flex; align-items: center; justify-content: center;
  width: 32px; height: 32px; border-radius: 50%; background: ${c.paper}; font-weight: 800; font-size: 18px;
}
.triage-label { font-size: 17px; }
.triage-summary { font-size: 14px; }
.level-emergency { border-color: ${c.emergency}; }
.level-emergency .triage-head { background: ${c.emergency}; color: ${c.paper}; }
.level-emergency .triage-icon { color: ${c.emergency}; }
.level-urgent { border-color: ${c.urgent}; }
.level-urgent .triage-head { background: ${c.urgent}; color: ${c.paper}; }
.level-urgent .triage-icon { color: ${c.urgent}; }
.level-see_doctor { border-color: ${c.edge}; }
.level-see_doctor .triage-head { background: ${c.seeDoctor}; color: ${c.ink}; }
.level-see_doctor .triage-icon { color: ${c.ink}; }
.level-self_care { border-color: ${c.selfCare}; }
.level-self_care .triage-head { background: ${c.selfCare}; color: ${c.paper}; }
.level-self_care .triage-icon { color: ${c.selfCare}; }
.call { margin: 0; padding: 10px 12px; background: ${c.emergencySoft}; color: ${c.emergencyInk}; }
.call-title { margin: 0 0 6px; font-weight: 800; font-size: 16px; }
.call-numbers { display: flex; flex-wrap: wrap; gap: 8px; }
.bubble .call-number {
  display: inline-flex; align-items: baseline; gap: 6px; padding: 6px 14px; border-radius: 10px;
  background: ${c.emergencyInk}; color: ${c.paper}; text-decoration: none;
}
.call-number .number { font-size: 24px; font-weight: 800; letter-spacing: .02em; }
.call-number .region { font-size: 14px; font-weight: 600; }
.answer .answer-from, .answer .answer-quote { margin: 0; padding: 8px 12px 0; }
.answer .answer-quote { margin: 8px 12px 0; padding: 0 0 0 10px; border-left: 3px solid ${c.brand}; }
.answer .refs { padding-top: 8px; }

@media (max-width: 480px) {
  .panel {
    inset: 0; right: 0; bottom: 0; width: 100%; max-width: 100%;
    height: 100%; max-height: none; border-radius: 0; border: 0;
  }
  .launcher.is-open { display: none; }
  .msg { max-width: 92%; }
}
`;
