// Search (SPEC section 14): a box above the conversations, results over the conversation, newest first, the matched
// words marked; a result opens its message in its conversation. Built as DOM nodes from the server's offsets, never
// as HTML from the text.
import { labelOf } from "./conversations.js";
import { dayLabel, dayOf, element, nameOf, timeOf } from "./dom.js";

const LIMIT = 50;
const BEFORE = 60; // characters shown before the first match of a long message
const LENGTH = 280; // characters shown of one

/**
 * The text as it reads, without formatting marks (`**`, backticks, `_` around words, `>` at a line's start), each
 * character kept with its place in the original text (where the server's highlights point).
 * @returns {{ text: string, at: number[] }}
 */
export function unmarked(text) {
  let plain = "";
  const at = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const lineStart = i === 0 || text[i - 1] === "\n";
    if (c === "*" && text[i + 1] === "*") {
      i += 1;
      continue;
    }
    if (c === "`") continue;
    if (c === "_" && (!/[\p{L}\p{N}]/u.test(text[i - 1] ?? "") || !/[\p{L}\p{N}]/u.test(text[i + 1] ?? ""))) continue;
    if (c === ">" && lineStart) {
      if (text[i + 1] === " ") i += 1;
      continue;
    }
    plain += c === "\n" ? " " : c;
    at.push(i);
  }
  return { text: plain, at };
}

/** The text of a hit with its matched words in <mark>s: around the first match when the message is long. */
export function marked(text, highlights) {
  const { text: plain, at } = unmarked(text);
  const inside = (original) => highlights.some(([start, length]) => original >= start && original < start + length);
  const first = at.findIndex(inside);
  const from = first > BEFORE && plain.length > LENGTH ? first - BEFORE : 0;
  const to = Math.min(plain.length, from + LENGTH);
  const fragment = document.createDocumentFragment();
  if (from > 0) fragment.append("…");
  let run = "";
  let runMarked = false;
  const flush = () => {
    if (run) fragment.append(runMarked ? element("mark", "", run) : document.createTextNode(run));
    run = "";
  };
  for (let i = from; i < to; i++) {
    const isMarked = inside(at[i]);
    if (isMarked !== runMarked) {
      flush();
      runMarked = isMarked;
    }
    run += plain[i];
  }
  flush();
  if (to < plain.length) fragment.append("…");
  return fragment;
}

export class Search {
  /**
   * @param {{ form: HTMLFormElement, input: HTMLInputElement, panel: HTMLElement, title: HTMLElement, list: HTMLElement,
   *   close: HTMLButtonElement }} parts
   * @param {{ invoke: (query: string, limit: number) => Promise<{ message: object, highlights: number[][] }[]>,
   *   open: (room: string, id: number) => void, sentence: (error) => string }} handlers
   */
  constructor(parts, handlers) {
    Object.assign(this, parts);
    this.handlers = handlers;
    this.asked = 0; // answers to an earlier query that come late are dropped
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run(this.input.value.trim());
    });
    this.close.addEventListener("click", () => this.hide());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.panel.hidden && !document.querySelector("dialog[open]")) this.hide();
    });
  }

  async run(query) {
    if (!query) return;
    const asked = ++this.asked;
    this.show(`Searching for “${query}”…`, []);
    let hits;
    try {
      hits = await this.handlers.invoke(query, LIMIT);
    } catch (error) {
      if (asked === this.asked) this.show(this.handlers.sentence(error), [], true);
      return;
    }
    if (asked !== this.asked) return;
    const count = hits.length === LIMIT ? `The newest ${LIMIT} messages` : `${hits.length} ${hits.length === 1 ? "message" : "messages"}`;
    this.show(hits.length === 0 ? `No message matches “${query}”.` : `${count} matching “${query}”, newest first`, hits.map((hit) => this.item(hit)));
  }

  item({ message, highlights }) {
    const button = element("button", "hit");
    button.type = "button";
    const head = element("span", "hit-head");
    const when = timeOf(message.sentAt);
    when.textContent = `${dayLabel(dayOf(message.sentAt))} ${when.textContent}`; // Today 09:46 PM
    head.append(element("span", "hit-room", labelOf(message.room)), " ", nameOf(message.user, "user"), " ", when);
    const text = element("span", "hit-text");
    text.append(marked(message.text, highlights));
    button.append(head, text);
    button.addEventListener("click", () => {
      this.hide();
      this.handlers.open(message.room, message.id);
    });
    const item = element("li");
    item.append(button);
    return item;
  }

  show(title, items, failed = false) {
    this.title.textContent = title;
    this.title.classList.toggle("error", failed);
    this.list.replaceChildren(...items);
    this.panel.hidden = false;
    document.body.classList.remove("drawer-open");
  }

  hide() {
    this.asked++;
    this.panel.hidden = true;
  }
}
