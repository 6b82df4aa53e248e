// One conversation's messages on screen: in id order, each once, with day separators, system lines,
// a "new messages" marker, the sends still on their way, and above them all a line about older messages.
import { dayLabel, dayOf, element, linkify, nameOf, timeOf } from "./dom.js";

const isMessage = (node) => node.classList.contains("message");
const orderOf = (node) => (node.dataset.id ? Number(node.dataset.id) : node.classList.contains("pending") ? Infinity : null);

export class Timeline {
  /** @param {string} room the conversation as this user sees it */
  constructor(room) {
    this.room = room;
    this.list = element("ol", "messages");
    this.list.setAttribute("aria-live", "polite");
    this.ids = new Set();
    this.lastId = null; // the newest message id shown
    this.firstId = null; // the oldest, for loading earlier pages
    this.marker = null;
    this.edge = element("li", "edge"); // always first: "loading earlier messages…" or where the conversation begins
    this.list.append(this.edge);
  }

  has(id) {
    return this.ids.has(id);
  }

  /** Shows a message once, in id order, wherever it came from (live, history, catch-up or an ack); the new item, or null. */
  add(message, own) {
    if (this.ids.has(message.id)) return null;
    const item = this.itemOf(message, own);
    let before = null; // the oldest item newer than this one (sends on their way count as newest)
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      const order = orderOf(node);
      if (order !== null && order < message.id) break;
      if (order !== null) before = node;
    }
    this.list.insertBefore(item, before);
    this.fixDay(item);
    const next = this.nextMessage(item);
    if (next) this.fixDay(next);
    return item;
  }

  /**
   * An older page (scrolling back), oldest first: its messages not shown yet go above all others, with a day
   * separator where the page meets the rest only if their days differ. `isOwn` tells the user's own.
   */
  prepend(messages, isOwn) {
    const oldest = this.firstId;
    const top = this.edge.nextSibling; // what was first under the edge
    let last = null;
    for (const message of [...messages].sort((a, b) => a.id - b.id)) {
      if (this.ids.has(message.id)) continue;
      if (oldest !== null && message.id > oldest) {
        this.add(message, isOwn(message)); // not older after all: in its place
        continue;
      }
      last = this.itemOf(message, isOwn(message));
      this.list.insertBefore(last, top);
      this.fixDay(last);
    }
    const next = last && this.nextMessage(last);
    if (next) this.fixDay(next);
  }

  /** A new message item, counted as shown. */
  itemOf(message, own) {
    this.ids.add(message.id);
    if (this.lastId === null || message.id > this.lastId) this.lastId = message.id;
    if (this.firstId === null || message.id < this.firstId) this.firstId = message.id;
    const item = element("li", own ? "message own" : "message");
    item.dataset.id = String(message.id);
    item.dataset.day = dayOf(message.sentAt);
    item.dataset.user = message.user;
    const text = element("bdi", "text");
    text.append(linkify(message.text));
    item.append(timeOf(message.sentAt), nameOf(message.user, "user"), text);
    return item;
  }

  /** A line of its own (join, leave, notice); with a name, the name first, isolated from the words after it. */
  line(textOrName, after) {
    const item = element("li", "system", after === undefined ? textOrName : "");
    if (after !== undefined) item.append(nameOf(textOrName), after);
    this.list.insertBefore(item, this.list.querySelector("li.pending"));
    return item;
  }

  /** A send on its way: shown as "sending…" at the end until its ack replaces it. */
  addPending(send, user) {
    const item = element("li", "pending own");
    item.dataset.send = send.clientMessageId;
    const text = element("bdi", "text");
    text.append(linkify(send.text));
    item.append(element("span", "status", "sending…"), nameOf(user, "user"), text);
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
    this.list.insertBefore(this.marker, item);
  }

  removeMarker() {
    this.marker?.remove();
    this.marker = null;
  }

  /** Messages by others after a read marker, as far as they are on screen. */
  unreadAfter(id, user) {
    return [...this.list.querySelectorAll("li.message[data-id]")]
      .filter((item) => Number(item.dataset.id) > id && item.dataset.user !== user).length;
  }

  /** The last message items by others, newest last: where the first of `count` unread ones starts. */
  nthLastFromOthers(count, user) {
    const others = [...this.list.querySelectorAll("li.message[data-id]")].filter((item) => item.dataset.user !== user);
    return count > 0 && count <= others.length ? others[others.length - count] : null;
  }

  clear() {
    this.ids.clear();
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

  /** A message starts a day (and has a separator just before it) when the message before it is of another day. */
  fixDay(item) {
    let previous = null;
    let separator = null;
    for (let node = item.previousElementSibling; node; node = node.previousElementSibling) {
      if (node.classList.contains("day")) separator = separator || node;
      else if (isMessage(node)) {
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
