// Who this tab is: a name picked in a dialog (sign-in off), the name in a pasted token (shared-key sign-in), an
// account signed in with a name and password (built-in accounts), or a user of the organization's identity provider
// (single sign-on). The server says which (GET auth/config).
import { Accounts } from "./accounts.js";
import { SingleSignOn } from "./sso.js";

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

/** Which sign-in the server runs ({ mode: "none" | "token" | "accounts" | "sso", ... }), asked until it answers. */
async function signInConfig() {
  for (;;) {
    try {
      const response = await fetch("auth/config");
      if (response.ok) return await response.json();
    } catch {
      // the server is away: ask again
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export class Identity {
  /**
   * @param {{ start: () => Promise<void>, rename: (previous: string) => Promise<void>, stop: () => void }} handlers start
   * connects (or goes on after a new token); rename reconnects under a name the user changed; stop disconnects (signed
   * out). start and rename settle once connected, refused (see refused) or left to retry.
   */
  constructor({ start, rename, stop }) {
    this.mode = "none";
    this.user = localStorage.getItem(NAME_KEY) || "";
    this.token = sessionStorage.getItem(TOKEN_KEY) || "";
    this.tokenWaiters = [];
    this.handlers = { start, rename, stop };
    this.accounts = null;
    this.sso = null;
    this.registering = false;
    this.oneTimePassword = "";
    this.refusal = ""; // why the server refused the name last tried, until another is accepted

    $("token-form").addEventListener("submit", (event) => this.tokenSubmitted(event));
    $("name-form").addEventListener("submit", (event) => this.nameSubmitted(event));
    $("rename").addEventListener("click", () => this.askName());
    $("signin-form").addEventListener("submit", (event) => this.signInSubmitted(event));
    $("signin-switch").addEventListener("click", () => this.showSignIn("", !this.registering));
    $("password-form").addEventListener("submit", (event) => this.passwordSubmitted(event));
    $("sign-out").addEventListener("click", () => this.signOut());
    $("invite").addEventListener("click", () => this.invite());
    $("sso-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sso.signIn(); // to the provider's login page, and back here
    });
    // Signing in is the only way on: Escape does not close these dialogs onto a page that cannot connect.
    for (const id of ["signin-dialog", "password-dialog", "sso-dialog"]) $(id).addEventListener("cancel", (event) => event.preventDefault());
    // Nor does it close the name dialog while no name of this tab was accepted.
    $("name-dialog").addEventListener("cancel", (event) => {
      if (this.refusal || !this.user) event.preventDefault();
    });

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

  /** Starts: learns which sign-in the server runs, then connects, or first asks for a name, a token or a sign-in. */
  async begin() {
    const config = await signInConfig();
    this.mode = config.mode;
    if (this.mode === "sso") {
      $("rename").hidden = true;
      this.sso = new SingleSignOn(config, { signedOut: (message) => this.signedOut(message) });
      let signedIn = false;
      try {
        signedIn = await this.sso.resume();
      } catch (error) {
        this.showProviderSignIn(`Signing in did not complete (${error.message}); try again.`);
        return;
      }
      if (signedIn) this.signedIn();
      else this.showProviderSignIn("");
    } else if (this.mode === "accounts") {
      $("rename").hidden = true;
      this.accounts = new Accounts({
        signedIn: () => this.signedIn(),
        signedOut: (message) => this.signedOut(message),
      });
      // Signed in already in this browser (the cookie): no form at all.
      if (await this.accounts.renew()) this.signedIn();
      else this.showSignIn("");
    } else if (this.mode === "token") {
      $("rename").hidden = true;
      if (this.token) this.handlers.start();
      else this.askToken("");
    } else if (this.user) {
      this.handlers.start();
    } else {
      this.askName();
    }
  }

  /** Who asks, for requests beside the hub (files): the access token now held when sign-in is on, else the name. */
  credentials() {
    const token = this.mode === "sso" ? this.sso?.user?.access_token : this.mode === "accounts" ? this.accounts?.session?.accessToken : this.token;
    return token ? { token } : { user: this.user };
  }

  /** How the connection gets its token: null without sign-in. */
  tokenFactory() {
    if (this.mode === "sso") return () => this.sso.token();
    if (this.mode === "accounts") return () => this.accounts.token();
    return this.token ? () => this.currentToken() : null;
  }

  /** The server refused the token (401): renew the sign-in, or ask for it again; never retry the same token. */
  async unauthorized() {
    if (this.mode === "accounts" || this.mode === "sso") {
      if (await (this.sso || this.accounts).renew()) this.handlers.start();
      else this.signedOut("Your sign-in has ended; sign in again.");
    } else {
      this.askToken(this.token ? "That token was not accepted (expired, or for another server). Paste a new one." : "");
    }
  }

  signedIn() {
    this.user = this.sso ? this.sso.userName : this.accounts.user;
    $("me").textContent = this.user;
    $("sign-out").hidden = false;
    $("invite").hidden = !(this.accounts && this.accounts.session && this.accounts.session.admin);
    for (const id of ["signin-dialog", "password-dialog", "sso-dialog"]) if ($(id).open) $(id).close();
    this.handlers.start();
  }

  signedOut(message) {
    this.handlers.stop();
    $("sign-out").hidden = true;
    $("invite").hidden = true;
    $("me").textContent = "";
    if (this.sso) this.showProviderSignIn(message);
    else this.showSignIn(message);
  }

  async signOut() {
    if (this.sso) {
      this.handlers.stop();
      await this.sso.signOut(); // to the provider, which signs out there too and sends the browser back here
      return;
    }
    await this.accounts.signOut();
    this.signedOut("");
  }

  /** An admin's invite: a code made by the server, shown once to pass on. */
  async invite() {
    const { code, problem } = await this.accounts.invite();
    $("invite-code").textContent = code || "";
    $("invite-error").textContent = problem || "";
    $("invite-error").hidden = !problem;
    $("invite-dialog").showModal();
  }

  showProviderSignIn(message) {
    $("sso-button").textContent = `Sign in with ${this.sso.provider}`;
    $("sso-error").textContent = message;
    $("sso-error").hidden = !message;
    if (!$("sso-dialog").open) $("sso-dialog").showModal();
  }

  showSignIn(message, registering = false) {
    this.registering = registering;
    $("signin-title").textContent = registering ? "Register" : "Sign in";
    $("signin-note").textContent = registering
      ? "Choose your name and a password (at least 10 characters), and paste the invite code you were given."
      : "Sign in with your name and password.";
    $("signin-submit").textContent = registering ? "Register" : "Sign in";
    $("signin-switch").textContent = registering ? "Have an account? Sign in" : "New here? Register with an invite";
    $("signin-password").autocomplete = registering ? "new-password" : "current-password";
    for (const field of document.querySelectorAll(".register-only")) field.hidden = !registering;
    $("signin-invite").required = registering;
    $("signin-error").textContent = message;
    $("signin-error").hidden = !message;
    if (!$("signin-dialog").open) $("signin-dialog").showModal();
    $("signin-name").focus();
  }

  async signInSubmitted(event) {
    event.preventDefault(); // the dialog stays until the server says yes
    const name = $("signin-name").value.trim();
    const password = $("signin-password").value;
    $("signin-submit").disabled = true;
    const problem = this.registering
      ? await this.accounts.register(name, password, $("signin-invite").value.trim())
      : await this.accounts.signIn(name, password);
    $("signin-submit").disabled = false;
    if (problem) {
      this.showSignIn(problem, this.registering);
      return;
    }
    $("signin-password").value = "";
    $("signin-invite").value = "";
    $("signin-dialog").close();
    if (this.accounts.session.mustChangePassword) {
      this.oneTimePassword = password;
      $("password-dialog").showModal();
    } else {
      this.signedIn();
    }
  }

  async passwordSubmitted(event) {
    event.preventDefault();
    const problem = await this.accounts.changePassword(this.oneTimePassword, $("new-password").value);
    if (problem) {
      $("password-error").textContent = problem;
      $("password-error").hidden = false;
      return;
    }
    this.oneTimePassword = "";
    $("new-password").value = "";
    $("password-dialog").close();
    this.signedIn();
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

  askName(problem = "") {
    $("name").value = this.user;
    this.showNameProblem(problem);
    if (!$("name-dialog").open) $("name-dialog").showModal();
  }

  showNameProblem(problem) {
    $("name-error").textContent = problem;
    $("name-error").hidden = !problem;
  }

  /** The server refused the name (its rules, with its reason): the dialog stays, or comes back, for another. */
  refused(reason) {
    this.refusal = reason;
    if (localStorage.getItem(NAME_KEY) === this.user) localStorage.removeItem(NAME_KEY); // a reload asks again
    $("me").textContent = ""; // the page is nobody's until a name is taken (the connection may have said "connected" first)
    this.askName(reason);
    $("name").select();
  }

  /** The dialog stays open until the server takes the name, and says why if it does not. */
  async nameSubmitted(event) {
    event.preventDefault();
    const name = $("name").value.trim().replace(/ {2,}/g, " ").normalize("NFC");
    const problem = nameProblem(name);
    if (problem) {
      this.showNameProblem(problem);
      return;
    }
    const previous = this.user;
    const changed = previous !== "" && name !== previous;
    this.user = name;
    this.refusal = "";
    this.showNameProblem("");
    $("name-submit").disabled = true;
    try {
      await (changed ? this.handlers.rename(previous) : this.handlers.start());
    } finally {
      $("name-submit").disabled = false;
    }
    if (this.refusal) return; // shown in the dialog by refused()
    localStorage.setItem(NAME_KEY, name);
    $("me").textContent = name;
    $("name-dialog").close();
    $("text").focus();
  }
}
