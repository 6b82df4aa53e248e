// "@" in the input offers the names that can be mentioned there: typing narrows them, Up and Down choose,
// Tab or Enter puts the name in, Escape closes the list.
import { element, nameOf } from "./dom.js";

const SHOWN = 8;
// An "@" that starts a word (not an address), and what was typed after it up to the caret.
const TYPED = /(?:^|[^\p{L}\p{N}])@([^\s@]{0,32})$/u;

export class MentionCompletion {
  /**
   * @param {HTMLTextAreaElement} input
   * @param {HTMLUListElement} list where the names are offered
   * @param {() => Promise<string[]>|string[]} names who can be mentioned in the current conversation
   */
  constructor(input, list, names) {
    this.input = input;
    this.list = list;
    this.names = names;
    this.offered = [];
    this.selected = 0;
    this.asked = 0; // which update the names being fetched belong to
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.addEventListener("input", () => this.update());
    input.addEventListener("blur", () => this.close());
    this.close();
  }

  get open() {
    return !this.list.hidden;
  }

  /** What was typed after an "@" before the caret, or null when the caret is not in a mention. */
  typed() {
    if (this.input.selectionStart !== this.input.selectionEnd) return null;
    const match = TYPED.exec(this.input.value.slice(0, this.input.selectionStart));
    return match ? match[1] : null;
  }

  async update() {
    const typed = this.typed();
    const asked = ++this.asked;
    if (typed === null) {
      this.close();
      return;
    }
    let names;
    try {
      names = await this.names();
    } catch {
      names = []; // nobody to offer (not connected, or the server refused): the user types the name
    }
    if (asked !== this.asked) return; // typed on in the meantime
    const key = typed.toLowerCase();
    const starting = names.filter((name) => name.toLowerCase().startsWith(key));
    const containing = names.filter((name) => !name.toLowerCase().startsWith(key) && name.toLowerCase().includes(key));
    this.offer([...starting, ...containing].slice(0, SHOWN));
  }

  offer(names) {
    this.offered = names;
    this.selected = 0;
    if (names.length === 0) {
      this.close();
      return;
    }
    this.list.replaceChildren(...names.map((name, index) => {
      const option = element("li");
      option.id = `${this.list.id}-${index}`;
      option.setAttribute("role", "option");
      option.append(element("span", "at", "@"), nameOf(name));
      option.addEventListener("pointerdown", (event) => event.preventDefault()); // the input keeps the focus
      option.addEventListener("click", () => this.pick(name));
      return option;
    }));
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.select(0);
  }

  select(index) {
    this.selected = (index + this.offered.length) % this.offered.length;
    [...this.list.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === this.selected)));
    this.input.setAttribute("aria-activedescendant", `${this.list.id}-${this.selected}`);
  }

  /** A key pressed in the input; true when the list used it (the composer then does nothing with it). */
  key(event) {
    if (!this.open || event.isComposing) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") this.select(this.selected + (event.key === "ArrowDown" ? 1 : -1));
    else if ((event.key === "Tab" || event.key === "Enter") && !event.shiftKey) this.pick(this.offered[this.selected]);
    else if (event.key === "Escape") this.close();
    else return false;
    event.preventDefault();
    return true;
  }

  /** Puts "@name " in place of what was typed after the "@". */
  pick(name) {
    const typed = this.typed();
    if (typed === null) return;
    const end = this.input.selectionStart;
    this.input.setRangeText(`${name} `, end - typed.length, end, "end");
    this.close();
    this.input.dispatchEvent(new Event("input")); // the composer grows and the others see the user typing
  }

  close() {
    this.asked += 1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.offered = [];
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
