// The scrolling box that shows the current conversation, its "jump to bottom" button, and its bar back to the
// first unread message when that is above the view.

const NEAR_BOTTOM = 40; // px: this close to the end counts as at the bottom
const NEAR_TOP = 80; // px: this close to the start is where older messages are fetched
const ABOVE_MARKER = 8; // px: room left above the "new messages" line when the view is put there

export class Scroller {
  constructor(box, jump, firstUnread, onScroll) {
    this.box = box;
    this.jump = jump;
    this.firstUnread = firstUnread;
    this.timeline = null;
    this.stuck = true; // at the bottom as of the last scroll: a box that shrinks (an error under the input) stays there
    box.addEventListener("scroll", () => {
      this.stuck = this.atBottom();
      onScroll();
    }, { passive: true });
    jump.addEventListener("click", () => this.toBottom());
    new ResizeObserver(() => {
      if (this.stuck) this.toBottom();
    }).observe(box);
    firstUnread.addEventListener("click", () => this.toMarker());
  }

  atBottom() {
    const box = this.box;
    return box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM;
  }

  nearTop() {
    return this.box.scrollTop < NEAR_TOP;
  }

  toBottom() {
    this.box.scrollTop = this.box.scrollHeight;
    this.stuck = true;
  }

  /** Puts the "new messages" line of the conversation shown at the top of the view (or the view at the end, without one). */
  toMarker() {
    const marker = this.timeline?.marker;
    if (!marker?.isConnected) {
      this.toBottom();
      return;
    }
    this.box.scrollTop += marker.getBoundingClientRect().top - this.box.getBoundingClientRect().top - ABOVE_MARKER;
  }

  /** Shows another conversation where it was left (a new one at its end). */
  show(timeline) {
    if (this.timeline === timeline) return;
    if (this.timeline) {
      this.timeline.scroll = this.atBottom() ? null : this.box.scrollTop;
      this.timeline.list.removeAttribute("id");
    }
    this.timeline = timeline;
    timeline.list.id = "messages";
    this.box.replaceChildren(timeline.list);
    if (timeline.scroll === undefined || timeline.scroll === null) this.toBottom();
    else this.box.scrollTop = timeline.scroll;
  }

  /** Changes what is on screen; if the view was at the bottom, it stays there (auto-scroll). */
  keep(update, timeline = this.timeline) {
    if (timeline !== this.timeline) return update();
    const bottom = this.atBottom();
    const result = update();
    if (bottom) this.toBottom();
    return result;
  }

  /** Changes what is on screen above the view without moving what the user is looking at (an older page). */
  keepPosition(update) {
    const fromEnd = this.box.scrollHeight - this.box.scrollTop;
    const result = update();
    this.box.scrollTop = this.box.scrollHeight - fromEnd;
    return result;
  }

  /**
   * The button to the end shows while the view is scrolled up, with the number of messages not yet seen; the bar to
   * the first of them while its "new messages" line is above the view.
   */
  showJump(unseen) {
    this.jump.hidden = this.atBottom();
    this.jump.textContent = unseen > 0 ? `${unseen} new ${unseen === 1 ? "message" : "messages"} ↓` : "Jump to bottom ↓";
    const marker = this.timeline?.marker;
    const above = unseen > 0 && marker?.isConnected && marker.getBoundingClientRect().bottom <= this.box.getBoundingClientRect().top;
    this.firstUnread.hidden = !above;
    if (above) this.firstUnread.textContent = `${unseen} unread ${unseen === 1 ? "message" : "messages"} · Jump to the first ↑`;
  }
}
