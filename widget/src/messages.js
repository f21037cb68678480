// One turn's messages as the runner should see them (docs/CONTRACT.md):
// a `custom` object may arrive in a message of its own, after the text it
// belongs to; it is merged into the turn's latest bot message. Pure.

const isCustomOnly = (m) => m.sender === "bot" && !m.text && !(m.buttons || []).length && m.custom;

// Adds `message` to `messages` (in place). Returns the index of the message
// that changed, and whether it is new or an earlier one that was merged into.
export function addMessage(messages, message) {
  if (isCustomOnly(message)) {
    const last = messages.length - 1;
    if (last >= 0 && messages[last].sender === "bot" && !messages[last].welcome) {
      messages[last] = { ...messages[last], custom: { ...(messages[last].custom || {}), ...message.custom } };
      return { index: last, merged: true };
    }
  }
  messages.push(message);
  return { index: messages.length - 1, merged: false };
}

export function mergeTurns(list) {
  const messages = [];
  for (const message of list) addMessage(messages, message);
  return messages;
}

// Whether a bot message has anything to show (an `ask` alone has not).
export function isVisible(message) {
  if (message.sender !== "bot") return true;
  const custom = message.custom || {};
  return Boolean(message.text || (message.buttons || []).length || custom.triage || custom.answer);
}
