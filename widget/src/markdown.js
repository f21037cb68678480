// Bot text -> a small tree of allowed elements and plain text. Never HTML.
//
// markdown-it only parses here (raw HTML off, so "<img onerror=...>" stays
// text); its tokens become {tag, attrs, children} nodes from a short allow
// list, and dom.js builds them with createElement/textContent. A link keeps
// its href only for http(s), mailto and tel.
import MarkdownIt from "markdown-it";

const parser = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Block and inline tokens that open an element, and the element they open.
const ELEMENTS = {
  paragraph: "p",
  bullet_list: "ul",
  ordered_list: "ol",
  list_item: "li",
  blockquote: "blockquote",
  heading: "p", // a heading inside a chat bubble reads as a bold paragraph
  strong: "strong",
  em: "em",
  s: "s",
  link: "a",
};
const SAFE_LINK = /^(https?:|mailto:|tel:)/i;

export function markdownTree(text) {
  const root = { tag: "root", children: [] };
  const stack = [root];
  const top = () => stack[stack.length - 1];
  const walk = (tokens) => {
    for (const token of tokens) {
      if (token.type === "inline") walk(token.children || []);
      else if (token.nesting === 1) stack.push(openElement(token, top()));
      else if (token.nesting === -1) {
        if (stack.length > 1) stack.pop();
      } else addLeaf(token, top());
    }
  };
  walk(parser.parse(String(text ?? ""), {}));
  return root.children;
}

function openElement(token, parent) {
  const name = token.type.replace(/_open$/, "");
  const node = { tag: ELEMENTS[name] || "span", attrs: {}, children: [] };
  if (name === "heading") node.children.push((node.strong = { tag: "strong", attrs: {}, children: [] }));
  if (name === "link") {
    const href = token.attrGet("href") || "";
    if (SAFE_LINK.test(href)) node.attrs.href = href;
    else node.tag = "span";
  }
  parent.children.push(node);
  // Text inside a heading goes into its <strong>.
  return node.strong || node;
}

function addLeaf(token, parent) {
  switch (token.type) {
    case "text":
    case "html_inline":
    case "html_block":
      return pushText(parent, token.content);
    case "code_inline":
      return parent.children.push({ tag: "code", attrs: {}, children: [token.content] });
    case "code_block":
    case "fence":
      return parent.children.push({ tag: "pre", attrs: {}, children: [token.content.replace(/\n$/, "")] });
    case "softbreak":
    case "hardbreak":
      return parent.children.push({ tag: "br", attrs: {}, children: [] });
    case "image":
      return pushText(parent, token.content || "");
    case "hr":
      return parent.children.push({ tag: "hr", attrs: {}, children: [] });
    default:
      if (token.content) pushText(parent, token.content);
  }
}

function pushText(parent, text) {
  const last = parent.children[parent.children.length - 1];
  if (typeof last === "string") parent.children[parent.children.length - 1] = last + text;
  else parent.children.push(text);
}

// The plain words of a tree, for screen-reader announcements and tests.
export function treeText(nodes) {
  return nodes.map((n) => (typeof n === "string" ? n : n.tag === "br" ? " " : treeText(n.children))).join("");
}
