// Files on their way into a message (SPEC section 14): chosen with the attach button, dropped on the conversation or
// pasted, each uploaded at once (POST /files, with its progress), shown as a chip above the input until the message
// that carries them is sent. Each conversation has its own; they live as long as the page (an upload never attached is
// removed by the server after a day).
import { element } from "./dom.js";

/** At most this many files go with one message (the server's limit). */
export const MAX_FILES = 10;

/** "2.4 MB", "830 KB", "12 bytes". */
export function sizeOf(bytes) {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "25 MiB", as the server names its limit. */
const mebibytes = (bytes) => (bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : sizeOf(bytes));

export class Uploads {
  /**
   * @param {HTMLUListElement} list where the current conversation's files show
   * @param {{ room: () => string, address: () => Promise<{ url: string, headers: object }>, failed: (text: string) => void,
   *   changed: () => void }} handlers address is where to POST (the hub's sign-in: ?user= or a Bearer token)
   */
  constructor(list, handlers) {
    this.list = list;
    this.handlers = handlers;
    this.all = new Map(); // room → [{ file, name, size, loaded, done: object|null, error, request }]
    this.maxBytes = null; // the server's Chat:Files:MaxBytes, once settings.json says (the server refuses past it anyway)
  }

  of(room = this.handlers.room()) {
    return this.all.get(room) ?? [];
  }

  /** Whether the conversation has files and all of them are uploaded (its message may go). */
  ready(room = this.handlers.room()) {
    const pending = this.of(room);
    return pending.length > 0 && pending.every((upload) => upload.done);
  }

  busy(room = this.handlers.room()) {
    return this.of(room).some((upload) => !upload.done);
  }

  /** Uploads each file (at most MAX_FILES per conversation), for the current conversation. */
  add(files) {
    const room = this.handlers.room();
    const pending = [...this.of(room)];
    for (const file of files) {
      if (pending.length >= MAX_FILES) {
        this.handlers.failed(`A message can carry at most ${MAX_FILES} files; send these, then the others.`);
        break;
      }
      if (this.maxBytes !== null && file.size > this.maxBytes) {
        this.handlers.failed(`${file.name} is ${sizeOf(file.size)}; a file may be at most ${mebibytes(this.maxBytes)}.`);
        continue;
      }
      const upload = { file, name: file.name || "pasted image", size: file.size, loaded: 0, done: null, request: null };
      pending.push(upload);
      this.start(upload, room);
    }
    this.all.set(room, pending);
    this.render();
  }

  async start(upload, room) {
    const { url, headers } = await this.handlers.address();
    const request = new XMLHttpRequest(); // fetch tells nothing of an upload's progress
    upload.request = request;
    request.open("POST", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.setRequestHeader("Content-Type", upload.file.type || "application/octet-stream");
    request.setRequestHeader("X-File-Name", encodeURIComponent(upload.name));
    request.upload.addEventListener("progress", (event) => {
      upload.loaded = event.loaded;
      this.renderProgress(upload);
    });
    request.addEventListener("load", () => {
      if (request.status === 201) {
        upload.done = JSON.parse(request.responseText);
        this.render();
        this.handlers.changed();
      } else {
        this.drop(room, upload);
        this.handlers.failed(`${upload.name}: ${problemOf(request)}`);
      }
    });
    request.addEventListener("error", () => {
      if (upload.request !== request) return; // taken off meanwhile
      this.drop(room, upload);
      this.handlers.failed(`${upload.name} could not be uploaded (the connection failed); attach it again.`);
    });
    request.send(upload.file);
  }

  /** Takes a file off (stopping its upload). */
  drop(room, upload) {
    const request = upload.request;
    upload.request = null;
    if (!upload.done && request) request.abort();
    this.all.set(room, this.of(room).filter((other) => other !== upload));
    this.render();
    this.handlers.changed();
  }

  /** The uploaded files of the current conversation, taken for its message (the chips go). */
  take(room = this.handlers.room()) {
    const files = this.of(room).map((upload) => upload.done);
    this.all.delete(room);
    this.render();
    return files;
  }

  /** Files of a send that was refused: back as chips, to send again. */
  putBack(room, files) {
    const back = files.map((done) => ({ file: null, name: done.name, size: done.size, loaded: done.size, done, request: null }));
    this.all.set(room, [...back, ...this.of(room)].slice(0, MAX_FILES));
    if (room === this.handlers.room()) this.render();
  }

  render() {
    const pending = this.of();
    this.list.replaceChildren(...pending.map((upload) => this.chip(upload)));
    this.list.hidden = pending.length === 0;
  }

  chip(upload) {
    const item = element("li", upload.done ? "attachment" : "attachment uploading");
    item.append(element("span", "file-name", upload.name), " ", element("span", "file-size", sizeOf(upload.size)));
    if (!upload.done) {
      const progress = element("progress");
      progress.max = Math.max(upload.size, 1);
      progress.value = upload.loaded;
      progress.setAttribute("aria-label", `Uploading ${upload.name}`);
      item.append(progress);
    }
    const remove = element("button", "remove", "✕");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove ${upload.name}`);
    remove.addEventListener("click", () => this.drop(this.handlers.room(), upload));
    item.append(remove);
    upload.item = item;
    return item;
  }

  renderProgress(upload) {
    const progress = upload.item?.querySelector("progress");
    if (progress) progress.value = upload.loaded;
  }
}

/** What the server said of a refused upload (problem details' detail), or its status. */
function problemOf(request) {
  try {
    const problem = JSON.parse(request.responseText);
    if (problem.detail) return problem.detail;
  } catch {
    // not JSON: say what the status says
  }
  return request.status === 413 ? "the file is too large." : `the upload was refused (${request.status}).`;
}
