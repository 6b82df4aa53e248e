// "bob is typing…": who is typing where, for a few seconds after each sign of it.
import { nameOf } from "./dom.js";

const SHOWN_FOR_MS = 4000;

export class TypingIndicator {
  /** @param {HTMLElement} line where the current conversation's typists are named */
  constructor(line) {
    this.line = line;
    this.room = null;
    this.typists = new Map(); // room → Map(user → timer)
  }

  /** Someone types in a room: shown for a few seconds, longer if they go on. */
  typing(room, user) {
    let users = this.typists.get(room);
    if (!users) this.typists.set(room, (users = new Map()));
    clearTimeout(users.get(user));
    users.set(user, setTimeout(() => this.stopped(room, user), SHOWN_FOR_MS));
    if (room === this.room) this.render();
  }

  /** They stopped, or their message arrived. */
  stopped(room, user) {
    const users = this.typists.get(room);
    if (!users || !users.has(user)) return;
    clearTimeout(users.get(user));
    users.delete(user);
    if (room === this.room) this.render();
  }

  show(room) {
    this.room = room;
    this.render();
  }

  render() {
    const users = [...(this.typists.get(this.room)?.keys() ?? [])];
    const parts = users.length === 1 ? [nameOf(users[0]), " is typing…"]
      : users.length === 2 ? [nameOf(users[0]), " and ", nameOf(users[1]), " are typing…"]
      : users.length > 2 ? [`${users.length} people are typing…`]
      : [];
    this.line.replaceChildren(...parts);
  }
}

/** Calls `send` at most once per `intervalMs` (the server passes on one Typing per 2 s and drops the rest). */
export function throttled(send, intervalMs = 2000) {
  let last = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    send(...args);
  };
}
