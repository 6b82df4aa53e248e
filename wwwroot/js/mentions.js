// Mentions in a text: the server names the users a message mentions (message.mentions); the page finds each
// "@name" of them in the text as the server does (case-insensitively after NFC, the longest name first, an @ that
// starts a word) and marks it, building DOM nodes only.
import { element, linkify } from "./dom.js";

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;

/** Names in the form the server compares them in. */
export const keyOf = (name) => name.normalize("NFC").toLowerCase();

/** Whether a message mentions `user` (by someone else: one's own mention of oneself is no news). */
export function mentions(message, user) {
  if (!user || message.user === user || !message.mentions) return false;
  const key = keyOf(user);
  return message.mentions.some((name) => keyOf(name) === key);
}

/** Where each mention of `names` is in `text`: [{ at, length, name }], in text order. */
export function findMentions(text, names) {
  const keys = [...new Set((names ?? []).map(keyOf))].sort((a, b) => b.length - a.length); // the longest first
  const found = [];
  if (keys.length === 0) return found;
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
    if (at > 0 && LETTER_OR_DIGIT.test(text[at - 1])) continue; // an address, not a mention
    const key = keys.find((candidate) => text.slice(at + 1, at + 1 + candidate.length).toLowerCase() === candidate
      && endsWord(text, at + 1 + candidate.length));
    if (!key) continue;
    found.push({ at, length: key.length + 1, name: names.find((name) => keyOf(name) === key) });
    at += key.length;
  }
  return found;
}

/** A name ends where its word ends: not in the middle of letters and digits, nor before a combining mark. */
function endsWord(text, end) {
  const last = text[end - 1];
  const next = text[end];
  if (next === undefined) return true;
  return !(LETTER_OR_DIGIT.test(last) && LETTER_OR_DIGIT.test(next)) && !MARK.test(next);
}

/**
 * The text as nodes: its mentions of `names` marked (the mention of `user` as theirs), and the rest with its links
 * (dom.js linkify). The text is put in NFC first, as the server reads it.
 */
export function withMentions(text, names, user) {
  if (!names || names.length === 0) return linkify(text);
  const normal = text.normalize("NFC");
  const fragment = document.createDocumentFragment();
  let from = 0;
  for (const { at, length, name } of findMentions(normal, names)) {
    fragment.append(linkify(normal.slice(from, at)));
    const mention = element("span", keyOf(name) === keyOf(user ?? "") ? "mention me" : "mention", normal.slice(at, at + length));
    mention.dir = "auto";
    fragment.append(mention);
    from = at + length;
  }
  fragment.append(linkify(normal.slice(from)));
  return fragment;
}
