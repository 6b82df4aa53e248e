// What the user has typed and not sent, one draft per conversation, kept in this browser (localStorage) per user
// name: a draft written to @bob stays with @bob, and comes back after a reload.

const keyOf = (user, room) => `chat.draft.${user}.${room}`;

export class Drafts {
  /** @param {() => string} user whose drafts these are, unless another is named */
  constructor(user) {
    this.user = user;
  }

  get(room, user = this.user()) {
    return localStorage.getItem(keyOf(user, room)) ?? "";
  }

  /** Keeps the text as the conversation's draft; an empty one is forgotten. */
  set(room, text, user = this.user()) {
    const key = keyOf(user, room);
    try {
      if (text) localStorage.setItem(key, text);
      else localStorage.removeItem(key);
    } catch {
      // storage full or off: the draft lives on in the input until the page closes
    }
  }

  /** The conversations that have a draft, in any order. */
  rooms(user = this.user()) {
    const prefix = keyOf(user, "");
    const rooms = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(prefix)) rooms.push(key.slice(prefix.length));
    }
    return rooms;
  }

  /** A text that did not go out, put back before the draft typed since. */
  putBack(room, text, user = this.user()) {
    const draft = this.get(room, user);
    this.set(room, draft ? `${text}\n${draft}` : text, user);
  }
}
