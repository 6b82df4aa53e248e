// The user's conversations: general, rooms (#name) and direct ones (@peer), each with its timeline, unread
// count and count of unread mentions of the user, and the list that shows them.
import { element, nameOf } from "./dom.js";
import { Timeline } from "./timeline.js";

export const GENERAL = "general";

export const isDirect = (room) => room.startsWith("@");

/** How a conversation is named on screen: #general, #dev, @bob. */
export const labelOf = (room) => (isDirect(room) ? room : `#${room}`);

/** general first, then rooms, then direct conversations, each by name. */
function order(a, b) {
  const rank = (room) => (room === GENERAL ? 0 : isDirect(room) ? 2 : 1);
  return rank(a.room) - rank(b.room) || (a.room < b.room ? -1 : a.room > b.room ? 1 : 0);
}

/** The mark of a private room: a lock that says so to a screen reader. */
export function lockMark() {
  const lock = element("span", "lock", "🔒");
  lock.setAttribute("role", "img");
  lock.setAttribute("aria-label", "private");
  lock.title = "Private room";
  return lock;
}

export class Conversations {
  /**
   * @param {HTMLUListElement} list where the conversations are listed
   * @param {(room: string) => void} onOpen
   * @param {ConstructorParameters<typeof Timeline>[1]} view how each conversation's timeline shows its messages
   */
  constructor(list, onOpen, view) {
    this.list = list;
    this.onOpen = onOpen;
    this.view = view;
    /**
     * earlier: whether older messages than those shown may be there ("more"), are being fetched, or there are none;
     * mentions: unread messages that mention the user; members: who may be mentioned there, once asked; readUpTo: the
     * newest message known read (the read marker); placed: whether the view was put at the first unread once loaded;
     * private, topic and role: the room's privacy and topic and the user's role there, as the server last said.
     * @type {Map<string, { room: string, timeline: Timeline, unread: number, mentions: number, lastId: number|null,
     *   loaded: boolean, readSent: number|null, earlier: string|null, members: string[]|null, readUpTo: number|null,
     *   placed: boolean, private: boolean, topic: string|null, role: string|null }>}
     */
    this.all = new Map();
  }

  get(room) {
    return this.all.get(room);
  }

  /** The conversation, created (and listed) if it is new. */
  ensure(room) {
    let found = this.all.get(room);
    if (!found) {
      found = {
        room, timeline: new Timeline(room, this.view), unread: 0, mentions: 0, lastId: null, loaded: false, readSent: null, earlier: null, members: null,
        readUpTo: null, placed: false, private: false, topic: null, role: null,
      };
      this.all.set(room, found);
    }
    return found;
  }

  remove(room) {
    this.all.delete(room);
  }

  clear() {
    this.all.clear();
  }

  values() {
    return this.all.values();
  }

  totalUnread() {
    let total = 0;
    for (const conv of this.all.values()) total += conv.unread;
    return total;
  }

  /** Takes a room's privacy, topic and the user's role from a RoomSummary (or RoomChanged); its counts are not touched. */
  describe(summary) {
    const conv = this.all.get(summary.room);
    if (!conv) return null;
    conv.private = Boolean(summary.private);
    conv.topic = summary.topic || null;
    conv.role = summary.role ?? null;
    return conv;
  }

  /** Lists every conversation with its unread badge and its mention badge ("@2"); the current one is marked. */
  render(current) {
    // Called on every scroll: the list is only rebuilt when something in it changed.
    const state = [...this.all.values()].map((conv) => `${conv.room}:${conv.unread}:${conv.mentions}:${conv.private}`).join(",") + `|${current.room}`;
    if (state === this.shown) return;
    this.shown = state;
    const items = [...this.all.values()].sort(order).map((conv) => {
      const button = element("button", "conversation-link");
      button.type = "button";
      button.dataset.room = conv.room;
      if (conv.private) button.append(lockMark());
      button.append(nameOf(labelOf(conv.room), "label"));
      if (conv.mentions > 0) {
        const mentions = element("span", "mention-badge", `@${conv.mentions}`);
        mentions.setAttribute("aria-label", `${conv.mentions} ${conv.mentions === 1 ? "mention" : "mentions"}`);
        button.append(mentions);
      }
      if (conv.unread > 0) {
        const badge = element("span", "badge", String(conv.unread));
        badge.setAttribute("aria-label", `${conv.unread} unread`);
        button.append(badge);
      }
      if (conv === current) button.setAttribute("aria-current", "true");
      button.addEventListener("click", () => this.onOpen(conv.room));
      const item = element("li");
      item.dataset.room = conv.room;
      item.append(button);
      return item;
    });
    this.list.replaceChildren(...items);
  }
}
