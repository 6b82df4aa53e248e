// The Chat browser client: conversations (general, rooms, direct), history on load, live messages and changes
// to them (replies, edits, deletes, reactions), mentions, presence, unread counts, notifications, private rooms and
// their moderation, and a reconnect that loses nothing.
import { MessageChanges } from "./js/changes.js";
import { MentionCompletion } from "./js/completion.js";
import { Client, Hub } from "./js/contract.js";
import { Composer } from "./js/composer.js";
import { ChatConnection } from "./js/connection.js";
import { Conversations, GENERAL, isDirect, labelOf } from "./js/conversations.js";
import { MembersPanel, NewRoomDialog, moderates } from "./js/moderation.js";
import { element, nameOf } from "./js/dom.js";
import { Drafts } from "./js/drafts.js";
import { Search } from "./js/search.js";
import { Uploads } from "./js/uploads.js";
import { useFileAddress } from "./js/message-view.js";
import { Earlier, PAGE as HISTORY_PAGE } from "./js/earlier.js";
import { Identity } from "./js/identity.js";
import { mentions } from "./js/mentions.js";
import { excerpt } from "./js/message-view.js";
import { Notifier } from "./js/notifier.js";
import { OnlineUsers } from "./js/online.js";
import { Outbox } from "./js/outbox.js";
import { place } from "./js/place.js";
import { Reading } from "./js/reading.js";
import { Replying } from "./js/replying.js";
import { Scroller } from "./js/scroller.js";
import { TypingIndicator, throttled } from "./js/typing.js";

const $ = (id) => document.getElementById(id);

const newer = (a, b) => (a === null || (b !== null && b > a) ? b : a);
const connected = () => connection.connected;

let placeRestored = false; // the conversation open before a reload is open again (or general), from then on kept
const identity = new Identity({ start, rename, stop: () => connection.stop() });
const drafts = new Drafts(() => identity.user);
const conversations = new Conversations($("rooms"), (room) => open(room), {
  user: () => identity.user,
  replaced: (before, after) => changes.replaced(before, after),
});
let current = conversations.ensure(GENERAL);
const scroller = new Scroller($("scroller"), $("jump"), $("first-unread"), () => {
  reading.update();
  earlier.check();
});
const typing = new TypingIndicator($("typing"));
const earlier = new Earlier({
  current: () => current,
  scroller,
  user: () => identity.user,
  fetch: (room, beforeId, limit) => (connected() ? connection.invoke(Hub.GetRoomHistoryBefore, room, beforeId, limit) : null),
  failed: (error) => connected() && showHubError(error), // a cut connection says so in the header already
  shown: (conv) => changes.lookUpQuotes(conv),
});
const reading = new Reading({
  current: () => current,
  scroller,
  user: () => identity.user,
  markRead: (room, id) => connection.invoke(Hub.MarkRead, room, id),
  changed: showUnread,
});
const sendTyping = throttled(() => {
  if (connected() && !composer.value.startsWith("/")) connection.invoke(Hub.Typing, current.room).catch(() => {});
});
const composer = new Composer({ form: $("composer"), text: $("text"), counter: $("counter") }, { onTyping: sendTyping, onKey: composerKey });
const completion = new MentionCompletion($("text"), $("mention-list"), mentionable);
const replying = new Replying($("replying"), () => composer.focus());
const changes = new MessageChanges({
  box: $("scroller"),
  deleteDialog: $("delete-dialog"),
  invoke: (method, ...args) => connection.invoke(method, ...args),
  current: () => current,
  user: () => identity.user,
  earlier,
  replying,
  composer,
  show: (message) => showMessage(message, false),
  failed: (error) => showHubError(error),
  sentence: (error) => hubError(error),
  moderates: () => moderates(current.role),
});
const newRoom = new NewRoomDialog(
  { dialog: $("room-dialog"), form: $("room-form"), name: $("room-name"), topic: $("room-topic-input"), private: $("room-private"), error: $("room-error"), opener: $("new-room"),
    cancel: $("room-cancel") },
  { create: createRoom, sentence: (error) => hubError(error) },
);
const members = new MembersPanel(
  {
    dialog: $("members-dialog"), title: $("members-title"), roleLine: $("members-role"), close: $("members-close"),
    topicForm: $("topic-form"), topic: $("topic-edit"), inviteForm: $("member-invite-form"), invite: $("member-invite"),
    status: $("members-status"), error: $("members-error"), list: $("members-list"),
  },
  {
    invoke: (method, ...args) => connection.invoke(method, ...args),
    conversation: () => current,
    user: () => identity.user,
    sentence: (error) => hubError(error),
    failed: (error) => showHubError(error),
  },
);
$("members").addEventListener("click", () => members.show($("members")));
const search = new Search(
  { form: $("search-form"), input: $("search"), panel: $("search-results"), title: $("search-title"), list: $("search-list"), close: $("search-close") },
  {
    invoke: (query, limit) => connection.invoke(Hub.SearchMessages, query, null, limit),
    open: (room, id) => openAt(room, id).catch(showHubError),
    sentence: (error) => hubError(error),
  },
);
/** How requests beside the hub say who asks: ?user= with sign-in off, the access token with it on (an image cannot send a header). */
function asking(credentials = identity.credentials()) {
  return credentials.token ? `access_token=${encodeURIComponent(credentials.token)}` : `user=${encodeURIComponent(credentials.user)}`;
}
useFileAddress((file) => `files/${encodeURIComponent(file.id)}/${encodeURIComponent(file.name)}?${asking()}`);
const uploads = new Uploads($("attachments"), {
  room: () => current.room,
  address: async () => {
    const factory = identity.tokenFactory();
    const token = factory ? await factory() : null;
    return token ? { url: "files", headers: { Authorization: `Bearer ${token}` } } : { url: `files?${asking()}`, headers: {} };
  },
  failed: (text) => showError(text),
  changed: () => showError(""),
});
$("attach").addEventListener("click", () => $("file-input").click());
$("file-input").addEventListener("change", () => {
  uploads.add([...$("file-input").files]);
  $("file-input").value = "";
});
// Files dropped anywhere on the conversation, or pasted into the input (a screenshot), are attached too.
const chat = document.querySelector(".chat");
const carriesFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
chat.addEventListener("dragover", (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  chat.classList.add("dropping");
});
chat.addEventListener("dragleave", (event) => {
  if (!chat.contains(event.relatedTarget)) chat.classList.remove("dropping");
});
chat.addEventListener("drop", (event) => {
  chat.classList.remove("dropping");
  if (!carriesFiles(event)) return;
  event.preventDefault();
  uploads.add([...event.dataTransfer.files]);
});
$("text").addEventListener("paste", (event) => {
  const files = [...(event.clipboardData?.files ?? [])];
  if (files.length === 0) return;
  if (!event.clipboardData.getData("text/plain")) event.preventDefault();
  uploads.add(files);
});
const notifier = new Notifier($("notify"), (room) => open(room).catch(showHubError));
fetch("settings.json")
  .then((response) => (response.ok ? response.json() : null))
  .then((settings) => {
    if (!settings) return;
    composer.setLimit(settings.maxMessageLength);
    uploads.maxBytes = settings.maxFileBytes;
  })
  .catch(() => {}); // the default limit until the server says; a refusal names it too

setInterval(() => [...conversations.values()].forEach((conv) => conv.timeline.relabelDays()), 60_000);

// ---- what is on screen ----

function showUnread() {
  conversations.render(current);
  const unread = conversations.totalUnread();
  document.title = unread > 0 ? `(${unread}) Chat` : "Chat";
  const elsewhere = unread - current.unread;
  $("menu-badge").textContent = String(elsewhere);
  $("menu-badge").hidden = elsewhere === 0;
}

/** Opens a conversation: its messages (history loaded the first time), its header, who types there. */
async function open(room) {
  search.hide();
  current = conversations.ensure(room);
  if (placeRestored) place.set(identity.user, room);
  composer.value = drafts.get(room);
  uploads.render();
  scroller.show(current.timeline);
  if (current.placed && current.unread > 0) scroller.toMarker(); // back at the first message that came since
  showRoomHead();
  changes.leave();
  completion.close();
  typing.show(room);
  document.body.classList.remove("drawer-open");
  showError("");
  reading.update();
  if (!current.loaded && connected()) await load(current).catch(showHubError);
  else earlier.check(); // left at its top: older messages now
}

/** The current conversation's header: its name, a lock if it is private, its topic, and what can be done there. */
function showRoomHead() {
  const { room } = current;
  const isRoom = room !== GENERAL && !isDirect(room);
  $("room-title").replaceChildren(nameOf(labelOf(room)));
  $("room-lock").hidden = !current.private;
  $("room-topic").textContent = current.topic ?? "";
  $("room-topic").title = current.topic ?? "";
  $("room-topic").hidden = !current.topic;
  $("leave").hidden = !isRoom;
  $("members").hidden = !isRoom;
}

/** Makes a room from the "New room" dialog (the user its owner) and opens it. */
async function createRoom(room, settings) {
  if (!connected()) throw new Error("Not connected; try again once connected.");
  const summary = await connection.invoke(Hub.CreateRoom, room, settings);
  const conv = conversations.ensure(summary.room);
  conversations.describe(summary);
  conv.lastId = newer(conv.lastId, summary.lastId);
  await open(summary.room);
  composer.focus();
}

/** Opens a conversation at one of its messages (a search result), loading earlier pages until it is there. */
async function openAt(room, id) {
  await open(room);
  await changes.goTo(id);
}

/**
 * The latest page of a conversation, the first time it is opened, and the pages before it down to its first unread
 * message (the server's read marker, as its unread count says); the "new messages" line goes just above that one and
 * the view opens there (at the end, with nothing unread). Older pages come when the user scrolls to the top.
 */
async function load(conv) {
  const page = await connection.invoke(Hub.GetRoomHistory, conv.room, null, HISTORY_PAGE);
  conv.loaded = true;
  page.forEach((message) => showMessage(message, false));
  earlier.loaded(conv, page.length);
  const firstUnread = () => conv.timeline.nthLastFromOthers(conv.unread, identity.user);
  if (conv.unread > 0) await earlier.reachUntil(conv, () => firstUnread() !== null);
  changes.lookUpQuotes(conv);
  const first = firstUnread();
  conv.readUpTo = first ? Number(first.dataset.id) - 1 : conv.timeline.lastId ?? 0;
  if (first) conv.timeline.markUnseenFrom(first);
  conv.placed = true;
  if (conv === current) scroller.toMarker();
  reading.update();
  earlier.check(); // a page too short to scroll: the one before it now
}

/**
 * A message or a change to one, from the connection. A change to a message older than those loaded is kept only for
 * the quotes of replies to it: shown, it would leave a gap above the history loaded so far.
 */
function received(message, fresh, live) {
  const conv = conversations.ensure(message.room || GENERAL);
  if (!fresh && message.version != null && !conv.timeline.has(message.id) && !earlier.covers(conv, message.id)) {
    conv.timeline.remember(message);
    return;
  }
  showMessage(message, fresh, live);
}

/**
 * Shows a message in its conversation once, in its latest state. A new one (live or caught up) by someone else that
 * the user does not see counts as unread (as a mention too, if it mentions the user), and the first of them gets the
 * "new messages" line; a direct message or a mention raises a notification while the tab is hidden.
 */
function showMessage(message, fresh, live = false) {
  const conv = conversations.ensure(message.room || GENERAL);
  conv.lastId = newer(conv.lastId, message.id);
  const before = conv.timeline.known(message.id);
  const item = scroller.keep(() => conv.timeline.merge(message), conv.timeline);
  if (!item) {
    if (before && live) recountMention(conv, before, message);
    return;
  }
  if (message.replyTo != null && !conv.timeline.known(message.replyTo)) changes.lookUpQuotes(conv);
  if (!fresh) return;
  typing.stopped(conv.room, message.user);
  const own = message.user === identity.user;
  const mentioned = !message.deleted && mentions(message, identity.user);
  // Counted unread; the next update counts it down at once if it is on the user's screen.
  if (!own && !message.deleted) {
    if (conv.unread === 0 && !reading.sees(conv, item)) conv.timeline.markUnseenFrom(item);
    conv.unread += 1;
    if (mentioned) conv.mentions += 1;
  }
  if (!own && !message.deleted && (mentioned || (isDirect(conv.room) && conv.room !== `@${identity.user}`))) {
    const title = isDirect(conv.room) ? `${message.user} · direct message` : `${message.user} · ${labelOf(conv.room)}`;
    notifier.notify(conv.room, title, excerpt(message.text, 140));
  }
  reading.update();
}

/** An unread message edited to mention the user, or no longer (edited or deleted): its conversation's mention count follows. */
function recountMention(conv, before, after) {
  const mentioning = (message) => !message.deleted && mentions(message, identity.user);
  const change = Number(mentioning(after)) - Number(mentioning(before));
  const firstUnread = conv.timeline.nthLastFromOthers(conv.unread, identity.user);
  if (change === 0 || !firstUnread || after.id < Number(firstUnread.dataset.id)) return;
  conv.mentions = Math.max(0, conv.mentions + change);
  showUnread();
}

function showLine(textOrName, after, room = GENERAL) {
  const conv = conversations.get(room);
  if (conv) scroller.keep(() => conv.timeline.line(textOrName, after), conv.timeline);
}

/** A room that is no longer the user's (left here or in another tab): gone from the list. */
function forget(room) {
  if (!conversations.get(room) || room === GENERAL) return;
  members.gone(room);
  outbox.drop(room);
  conversations.remove(room);
  if (current.room === room) open(GENERAL);
  else showUnread();
}

// ---- presence, state, errors ----

const online = new OnlineUsers(); // who is online, kept up to date by the presence events

function showOnline() {
  const users = online.sorted();
  $("online").replaceChildren(...users.map((name) => {
    const button = element("button", "person");
    button.type = "button";
    button.title = `Write to ${name}`;
    button.append(nameOf(name));
    button.addEventListener("click", () => open(`@${name}`).catch(showHubError));
    const item = element("li", name === identity.user ? "own" : "");
    item.append(button);
    return item;
  }));
  $("online-count").textContent = String(users.length);
}

function showState(state) {
  $("state").textContent = state;
  $("state").className = `state ${state}`;
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

/** The server's own sentence, without the SignalR client's prefix. */
function hubError(error) {
  const text = String((error && error.message) || error);
  const match = text.match(/HubException: ([\s\S]*)$/);
  return match ? match[1] : text;
}

const showHubError = (error) => showError(hubError(error));

// ---- the connection ----

/** The user's conversations and unread counts, from the server: new ones listed, rooms left elsewhere gone. */
async function refreshRooms() {
  const known = [...conversations.values()]; // a room joined while the answer is on its way is not in it
  const summaries = await connection.invoke(Hub.GetRooms);
  const rooms = new Set(summaries.map((summary) => summary.room));
  for (const conv of known) {
    if (!rooms.has(conv.room) && !isDirect(conv.room) && conversations.get(conv.room) === conv) forget(conv.room);
  }
  for (const summary of summaries) {
    const conv = conversations.ensure(summary.room);
    conversations.describe(summary);
    conv.lastId = newer(conv.lastId, summary.lastId);
    // The count is as of the summary's newest message; messages that came live while it was on its way are
    // shown already and count on top of it (those from others; seen ones are cleared by the next update).
    // A conversation on screen since its first unread message knows better: the server may not have heard of the
    // latest seen yet.
    const upTo = conv.placed ? conv.readUpTo : null;
    conv.unread = upTo !== null ? conv.timeline.unreadAfter(upTo, identity.user)
      : summary.unread + conv.timeline.unreadAfter(summary.lastId ?? 0, identity.user);
    conv.mentions = upTo !== null ? conv.timeline.mentionsAfter(upTo, identity.user)
      : (summary.mentions ?? 0) + conv.timeline.mentionsAfter(summary.lastId ?? 0, identity.user);
  }
  showRoomHead();
  members.changed(current.room);
  return summaries;
}

/**
 * Above the server's broadcast limit, arrivals and departures are told only to those who share a conversation with
 * the user or watch them: the page watches the names it shows (its direct conversations and the online list).
 */
function watchShownNames() {
  const peers = [...conversations.values()].filter((conv) => isDirect(conv.room)).map((conv) => conv.room.slice(1));
  const names = [...new Set([...peers, ...online.users])].slice(0, 500);
  return connection.invoke(Hub.WatchUsers, names).catch(() => {}); // presence is a courtesy: a refusal changes nothing else
}

function cleared(room) {
  const conv = conversations.get(room);
  if (!conv) return;
  conv.timeline.clear();
  earlier.cleared(conv);
  conv.unread = 0;
  conv.mentions = 0;
  showLine(room === GENERAL ? "History was cleared." : `The history of ${labelOf(room)} was cleared.`, undefined, room);
  reading.update();
}

const connection = new ChatConnection(identity, {
  message: received,
  state: showState,
  error: showHubError,
  first: async () => {
    const summaries = await refreshRooms();
    watchShownNames();
    await load(current);
    return summaries.reduce((max, summary) => newer(max, summary.lastId), null);
  },
  caughtUp: async () => {
    await refreshRooms();
    watchShownNames();
    if (!current.loaded) await load(current);
    reading.update();
  },
  listing: () => online.resetting(),
  online: (users, reconnected) => {
    online.reset(users, reconnected);
    showOnline();
  },
  synced: () => outbox.resend(),
  events: {
    [Client.UserJoined]: (name) => {
      if (online.joined(name)) showLine(name, " joined");
      showOnline();
    },
    [Client.UserLeft]: (name) => {
      if (online.left(name)) showLine(name, " left");
      showOnline();
    },
    [Client.HistoryCleared]: () => cleared(GENERAL),
    [Client.RoomCleared]: cleared,
    [Client.Notice]: (text) => showLine(text, undefined, current.room),
    [Client.UserJoinedRoom]: (room, name) => {
      forgetMembers(room);
      members.changed(room, { members: true });
      if (name === identity.user) {
        conversations.ensure(room);
        showUnread();
      }
      showLine(name, ` joined ${labelOf(room)}`, room);
    },
    [Client.UserLeftRoom]: (room, name) => {
      forgetMembers(room);
      members.changed(room, { members: true });
      if (name === identity.user) forget(room);
      else showLine(name, ` left ${labelOf(room)}`, room);
    },
    [Client.RoomRead]: (room, id) => {
      const conv = conversations.get(room);
      if (conv) reading.read(conv, id, identity.user);
    },
    [Client.UserTyping]: (room, name) => typing.typing(room, name),
    // A room's topic, or the user's role in it, changed (its counts are not part of it: the page keeps its own).
    [Client.RoomChanged]: (summary) => {
      const conv = conversations.describe(summary);
      if (!conv) return;
      if (conv === current) showRoomHead();
      showUnread();
      members.changed(conv.room);
    },
  },
});

/** Connects; the first time, back in the conversation the user had open, with its draft. */
function start() {
  if (!placeRestored && identity.user) {
    placeRestored = true;
    // A direct conversation exists on the server from its first message: one with only a draft is listed from here.
    for (const room of drafts.rooms()) if (isDirect(room)) conversations.ensure(room);
    open(place.get(identity.user) ?? current.room);
  }
  return connection.start();
}

/** Conversations belong to the user: a new name starts afresh; what was still on its way stays as the old name's drafts. */
function rename(previous) {
  for (const send of outbox.drop()) drafts.putBack(send.room, send.text, previous);
  changes.reset();
  conversations.clear();
  current = conversations.ensure(GENERAL);
  open(GENERAL);
  return connection.restart();
}

// ---- sending ----

const outbox = new Outbox({
  invoke: (send) => connection.invoke(Hub.Post, send.room, {
    text: send.text, clientMessageId: send.clientMessageId, replyTo: send.replyTo ?? undefined, files: send.files?.map((file) => file.id),
  }),
  acked: (send, message) => {
    conversations.get(send.room)?.timeline.removePending(send.clientMessageId);
    if (message) showMessage(message, false); // shown at once; the last position waits for its broadcast
  },
  failed: (send, error) => {
    const conv = conversations.get(send.room);
    conv?.timeline.removePending(send.clientMessageId);
    const refusal = hubError(error);
    composer.learnLimit(refusal);
    // The text goes back into its conversation's draft (before anything typed since), so nothing is lost; so does the reply.
    restoreDraft(send.room, send.text);
    if (send.files?.length) uploads.putBack(send.room, send.files);
    const answered = send.replyTo != null && conv === current && conv.timeline.known(send.replyTo);
    if (answered && !answered.deleted && replying.replyTo === null) replying.start(answered);
    showError(refusal);
  },
  idempotent: () => true,
});

/** Commands get no "sending…" line: their answer is a notice, or nothing. */
const isCommand = (text) => text.startsWith("/") && !text.startsWith("//");

async function runCommand(text) {
  if (!connected()) {
    showError("Not connected. Your command is kept; run it again once connected.");
    return;
  }
  try {
    await connection.invoke(Hub.SendToRoom, current.room, text, null);
    if (composer.value === text) setDraft("");
    showError("");
  } catch (error) {
    showHubError(error); // the text stays in the input, nothing is lost
  }
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = composer.value;
  if (uploads.busy()) {
    showError("Your files are still uploading; send once they are done (or remove them).");
    return;
  }
  const withFiles = uploads.ready();
  const problem = !text.trim() && !withFiles ? "The message is empty. Type some text or attach a file before sending." : composer.tooLong(text);
  if (problem) {
    showError(problem);
    return;
  }
  if (isCommand(text) && !withFiles) {
    runCommand(text);
    return;
  }
  showError("");
  setDraft("");
  current.timeline.removeMarker(); // the user has caught up by writing
  // Offline, it waits as "sending…" and goes once the connection is back.
  const send = outbox.submit(current.room, withFiles && !text.trim() ? "" : text, connected(), replying.replyTo, withFiles ? uploads.take() : []);
  replying.cancel();
  current.timeline.addPending(send, identity.user);
  scroller.toBottom();
  reading.update();
});

$("text").addEventListener("input", () => {
  showError("");
  drafts.set(current.room, composer.value);
});

/** The input's text, kept as the current conversation's draft. */
function setDraft(text) {
  composer.value = text;
  drafts.set(current.room, text);
}

/** A text that did not go out goes back into its conversation's draft, before what was typed there since. */
function restoreDraft(room, text) {
  drafts.putBack(room, text);
  if (room === current.room) composer.value = drafts.get(room);
}

/** Keys in the input before Enter sends: the mention list's first, Up arrow to edit one's last message, Escape to stop replying. */
function composerKey(event) {
  if (completion.key(event)) return true;
  const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
  if (event.key === "ArrowUp" && plain && composer.value === "" && changes.editLast()) {
    event.preventDefault();
    return true;
  }
  if (event.key === "Escape" && replying.replyTo !== null) {
    replying.cancel();
    return true;
  }
  return false;
}

/** Who can be mentioned in the current conversation: its members, the two people of a direct one, who is online in general. */
async function mentionable() {
  const conv = current;
  if (conv.room === GENERAL) return online.sorted();
  if (isDirect(conv.room)) return [...new Set([conv.room.slice(1), identity.user])];
  conv.members ??= await connection.invoke(Hub.GetRoomMembers, conv.room);
  return conv.members;
}

/** Someone joined or left a room: its members are asked again the next time a name is completed there. */
function forgetMembers(room) {
  const conv = conversations.get(room);
  if (conv) conv.members = null;
}

// ---- rooms: join, leave, the drawer at phone width ----

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("join-name").value.trim();
  const problem = $("join-error");
  try {
    if (!connected()) throw new Error("Not connected; try again once connected.");
    if (name.startsWith("@")) {
      await openDirect(name.slice(1).trim().normalize("NFC"));
      $("join-name").value = "";
      problem.hidden = true;
      return;
    }
    const summary = await connection.invoke(Hub.JoinRoom, name);
    const conv = conversations.ensure(summary.room);
    conversations.describe(summary);
    conv.lastId = newer(conv.lastId, summary.lastId);
    $("join-name").value = "";
    problem.hidden = true;
    await open(summary.room);
    composer.focus();
  } catch (error) {
    problem.textContent = hubError(error);
    problem.hidden = false;
  }
});

/** A direct conversation with anyone, online or not, by name: it starts with the first message sent there. */
async function openDirect(peer) {
  if (!peer) throw new Error("Type a name after @ to write to that person.");
  await open(`@${peer}`);
  composer.focus();
}

$("leave").addEventListener("click", async () => {
  const room = current.room;
  try {
    await connection.invoke(Hub.LeaveRoom, room);
    forget(room);
  } catch (error) {
    showHubError(error);
  }
});

$("menu").addEventListener("click", () => document.body.classList.toggle("drawer-open"));
// The drawer closes when the user taps the dimmed page behind it, or presses Escape.
$("backdrop").addEventListener("click", () => document.body.classList.remove("drawer-open"));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.body.classList.remove("drawer-open");
});

open(GENERAL);
identity.begin();
