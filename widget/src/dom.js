// Building the widget's DOM without HTML strings: every text goes through
// textContent / text nodes, so nothing the bot or the runner sends is parsed as markup.

const ALLOWED_TAGS = new Set(["p", "ul", "ol", "li", "blockquote", "strong", "em", "s", "a", "span", "code", "pre", "br", "hr"]);

// h("div", {class: "x", "aria-label": "y"}, "text", childNode, [more])
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// A link that opens in a new tab, and says so to screen readers.
export function externalLink(href, label) {
  return h("a", { href, target: "_blank", rel: "noopener noreferrer" }, label, h("span", { class: "sr-only" }, " (opens in a new tab)"));
}

// markdown.js's tree -> DOM nodes.
export function buildTree(nodes) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes) fragment.append(buildNode(node));
  return fragment;
}

function buildNode(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const tag = ALLOWED_TAGS.has(node.tag) ? node.tag : "span";
  if (tag === "a") {
    const label = buildTree(node.children);
    return node.attrs.href ? externalLink(node.attrs.href, label) : h("span", {}, label);
  }
  const element = document.createElement(tag);
  element.append(buildTree(node.children));
  return element;
}
