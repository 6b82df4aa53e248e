// The scrolling box that shows the current conversation, and its "jump to bottom" button.

const NEAR_BOTTOM = 40; // px: this close to the end counts as at the bottom
const NEAR_TOP = 80; // px: this close to the start is where older messages are fetched

export class Scroller {
  constructor(box, jump, onScroll) {
    this.box = box;
    this.jump = jump;
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

  /** The button shows while the view is scrolled up, with the number of messages below not yet seen. */
  showJump(unseen) {
    this.jump.hidden = this.atBottom();
    this.jump.textContent = unseen > 0 ? `${unseen} new ${unseen === 1 ? "message" : "messages"} ↓` : "Jump to bottom ↓";
  }
}
