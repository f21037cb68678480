import { test } from "node:test";
import assert from "node:assert/strict";

import { localTime } from "../src/connection.js";

test("the browser's clock is sent as ISO 8601 with its offset", () => {
  const sent = localTime(new Date(2026, 11, 5, 17, 4, 9));
  assert.match(sent, /^2026-12-05T17:04:09[+-]\d\d:\d\d$/);
  // Read back, it is the same instant.
  assert.equal(new Date(sent).getTime(), new Date(2026, 11, 5, 17, 4, 9).getTime());
});
