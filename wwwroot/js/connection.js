// The hub connection: connects, reconnects by itself, and after every reconnect fetches exactly the
// messages it missed, in every conversation.
import { Client, Hub } from "./contract.js";

const HISTORY_PAGE = 100;

const newer = (a, b) => (a === null || (b !== null && b > a) ? b : a);

/** A refused negotiate comes back as an error whose message carries the status code. */
const unauthorized = (error) => Boolean(error) && (error.statusCode === 401 || /\b401\b/.test(String(error.message)));

export class ChatConnection {
  /**
   * @param {import("./identity.js").Identity} identity
   * @param {{ events: Record<string, Function>, message: (message, fresh: boolean) => void, state: (state: string) => void,
   *   error: (error) => void, first: () => Promise<number|null>, caughtUp: () => Promise<void>,
   *   synced: () => void }} handlers first loads what the page shows at the start and returns the newest id of any
   *   conversation; caughtUp runs after a reconnect's missed messages; synced once the connection is ready again.
   */
  constructor(identity, handlers) {
    this.identity = identity;
    this.handlers = handlers;
    this.hub = null;
    // Every message up to lastSeenId has been shown or is in a conversation's history: the server delivers
    // messages in id order across all conversations, and catch-up pages are in id order too. A reconnect asks
    // for what came after it. It does not move with an ack (the broadcasts of earlier messages may still be on
    // their way) nor, during a catch-up, with live messages (they are newer than the pages still to come).
    this.lastSeenId = null;
    this.catchingUp = false;
    this.liveSince = null; // highest live id shown during the catch-up in progress
    this.lastRetryReason = null;
  }

  get connected() {
    return this.hub !== null && this.hub.state === signalR.HubConnectionState.Connected;
  }

  invoke(method, ...args) {
    if (!this.connected) return Promise.reject(new Error("Not connected."));
    return this.hub.invoke(method, ...args);
  }

  async start() {
    if (this.hub && this.hub.state !== signalR.HubConnectionState.Disconnected) return;
    this.hub = this.hub || this.build();
    this.holdLastSeen();
    try {
      await this.hub.start();
      this.handlers.state("connected");
      await this.sync();
    } catch (error) {
      this.handlers.state("offline");
      if (unauthorized(error)) {
        // Sign-in is on and the token was refused: renew it or ask for a sign-in, instead of retrying it.
        this.hub = null;
        this.identity.unauthorized();
        return;
      }
      if (/HubException/.test(String(error && error.message))) this.handlers.error(error); // e.g. a name the server refuses, with its reason
      setTimeout(() => this.start(), 5000);
    }
  }

  /** Signed out: disconnects, and does not come back until started again. */
  stop() {
    const old = this.hub;
    this.hub = null;
    this.lastSeenId = null;
    if (old) old.stop();
    this.handlers.state("offline");
  }

  /** The name is part of the hub URL, and conversations belong to the user: start afresh under the new one. */
  restart() {
    const old = this.hub;
    this.hub = null;
    this.lastSeenId = null;
    if (old) old.stop().finally(() => this.start());
    else this.start();
  }

  build() {
    const factory = this.identity.tokenFactory();
    const options = factory ? { accessTokenFactory: factory } : {};
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`/hubs/chat?user=${encodeURIComponent(this.identity.user)}`, options)
      .withAutomaticReconnect({
        // Keep trying: quickly at first, then every 5 s; but a refused token is not retried (onclose asks for a sign-in).
        nextRetryDelayInMilliseconds: (retry) => {
          this.lastRetryReason = retry.retryReason; // onclose gets no error when the retries stop
          return unauthorized(retry.retryReason) ? null : Math.min(5000, 250 * 2 ** retry.previousRetryCount);
        },
      })
      .configureLogging(signalR.LogLevel.None)
      .build();

    hub.on(Client.ReceiveMessage, (message) => this.receive(message));
    for (const [name, handler] of Object.entries(this.handlers.events)) hub.on(name, handler);

    hub.onreconnecting(() => {
      this.holdLastSeen();
      this.handlers.state("reconnecting");
    });
    hub.onreconnected(() => {
      this.lastRetryReason = null;
      this.handlers.state("connected");
      this.sync().catch(this.handlers.error);
    });
    hub.onclose((error) => {
      if (hub !== this.hub) return; // replaced after a change of name, or signed out
      this.handlers.state("offline");
      if (unauthorized(error || this.lastRetryReason)) {
        this.hub = null;
        this.identity.unauthorized();
        return;
      }
      setTimeout(() => this.start(), 5000);
    });
    return hub;
  }

  /** A live message (ReceiveMessage): shown, and seen in order. */
  receive(message) {
    this.handlers.message(message, true);
    if (this.catchingUp) this.liveSince = newer(this.liveSince, message.id);
    else this.lastSeenId = newer(this.lastSeenId, message.id);
  }

  /** Until the next catch-up is done, live messages do not move lastSeenId: they are newer than what it brings. */
  holdLastSeen() {
    this.catchingUp = true;
    this.liveSince = null;
  }

  /** First connect: what the page shows at the start; afterwards every message after lastSeenId. */
  async catchUp() {
    if (this.lastSeenId === null) {
      // Everything up to the newest id of any conversation is in the histories the page loads when opened.
      this.lastSeenId = (await this.handlers.first()) ?? 0;
    } else {
      for (;;) {
        const page = await this.hub.invoke(Hub.GetMissedMessages, this.lastSeenId, HISTORY_PAGE);
        page.forEach((message) => this.handlers.message(message, true));
        if (page.length > 0) this.lastSeenId = newer(this.lastSeenId, page[page.length - 1].id);
        if (page.length < HISTORY_PAGE) break;
      }
      await this.handlers.caughtUp();
    }
    if (this.liveSince !== null) this.lastSeenId = newer(this.lastSeenId, this.liveSince);
    this.catchingUp = false;
  }

  async sync() {
    await this.catchUp();
    this.handlers.online(await this.hub.invoke(Hub.GetOnlineUsers));
    this.handlers.synced();
  }
}
