// Answering a message: above the input, "Replying to alice: …" with a button that cancels it; the next send
// carries the id of the message it answers.
import { element, nameOf } from "./dom.js";
import { excerpt } from "./message-view.js";

export class Replying {
  /** @param {HTMLElement} bar where the message being answered is named; @param {() => void} cancelled */
  constructor(bar, cancelled) {
    this.bar = bar;
    this.message = null;
    this.what = element("span", "what");
    const cancel = element("button", "cancel", "✕");
    cancel.type = "button";
    cancel.title = "Cancel the reply";
    cancel.setAttribute("aria-label", "Cancel the reply");
    cancel.addEventListener("click", () => {
      this.cancel();
      cancelled();
    });
    bar.append(this.what, cancel);
    bar.hidden = true;
  }

  /** The id of the message the next send answers, or null. */
  get replyTo() {
    return this.message ? this.message.id : null;
  }

  start(message) {
    this.message = message;
    this.what.replaceChildren("Replying to ", nameOf(message.user, "user"), ": ", element("span", "excerpt", excerpt(message.text, 60)));
    this.bar.hidden = false;
  }

  cancel() {
    this.message = null;
    this.bar.hidden = true;
  }
}
