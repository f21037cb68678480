// Ids and what the widget keeps in the browser.
//
// The session id is 128 random bits from crypto.getRandomValues (available on
// plain-http pages too, unlike crypto.randomUUID), kept in localStorage so a
// reload or a second tab finds the same conversation. What the runner typed
// but has not been sent yet, and the draft in the box, are kept per tab
// (sessionStorage): a reload keeps them, and two tabs never both send them.

export function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A session unused for this long starts afresh in this browser (the server
// applies its own WIDGET_SESSION_IDLE_DAYS too, and its answer wins).
export const SESSION_IDLE_DAYS = 30;

export function sessionExpired(lastUsedMs, nowMs, idleDays = SESSION_IDLE_DAYS) {
  return Number.isFinite(lastUsedMs) && lastUsedMs > 0 && nowMs - lastUsedMs > idleDays * 86400000;
}

export const isRandomId = (value) => typeof value === "string" && /^[0-9a-f]{32}$/.test(value);

// Storage that still works (in memory) where the host page blocks it.
export function safeStorage(kind) {
  try {
    const storage = window[kind];
    const probe = "__legs_chat_probe__";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
      removeItem: (key) => memory.delete(key),
    };
  }
}

export function loadJson(storage, key, fallback) {
  try {
    const value = JSON.parse(storage.getItem(key));
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

export function saveJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // A full or blocked storage only loses persistence, not the conversation.
  }
}
