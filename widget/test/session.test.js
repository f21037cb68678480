// Sessions unused for longer than the idle time start afresh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SESSION_IDLE_DAYS, sessionExpired } from "../src/session.js";

const DAY = 86400000;

test("a session expires after the idle time, 30 days by default", () => {
  assert.equal(SESSION_IDLE_DAYS, 30);
  assert.equal(sessionExpired(0 + DAY, 31 * DAY, 30), false);
  assert.equal(sessionExpired(DAY, 32 * DAY), true);
  assert.equal(sessionExpired(DAY, 3 * DAY, 1), true);
});

test("a session never used before has nothing to expire", () => {
  assert.equal(sessionExpired(NaN, Date.now()), false);
  assert.equal(sessionExpired(0, Date.now()), false);
});
