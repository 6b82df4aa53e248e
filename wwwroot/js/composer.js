// The message input: Enter sends, Shift+Enter starts a new line, it grows to a few lines, and a counter
// shows how much room is left near the length limit. Other keys (completion, Up to edit) are offered first to onKey.

const MAX_ROWS_PX = 160; // about six lines, then it scrolls

export class Composer {
  /**
   * @param {{ form: HTMLFormElement, text: HTMLTextAreaElement, counter: HTMLElement }} parts
   * @param {{ onTyping: () => void, onKey: (event: KeyboardEvent) => boolean }} handlers onKey returns true when it used the key
   */
  constructor({ form, text, counter }, { onTyping, onKey }) {
    this.form = form;
    this.text = text;
    this.counter = counter;
    this.maxLength = 2000; // the server's default Chat:MaxMessageLength, until its settings.json says

    text.addEventListener("keydown", (event) => {
      if (onKey(event)) return;
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      form.requestSubmit();
    });
    text.addEventListener("input", () => {
      this.update();
      if (text.value.trim()) onTyping();
    });
    this.update();
  }

  get value() {
    return this.text.value;
  }

  set value(value) {
    this.text.value = value;
    this.update();
  }

  /** The sentence the server would refuse the text with when it is too long, or "". */
  tooLong(text) {
    return text.length > this.maxLength
      ? `The message is ${text.length} characters long; at most ${this.maxLength} are allowed. Shorten it or split it in parts.`
      : "";
  }

  /** The server's limit, from its settings.json. */
  setLimit(maxLength) {
    if (Number.isInteger(maxLength) && maxLength > 0) {
      this.maxLength = maxLength;
      this.update();
    }
  }

  /** Learns the limit from a refusal (a server that changed it since the page loaded). */
  learnLimit(refusal) {
    const match = /at most (\d+) are allowed/.exec(refusal);
    if (match && /^The message is/.test(refusal)) {
      this.maxLength = Number(match[1]);
      this.update();
    }
  }

  update() {
    const length = this.text.value.length;
    const near = length > this.maxLength * 0.9;
    this.counter.hidden = !near;
    this.counter.textContent = near ? `${length}/${this.maxLength}` : "";
    this.counter.classList.toggle("over", length > this.maxLength);
    // Empty, it is one line (a long placeholder does not make it grow).
    this.text.style.height = "";
    if (length > 0) this.text.style.height = `${Math.min(this.text.scrollHeight + 2, MAX_ROWS_PX)}px`;
  }

  focus() {
    this.text.focus();
  }
}
