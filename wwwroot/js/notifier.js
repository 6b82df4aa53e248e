// Browser notifications: while the tab is hidden, a direct message or a mention of the user raises one; a click
// on it brings the tab back with that conversation open. Permission is asked only when the user presses the
// "Enable notifications" button, which shows only while the browser has not been told yes or no.
export class Notifier {
  /** @param {HTMLButtonElement} button asks for the permission; @param {(room: string) => void} open */
  constructor(button, open) {
    this.button = button;
    this.open = open;
    this.supported = "Notification" in window;
    button.addEventListener("click", () => this.ask());
    this.showButton();
  }

  showButton() {
    this.button.hidden = !this.supported || Notification.permission !== "default";
  }

  async ask() {
    try {
      await Notification.requestPermission();
    } catch {
      // an old browser's callback form, or a refusal: the button says what the permission is now
    }
    this.showButton();
  }

  /** A notification, if the tab is hidden and the user allowed them; the conversation's later ones replace it. */
  notify(room, title, body) {
    if (!this.supported || document.visibilityState !== "hidden" || Notification.permission !== "granted") return;
    let notification;
    try {
      notification = new Notification(title, { body, tag: `chat:${room}` });
    } catch {
      return; // a browser that shows them only from a service worker
    }
    notification.onclick = () => {
      window.focus();
      this.open(room);
      notification.close();
    };
  }
}
