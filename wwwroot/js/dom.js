// Building the page from data: always with DOM APIs and textContent, never from HTML strings.

/** A new element with an optional class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A name, isolated (<bdi>) so that a right-to-left name cannot reorder what stands next to it. */
export function nameOf(name, className = "") {
  return element("bdi", className, name);
}

export function timeOf(iso) {
  const node = element("time", "", new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  node.dateTime = iso;
  return node;
}

// A URL (or a bare www. name) starts after a space or an opening bracket or quote, so "javascript:http://x" is not one.
const URL_IN_TEXT = /(?<![^\s([{<"'])(?:https?:\/\/|www\.)[^\s<>"']+/giu;
const BARE_NAME = /^www\.[\p{L}\p{N}-]+\.[\p{L}\p{N}]/iu;
const TRAILING = /[.,;:!?'"]+$/u;

/** Cuts trailing punctuation off a URL found in prose, and a closing bracket that has no opening one inside it. */
function trimUrl(candidate) {
  let url = candidate.replace(TRAILING, "");
  for (const [open, close] of [["(", ")"], ["[", "]"], ["{", "}"]]) {
    while (url.endsWith(close) && url.split(close).length > url.split(open).length) {
      url = url.slice(0, -1).replace(TRAILING, "");
    }
  }
  return url;
}

/**
 * The text as nodes: each http(s) URL and bare www. name (taken as https) an <a> that opens in a new tab without access
 * to this page, the rest plain text.
 */
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let from = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const candidate = trimUrl(match[0]);
    const bare = /^www\./iu.test(candidate);
    if (bare && !BARE_NAME.test(candidate)) continue; // "www." alone, or "www.x": not a name of the web
    let url = null;
    try {
      url = new URL(bare ? `https://${candidate}` : candidate);
    } catch {
      continue; // not a URL after all: it stays text
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    fragment.append(text.slice(from, match.index));
    const link = element("a", "", candidate);
    link.href = url.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    fragment.append(link);
    from = match.index + candidate.length;
  }
  fragment.append(text.slice(from));
  return fragment;
}

/** The local calendar day of a time, as YYYY-MM-DD. */
export function dayOf(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday" or the date, for a day from dayOf. */
export function dayLabel(day, now = new Date()) {
  const [year, month, date] = day.split("-").map(Number);
  const then = new Date(year, month - 1, date);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.round((today - then) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return then.toLocaleDateString([], {
    weekday: "long", day: "numeric", month: "long", year: then.getFullYear() === now.getFullYear() ? undefined : "numeric",
  });
}
