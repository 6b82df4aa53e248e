// What the user does to messages: answer one, react to it, edit or delete their own (a room's owners and moderators
// delete anyone's), and go to the message a reply answers. The toolbar (actions.js), the emoji palette, the editor in
// place and the delete question meet here; the results come back from the server as MessageUpdated, like everyone
// else's changes.
import { MessageActions } from "./actions.js";
import { ask } from "./confirm.js";
import { Hub } from "./contract.js";
import { Editor } from "./editor.js";
import { Palette } from "./palette.js";

const HIGHLIGHT_MS = 2000;

export class MessageChanges {
  /**
   * @param {{ box: HTMLElement, deleteDialog: HTMLDialogElement, invoke: (method: string, ...args) => Promise<any>,
   *   current: () => object, user: () => string, earlier: import("./earlier.js").Earlier,
   *   replying: import("./replying.js").Replying, composer: import("./composer.js").Composer,
   *   show: (message) => void, failed: (error) => void, sentence: (error) => string, moderates: () => boolean }} parts
   * show puts a message's new state on screen; failed shows why a call was refused; sentence is that reason as text;
   * moderates tells whether the user may delete others' messages in the current conversation.
   */
  constructor({ box, deleteDialog, invoke, current, user, earlier, replying, composer, show, failed, sentence, moderates }) {
    Object.assign(this, { deleteDialog, invoke, current, user, earlier, replying, composer, show, failed });
    this.looking = new Set(); // quoted messages being looked up, as "room id"
    this.palette = new Palette(box);
    this.editor = new Editor({
      save: (message, text) => this.saveEdit(message, text),
      closed: () => composer.focus(),
      error: sentence,
    });
    this.actions = new MessageActions(box, {
      reply: (item) => this.reply(item),
      react: (item) => this.react(item),
      edit: (item) => this.edit(item),
      remove: (item) => this.remove(item),
      toggleReaction: (item, emoji) => this.toggle(Number(item.dataset.id), emoji),
      openQuote: (id) => this.goTo(id),
      busy: () => this.palette.open,
      moderates,
    });
  }

  /** A message's item was drawn again with its newer state: the toolbar, palette and editor follow it. */
  replaced(before, after) {
    this.actions.replaced(before, after);
    this.palette.replaced(before, after);
    this.editor.replaced(before, after);
    if (after.classList.contains("deleted") && this.replying.replyTo === Number(after.dataset.id)) this.replying.cancel();
  }

  /** Another conversation is shown: what was begun in this one ends. */
  leave() {
    this.actions.detach();
    this.palette.close();
    this.editor.close(false);
    this.replying.cancel();
  }

  /** The user changed: nothing looked up for the one before holds. */
  reset() {
    this.leave();
    this.looking.clear();
  }

  messageOf(item) {
    return this.current().timeline.known(Number(item.dataset.id));
  }

  reply(item) {
    const message = this.messageOf(item);
    if (!message) return;
    this.replying.start(message);
    this.actions.detach();
    this.composer.focus();
  }

  react(item) {
    if (this.palette.item === item) {
      this.palette.close();
      return;
    }
    const id = Number(item.dataset.id);
    this.palette.show(item, (emoji) => {
      this.actions.detach(); // done with this message: on a phone the next tap is for something else
      this.toggle(id, emoji);
    });
  }

  /** Adds the user's reaction, or takes it off if it is there. */
  toggle(id, emoji) {
    const conv = this.current();
    const message = conv.timeline.known(id);
    if (!message || message.deleted) return;
    const mine = (message.reactions ?? []).some((reaction) => reaction.emoji === emoji && reaction.users.includes(this.user()));
    this.invoke(mine ? Hub.RemoveReaction : Hub.AddReaction, conv.room, id, emoji).catch(this.failed);
  }

  edit(item) {
    const message = this.messageOf(item);
    if (!message || message.deleted) return;
    this.actions.detach();
    this.editor.start(item, message);
  }

  /** Up arrow in the empty input: edits the user's last message in this conversation; whether there was one. */
  editLast() {
    const { timeline } = this.current();
    const message = timeline.lastBy(this.user());
    const item = message && timeline.itemOf(message.id);
    if (!item) return false;
    this.edit(item);
    return true;
  }

  async saveEdit(message, text) {
    this.show(await this.invoke(Hub.EditMessage, message.room, message.id, text));
  }

  /** Deletes a message (one's own, or anyone's for a moderator), once the user said yes in the page's own question. */
  async remove(item) {
    const message = this.messageOf(item);
    if (!message) return;
    this.actions.detach();
    if (!(await ask(this.deleteDialog))) return;
    if (this.editor.message?.id === message.id) this.editor.close(false);
    if (this.replying.replyTo === message.id) this.replying.cancel();
    this.invoke(Hub.DeleteMessage, message.room, message.id).catch(this.failed);
  }

  /** Scrolls to a message of the current conversation (loading earlier pages until it is there) and highlights it. */
  async goTo(id) {
    const conv = this.current();
    if (!(await this.earlier.reach(conv, id))) {
      if (conv === this.current() && !conv.timeline.has(id)) this.failed(new Error("That message is no longer in the history."));
      return;
    }
    const item = conv.timeline.itemOf(id);
    item.scrollIntoView({ block: "center" });
    item.classList.remove("highlight");
    void item.offsetWidth; // start the highlight again if it is still on
    item.classList.add("highlight");
    setTimeout(() => conv.timeline.itemOf(id)?.classList.remove("highlight"), HIGHLIGHT_MS);
  }

  /** The messages that replies on screen answer but the page has not loaded: asked for one by one, for their quotes. */
  async lookUpQuotes(conv) {
    for (const id of conv.timeline.unknownQuotes()) {
      const key = `${conv.room} ${id}`;
      if (this.looking.has(key)) continue;
      this.looking.add(key);
      try {
        const [found] = await this.invoke(Hub.GetRoomHistoryBefore, conv.room, id + 1, 1);
        if (found && found.id === id) conv.timeline.remember(found);
      } catch {
        this.looking.delete(key); // asked again next time; until then the quote says it answers an earlier message
      }
    }
  }
}
