// Scrolling back: at the top of a conversation, the page before its oldest message is fetched (one fetch at a
// time per conversation) and put above without moving what the reader is looking at.
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
   *   fetch: (room: string, beforeId: number, limit: number) => Promise<object[]>|null, failed: (error) => void }} parts
   * fetch asks the server (GetRoomHistoryBefore), or gives null when not connected; failed shows why a fetch failed.
   */
  constructor({ current, scroller, user, fetch, failed }) {
    this.current = current;
    this.scroller = scroller;
    this.user = user;
    this.fetch = fetch;
    this.failed = failed;
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

  async load(conv) {
    const { timeline } = conv;
    const beforeId = timeline.firstId;
    const asked = this.fetch(conv.room, beforeId, PAGE);
    if (!asked) return; // not connected: the next scroll after the reconnect asks again
    this.set(conv, LOADING);
    let page;
    try {
      page = await asked;
    } catch (error) {
      this.set(conv, MORE);
      this.failed(error);
      return;
    }
    // Cleared, or the user renamed, in the meantime: the page is no longer the one before what is shown.
    if (conv.earlier !== LOADING || timeline.firstId !== beforeId) return;
    if (conv !== this.current()) {
      this.set(conv, MORE); // the view kept for it could not follow the page: fetched again once back at its top
      return;
    }
    const user = this.user();
    this.scroller.keepPosition(() => {
      timeline.prepend(page, (message) => message.user === user);
      this.set(conv, page.length < PAGE ? NONE : MORE);
    });
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
