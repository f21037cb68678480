// The outbox: what the runner sent, kept until the server confirms it, never sent twice.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Outbox } from "../src/outbox.js";

globalThis.crypto ??= (await import("node:crypto")).webcrypto;

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
}

test("items keep their order and a random 32-hex id", () => {
  const outbox = new Outbox(memoryStorage(), "k");
  const first = outbox.add("my calf hurts");
  const second = outbox.add('/inform{"onset": "next_day"}', "12 to 24 hours later");
  assert.match(first.message_id, /^[0-9a-f]{32}$/);
  assert.notEqual(first.message_id, second.message_id);
  assert.equal(outbox.next(), first);
  assert.equal(second.shown, "12 to 24 hours later");
});

test("a reload finds what was not confirmed yet", () => {
  const storage = memoryStorage();
  new Outbox(storage, "k").add("still here");
  assert.equal(new Outbox(storage, "k").next().text, "still here");
});

test("messages the server already holds are not sent again after a reconnect", () => {
  const outbox = new Outbox(memoryStorage(), "k");
  const delivered = outbox.add("one");
  const waiting = outbox.add("two");
  outbox.dropDelivered([{ sender: "user", message_id: delivered.message_id }, { sender: "bot", text: "ok" }]);
  assert.deepEqual(outbox.items.map((i) => i.message_id), [waiting.message_id]);
});

test("broken storage gives an empty outbox, not an error", () => {
  const storage = memoryStorage();
  storage.setItem("k", "{not json");
  assert.deepEqual(new Outbox(storage, "k").items, []);
});
