// Built-in accounts (SPEC section 13): sign in with a name and a password. The refresh token lives in an HttpOnly
// cookie this script never sees; the access token lives in memory only and is renewed a minute before it expires.
// Tabs share the cookie: they renew one at a time (Web Locks), and tell each other when they sign in or out.

const RENEW_BEFORE_MS = 60_000;
const CHANNEL = "chat-auth";

// Not a secret: only whether this browser has a sign-in to renew, so that a first visit shows the form without asking
// the server (which would answer 401).
const SIGNED_IN_KEY = "chat.signedIn";

async function post(path, body, token) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(path, { method: "POST", headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
    const json = (response.headers.get("content-type") || "").includes("json") ? await response.json() : null;
    return { status: response.status, body: json, problem: json && json.detail };
  } catch {
    return { status: 0, body: null, problem: "The server cannot be reached; try again in a moment." };
  }
}

/** Runs fn holding the tabs' refresh lock where the browser has one, so that two tabs never spend one refresh token. */
const exclusively = (fn) => (navigator.locks ? navigator.locks.request("chat-refresh", fn) : fn());

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Accounts {
  /** @param {{ signedIn: () => void, signedOut: (message: string) => void }} handlers what other tabs' sign-ins and sign-outs do here */
  constructor(handlers) {
    this.session = null; // { accessToken, expiresAt, user, admin, mustChangePassword }
    this.timer = 0;
    this.handlers = handlers;
    this.channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => {
        if (event.data === "signed-out") this.forget("You signed out in another tab.");
        // The other tab's localStorage write may not have reached this one yet: it said so, so ask the server anyway.
        else if (event.data === "signed-in" && !this.session) this.renew(true).then((ok) => ok && this.handlers.signedIn());
      };
    }
  }

  get user() {
    return this.session ? this.session.user : "";
  }

  get signedIn() {
    return this.session !== null && !this.session.mustChangePassword;
  }

  /** Renews the session from the cookie: true when signed in (after a reload, in a new tab, before expiry). */
  async renew(known = false) {
    if (!known && !localStorage.getItem(SIGNED_IN_KEY)) return false;
    let status = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await exclusively(() => post("auth/refresh"));
      status = answer.status;
      if (status === 200) {
        this.accept(answer.body);
        return true;
      }
      if (status !== 409 && status !== 0) break;
      // Another tab renewed a moment ago (its new cookie is ours too), or the server is away: try again shortly.
      await delay(status === 0 ? 2000 : 300);
    }
    if (status === 0) {
      // The server is away: the sign-in may well be alive, so the browser keeps knowing of it.
      clearTimeout(this.timer);
      this.session = null;
    } else {
      this.clear();
    }
    return false;
  }

  /** The access token for the next connection, renewed first when it is about to expire; null when signed out. */
  async token() {
    if (this.session && Date.parse(this.session.expiresAt) - Date.now() < RENEW_BEFORE_MS) await this.renew();
    return this.session ? this.session.accessToken : null;
  }

  async signIn(name, password) {
    return this.answer(await post("auth/login", { name, password }));
  }

  async register(name, password, invite) {
    return this.answer(await post("auth/register", { name, password, invite }));
  }

  async changePassword(oldPassword, newPassword) {
    return this.answer(await post("auth/password", { old: oldPassword, new: newPassword }, this.session && this.session.accessToken));
  }

  /** An invite code for one registration within 7 days (admins only): { code } or { problem }. */
  async invite() {
    const answer = await post("auth/invites", { uses: 1, days: 7 }, await this.token());
    return answer.status === 200 ? { code: answer.body.code } : { problem: answer.problem || `The server answered ${answer.status}.` };
  }

  async signOut() {
    await post("auth/logout");
    if (this.channel) this.channel.postMessage("signed-out");
    this.clear();
  }

  /** The problem to show, or "" when signed in. */
  answer({ status, body, problem }) {
    if (status !== 200) return problem || `The server answered ${status}; try again.`;
    this.accept(body);
    if (!body.mustChangePassword && this.channel) this.channel.postMessage("signed-in");
    return "";
  }

  accept(session) {
    this.session = session;
    localStorage.setItem(SIGNED_IN_KEY, "1");
    clearTimeout(this.timer);
    // Renewed ahead of expiry without a reload, so a connection never meets an expired token.
    const due = Math.max(5_000, Date.parse(session.expiresAt) - Date.now() - RENEW_BEFORE_MS);
    this.timer = setTimeout(() => this.renew().then((ok) => ok || this.forget("Your sign-in has ended; sign in again.")), due);
  }

  forget(message) {
    this.clear();
    this.handlers.signedOut(message);
  }

  clear() {
    clearTimeout(this.timer);
    this.session = null;
    localStorage.removeItem(SIGNED_IN_KEY);
  }
}
