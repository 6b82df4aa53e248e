// Who is online as the page knows it, and which arrivals and departures to show. The server's UserJoined means a
// first connection at the server, and a server that restarted has forgotten everyone: each user reconnecting to it
// looks new there. To the person reading, a user shown online before the page's own drop who is back within
// RETURN_WINDOW_MS of its reconnect never left, and one already shown online did not arrive. (Chat.Client's
// OnlineUsers does the same for .NET clients.)

export const RETURN_WINDOW_MS = 60_000;

export class OnlineUsers {
  constructor(now = () => performance.now()) {
    this.now = now;
    this.users = new Set();
    this.returning = new Map(); // user → when the page came back
    this.meanwhile = []; // events while the server's list is on its way (also before the first one)
    this.listed = false; // until the first list, nobody can be told as new: the page does not know who was there
  }

  /** Online users in code-unit order, the server's ordinal order. */
  sorted() {
    return [...this.users].sort();
  }

  /** The server's list was asked for: events from now on are applied again on top of it. */
  resetting() {
    this.meanwhile = [];
  }

  /** The server's list after a connect; after a reconnect, those shown before and not in it yet are expected back. */
  reset(users, reconnected) {
    const fresh = new Set(users);
    // Those who did not come back in time are not expected any more.
    for (const [user, since] of this.returning) if (this.now() - since >= RETURN_WINDOW_MS) this.returning.delete(user);
    if (reconnected) {
      for (const user of this.users) if (!fresh.has(user)) this.returning.set(user, this.now());
    }
    this.users = fresh;
    for (const [user, joined] of this.meanwhile ?? []) {
      if (joined) {
        this.users.add(user);
        this.returning.delete(user);
      } else {
        this.users.delete(user);
      }
    }
    this.meanwhile = null;
    this.listed = true;
  }

  /** The server says user came online: true when that is an arrival to show. */
  joined(user) {
    this.meanwhile?.push([user, true]);
    if (this.users.has(user)) return false;
    this.users.add(user);
    if (!this.listed) return false;
    const since = this.returning.get(user);
    this.returning.delete(user);
    return since === undefined || this.now() - since >= RETURN_WINDOW_MS;
  }

  /** The server says user went offline: true when they were shown online. */
  left(user) {
    this.meanwhile?.push([user, false]);
    this.returning.delete(user);
    return this.users.delete(user) && this.listed;
  }
}
