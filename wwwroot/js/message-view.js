// How one message reads: its author and time, a one-line quote of the message it answers, its formatted text with
// mentions and links, "(edited)" or "message deleted", and its reactions as chips. A screen reader hears
// "alice, 09:46: the text" (separators only it reads); a message that continues its author's run shows no head.
import { dayOf, element, nameOf, timeOf } from "./dom.js";
import { format, plainText } from "./format.js";
import { mentions, withMentions } from "./mentions.js";
import { sizeOf } from "./uploads.js";

const EXCERPT_LENGTH = 80;

/** The start of a text on one line, as it reads (no formatting marks): runs of spaces and line breaks as one space, cut with "…". */
export function excerpt(text, length = EXCERPT_LENGTH) {
  const line = plainText(text).replace(/\s+/gu, " ").trim();
  const characters = [...line]; // never cut an emoji in half
  return characters.length > length ? `${characters.slice(0, length - 1).join("")}…` : line;
}

/** An edit time for a tooltip, as the reader's clock shows it. */
const editedTitle = (iso) => `Edited ${new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}`;

/**
 * The item of a message as `user` reads it. `quoted` is the message it answers, when the page knows it.
 * @returns {HTMLLIElement}
 */
export function messageItem(message, user, quoted) {
  const own = message.user === user;
  const item = element("li", "message");
  item.classList.toggle("own", own);
  item.classList.toggle("deleted", Boolean(message.deleted));
  item.classList.toggle("mentions-me", !message.deleted && mentions(message, user));
  item.dataset.id = String(message.id);
  item.dataset.day = dayOf(message.sentAt);
  item.dataset.user = message.user;
  item.dataset.time = String(Date.parse(message.sentAt));
  const head = headOf(message.user, message.sentAt);
  if (message.bot) {
    // A bot's message (the server API, a webhook): marked next to its name, as chat apps do.
    const badge = element("span", "bot-badge", "BOT");
    badge.title = "Posted by a bot";
    head.firstChild.after(" ", badge);
  }
  item.append(avatarOf(message.user), head);
  if (message.replyTo !== undefined && message.replyTo !== null && !message.deleted) item.append(quoteOf(message.replyTo, quoted));
  item.append(textOf(message, user));
  if (message.editedAt && !message.deleted) {
    const edited = element("span", "edited", "(edited)");
    edited.title = editedTitle(message.editedAt);
    item.append(" ", edited);
  }
  if (message.files?.length && !message.deleted) item.append(filesOf(message.files));
  if (message.reactions?.length && !message.deleted) item.append(reactionsOf(message.reactions, user));
  return item;
}

let fileAddress = (file) => `files/${encodeURIComponent(file.id)}/${encodeURIComponent(file.name)}`;

/** Where the page fetches a file from (with who asks: the server serves files only to their conversation's readers). */
export function useFileAddress(address) {
  fileAddress = address;
}

const IMAGE_WIDTH = 360;
const IMAGE_HEIGHT = 240;

/**
 * A message's files: an image (its dimensions read by the server from its header) inline, scaled to at most 360 × 240,
 * its box the size it will have before it loads (so nothing moves), loaded lazily, full size in a new tab on click;
 * any other file as a chip with its name and size.
 */
function filesOf(files) {
  const box = element("div", "files");
  for (const file of files) {
    const url = fileAddress(file);
    if (file.width > 0 && file.height > 0) {
      const link = element("a", "image");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener";
      link.title = `${file.name} (${file.width} × ${file.height}, ${sizeOf(file.size)})`;
      const image = element("img");
      const scale = Math.min(1, IMAGE_WIDTH / file.width, IMAGE_HEIGHT / file.height);
      image.style.width = `${Math.max(1, Math.round(file.width * scale))}px`;
      image.style.height = `${Math.max(1, Math.round(file.height * scale))}px`;
      image.alt = file.name;
      image.loading = "lazy";
      image.decoding = "async";
      image.src = url;
      link.append(image);
      box.append(link);
    } else {
      const chip = element("a", "file-chip");
      chip.href = url;
      chip.download = file.name;
      chip.append(element("span", "file-icon", "📄"), element("span", "file-name", file.name), element("span", "file-size", sizeOf(file.size)));
      chip.setAttribute("aria-label", `${file.name}, ${sizeOf(file.size)}, download`);
      box.append(chip);
    }
  }
  return box;
}

/** Who wrote it and when, read as "alice, 09:46: " (the punctuation for screen readers only). */
export function headOf(name, sentAt) {
  const head = element("span", "head");
  head.append(nameOf(name, "user"), element("span", "visually-hidden", ", "), timeOf(sentAt), element("span", "visually-hidden", ": "));
  return head;
}

/** The author's initial in a coloured disc, the same colour for the same name everywhere; only to look at. */
function avatarOf(name) {
  const avatar = element("span", "avatar", [...name][0]?.toUpperCase() ?? "?");
  avatar.setAttribute("aria-hidden", "true");
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) % 360;
  avatar.style.setProperty("--hue", String(hash));
  return avatar;
}

/** The text, formatted, with its mentions and links marked; or, for a deleted message, "message deleted". */
export function textOf(message, user) {
  const text = element("bdi", "text");
  if (message.deleted) text.append(element("span", "gone", "message deleted"));
  else text.append(format(message.text, (plain) => withMentions(plain, message.mentions, user)));
  return text;
}

/** The one-line quote of the message a reply answers; a click on it goes there. */
export function quoteOf(replyTo, quoted) {
  const quote = element("button", "quote");
  quote.type = "button";
  quote.dataset.replyTo = String(replyTo);
  fillQuote(quote, quoted);
  return quote;
}

/** What a quote says: the author and the start of the text, "message deleted", or (not known yet) that it answers one. */
export function fillQuote(quote, quoted) {
  const parts = !quoted ? ["a reply to an earlier message"]
    : quoted.deleted ? [nameOf(quoted.user, "user"), ": ", element("span", "gone", "message deleted")]
    : [nameOf(quoted.user, "user"), ": ", element("span", "excerpt", excerpt(quoted.text))];
  quote.replaceChildren(element("span", "arrow", "↪"), ...parts);
  quote.title = quoted ? "Show the message this answers" : "Show the message this answers (loads earlier messages)";
}

/** The reactions as chips: emoji and count, pressed when one of them is the reader's, who reacted in the tooltip. */
function reactionsOf(reactions, user) {
  const chips = element("div", "reactions");
  for (const { emoji, users } of reactions) {
    const chip = element("button", "reaction");
    chip.type = "button";
    chip.dataset.emoji = emoji;
    chip.setAttribute("aria-pressed", String(users.includes(user)));
    chip.title = `${users.join(", ")} reacted with ${emoji}`;
    chip.append(element("span", "emoji", emoji), element("span", "count", String(users.length)));
    chips.append(chip);
  }
  return chips;
}
