// One healthy receiver as an app with the npm client would run it: withAutomaticReconnect(), and
// withStatefulReconnect() when asked ("stateful"). It reads every message and prints "connected".
"use strict";
const signalR = require("@microsoft/signalr");

const [server, user, mode] = process.argv.slice(2);
let builder = new signalR.HubConnectionBuilder()
  .withUrl(`${server}/hubs/chat?user=${encodeURIComponent(user)}`)
  .withAutomaticReconnect()
  .configureLogging(signalR.LogLevel.None);
if (mode === "stateful") builder = builder.withStatefulReconnect();
const connection = builder.build();
let received = 0;
connection.on("ReceiveMessage", () => { received++; });
connection.start().then(
  () => console.log("connected"),
  (error) => { console.log(`failed ${error}`); process.exit(1); });
process.stdin.on("end", () => { console.log(`received ${received}`); process.exit(0); });
process.stdin.resume();
