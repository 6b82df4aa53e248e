// The small emoji palette a reaction is picked from: a dozen common emoji under (or above) the message, closed
// by a pick, Escape, or a click elsewhere.
import { element } from "./dom.js";

export const EMOJI = Object.freeze(["👍", "👎", "😂", "❤️", "🎉", "😮", "😢", "🙏", "👀", "🔥", "✅", "🚀"]);

export class Palette {
  /** @param {HTMLElement} box the scrolling box it opens in (it opens upwards when there is no room below) */
  constructor(box) {
    this.box = box;
    this.item = null;
    this.onPick = null;
    this.menu = element("div", "palette");
    this.menu.setAttribute("role", "menu");
    this.menu.setAttribute("aria-label", "Add a reaction");
    for (const emoji of EMOJI) {
      const button = element("button", "", emoji);
      button.type = "button";
      button.setAttribute("role", "menuitem");
      button.addEventListener("click", (event) => {
        event.stopPropagation(); // not a click on the message
        const pick = this.onPick;
        this.close();
        pick?.(emoji);
      });
      this.menu.append(button);
    }
    this.menu.addEventListener("keydown", (event) => this.key(event));
    document.addEventListener("pointerdown", (event) => {
      if (this.item && !this.menu.contains(event.target) && !event.target.closest?.(".actions")) this.close();
    });
  }

  get open() {
    return this.item !== null;
  }

  /** Opens it on a message's item; `onPick(emoji)` gets the emoji chosen. */
  show(item, onPick) {
    this.item = item;
    this.onPick = onPick;
    item.append(this.menu);
    item.classList.add("reacting");
    const room = this.box.getBoundingClientRect();
    const at = item.getBoundingClientRect();
    this.menu.classList.toggle("up", room.bottom - at.bottom < this.menu.offsetHeight + 8 && at.top - room.top > room.bottom - at.bottom);
    this.menu.querySelector("button").focus({ preventScroll: true });
  }

  /** The message was drawn again: the palette stays open on its new item, unless it was deleted. */
  replaced(before, after) {
    if (this.item !== before) return;
    if (after.classList.contains("deleted")) {
      this.close();
      return;
    }
    this.item = after;
    after.classList.add("reacting");
    after.append(this.menu);
  }

  close() {
    this.item?.classList.remove("reacting");
    this.menu.remove();
    this.item = null;
    this.onPick = null;
  }

  /** Arrow keys move between the emoji, Escape closes. */
  key(event) {
    const buttons = [...this.menu.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step) buttons[(at + step + buttons.length) % buttons.length].focus();
    else if (event.key === "Escape") this.close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
}
