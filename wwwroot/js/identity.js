// Who this tab is: a name picked in a dialog (sign-in off) or the name in a token (sign-in on).

const NAME_KEY = "chat.user";
const TOKEN_KEY = "chat.token";
const $ = (id) => document.getElementById(id);

/** The claims of a token, for display and to know when it expires; the server checks the token itself. */
function claimsOf(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json) || {};
  } catch {
    return {};
  }
}

const nameInToken = (jwt) => claimsOf(jwt).name || "";

/** The server's name rules (it checks them again and says why it refuses one): the problem, or "". */
function nameProblem(name) {
  return !name || [...name].length > 32 ? "Use 1 to 32 characters."
    : /[\p{Cc}\p{Cf}]/u.test(name) ? "Remove the control or invisible formatting characters."
    : /[^\S ]/u.test(name) ? "Use plain spaces only."
    : !/[\p{L}\p{N}]/u.test(name) ? "Use at least one letter or digit."
    : "";
}

export class Identity {
  /**
   * @param {{ start: () => void, rename: () => void }} handlers start connects (or goes on after a new token);
   * rename reconnects under a name the user changed.
   */
  constructor({ start, rename }) {
    this.user = localStorage.getItem(NAME_KEY) || "";
    this.token = sessionStorage.getItem(TOKEN_KEY) || "";
    this.tokenWaiters = [];
    this.handlers = { start, rename };

    $("token-form").addEventListener("submit", (event) => this.tokenSubmitted(event));
    $("name-form").addEventListener("submit", (event) => this.nameSubmitted(event));
    $("rename").addEventListener("click", () => this.askName());

    // A token in the address (#token=...) signs in; it is removed from the address bar and history at once.
    const fromAddress = new URLSearchParams(location.hash.slice(1)).get("token");
    if (fromAddress) {
      history.replaceState(null, "", location.pathname + location.search);
      this.useToken(fromAddress);
    } else if (this.token) {
      this.useToken(this.token);
    }
    $("me").textContent = this.user;
  }

  /** Starts: connects at once when the name is known, else asks for it first. */
  begin() {
    if (this.user) this.handlers.start();
    else this.askName();
  }

  /**
   * The token for the next connection. The server closes a connection when its token expires and the client
   * reconnects at once: an expired token waits for the user to paste a new one (the typed text stays where it is).
   */
  currentToken() {
    const expires = claimsOf(this.token).exp;
    if (!expires || expires * 1000 > Date.now()) return this.token;
    return new Promise((resolve) => {
      this.tokenWaiters.push(resolve);
      this.askToken("Your sign-in token has expired. Paste a new one to go on; your unsent message is kept.");
    });
  }

  useToken(value) {
    this.token = value.trim();
    sessionStorage.setItem(TOKEN_KEY, this.token);
    this.user = nameInToken(this.token);
    $("me").textContent = this.user;
    $("rename").hidden = true; // the token decides the name
  }

  askToken(message) {
    $("token-error").textContent = message;
    $("token-error").hidden = !message;
    $("token-dialog").showModal();
  }

  tokenSubmitted(event) {
    const value = $("token").value.trim();
    if (!nameInToken(value)) {
      event.preventDefault();
      $("token-error").textContent = "That does not look like a Chat token; paste it whole.";
      $("token-error").hidden = false;
      return;
    }
    this.useToken(value);
    if (this.tokenWaiters.length > 0) {
      const waiting = this.tokenWaiters;
      this.tokenWaiters = [];
      waiting.forEach((resolve) => resolve(this.token)); // the reconnect under way goes on with it
    } else {
      this.handlers.start();
    }
  }

  askName() {
    $("name").value = this.user;
    $("name-dialog").showModal();
  }

  nameSubmitted(event) {
    const name = $("name").value.trim().replace(/ {2,}/g, " ").normalize("NFC");
    const problem = nameProblem(name);
    if (problem) {
      event.preventDefault();
      $("name-error").textContent = problem;
      $("name-error").hidden = false;
      return;
    }
    const changed = this.user !== "" && name !== this.user;
    this.user = name;
    localStorage.setItem(NAME_KEY, name);
    $("me").textContent = name;
    if (changed) this.handlers.rename();
    else this.handlers.start();
    $("text").focus();
  }
}
