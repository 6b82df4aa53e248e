// Sends on their way. Each has a clientMessageId, so that a send cut by a disconnect can be sent again
// after reconnecting: the server answers a repeated id with the first send's message and stores nothing new.

/** True when an invocation failed because the connection went away, not because the server refused it. */
export function lostConnection(error) {
  // The server's refusals and errors come back as "... on the server ..."; a closed or missing connection does not.
  return !/on the server/.test(String((error && error.message) || error));
}

export class Outbox {
  /**
   * @param {{ invoke: (send) => Promise<object|null>, acked: (send, message) => void, failed: (send, error) => void,
   *   idempotent: () => boolean }} handlers idempotent tells whether a send may simply be repeated (Post with its id).
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.waiting = new Map(); // clientMessageId → send, until acked or refused
  }

  /**
   * Sends now (or, when the connection is down and a resend is harmless, once it is back); `replyTo` is the message it
   * answers, `files` the uploaded files it carries.
   */
  submit(room, text, connected, replyTo = null, files = []) {
    const send = { clientMessageId: crypto.randomUUID(), room, text, replyTo, files, inFlight: false };
    this.waiting.set(send.clientMessageId, send);
    if (connected) this.attempt(send);
    return send;
  }

  async attempt(send) {
    send.inFlight = true;
    try {
      const message = await this.handlers.invoke(send);
      this.waiting.delete(send.clientMessageId);
      this.handlers.acked(send, message);
    } catch (error) {
      send.inFlight = false;
      if (lostConnection(error) && this.handlers.idempotent()) return; // sent again after the reconnect
      this.waiting.delete(send.clientMessageId);
      this.handlers.failed(send, error);
    }
  }

  /** After a reconnect (and its catch-up): every send that was cut, again, with the same id, in the order typed. */
  resend() {
    for (const send of this.waiting.values()) {
      if (!send.inFlight) this.attempt(send);
    }
  }

  /** Drops the sends of a conversation that is gone (left, or the user changed name); returns them. */
  drop(room) {
    const dropped = [...this.waiting.values()].filter((send) => room === undefined || send.room === room);
    dropped.forEach((send) => this.waiting.delete(send.clientMessageId));
    return dropped;
  }
}
