// The little formatting a message may carry, read into DOM nodes (never HTML): ```code blocks```, "> " quoted lines,
// `code`, **bold** and _italic_. Whatever does not pair up stays as typed. Plain runs of text go through `decorate`
// (mentions and links), code never does. Each scan moves forward only, so a long run of * or ` costs little.
import { element } from "./dom.js";

const FENCE = "```";
const WORD = /[\p{L}\p{N}_]/u;
const LINK_START = /^(?:https?:\/\/|www\.)/iu;
const MAX_DEPTH = 3; // bold in italic in a quote is as deep as it gets: anything deeper stays text

/**
 * The text as a fragment of nodes.
 * @param {string} text what the author typed
 * @param {(plain: string) => Node} decorate the nodes for a run of plain text (mentions, links)
 * @returns {DocumentFragment}
 */
export function format(text, decorate = (plain) => document.createTextNode(plain)) {
  const fragment = document.createDocumentFragment();
  let from = 0;
  while (from < text.length) {
    const open = text.indexOf(FENCE, from);
    const close = open < 0 ? -1 : text.indexOf(FENCE, open + FENCE.length);
    if (close < 0) break;
    fragment.append(lines(text.slice(from, open), decorate), codeBlock(text.slice(open + FENCE.length, close)));
    from = close + FENCE.length;
    if (text[from] === "\n") from += 1; // the line break after a block is the block's own
  }
  fragment.append(lines(text.slice(from), decorate));
  return fragment;
}

/** What the text reads as, without its marks (for one-line excerpts): blocks and quotes set apart by spaces. */
export function plainText(text) {
  const blocks = new Set(["PRE", "BLOCKQUOTE"]);
  return [...format(text).childNodes].map((node) => (blocks.has(node.nodeName) ? ` ${node.textContent} ` : node.textContent)).join("");
}

/** A code block: its text exactly, without the line breaks that only set it apart from the fences. */
function codeBlock(code) {
  const pre = element("pre", "code-block");
  pre.append(element("code", "", code.replace(/^\n/u, "").replace(/\n$/u, "")));
  return pre;
}

/** Lines of text: runs of lines that start with ">" become a quote, the rest stays as it is (line breaks kept). */
function lines(text, decorate) {
  const fragment = document.createDocumentFragment();
  let plain = [];
  let quoted = [];
  const flushPlain = () => {
    if (plain.length) fragment.append(inline(plain.join("\n"), decorate, 0));
    plain = [];
  };
  const flushQuote = () => {
    if (!quoted.length) return;
    const quote = element("blockquote", "");
    quote.append(inline(quoted.join("\n"), decorate, 0));
    fragment.append(quote);
    quoted = [];
  };
  for (const line of text.split("\n")) {
    if (line.startsWith(">")) {
      if (plain.length) plain.push(""); // the line break before the quote is the quote's own
      flushPlain();
      quoted.push(line.replace(/^> ?/u, ""));
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushQuote();
  flushPlain();
  return fragment;
}

/** Inline marks: `code` first (nothing inside it is read), then **bold** and _italic_, which may hold each other. */
function inline(text, decorate, depth) {
  const fragment = document.createDocumentFragment();
  let plainFrom = 0;
  let at = 0;
  const flush = (to) => {
    if (to > plainFrom) fragment.append(decorate(text.slice(plainFrom, to)));
  };
  while (at < text.length) {
    const link = LINK_START.exec(text.slice(at, at + 8));
    if (link && (at === 0 || /\s/u.test(text[at - 1]))) {
      at = skipWord(text, at); // a link's _ and * are its own
      continue;
    }
    const run = runOf(text, at);
    if (run > 2 || (run === 2 && text[at] !== "*")) {
      at += run; // "***", "__" or "``" mark nothing: they stay as typed
      continue;
    }
    const span = depth < MAX_DEPTH ? markAt(text, at) : null;
    if (!span) {
      at += 1;
      continue;
    }
    flush(at);
    const node = element(span.tag, "");
    if (span.tag === "code") node.textContent = span.inner;
    else node.append(inline(span.inner, decorate, depth + 1));
    fragment.append(node);
    at = span.end;
    plainFrom = at;
  }
  flush(text.length);
  return fragment;
}

/** How many of the same marker character (*, _ or `) stand in a row from `at`; 0 for any other character. */
function runOf(text, at) {
  const c = text[at];
  if (c !== "*" && c !== "_" && c !== "`") return 0;
  let end = at + 1;
  while (text[end] === c) end += 1;
  return end - at;
}

/** Where the run of non-space characters from `at` ends. */
function skipWord(text, at) {
  let end = at;
  while (end < text.length && !/\s/u.test(text[end])) end += 1;
  return end;
}

/** The mark that starts at `at`, if it is closed: { tag, inner, end }; otherwise null. */
function markAt(text, at) {
  const c = text[at];
  if (c === "`") {
    const close = text.indexOf("`", at + 1);
    if (close > at + 1) return { tag: "code", inner: text.slice(at + 1, close), end: close + 1 };
    return null;
  }
  if (c === "*" && text[at + 1] === "*") return pair(text, at, "**", "strong", () => true);
  if (c === "_") {
    // Only at the edges of words, so that snake_case_names stay as they are.
    const edge = (index) => index < 0 || index >= text.length || !WORD.test(text[index]);
    if (!edge(at - 1)) return null;
    return pair(text, at, "_", "em", (close) => edge(close + 1));
  }
  return null;
}

/** A mark opened by `marker` at `at` and closed by the next one that fits, around text that does not start or end with a space. */
function pair(text, at, marker, tag, fits) {
  const start = at + marker.length;
  if (start >= text.length || /\s/u.test(text[start])) return null;
  for (let close = text.indexOf(marker, start + 1); close >= 0; close = text.indexOf(marker, close + 1)) {
    if (!/\s/u.test(text[close - 1]) && fits(close + marker.length - 1)) {
      return { tag, inner: text.slice(start, close), end: close + marker.length };
    }
    if (close - start > 4000) return null;
  }
  return null;
}
