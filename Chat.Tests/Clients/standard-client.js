// The npm @microsoft/signalr client as an app would use it: withAutomaticReconnect() with its defaults
// (optionally withStatefulReconnect()), and the hub contract's catch-up after every reconnect.
// Prints one JSON line per event on stdout; the tests read them.
"use strict";
const signalR = require("@microsoft/signalr");

const [server, user, mode] = process.argv.slice(2);
let builder = new signalR.HubConnectionBuilder()
  .withUrl(`${server}/hubs/chat?user=${encodeURIComponent(user)}`)
  .withAutomaticReconnect()
  .configureLogging(signalR.LogLevel.None);
if (mode === "stateful") builder = builder.withStatefulReconnect();
const connection = builder.build();

const emit = (event, fields) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
let lastSeenId = 0;
let resumeFrom = 0; // lastSeenId when the connection dropped: live messages after the reconnect are newer than the gap


function seen(message, via) {
  if (message.id > lastSeenId) lastSeenId = message.id;
  emit("message", { id: message.id, text: message.text, via });
}

async function catchUp() {
  for (let after = resumeFrom; ;) {
    const page = await connection.invoke("GetHistory", after, 100);
    page.forEach((message) => seen(message, "history"));
    if (page.length < 100) return;
    after = page[page.length - 1].id;
  }
}

connection.on("ReceiveMessage", (message) => seen(message, "live"));
connection.onreconnecting((error) => {
  resumeFrom = lastSeenId;
  emit("reconnecting", { error: String(error) });
});
connection.onreconnected(async () => {
  emit("reconnected", {});
  try {
    await catchUp();
    emit("caught-up", { lastSeenId });
  } catch (error) {
    emit("catch-up-failed", { error: String(error) });
  }
});
connection.onclose((error) => {
  emit("closed", { error: String(error) });
  process.exit(0);
});

connection.start().then(
  async () => {
    const latest = await connection.invoke("GetHistory", null, 1);
    if (latest.length > 0) lastSeenId = latest[0].id;
    emit("connected", { lastSeenId });
  },
  (error) => {
    emit("failed", { error: String(error) });
    process.exit(1);
  });
