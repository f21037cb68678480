// A custom payload sent in a message of its own joins the turn's bot message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addMessage, isVisible, mergeTurns } from "../src/messages.js";

const bot = (fields) => ({ sender: "bot", text: "", buttons: [], custom: null, ...fields });

test("a custom-only message is merged into the bot message before it", () => {
  const messages = mergeTurns([bot({ text: "When did it start?", buttons: [{ title: "Today", payload: "/x" }] }), bot({ custom: { ask: "onset" } })]);
  assert.equal(messages.length, 1);
  assert.deepEqual(messages[0].custom, { ask: "onset" });
  assert.equal(messages[0].buttons.length, 1);
});

test("a custom-only message after the runner's is kept on its own", () => {
  const messages = [{ sender: "user", text: "hi" }];
  const result = addMessage(messages, bot({ custom: { triage: { level: "urgent" } } }));
  assert.deepEqual(result, { index: 1, merged: false });
  assert.ok(isVisible(messages[1]));
});

test("an ask alone has nothing to show", () => {
  assert.equal(isVisible(bot({ custom: { ask: "onset" } })), false);
  assert.equal(isVisible(bot({ text: "Hello" })), true);
});
