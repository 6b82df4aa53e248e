// The Chat browser client: history on load, live messages, presence, and a reconnect that loses nothing.
"use strict";

(() => {
  const HISTORY_PAGE = 100;
  const NAME_KEY = "chat.user";
  const $ = (id) => document.getElementById(id);

  const view = {
    messages: $("messages"),
    conversation: document.querySelector(".conversation"),
    online: $("online"),
    onlineCount: $("online-count"),
    state: $("state"),
    me: $("me"),
    text: $("text"),
    error: $("error"),
  };

  const TOKEN_KEY = "chat.token";
  let user = localStorage.getItem(NAME_KEY) || "";
  let token = sessionStorage.getItem(TOKEN_KEY) || "";
  let connection = null;
  // Every message up to lastSeenId has been shown: the server delivers messages in id order, and
  // catch-up pages are in id order too. A reconnect asks for what came after it. It does not move
  // with an ack (the broadcasts of earlier messages may still be on their way) nor, during a
  // catch-up, with live messages (they are newer than the pages still to come).
  let lastSeenId = null;
  let catchingUp = false;
  let liveSince = null; // highest live id shown during the catch-up in progress
  const shown = new Set(); // ids on screen, so a message is never shown twice

  // ---- rendering (always as text, never as HTML) ----

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function timeOf(iso) {
    const date = new Date(iso);
    const node = element("time", "", date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    node.dateTime = iso;
    return node;
  }

  function scrollIfAtBottom(update) {
    const box = view.conversation;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    update();
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  const newer = (a, b) => (a === null || b > a ? b : a);

  /** A live message (ReceiveMessage): shown, and seen in order. */
  function receive(message) {
    showMessage(message);
    if (catchingUp) liveSince = newer(liveSince, message.id);
    else lastSeenId = newer(lastSeenId, message.id);
  }

  /** Shows a message once, in id order, wherever it came from (live, history, catch-up or an ack). */
  function showMessage(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);

    const item = element("li", message.user === user ? "message own" : "message");
    item.dataset.id = String(message.id);
        // <bdi>: a name (or a text) written right to left cannot reorder what stands next to it.
    item.append(timeOf(message.sentAt), element("bdi", "user", message.user), element("bdi", "text", message.text));

    scrollIfAtBottom(() => {
      let before = null;
      for (let node = view.messages.lastElementChild; node; node = node.previousElementSibling) {
        if (node.dataset.id && Number(node.dataset.id) < message.id) break;
        if (node.dataset.id) before = node;
      }
      view.messages.insertBefore(item, before);
    });
  }

  /** A line of its own; with a name, the name first, isolated from the words after it. */
  function showLine(textOrName, after) {
    const line = element("li", "system", after === undefined ? textOrName : "");
    if (after !== undefined) line.append(element("bdi", "", textOrName), after);
    scrollIfAtBottom(() => view.messages.append(line));
  }

  const online = new Set(); // who is online, kept up to date by the presence events

  function showOnline() {
    const users = [...online].sort(); // code-unit order, the server's ordinal order
    view.online.replaceChildren(...users.map((name) => {
      const item = element("li", name === user ? "own" : "");
      item.append(element("bdi", "", name));
      return item;
    }));
    view.onlineCount.textContent = String(users.length);
  }

  function showState(state) {
    view.state.textContent = state;
    view.state.className = `state ${state}`;
  }

  function showError(text) {
    view.error.textContent = text;
    view.error.hidden = !text;
  }

  /** The server's own sentence, without the SignalR client's prefix. */
  function hubError(error) {
    const text = String((error && error.message) || error);
    const match = text.match(/HubException: ([\s\S]*)$/);
    return match ? match[1] : text;
  }

  // ---- the connection ----

  /** Asks the server once (on connect and reconnect); presence events keep the list current after that. */
  async function refreshOnline() {
    const users = await connection.invoke("GetOnlineUsers");
    online.clear();
    users.forEach((name) => online.add(name));
    showOnline();
  }

  /** Until the next catch-up is done, live messages do not move lastSeenId: they are newer than what it brings. */
  function holdLastSeen() {
    catchingUp = true;
    liveSince = null;
  }

  /** Shows a page of history (oldest first): everything up to its last message is now seen. */
  function showPage(page) {
    page.forEach(showMessage);
    if (page.length > 0) lastSeenId = newer(lastSeenId, page[page.length - 1].id);
  }

  /** Loads the latest page on first connect; afterwards fetches every message after lastSeenId. */
  async function catchUp() {
    if (lastSeenId === null) {
      showPage(await connection.invoke("GetHistory", null, HISTORY_PAGE));
    } else {
      for (;;) {
        const page = await connection.invoke("GetHistory", lastSeenId, HISTORY_PAGE);
        showPage(page);
        if (page.length < HISTORY_PAGE) break;
      }
    }
    if (liveSince !== null) lastSeenId = newer(lastSeenId, liveSince);
    catchingUp = false;
  }

  async function sync() {
    await catchUp();
    await refreshOnline();
  }

  function build() {
    const options = token ? { accessTokenFactory: currentToken } : {};
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`/hubs/chat?user=${encodeURIComponent(user)}`, options)
      .withAutomaticReconnect({
        // Keep trying: quickly at first, then every 5 s.
        nextRetryDelayInMilliseconds: (retry) => Math.min(5000, 250 * 2 ** retry.previousRetryCount),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();

    hub.on("ReceiveMessage", receive);
    hub.on("UserJoined", (name) => { showLine(name, " joined"); online.add(name); showOnline(); });
    hub.on("UserLeft", (name) => { showLine(name, " left"); online.delete(name); showOnline(); });
    hub.on("HistoryCleared", () => {
      shown.clear();
      view.messages.replaceChildren();
      showLine("History was cleared.");
    });
    hub.on("Notice", showLine);

    hub.onreconnecting(() => {
      holdLastSeen();
      showState("reconnecting");
    });
    hub.onreconnected(() => {
      showState("connected");
      sync().catch((error) => showError(hubError(error)));
    });
    hub.onclose(() => {
      if (hub !== connection) return; // replaced after a change of name
      showState("offline");
      setTimeout(start, 5000);
    });
    return hub;
  }

  async function start() {
    if (connection && connection.state !== signalR.HubConnectionState.Disconnected) return;
    connection = connection || build();
    holdLastSeen();
    try {
      await connection.start();
      showState("connected");
      await sync();
    } catch (error) {
      showState("offline");
      // A refused negotiate comes back as an error whose message carries the status code.
      if (error && (error.statusCode === 401 || /\b401\b/.test(String(error.message)))) {
        // Sign-in is on and there is no valid token: ask for one instead of retrying.
        connection = null;
        askToken(token ? "That token was not accepted (expired, or for another server). Paste a new one." : "");
        return;
      }
      if (/HubException/.test(String(error && error.message))) showError(hubError(error)); // e.g. a name the server refuses, with its reason
      setTimeout(start, 5000);
    }
  }

  // ---- sending ----

  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = view.text.value;
    if (!connection || connection.state !== signalR.HubConnectionState.Connected) {
      showError("Not connected. Your message is kept; send it again once connected.");
      return;
    }
    try {
      const ack = await connection.invoke("SendMessage", text, user);
      if (ack) showMessage(ack); // shown at once; lastSeenId waits for its broadcast
      if (view.text.value === text) view.text.value = "";
      showError("");
    } catch (error) {
      showError(hubError(error)); // the text stays in the input, nothing is lost
    }
  });

  view.text.addEventListener("input", () => showError(""));

  // ---- who am I ----

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

  function nameInToken(jwt) {
    return claimsOf(jwt).name || "";
  }

  // The server closes a connection when its token expires, and the client reconnects at once. Its token comes
  // from here: a token that has expired waits for the user to paste a new one (the typed text stays where it is).
  let tokenWaiters = [];
  function currentToken() {
    const expires = claimsOf(token).exp;
    if (!expires || expires * 1000 > Date.now()) return token;
    return new Promise((resolve) => {
      tokenWaiters.push(resolve);
      askToken("Your sign-in token has expired. Paste a new one to go on; your unsent message is kept.");
    });
  }

  function useToken(value) {
    token = value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    user = nameInToken(token);
    view.me.textContent = user;
    $("rename").hidden = true; // the token decides the name
  }

  function askToken(message) {
    $("token-error").textContent = message;
    $("token-error").hidden = !message;
    $("token-dialog").showModal();
  }

  $("token-form").addEventListener("submit", (event) => {
    const value = $("token").value.trim();
    if (!nameInToken(value)) {
      event.preventDefault();
      $("token-error").textContent = "That does not look like a Chat token; paste it whole.";
      $("token-error").hidden = false;
      return;
    }
    useToken(value);
    if (tokenWaiters.length > 0) {
      const waiting = tokenWaiters;
      tokenWaiters = [];
      waiting.forEach((resolve) => resolve(token)); // the reconnect under way goes on with it
    } else {
      start();
    }
  });

  function askName() {
    const dialog = $("name-dialog");
    $("name").value = user;
    dialog.showModal();
  }

  $("name-form").addEventListener("submit", (event) => {
    // The server's name rules (it checks them again and says why it refuses one): NFC, 1 to 32 characters,
    // nothing invisible, single spaces, at least one letter or digit.
    const name = $("name").value.trim().replace(/ {2,}/g, " ").normalize("NFC");
    const problem = !name || [...name].length > 32 ? "Use 1 to 32 characters."
      : /[\p{Cc}\p{Cf}]/u.test(name) ? "Remove the control or invisible formatting characters."
      : /[^\S ]/u.test(name) ? "Use plain spaces only."
      : !/[\p{L}\p{N}]/u.test(name) ? "Use at least one letter or digit."
      : "";
    if (problem) {
      event.preventDefault();
      $("name-error").textContent = problem;
      $("name-error").hidden = false;
      return;
    }
    const changed = name !== user;
    user = name;
    localStorage.setItem(NAME_KEY, user);
    view.me.textContent = user;
    if (changed && connection) {
      // The name is part of the hub URL: reconnect under the new one.
      const old = connection;
      connection = null;
      old.stop().finally(start);
    } else {
      start();
    }
    view.text.focus();
  });

  $("rename").addEventListener("click", askName);

  // A token in the address (#token=...) signs in; it is removed from the address bar and history at once.
  const fromAddress = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromAddress) {
    history.replaceState(null, "", location.pathname + location.search);
    useToken(fromAddress);
  } else if (token) {
    useToken(token);
  }

  view.me.textContent = user;
  if (user) {
    start();
  } else {
    askName();
  }
})();
