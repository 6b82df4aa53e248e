// One conversation's messages on screen: in id order, each once and in its latest state, with day separators,
// system lines, a "new messages" marker, the sends still on their way, and above them all a line about older messages.
import { dayLabel, dayOf, element, linkify, nameOf } from "./dom.js";
import { format } from "./format.js";
import { mentions } from "./mentions.js";
import { fillQuote, messageItem, quoteOf } from "./message-view.js";

const isMessage = (node) => node.classList.contains("message");
// The "new messages" line stays just above the message it was put before, whatever comes in around it.
const orderOf = (node) => (node.dataset.id ? Number(node.dataset.id)
  : node.dataset.before ? Number(node.dataset.before) - 0.5
  : node.classList.contains("pending") ? Infinity : null);
const positionOf = (message) => message.version ?? message.id;
const RUN_MS = 5 * 60_000; // a message this soon after its author's one just above continues their run

export class Timeline {
  /**
   * @param {string} room the conversation as this user sees it
   * @param {{ user: () => string, replaced: (before: HTMLElement, after: HTMLElement) => void }} view who reads it, and
   *   what to tell when a message's item is replaced by its newer state
   */
  constructor(room, view) {
    this.room = room;
    this.view = view;
    this.list = element("ol", "messages");
    this.list.setAttribute("aria-live", "polite");
    this.messages = new Map(); // id → the message as shown
    this.quoted = new Map(); // id → a message known for the quotes that answer it, not shown (older than what is)
    this.lastId = null; // the newest message id shown
    this.firstId = null; // the oldest, for loading earlier pages
    this.marker = null;
    this.edge = element("li", "edge"); // always first: "loading earlier messages…" or where the conversation begins
    this.list.append(this.edge);
  }

  has(id) {
    return this.messages.has(id);
  }

  /** A message the page knows in its latest state, shown or only quoted. */
  known(id) {
    return this.messages.get(id) ?? this.quoted.get(id);
  }

  /** The item of a shown message, or null. */
  itemOf(id) {
    return this.list.querySelector(`li.message[data-id="${id}"]`);
  }

  /**
   * Shows a message, or its newer state if it is shown already (a higher version replaces it, never a lower one), wherever
   * it came from (live, history, catch-up or an ack); the new item when the message was not shown before, or null.
   */
  merge(message) {
    const shown = this.messages.get(message.id);
    if (!shown) return this.add(message);
    if (positionOf(message) > positionOf(shown)) this.replace(message);
    return null;
  }

  /** Shows a message once, in id order; the new item, or null. */
  add(message) {
    if (this.messages.has(message.id)) return null;
    const item = this.newItem(message);
    let before = null; // the oldest item newer than this one (sends on their way count as newest)
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      const order = orderOf(node);
      if (order !== null && order < message.id) break;
      if (order !== null) before = node;
    }
    this.list.insertBefore(item, before);
    this.fix(item);
    this.fixFollowing(item);
    return item;
  }

  /** Keeps a message that is not shown (a change to one older than those shown) for the quotes of replies to it. */
  remember(message) {
    const known = this.quoted.get(message.id);
    if (this.messages.has(message.id) || (known && positionOf(known) >= positionOf(message))) return;
    this.quoted.set(message.id, message);
    this.refreshQuotes(message.id);
  }

  /** The newest message of `user` shown that is not deleted (what Up arrow edits). */
  lastBy(user) {
    let last = null;
    for (const message of this.messages.values()) {
      if (message.user === user && !message.deleted && (!last || message.id > last.id)) last = message;
    }
    return last;
  }

  /** Puts a newer state of a shown message in place of the old one. */
  replace(message) {
    const before = this.itemOf(message.id);
    const after = this.newItem(message);
    for (const kept of ["highlight"]) after.classList.toggle(kept, before.classList.contains(kept));
    before.replaceWith(after);
    this.fixRun(after);
    this.view.replaced(before, after);
  }

  /**
   * An older page (scrolling back), oldest first: its messages not shown yet go above all others, with a day
   * separator where the page meets the rest only if their days differ.
   */
  prepend(messages) {
    const oldest = this.firstId;
    const top = this.edge.nextSibling; // what was first under the edge
    let last = null;
    for (const message of [...messages].sort((a, b) => a.id - b.id)) {
      if (this.messages.has(message.id) || (oldest !== null && message.id > oldest)) {
        this.merge(message); // shown already, or not older after all: in its place
        continue;
      }
      last = this.newItem(message);
      this.list.insertBefore(last, top);
      this.fix(last);
    }
    if (last) this.fixFollowing(last);
  }

  /** A new message item, counted as shown; the quotes of replies to it say what it says now. */
  newItem(message) {
    this.messages.set(message.id, message);
    this.quoted.delete(message.id);
    if (this.lastId === null || message.id > this.lastId) this.lastId = message.id;
    if (this.firstId === null || message.id < this.firstId) this.firstId = message.id;
    const item = messageItem(message, this.view.user(), message.replyTo != null ? this.known(message.replyTo) : undefined);
    this.refreshQuotes(message.id, message);
    return item;
  }

  /** The quotes of the replies to a message, after it became known or changed. */
  refreshQuotes(id, message = this.known(id)) {
    for (const quote of this.list.querySelectorAll(`.quote[data-reply-to="${id}"]`)) fillQuote(quote, message);
  }

  /** Replies on screen whose quoted message the page does not know (it is older than those shown). */
  unknownQuotes() {
    const ids = [...this.list.querySelectorAll(".quote[data-reply-to]")].map((quote) => Number(quote.dataset.replyTo));
    return [...new Set(ids)].filter((id) => !this.known(id));
  }

  /** A line of its own (join, leave, notice); with a name, the name first, isolated from the words after it. */
  line(textOrName, after) {
    const item = element("li", "system", after === undefined ? textOrName : "");
    if (after !== undefined) item.append(nameOf(textOrName), after);
    item.dataset.day = dayOf(new Date().toISOString()); // it happened now: under today's separator, not above it
    this.list.insertBefore(item, this.list.querySelector("li.pending"));
    this.fixDay(item);
    return item;
  }

  /** A send on its way: shown as "sending…" at the end until its ack replaces it. */
  addPending(send, user) {
    const item = element("li", "pending own");
    item.dataset.send = send.clientMessageId;
    if (send.replyTo != null) item.append(quoteOf(send.replyTo, this.known(send.replyTo)));
    const text = element("bdi", "text");
    text.append(format(send.text, linkify));
    const head = element("span", "head");
    head.append(nameOf(user, "user"), " ", element("span", "status", "sending…"));
    item.prepend(head);
    item.append(text);
    this.list.append(item);
    return item;
  }

  removePending(clientMessageId) {
    for (const item of this.list.querySelectorAll("li.pending")) {
      if (item.dataset.send === clientMessageId) item.remove();
    }
  }

  /** Puts the "new messages" line just before an item (a message from someone else that was not seen yet). */
  markUnseenFrom(item) {
    if (!this.marker) this.marker = element("li", "new-marker", "new messages");
    const after = this.marker.nextElementSibling;
    this.marker.dataset.before = item.dataset.id;
    this.list.insertBefore(this.marker, item);
    this.fixRun(item);
    if (after && isMessage(after)) this.fixRun(after);
  }

  removeMarker() {
    const after = this.marker?.nextElementSibling;
    this.marker?.remove();
    this.marker = null;
    if (after && isMessage(after)) this.fixRun(after);
  }

  /** Messages by others after a read marker, as far as they are on screen. */
  unreadAfter(id, user) {
    return [...this.list.querySelectorAll("li.message[data-id]")]
      .filter((item) => Number(item.dataset.id) > id && item.dataset.user !== user).length;
  }

  /** Messages by others that mention `user` after a read marker, as far as they are on screen. */
  mentionsAfter(id, user) {
    let count = 0;
    for (const message of this.messages.values()) if (message.id > id && !message.deleted && mentions(message, user)) count += 1;
    return count;
  }

  /** The last message items by others, newest last: where the first of `count` unread ones starts. */
  nthLastFromOthers(count, user) {
    const others = [...this.list.querySelectorAll("li.message[data-id]")].filter((item) => item.dataset.user !== user);
    return count > 0 && count <= others.length ? others[others.length - count] : null;
  }

  clear() {
    this.messages.clear();
    this.quoted.clear();
    this.lastId = null;
    this.firstId = null;
    this.marker = null;
    this.list.replaceChildren(this.edge, ...this.list.querySelectorAll("li.pending"));
  }

  /** Labels every day separator again ("Today" becomes "Yesterday" at midnight). */
  relabelDays() {
    for (const separator of this.list.querySelectorAll("li.day")) {
      separator.firstChild.textContent = dayLabel(separator.dataset.day);
    }
  }

  nextMessage(item) {
    for (let node = item.nextElementSibling; node; node = node.nextElementSibling) {
      if (isMessage(node)) return node;
    }
    return null;
  }

  /** After a message moved in above others: the day separator of a line right under it, and the next message's. */
  fixFollowing(item) {
    const next = item.nextElementSibling;
    if (next && next.classList.contains("system") && next.dataset.day) this.fixDay(next);
    const message = this.nextMessage(item);
    if (message) this.fix(message);
  }

  /** After a message moved in: its day separator and whether it continues a run. */
  fix(item) {
    this.fixDay(item);
    this.fixRun(item);
  }

  /**
   * A message continues its author's run (no name and time of its own on screen) when right above it, with no line
   * between, is a message by the same author sent at most five minutes before.
   */
  fixRun(item) {
    const previous = item.previousElementSibling;
    const gap = previous ? Number(item.dataset.time) - Number(previous.dataset.time) : NaN;
    const continues = Boolean(previous && isMessage(previous) && previous.dataset.user === item.dataset.user && gap >= 0 && gap <= RUN_MS);
    item.classList.toggle("continued", continues);
  }

  /**
   * A message or a line starts a day (and has a separator just before it) when the message or line before it is of
   * another day.
   */
  fixDay(item) {
    let previous = null;
    let separator = null;
    for (let node = item.previousElementSibling; node; node = node.previousElementSibling) {
      if (node.classList.contains("day")) separator = separator || node;
      else if (node.dataset.day) {
        previous = node;
        break;
      }
    }
    const starts = !previous || previous.dataset.day !== item.dataset.day;
    if (!starts) {
      separator?.remove();
      return;
    }
    if (!separator) {
      separator = element("li", "day");
      separator.append(element("span", "", ""));
    }
    separator.dataset.day = item.dataset.day;
    separator.firstChild.textContent = dayLabel(item.dataset.day);
    if (separator.nextElementSibling !== item) this.list.insertBefore(separator, item);
  }
}
