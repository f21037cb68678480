// Bot text becomes allowed elements and plain text only: markup stays text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { markdownTree, treeText } from "../src/markdown.js";

const tags = (nodes) => nodes.flatMap((n) => (typeof n === "string" ? [] : [n.tag, ...tags(n.children)]));

test("bold, lists and paragraphs become their elements", () => {
  const tree = markdownTree("**Get help today.**\n\n- rest\n- ice");
  assert.deepEqual(tags(tree), ["p", "strong", "ul", "li", "p", "li", "p"]);
  assert.equal(treeText(tree), "Get help today.restice");
});

test("raw HTML is kept as text, never as an element", () => {
  const text = '<img src=x onerror="alert(1)"><script>alert(2)</script> <b>hi</b>';
  const tree = markdownTree(text);
  assert.ok(!tags(tree).some((tag) => ["img", "script", "b"].includes(tag)), tags(tree).join(","));
  assert.ok(treeText(tree).includes('<img src=x onerror="alert(1)">'));
  assert.ok(treeText(tree).includes("<script>alert(2)</script>"));
});

const hrefs = (nodes) => nodes.flatMap((n) => (typeof n === "string" ? [] : [...(n.attrs && n.attrs.href ? [n.attrs.href] : []), ...hrefs(n.children)]));

test("a link keeps its href only for http(s), mailto and tel", () => {
  assert.deepEqual(hrefs(markdownTree("[NHS](https://www.nhs.uk/) and [call](tel:999)")), ["https://www.nhs.uk/", "tel:999"]);
  for (const bad of ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "ftp://example.org/x", "vbscript:msgbox"]) {
    const tree = markdownTree(`[click](${bad})`);
    assert.deepEqual(hrefs(tree), [], bad);
    assert.ok(treeText(tree).includes("click"), bad);
  }
});

test("odd Unicode and very long words pass through unchanged", () => {
  const text = "مرحبا 👩🏽‍🦰 e\u0301 \u200b" + "x".repeat(5000);
  assert.equal(treeText(markdownTree(text)), text);
});
