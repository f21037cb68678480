// Entry point: one <script> tag adds the chat launcher to any page.
//
//   <script src="http://127.0.0.1:5005/webhooks/widget/widget.js"
//           data-title="Sore legs after running?" defer></script>
//
// data-bot-url (default: the server the script came from), data-title and
// data-session-days (a session unused this long starts afresh; default 30) are
// the only settings. The widget lives in a shadow root on its own element, so
// the page's styles and the widget's do not mix.
import { ChatWidget } from "./widget.js";

const DEFAULT_TITLE = "Sore legs after running?";

(function mount() {
  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  let botUrl;
  try {
    botUrl = new URL(data.botUrl || (script && script.src) || location.href);
  } catch {
    console.error("Chat widget: data-bot-url must be an absolute URL, such as https://bot.example.org");
    return;
  }
  const base = data.botUrl ? botUrl.href : botUrl.origin;
  const start = () => {
    if (document.querySelector("legs-chat-widget")) return; // one widget per page, even if the tag is pasted twice
    const host = document.createElement("legs-chat-widget");
    document.body.append(host);
    const sessionDays = Number(data.sessionDays) > 0 ? Number(data.sessionDays) : undefined;
    new ChatWidget(host, { botUrl: base, title: (data.title || DEFAULT_TITLE).slice(0, 80), sessionDays });
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
