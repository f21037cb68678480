import { test } from "node:test";
import assert from "node:assert/strict";

import { localTime } from "../src/connection.js";

test("the browser's wall clock is sent as ISO 8601, without its time zone", () => {
  const sent = localTime(new Date(2026, 11, 5, 7, 4, 9));
  assert.equal(sent, "2026-12-05T07:04:09");
  // Read back as local time, it is the same instant.
  assert.equal(new Date(sent).getTime(), new Date(2026, 11, 5, 7, 4, 9).getTime());
});
