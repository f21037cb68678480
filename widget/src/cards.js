// The contract's structured payloads (docs/CONTRACT.md) as cards:
// `triage` -> the level in words and colour, why, what to do now and if worse;
// `answer` -> the article's section, the passage and its references as links.
import { buildTree, externalLink, h } from "./dom.js";
import { markdownTree } from "./markdown.js";

export const LEVELS = {
  emergency: { label: "Emergency", summary: "Get help now", icon: "⚠" },
  urgent: { label: "Urgent", summary: "Get medical help today", icon: "!" },
  see_doctor: { label: "See a doctor", summary: "Within the next few days", icon: "i" },
  self_care: { label: "Self-care", summary: "Normal post-run soreness", icon: "✓" },
};

// How an unknown fact is named (the bot's own words, actions/messages.py).
const FACT_NAMES = {
  pain_type: "what the pain feels like",
  onset: "when it started",
  location: "where it hurts",
  spread: "whether it is in one spot",
  duration_hours: "how long you've had it",
};

const markdown = (text) => h("div", { class: "md" }, buildTree(markdownTree(text)));

export function triageCard(triage, fallbackText) {
  const level = triage.level;
  // A level this widget does not know is shown as the bot wrote it, never guessed.
  if (!Object.hasOwn(LEVELS, level)) return markdown(fallbackText || "");
  const { label, summary, icon } = LEVELS[level];
  const advice = triage.advice || {};
  const reasons = (triage.reasons || []).map((r) => r && r.text).filter(Boolean);
  const unknown = (triage.unknown || []).map((fact) => FACT_NAMES[fact] || String(fact).replace(/_/g, " "));
  return h(
    "div",
    { class: `card triage level-${level}`, "data-level": level },
    h("div", { class: "triage-head" },
      h("span", { class: "triage-icon", "aria-hidden": "true" }, icon),
      h("div", {},
        h("p", { class: "triage-label" }, "Result: ", h("strong", {}, label)),
        h("p", { class: "triage-summary" }, summary))),
    level === "emergency" ? emergencyCall(advice.now) : null,
    advice.now ? section("What to do now", markdown(advice.now), "now") : markdown(fallbackText || ""),
    reasons.length ? section("Why", h("ul", {}, reasons.map((text) => h("li", {}, text))), "why") : null,
    advice.if_worse ? section("If it gets worse", markdown(advice.if_worse), "worse") : null,
    unknown.length ? section("Not taken into account", h("p", {}, `I didn't know ${joinWords(unknown)}, so treat this with care.`), "unknown") : null,
    sources(triage.citations),
    advice.not_a_diagnosis ? h("p", { class: "disclaimer" }, advice.not_a_diagnosis) : null,
  );
}

// The emergency numbers, big and tappable, read from the advice itself
// ("Call 999 (UK), 112 (EU) or 911 (US) now") so they are never out of step with it.
function emergencyCall(now = "") {
  const numbers = [...now.matchAll(/\b(\d{3})\s*\(([^)]+)\)/g)].map(([, number, region]) => ({ number, region }));
  if (!numbers.length) return null;
  return h("div", { class: "call", role: "note", "aria-label": "Emergency numbers" },
    h("p", { class: "call-title" }, "Call an emergency number now"),
    h("div", { class: "call-numbers" },
      numbers.map(({ number, region }) => h("a", { class: "call-number", href: `tel:${number}` },
        h("span", { class: "number" }, number), h("span", { class: "region" }, region)))));
}

export function answerCard(answer, fallbackText) {
  const best = (answer.citations || [])[0];
  if (!best) return markdown(fallbackText || "");
  return h("div", { class: "card answer" },
    h("p", { class: "answer-from" }, "From the article, under ", h("strong", { class: "answer-section" }, best.section || "")),
    best.quote ? h("blockquote", { class: "answer-quote" }, best.quote) : null,
    referenceList(best.references, "Sources"));
}

function sources(citations = []) {
  const seen = new Map();
  for (const citation of citations || []) for (const ref of citation.references || []) seen.set(ref.url, ref);
  return referenceList([...seen.values()], "Sources");
}

function referenceList(references = [], title) {
  const links = (references || []).filter((ref) => ref && /^https?:\/\//i.test(ref.url || ""));
  if (!links.length) return null;
  return h("div", { class: "refs" },
    h("p", { class: "refs-title" }, title),
    h("ul", {}, links.map((ref) => h("li", {}, externalLink(ref.url, ref.label || ref.url)))));
}

function section(title, body, name) {
  return h("div", { class: `section section-${name}` }, h("p", { class: "section-title" }, title), body);
}

function joinWords(items) {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

export { markdown };
