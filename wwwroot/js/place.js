// Which conversation the user had open, kept in this browser per user name: a reload goes back to it.

const keyOf = (user) => `chat.room.${user}`;

export const place = {
  get(user) {
    return localStorage.getItem(keyOf(user));
  },
  set(user, room) {
    try {
      localStorage.setItem(keyOf(user), room);
    } catch {
      // storage off: a reload opens general
    }
  },
};
