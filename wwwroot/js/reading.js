// What the user has seen: messages of the current conversation that came into view, in a visible tab. Seen
// messages are no longer unread (the badge and the title count down as the user scrolls); the server hears of it
// (MarkRead with the newest message seen, at most once a second per conversation) and tells the user's other tabs
// (RoomRead). A conversation opened for the first time is not read until its view is placed (at its first unread).

const MARK_READ_EVERY_MS = 1000;

export class Reading {
  /**
   * @param {{ current: () => object, scroller: import("./scroller.js").Scroller, user: () => string,
   *   markRead: (room: string, id: number) => Promise<void>, changed: () => void }} parts
   * markRead tells the server; changed redraws the badges and the title.
   */
  constructor({ current, scroller, user, markRead, changed }) {
    this.current = current;
    this.scroller = scroller;
    this.user = user;
    this.send = markRead;
    this.changed = changed;
    document.addEventListener("visibilitychange", () => this.update());
  }

  /** The newest message of the conversation the user sees now, or null (not on screen, or not placed yet). */
  seenUpTo(conv) {
    if (conv !== this.current() || document.visibilityState !== "visible" || !conv.placed) return null;
    if (this.scroller.atBottom()) return conv.timeline.lastId;
    const view = this.scroller.box.getBoundingClientRect();
    const items = conv.timeline.list.querySelectorAll("li.message[data-id]");
    for (let i = items.length - 1; i >= 0; i -= 1) {
      const item = items[i].getBoundingClientRect();
      // Whole on screen, or taller than the screen and covering it.
      if (item.top < view.bottom && (item.bottom <= view.bottom + 2 || item.top <= view.top)) return Number(items[i].dataset.id);
    }
    return null;
  }

  /** Whether a message just shown is on the user's screen now. */
  sees(conv, item) {
    const upTo = this.seenUpTo(conv);
    return upTo !== null && Number(item.dataset.id) <= upTo;
  }

  /**
   * Counts down what the user now sees (the messages by others after the read marker, up to the newest seen), tells
   * the server, and updates the buttons, badges and title.
   */
  update() {
    const conv = this.current();
    const upTo = this.seenUpTo(conv);
    if (upTo !== null && (conv.readUpTo === null || upTo > conv.readUpTo)) {
      const from = conv.readUpTo ?? 0;
      const user = this.user();
      const { timeline } = conv;
      conv.unread = Math.max(0, conv.unread - (timeline.unreadAfter(from, user) - timeline.unreadAfter(upTo, user)));
      conv.mentions = Math.max(0, conv.mentions - (timeline.mentionsAfter(from, user) - timeline.mentionsAfter(upTo, user)));
      conv.readUpTo = upTo;
      this.markRead(conv);
    }
    this.scroller.showJump(conv.unread);
    this.changed();
  }

  /** The newest message seen is read: sent now, or once a second has passed since the last time. */
  markRead(conv) {
    const id = conv.readUpTo;
    if (id === null || (conv.readSent !== null && id <= conv.readSent) || conv.readTimer) return;
    const wait = Math.max(0, (conv.readAt ?? 0) + MARK_READ_EVERY_MS - Date.now());
    conv.readTimer = setTimeout(() => {
      conv.readTimer = null;
      const newest = conv.readUpTo;
      if (conv.readSent !== null && newest <= conv.readSent) return;
      conv.readAt = Date.now();
      conv.readSent = newest;
      this.send(conv.room, newest).catch(() => {
        conv.readSent = null; // told again at the next chance
      });
    }, wait);
  }

  /**
   * The server moved the read marker (this tab or another of the user's): unread is what came after it, unless the
   * user sees it now (a marker for an earlier message can arrive after a newer one was shown).
   */
  read(conv, id, user) {
    conv.readSent = conv.readSent === null ? id : Math.max(conv.readSent, id);
    if (conv.readUpTo !== null && id <= conv.readUpTo) {
      this.update();
      return;
    }
    conv.readUpTo = id;
    const newest = Math.max(conv.lastId ?? 0, conv.timeline.lastId ?? 0);
    conv.unread = id >= newest ? 0 : conv.loaded ? conv.timeline.unreadAfter(id, user) : conv.unread;
    conv.mentions = id >= newest ? 0 : conv.loaded ? conv.timeline.mentionsAfter(id, user) : conv.mentions;
    this.update();
  }
}
