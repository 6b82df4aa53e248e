// Editing one's own message in place: its text becomes an input; Enter saves, Shift+Enter starts a new line,
// Escape (or Cancel) leaves it as it was.
import { element } from "./dom.js";

export class Editor {
  /**
   * @param {{ save: (message, text: string) => Promise<void>, closed: () => void, error: (error) => string }} handlers
   * save sends the new text (EditMessage) and shows the result; closed gives the focus back to the composer; error
   * turns a refusal into the sentence shown under the input.
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.item = null;
    this.message = null;
    this.form = element("form", "editor");
    this.input = element("textarea");
    this.input.rows = 1;
    this.input.setAttribute("aria-label", "Edit message");
    this.problem = element("p", "error");
    this.problem.setAttribute("role", "alert");
    const save = element("button", "", "Save");
    save.type = "submit";
    const cancel = element("button", "secondary", "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => this.close());
    const hint = element("span", "hint", "Enter saves · Escape cancels");
    const row = element("div", "editor-actions");
    row.append(hint, cancel, save);
    this.form.append(this.input, this.problem, row);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.form.addEventListener("click", (event) => event.stopPropagation()); // not a tap on the message
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.save();
      }
    });
    this.input.addEventListener("input", () => this.fit());
  }

  get editing() {
    return this.item !== null;
  }

  /** Turns a message's text into an input holding it. */
  start(item, message) {
    if (this.item) this.close(false);
    this.message = message;
    // The server stores "//x" as "/x": the text goes back the way it was typed, so that it is not taken as a command.
    this.input.value = message.text.startsWith("/") ? `/${message.text}` : message.text;
    this.problem.hidden = true;
    this.place(item);
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    item.scrollIntoView({ block: "nearest" });
  }

  /** The message was drawn again (a newer state came while it is edited): the input moves to its new item. */
  replaced(before, after) {
    if (this.item !== before) return;
    if (after.classList.contains("deleted")) this.close();
    else this.place(after);
  }

  async save() {
    const text = this.input.value;
    const message = this.message;
    const original = message.text.startsWith("/") ? `/${message.text}` : message.text;
    if (text === original) {
      this.close();
      return;
    }
    if (!text.trim()) {
      this.show("The message is empty. To take it away, delete it instead.");
      return;
    }
    try {
      await this.handlers.save(message, text);
      if (this.message === message) this.close();
    } catch (error) {
      if (this.message === message) this.show(this.handlers.error(error)); // the input keeps the text
    }
  }

  /** Leaves editing; the message shows its text again. */
  close(refocus = true) {
    if (!this.item) return;
    this.item.classList.remove("editing");
    this.item.querySelector(":scope > .text").hidden = false;
    this.form.remove();
    this.item = null;
    this.message = null;
    if (refocus) this.handlers.closed();
  }

  place(item) {
    this.item?.classList.remove("editing");
    this.item = item;
    item.classList.add("editing");
    const text = item.querySelector(":scope > .text");
    text.hidden = true;
    text.after(this.form);
    this.fit();
  }

  show(problem) {
    this.problem.textContent = problem;
    this.problem.hidden = false;
  }

  /** Grows with its lines, up to a few. */
  fit() {
    this.input.style.height = "";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 160)}px`;
  }
}
