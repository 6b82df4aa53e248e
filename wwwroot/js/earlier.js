// Scrolling back: at the top of a conversation, the page before its oldest message is fetched (one fetch at a
// time per conversation) and put above without moving what the reader is looking at. A quote's message that is
// older than those shown is reached the same way, page after page.
import { isDirect, labelOf } from "./conversations.js";
import { nameOf } from "./dom.js";

export const PAGE = 100;

/** How a conversation stands at its top: older messages maybe there, being fetched, or none. */
const MORE = "more";
const LOADING = "loading";
const NONE = "none";

export class Earlier {
  /**
   * @param {{ current: () => object, scroller: import("./scroller.js").Scroller, user: () => string,
   *   fetch: (room: string, beforeId: number, limit: number) => Promise<object[]>|null, failed: (error) => void,
   *   shown: (conv) => void }} parts
   * fetch asks the server (GetRoomHistoryBefore), or gives null when not connected; failed shows why a fetch failed;
   * shown is told when an older page is on screen.
   */
  constructor({ current, scroller, user, fetch, failed, shown }) {
    this.current = current;
    this.scroller = scroller;
    this.user = user;
    this.fetch = fetch;
    this.failed = failed;
    this.shown = shown;
  }

  /** Whether every message of the conversation from `id` on is loaded (so that one of them may be shown where it is). */
  covers(conv, id) {
    return conv.loaded && (conv.earlier === NONE || (conv.timeline.firstId !== null && id > conv.timeline.firstId));
  }

  /** The latest page is shown: a full one may have older messages before it. */
  loaded(conv, count) {
    this.set(conv, count < PAGE ? NONE : MORE);
  }

  /** The conversation's history was deleted: nothing is older than what comes next. */
  cleared(conv) {
    this.set(conv, NONE);
  }

  /** On every scroll, and when a conversation is shown: at its top, with older messages maybe there, fetch them. */
  check() {
    const conv = this.current();
    if (conv.earlier === MORE && conv.timeline.firstId !== null && this.scroller.nearTop()) this.load(conv);
  }

  /**
   * Loads earlier pages of the current conversation until message `id` is shown (the message a reply answers);
   * whether it is. It stops when the conversation has nothing older, another one is opened, or a fetch fails.
   */
  async reach(conv, id) {
    const { timeline } = conv;
    while (!timeline.has(id) && conv === this.current() && timeline.firstId !== null && id < timeline.firstId) {
      if (conv.earlier === LOADING) await conv.fetching;
      else if (conv.earlier !== MORE || !(await this.load(conv))) break;
    }
    return timeline.has(id);
  }

  /**
   * Loads earlier pages of the current conversation until `found()` (the first unread message is shown); whether it is.
   * It stops as reach does.
   */
  async reachUntil(conv, found) {
    while (!found() && conv === this.current() && conv.timeline.firstId !== null) {
      if (conv.earlier === LOADING) await conv.fetching;
      else if (conv.earlier !== MORE || !(await this.load(conv))) break;
    }
    return found();
  }

  /** Fetches the page before the oldest message shown and puts it above; whether it did. */
  load(conv) {
    conv.fetching = this.loadPage(conv).finally(() => {
      conv.fetching = null;
    });
    return conv.fetching;
  }

  async loadPage(conv) {
    const { timeline } = conv;
    const beforeId = timeline.firstId;
    const asked = this.fetch(conv.room, beforeId, PAGE);
    if (!asked) return false; // not connected: the next scroll after the reconnect asks again
    this.set(conv, LOADING);
    let page;
    try {
      page = await asked;
    } catch (error) {
      this.set(conv, MORE);
      this.failed(error);
      return false;
    }
    // Cleared, or the user renamed, in the meantime: the page is no longer the one before what is shown.
    if (conv.earlier !== LOADING || timeline.firstId !== beforeId) return false;
    if (conv !== this.current()) {
      this.set(conv, MORE); // the view kept for it could not follow the page: fetched again once back at its top
      return false;
    }
    this.scroller.keepPosition(() => {
      timeline.prepend(page);
      this.set(conv, page.length < PAGE ? NONE : MORE);
    });
    this.shown(conv);
    return true;
  }

  set(conv, state) {
    conv.earlier = state;
    const edge = conv.timeline.edge;
    edge.dataset.state = state;
    if (state === LOADING) edge.replaceChildren("loading earlier messages…");
    else if (state === NONE) edge.replaceChildren(...this.beginning(conv.room));
    else edge.replaceChildren();
  }

  beginning(room) {
    if (!isDirect(room)) return ["This is the beginning of ", nameOf(labelOf(room)), "."];
    if (room === `@${this.user()}`) return ["This is the beginning of your notes."];
    return ["This is the beginning of your conversation with ", nameOf(room), "."];
  }
}
