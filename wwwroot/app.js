// The Chat browser client: history on load, live messages, presence, and a reconnect that loses nothing.
import { Composer } from "./js/composer.js";
import { element, nameOf } from "./js/dom.js";
import { Identity } from "./js/identity.js";
import { Outbox, lostConnection } from "./js/outbox.js";
import { Scroller } from "./js/scroller.js";
import { Timeline } from "./js/timeline.js";

const HISTORY_PAGE = 100;
const GENERAL = "general";
const $ = (id) => document.getElementById(id);

const view = {
  online: $("online"),
  onlineCount: $("online-count"),
  state: $("state"),
  error: $("error"),
};

let connection = null;
// Every message up to lastSeenId has been shown: the server delivers messages in id order, and
// catch-up pages are in id order too. A reconnect asks for what came after it. It does not move
// with an ack (the broadcasts of earlier messages may still be on their way) nor, during a
// catch-up, with live messages (they are newer than the pages still to come).
let lastSeenId = null;
let catchingUp = false;
let liveSince = null; // highest live id shown during the catch-up in progress

const newer = (a, b) => (a === null || b > a ? b : a);

// ---- conversations ----

/** @type {Map<string, { room: string, timeline: Timeline, unread: number }>} */
const conversations = new Map();

function conversation(room) {
  let found = conversations.get(room);
  if (!found) {
    found = { room, timeline: new Timeline(room), unread: 0 };
    conversations.set(room, found);
  }
  return found;
}

let current = conversation(GENERAL);

const identity = new Identity({ start, rename });
const scroller = new Scroller($("scroller"), $("jump"), () => updateSeen());
scroller.show(current.timeline);

const composer = new Composer({ form: $("composer"), text: $("text"), counter: $("counter") }, { onTyping: () => {} });

/** The current conversation is seen when its end is on screen in a visible tab. */
function seen(conv) {
  return conv === current && document.visibilityState === "visible" && scroller.atBottom();
}

/** Clears what the user now sees and updates the jump button and the title. */
function updateSeen() {
  if (seen(current) && current.unread > 0) current.unread = 0;
  scroller.showJump(current.unread);
  const unread = [...conversations.values()].reduce((sum, conv) => sum + conv.unread, 0);
  document.title = unread > 0 ? `(${unread}) Chat` : "Chat";
}

document.addEventListener("visibilitychange", updateSeen);
setInterval(() => conversations.forEach((conv) => conv.timeline.relabelDays()), 60_000);

/**
 * Shows a message in its conversation, once. A new one (live or caught up) by someone else that the user
 * does not see counts as unread, and the first of them gets the "new messages" line.
 */
function showMessage(message, fresh) {
  const conv = conversation(message.room || GENERAL);
  const own = message.user === identity.user;
  const item = scroller.keep(() => conv.timeline.add(message, own), conv.timeline);
  if (!item || !fresh || own) return;
  if (!seen(conv)) {
    if (conv.unread === 0) conv.timeline.markUnseenFrom(item);
    conv.unread += 1;
  }
  updateSeen();
}

function showLine(textOrName, after, room = GENERAL) {
  const conv = conversation(room);
  scroller.keep(() => conv.timeline.line(textOrName, after), conv.timeline);
}

/** A live message (ReceiveMessage): shown, and seen in order. */
function receive(message) {
  showMessage(message, true);
  if (catchingUp) liveSince = newer(liveSince, message.id);
  else lastSeenId = newer(lastSeenId, message.id);
}

// ---- presence, state, errors ----

const online = new Set(); // who is online, kept up to date by the presence events

function showOnline() {
  const users = [...online].sort(); // code-unit order, the server's ordinal order
  view.online.replaceChildren(...users.map((name) => {
    const item = element("li", name === identity.user ? "own" : "");
    item.append(nameOf(name));
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
function showPage(page, fresh) {
  page.forEach((message) => showMessage(message, fresh));
  if (page.length > 0) lastSeenId = newer(lastSeenId, page[page.length - 1].id);
}

/** Loads the latest page on first connect; afterwards fetches every message after lastSeenId. */
async function catchUp() {
  if (lastSeenId === null) {
    showPage(await connection.invoke("GetHistory", null, HISTORY_PAGE), false);
  } else {
    for (;;) {
      const page = await connection.invoke("GetHistory", lastSeenId, HISTORY_PAGE);
      showPage(page, true);
      if (page.length < HISTORY_PAGE) break;
    }
  }
  if (liveSince !== null) lastSeenId = newer(lastSeenId, liveSince);
  catchingUp = false;
}

async function sync() {
  await catchUp();
  await refreshOnline();
  outbox.resend();
}

function build() {
  const options = identity.token ? { accessTokenFactory: () => identity.currentToken() } : {};
  const hub = new signalR.HubConnectionBuilder()
    .withUrl(`/hubs/chat?user=${encodeURIComponent(identity.user)}`, options)
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
    const conv = conversation(GENERAL);
    conv.timeline.clear();
    conv.unread = 0;
    showLine("History was cleared.");
    updateSeen();
  });
  hub.on("Notice", (text) => showLine(text, undefined, current.room));

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
      identity.askToken(identity.token ? "That token was not accepted (expired, or for another server). Paste a new one." : "");
      return;
    }
    if (/HubException/.test(String(error && error.message))) showError(hubError(error)); // e.g. a name the server refuses, with its reason
    setTimeout(start, 5000);
  }
}

/** The name is part of the hub URL: reconnect under the new one. */
function rename() {
  const old = connection;
  connection = null;
  if (old) old.stop().finally(start);
  else start();
}

// ---- sending ----

const connected = () => connection && connection.state === signalR.HubConnectionState.Connected;

const outbox = new Outbox({
  invoke: (send) => connection.invoke("SendMessage", send.text, identity.user),
  acked: (send, message) => {
    conversation(send.room).timeline.removePending(send.clientMessageId);
    if (message) showMessage(message, false); // shown at once; lastSeenId waits for its broadcast
  },
  failed: (send, error) => {
    conversation(send.room).timeline.removePending(send.clientMessageId);
    const refusal = lostConnection(error)
      ? "The connection dropped before the server confirmed your message; check whether it arrived before sending it again."
      : hubError(error);
    composer.learnLimit(refusal);
    // The text goes back into the input (before anything typed since), so nothing is lost.
    composer.value = composer.value ? `${send.text}\n${composer.value}` : send.text;
    showError(refusal);
  },
  idempotent: () => false,
});

/** Commands get no "sending…" line: their answer is a notice, or nothing. */
const isCommand = (text) => text.startsWith("/") && !text.startsWith("//");

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = composer.value;
  const tooLong = composer.tooLong(text);
  if (tooLong) {
    showError(tooLong);
    return;
  }
  if (!connected()) {
    showError("Not connected. Your message is kept; send it again once connected.");
    return;
  }
  if (isCommand(text)) {
    try {
      await connection.invoke("SendMessage", text, identity.user);
      if (composer.value === text) composer.value = "";
      showError("");
    } catch (error) {
      showError(hubError(error)); // the text stays in the input, nothing is lost
    }
    return;
  }
  if (!text.trim()) {
    showError("The message is empty. Type some text before sending.");
    return;
  }
  showError("");
  composer.value = "";
  current.timeline.removeMarker(); // the user has caught up by writing
  const send = outbox.submit(current.room, text, true);
  current.timeline.addPending(send, identity.user);
  scroller.toBottom();
  updateSeen();
});

$("text").addEventListener("input", () => showError(""));

identity.begin();
