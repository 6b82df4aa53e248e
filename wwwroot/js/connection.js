// The hub connection: connects, reconnects by itself, and after every reconnect fetches exactly the
// messages and changes to messages it missed, in every conversation.
import { Client, Hub } from "./contract.js";

const HISTORY_PAGE = 100;

const newer = (a, b) => (a === null || (b !== null && b > a) ? b : a);

/** Where a message's current state is in the one sequence of messages and changes: its version, or its id while unchanged. */
export const positionOf = (message) => message.version ?? message.id;

/** A refused negotiate comes back as an error whose message carries the status code. */
const unauthorized = (error) => Boolean(error) && (error.statusCode === 401 || /\b401\b/.test(String(error.message)));

/** The server's reason when its rules refuse the user's name at connect ("... HubException: The user name ..."), or "". */
const nameRefusal = (error) => String((error && error.message) || "").match(/HubException: (The user name[\s\S]*)$/)?.[1] ?? "";

export class ChatConnection {
  /**
   * @param {import("./identity.js").Identity} identity
   * @param {{ events: Record<string, Function>, message: (message, fresh: boolean, live: boolean) => void,
   *   state: (state: string) => void, error: (error) => void, first: () => Promise<number|null>, caughtUp: () => Promise<void>,
   *   listing: () => void, online: (users: string[], reconnected: boolean) => void, synced: () => void }} handlers message gets new messages and changed ones (fresh: one the page cannot have had
   *   before, live: it came as it happened, not in a catch-up); first loads what the page shows at the start and returns
   *   the newest id of any conversation; caughtUp runs after a reconnect's missed messages; synced once the connection
   *   is ready again; listing just before the online list is asked for, online with it.
   */
  constructor(identity, handlers) {
    this.identity = identity;
    this.handlers = handlers;
    this.hub = null;
    // Every message and change up to lastPosition has been shown or is in a conversation's history: the server
    // delivers messages and changes in position order across all conversations (a message's position is its id, a
    // change's its version), and catch-up pages are in position order too. A reconnect asks for what came after it.
    // It does not move with an ack (the broadcasts of earlier messages may still be on their way) nor, during a
    // catch-up, with live messages (they are newer than the pages still to come).
    this.lastPosition = null;
    this.catchingUp = false;
    this.liveSince = null; // highest live position shown during the catch-up in progress
    this.lastRetryReason = null;
  }

  get connected() {
    return this.hub !== null && this.hub.state === signalR.HubConnectionState.Connected;
  }

  invoke(method, ...args) {
    if (!this.connected) return Promise.reject(new Error("Not connected."));
    return this.hub.invoke(method, ...args);
  }

  /**
   * Connects; settles once connected (its catch-up goes on) or once it failed (refused, or tried again later). A name the
   * server refuses goes back to identity.
   */
  start() {
    return new Promise((resolve) => {
      this.connect(resolve).finally(resolve);
    });
  }

  async connect(connected) {
    if (this.hub && this.hub.state !== signalR.HubConnectionState.Disconnected) return;
    this.hub = this.hub || this.build();
    const hub = this.hub;
    this.holdLastSeen();
    try {
      await hub.start();
      // A refused name closes the connection right after its handshake: the close may come just after start.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (hub !== this.hub || hub.state !== signalR.HubConnectionState.Connected) return;
      this.handlers.state("connected");
      connected();
      await this.sync();
    } catch (error) {
      if (hub !== this.hub) return; // refused (onclose), replaced or stopped meanwhile
      this.handlers.state("offline");
      if (this.refused(error)) return;
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
    this.lastPosition = null;
    if (old) old.stop();
    this.handlers.state("offline");
  }

  /** The name is part of the hub URL, and conversations belong to the user: start afresh under the new one. */
  restart() {
    const old = this.hub;
    this.hub = null;
    this.lastPosition = null;
    return old ? old.stop().catch(() => {}).then(() => this.start()) : this.start();
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

    hub.on(Client.ReceiveMessage, (message) => this.receive(message, true));
    // A change to a message the page has not received is a new one only if it is after lastPosition; otherwise the
    // message is in a history the page has not loaded (yet).
    hub.on(Client.MessageUpdated, (message) => this.receive(message, this.lastPosition === null || message.id > this.lastPosition));
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
      if (this.refused(error)) return;
      if (unauthorized(error || this.lastRetryReason)) {
        this.hub = null;
        this.identity.unauthorized();
        return;
      }
      setTimeout(() => this.start(), 5000);
    });
    return hub;
  }

  /** The server refused the name: no retry under it; identity asks for another. Whether it was that. */
  refused(error) {
    const reason = nameRefusal(error);
    if (!reason) return false;
    this.hub = null;
    this.identity.refused(reason);
    return true;
  }

  /** A live message (ReceiveMessage) or change to one (MessageUpdated): shown, and seen in order. */
  receive(message, fresh) {
    this.handlers.message(message, fresh, true);
    if (this.catchingUp) this.liveSince = newer(this.liveSince, positionOf(message));
    else this.lastPosition = newer(this.lastPosition, positionOf(message));
  }

  /** Until the next catch-up is done, live messages do not move lastPosition: they are newer than what it brings. */
  holdLastSeen() {
    this.catchingUp = true;
    this.liveSince = null;
  }

  /**
   * First connect: what the page shows at the start; afterwards every message and change after lastPosition: new
   * messages, and the current state of older ones changed since (merged by id, keeping the higher version).
   */
  async catchUp() {
    if (this.lastPosition === null) {
      // Everything up to the newest id of any conversation is in the histories the page loads when opened (in their
      // current state: a change after that id comes again in the next catch-up, and changes nothing).
      this.lastPosition = (await this.handlers.first()) ?? 0;
    } else {
      for (;;) {
        const after = this.lastPosition;
        const page = await this.hub.invoke(Hub.GetMissedMessages, after, HISTORY_PAGE);
        page.forEach((message) => this.handlers.message(message, message.id > after, false));
        this.lastPosition = page.reduce((highest, message) => newer(highest, positionOf(message)), after);
        if (page.length < HISTORY_PAGE) break;
      }
      await this.handlers.caughtUp();
    }
    if (this.liveSince !== null) this.lastPosition = newer(this.lastPosition, this.liveSince);
    this.catchingUp = false;
  }

  async sync() {
    const reconnected = this.lastPosition !== null;
    await this.catchUp();
    this.handlers.listing();
    this.handlers.online(await this.hub.invoke(Hub.GetOnlineUsers), reconnected);
    this.handlers.synced();
  }
}
