// What the user has seen: the current conversation's end, on screen, in a visible tab. Seen messages are
// no longer unread; the server hears of it (MarkRead, at most once a second per conversation) and tells
// the user's other tabs (RoomRead).

const MARK_READ_EVERY_MS = 1000;

export class Reading {
  /**
   * @param {{ current: () => object, scroller: import("./scroller.js").Scroller,
   *   markRead: (room: string, id: number) => Promise<void>, changed: () => void }} parts
   * markRead tells the server; changed redraws the badges and the title.
   */
  constructor({ current, scroller, markRead, changed }) {
    this.current = current;
    this.scroller = scroller;
    this.send = markRead;
    this.changed = changed;
    document.addEventListener("visibilitychange", () => this.update());
  }

  seen(conv) {
    return conv === this.current() && document.visibilityState === "visible" && this.scroller.atBottom();
  }

  /** Clears what the user now sees, tells the server, and updates the jump button, badges and title. */
  update() {
    const conv = this.current();
    if (this.seen(conv)) {
      conv.unread = 0;
      conv.mentions = 0;
      this.markRead(conv);
    }
    this.scroller.showJump(conv.unread);
    this.changed();
  }

  /** The newest message on screen is read: sent now, or once a second has passed since the last time. */
  markRead(conv) {
    const id = conv.timeline.lastId;
    if (id === null || (conv.readSent !== null && id <= conv.readSent) || conv.readTimer) return;
    const wait = Math.max(0, (conv.readAt ?? 0) + MARK_READ_EVERY_MS - Date.now());
    conv.readTimer = setTimeout(() => {
      conv.readTimer = null;
      const newest = conv.timeline.lastId;
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
    const newest = Math.max(conv.lastId ?? 0, conv.timeline.lastId ?? 0);
    conv.unread = id >= newest ? 0 : conv.loaded ? conv.timeline.unreadAfter(id, user) : conv.unread;
    conv.mentions = id >= newest ? 0 : conv.loaded ? conv.timeline.mentionsAfter(id, user) : conv.mentions;
    this.update();
  }
}
