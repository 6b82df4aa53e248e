// What a message offers: pointed at with a mouse (tapped on a touch screen), a small toolbar with reply and react,
// and on one's own edit and delete (delete on anyone's too for the room's owners and moderators). One toolbar moves to the message in question. Clicks on a reaction chip toggle
// the user's reaction; a click on a reply's quote goes to the message it answers.
import { element } from "./dom.js";

/** The toolbar's buttons: what each does, its label, and whether it is only for one's own messages. */
const BUTTONS = [
  { action: "reply", icon: "↩", label: "Reply" },
  { action: "react", icon: "☺", label: "React" },
  { action: "edit", icon: "✎", label: "Edit", own: true },
  { action: "remove", icon: "🗑", label: "Delete", own: true, moderated: true },
];

/** A message the toolbar may go to: shown, not a send on its way, not deleted, not being edited. */
const actionable = (item) => item && item.matches("li.message:not(.deleted):not(.editing)");

export class MessageActions {
  /**
   * @param {HTMLElement} box the scrolling box of the messages
   * @param {{ reply: (item) => void, react: (item) => void, edit: (item) => void, remove: (item) => void,
   *   toggleReaction: (item, emoji: string) => void, openQuote: (id: number) => void, busy: () => boolean,
   *   moderates: () => boolean }} handlers
   * busy tells whether the toolbar must stay where it is (the emoji palette is open on its message); moderates whether
   * the user may delete others' messages in the conversation shown (an owner or moderator of the room).
   */
  constructor(box, handlers) {
    this.handlers = handlers;
    this.item = null;
    this.pointer = "mouse"; // the kind of the last pointer pressed: a touch shows the toolbar on a tap, a mouse on hover
    this.bar = element("div", "actions");
    this.bar.setAttribute("role", "toolbar");
    this.bar.setAttribute("aria-label", "Message actions");
    for (const { action, icon, label, own, moderated } of BUTTONS) {
      const button = element("button", own ? "own-only" : "", icon);
      if (moderated) button.dataset.moderated = "";
      button.type = "button";
      button.dataset.action = action;
      button.title = label;
      button.setAttribute("aria-label", label);
      this.bar.append(button);
    }

    box.addEventListener("pointerdown", (event) => {
      this.pointer = event.pointerType;
    });
    box.addEventListener("pointerover", (event) => {
      if (event.pointerType === "mouse" && !this.handlers.busy()) this.attach(event.target.closest("li.message"));
    });
    box.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse" && !this.handlers.busy()) this.detach();
    });
    // Keyboard focus on something in a message (a link, a chip) shows its toolbar too; a tap that focuses a chip does not.
    box.addEventListener("focusin", (event) => {
      if (event.target.matches(":focus-visible")) this.attach(event.target.closest("li.message"));
    });
    box.addEventListener("click", (event) => this.click(event));
  }

  click(event) {
    const target = event.target;
    const button = target.closest(".actions button[data-action]");
    if (button && this.item) {
      this.handlers[button.dataset.action](this.item);
      return;
    }
    const chip = target.closest(".reaction");
    if (chip) {
      this.handlers.toggleReaction(chip.closest("li.message"), chip.dataset.emoji);
      return;
    }
    const quote = target.closest(".quote[data-reply-to]");
    if (quote) {
      this.handlers.openQuote(Number(quote.dataset.replyTo));
      return;
    }
    // A tap on a message (not on a link in it) shows its toolbar, or hides it again.
    const item = target.closest("li.message");
    if (!item || target.closest("a") || !this.touch()) return;
    if (this.item === item) this.detach();
    else this.attach(item);
  }

  /** Whether the page is used by touch: a tap, or a screen without hover. */
  touch() {
    return this.pointer === "touch" || this.pointer === "pen" || window.matchMedia("(hover: none)").matches;
  }

  /** Puts the toolbar on a message (edit and delete only on one's own; delete on any for a room's owners and moderators). */
  attach(item) {
    if (!actionable(item)) return;
    if (this.item === item) return;
    this.item?.classList.remove("active");
    this.item = item;
    item.classList.add("active");
    const own = item.classList.contains("own");
    const moderates = !own && this.handlers.moderates();
    for (const button of this.bar.querySelectorAll(".own-only")) button.hidden = !own && !(moderates && "moderated" in button.dataset);
    item.append(this.bar);
  }

  detach() {
    this.item?.classList.remove("active");
    this.bar.remove();
    this.item = null;
  }

  /** A message was drawn again (a newer state): the toolbar follows it, unless it was deleted. */
  replaced(before, after) {
    if (this.item !== before) return;
    this.item = null;
    if (actionable(after)) this.attach(after);
    else this.bar.remove();
  }
}
