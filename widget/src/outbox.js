// Messages the runner sent that the server has not confirmed yet.
//
// Each message gets a random id when the runner sends it; the server keeps
// that id with the message in its tracker, so a message that is resent after a
// dropped connection is recognised and run once. Pure: storage is injected.
import { loadJson, randomId, saveJson } from "./session.js";

export class Outbox {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.items = loadJson(storage, key, []).filter((item) => item && item.message_id && typeof item.text === "string");
  }

  // `text` is what goes to the bot (a button's payload); `shown` is what the runner sees.
  add(text, shown = text, now = Date.now() / 1000) {
    const item = { message_id: randomId(), text, shown, timestamp: now };
    this.items.push(item);
    this.save();
    return item;
  }

  next() {
    return this.items[0] || null;
  }

  remove(messageId) {
    this.items = this.items.filter((item) => item.message_id !== messageId);
    this.save();
  }

  // After a reconnect: messages the server's history already holds were
  // delivered before the connection dropped; they are not sent again.
  dropDelivered(history) {
    const delivered = new Set(history.filter((m) => m.sender === "user").map((m) => m.message_id));
    this.items = this.items.filter((item) => !delivered.has(item.message_id));
    this.save();
  }

  save() {
    saveJson(this.storage, this.key, this.items);
  }
}
