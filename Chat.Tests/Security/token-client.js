// The npm @microsoft/signalr client as an app with sign-in uses it: withAutomaticReconnect() with its
// defaults and an accessTokenFactory that reads the current token each time (here from a file the test
// rewrites). Prints one JSON line per event; after every (re)connect it sends a message to prove the token works.
"use strict";
const fs = require("fs");
const signalR = require("@microsoft/signalr");

const [server, tokenFile] = process.argv.slice(2);
const emit = (event, fields) => process.stdout.write(JSON.stringify({ event, at: Date.now(), ...fields }) + "\n");
const connection = new signalR.HubConnectionBuilder()
  .withUrl(`${server}/hubs/chat`, { accessTokenFactory: () => fs.readFileSync(tokenFile, "utf8").trim() })
  .withAutomaticReconnect()
  .configureLogging(signalR.LogLevel.None)
  .build();

async function send(text) {
  try {
    const ack = await connection.invoke("SendMessage", text, "alice");
    emit("acked", { id: ack.id, text });
  } catch (error) {
    emit("send-failed", { error: String(error) });
  }
}

connection.onreconnecting((error) => emit("reconnecting", { error: String(error) }));
connection.onreconnected(() => {
  emit("reconnected", {});
  send("after reconnect");
});
connection.onclose((error) => {
  emit("closed", { error: String(error) });
  process.exit(0);
});
connection.start().then(
  () => {
    emit("connected", {});
    send("first");
  },
  (error) => {
    emit("failed", { error: String(error) });
    process.exit(1);
  });
