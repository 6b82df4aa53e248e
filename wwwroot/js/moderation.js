// Private rooms, roles and moderation on the page: the "New room" dialog, and the members of the current room with
// what its owners and moderators may do to them (invite, mute, kick, ban, roles, the topic). Built with DOM APIs and
// textContent only; every refusal is the server's own sentence.
import { Hub } from "./contract.js";
import { element, nameOf } from "./dom.js";

/** Whether a role may moderate (invite, delete others' messages, mute, kick, ban). */
export const moderates = (role) => role === "owner" || role === "moderator";

const RANK = { owner: 3, moderator: 2, member: 1 };

/** How long a mute or ban lasts: minutes, or null until lifted. */
const DURATIONS = [
  { label: "10 minutes", minutes: 10 },
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 1440 },
  { label: "until lifted", minutes: null },
];

const ROLE_NAMES = { owner: "owner", moderator: "moderator", member: "member" };

/** The "New room" dialog: a name, an optional topic, public or private; the room is created and opened. */
export class NewRoomDialog {
  /**
   * @param {{ dialog: HTMLDialogElement, form: HTMLFormElement, name: HTMLInputElement, topic: HTMLInputElement,
   *   private: HTMLInputElement, error: HTMLElement, opener: HTMLElement, cancel: HTMLElement }} parts
   * @param {{ create: (room: string, settings: { private: boolean, topic: string|null }) => Promise<void>,
   *   sentence: (error) => string }} handlers create makes the room and opens it
   */
  constructor(parts, handlers) {
    Object.assign(this, parts);
    this.handlers = handlers;
    this.opener.addEventListener("click", () => this.show());
    this.cancel.addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  show() {
    this.form.reset();
    this.error.hidden = true;
    this.dialog.showModal();
    this.name.focus();
  }

  async submit() {
    const room = this.name.value.trim().replace(/^#/, "");
    if (!room) {
      this.fail("Type a name for the room.");
      return;
    }
    const topic = this.topic.value.trim();
    try {
      await this.handlers.create(room, { private: this.private.checked, topic: topic || null });
      this.dialog.close();
    } catch (error) {
      this.fail(this.handlers.sentence(error));
    }
  }

  fail(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }
}

/**
 * The members of the current room, in a dialog: everyone sees who is in it; owners and moderators invite, and mute, kick
 * or ban those below them; owners change roles and the topic. Others' roles are shown where the moderation log tells them.
 */
export class MembersPanel {
  /**
   * @param {Record<string, HTMLElement>} parts dialog, title, role, close, topicForm, topic, inviteForm, invite, status, error, list
   * @param {{ invoke: (method: string, ...args) => Promise<any>, conversation: () => object, user: () => string,
   *   sentence: (error) => string, failed: (error) => void }} handlers conversation: the current one (room, role, topic,
   *   private); failed also shows a refusal in the page's refusal area
   */
  constructor(parts, handlers) {
    Object.assign(this, parts);
    this.handlers = handlers;
    this.room = null;
    this.roles = new Map(); // others' roles as the moderation log tells them
    this.expanded = null; // the member whose actions are open
    this.close.addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => {
      this.room = null;
      this.opener?.focus();
    });
    this.topicForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const topic = this.topic.value.trim();
      this.act(() => this.handlers.invoke(Hub.SetRoomTopic, this.room, topic || null), topic ? "The topic was changed." : "The topic was cleared.");
    });
    this.inviteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = this.invite.value.trim().replace(/^@/, "");
      if (!name) return;
      this.act(async () => {
        await this.handlers.invoke(Hub.InviteToRoom, this.room, name);
        this.invite.value = "";
      }, `${name} is invited: they can join #${this.room} now.`);
    });
  }

  get isOpen() {
    return this.dialog.open && this.room !== null;
  }

  /** Opens the dialog for the current room. */
  async show(opener) {
    this.opener = opener;
    const conv = this.handlers.conversation();
    this.room = conv.room;
    this.members = null;
    this.roles = new Map();
    this.expanded = null;
    this.say("");
    this.topic.value = conv.topic ?? "";
    this.render();
    this.dialog.showModal();
    await this.reload();
  }

  /** Something about the room changed (its topic, the user's role, who is in it): shown again if open. */
  changed(room, { members = false } = {}) {
    if (!this.isOpen || room !== this.room) return;
    const conv = this.handlers.conversation();
    if (document.activeElement !== this.topic) this.topic.value = conv.topic ?? "";
    // A new role may read the log (others' roles) or no longer: asked again, as when someone joins or leaves.
    if (members || moderates(this.role()) !== this.moderating) this.reload();
    else this.render();
  }

  /** The room is no longer the user's (kicked, banned, left): the dialog closes. */
  gone(room) {
    if (this.isOpen && room === this.room) this.dialog.close();
  }

  async reload() {
    const room = this.room;
    try {
      const [members, roles] = await Promise.all([
        this.handlers.invoke(Hub.GetRoomMembers, room),
        moderates(this.role()) ? this.readRoles(room) : Promise.resolve(new Map()),
      ]);
      if (room !== this.room) return;
      this.members = members;
      this.roles = roles;
      this.render();
    } catch (error) {
      if (room === this.room) this.fail(error);
    }
  }

  /** Others' roles from the newest 100 acts of the log: the latest role act of each, unless a kick or ban came after it. */
  async readRoles(room) {
    const roles = new Map();
    try {
      const entries = await this.handlers.invoke(Hub.GetModerationLog, room, null, 100);
      const seen = new Set();
      for (const entry of entries) {
        if (!entry.target || seen.has(entry.target)) continue;
        if (entry.action === "role") {
          roles.set(entry.target, entry.role);
          seen.add(entry.target);
        } else if (entry.action === "kick" || entry.action === "ban") {
          seen.add(entry.target);
        }
      }
    } catch {
      // roles are a courtesy: the list stands without them
    }
    return roles;
  }

  role() {
    return this.handlers.conversation().role ?? "member";
  }

  roleOf(name) {
    if (name === this.handlers.user()) return this.role();
    return this.roles.get(name) ?? null;
  }

  render() {
    const conv = this.handlers.conversation();
    const role = this.role();
    const mod = moderates(role);
    this.moderating = mod;
    this.title.replaceChildren(`Members of ${conv.private ? "🔒 " : ""}#`, conv.room);
    this.roleLine.textContent = mod
      ? `You are ${role === "owner" ? "an owner" : "a moderator"} of this room.`
      : "Only the room's owners and moderators can invite, mute, kick or ban.";
    this.topicForm.hidden = role !== "owner";
    this.inviteForm.hidden = !mod;
    if (this.members === null) {
      this.list.replaceChildren(element("li", "muted", "Loading the members…"));
      return;
    }
    this.list.replaceChildren(...this.members.map((name) => this.memberItem(name, role)));
  }

  memberItem(name, role) {
    const me = name === this.handlers.user();
    const item = element("li", "member");
    item.dataset.user = name;
    const row = element("div", "member-row");
    const who = element("span", "member-name");
    who.append(nameOf(name));
    if (me) who.append(element("span", "muted", " (you)"));
    row.append(who);
    const theirs = this.roleOf(name);
    if (theirs && theirs !== "member") row.append(element("span", `role-badge ${theirs}`, ROLE_NAMES[theirs]));
    // Acts only on those below the user's role: an owner on moderators and members, a moderator on members (as far as known).
    const below = !me && moderates(role) && (RANK[theirs ?? "member"] < RANK[role] || role === "owner");
    if (below) {
      const manage = element("button", "secondary manage", "Manage");
      manage.type = "button";
      manage.setAttribute("aria-expanded", String(this.expanded === name));
      manage.setAttribute("aria-label", `Manage ${name}`);
      manage.addEventListener("click", () => {
        this.expanded = this.expanded === name ? null : name;
        this.render();
        this.list.querySelector(`li[data-user="${CSS.escape(name)}"] .manage`)?.focus();
      });
      row.append(manage);
    }
    item.append(row);
    if (below && this.expanded === name) item.append(this.actionsFor(name, role));
    return item;
  }

  /** What the user may do to one member: mute and ban for a while, kick, and (owners) set the role. */
  actionsFor(name, role) {
    const box = element("div", "member-actions");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `Actions for ${name}`);
    const button = (label, className, run, done) => {
      const node = element("button", className, label);
      node.type = "button";
      node.addEventListener("click", () => this.act(run, done));
      return node;
    };
    const durationLabel = element("label", "duration", "For ");
    const duration = element("select");
    durationLabel.append(duration);
    for (const [index, { label }] of DURATIONS.entries()) {
      const option = element("option", "", label);
      option.value = String(index);
      duration.append(option);
    }
    const minutes = () => DURATIONS[Number(duration.value)].minutes;
    const until = () => (minutes() === null ? "until lifted" : `for ${DURATIONS[Number(duration.value)].label}`);
    const timed = element("div", "action-row");
    timed.append(
      durationLabel,
      button("Mute", "secondary", () => this.handlers.invoke(Hub.MuteInRoom, this.room, name, minutes()), () => `${name} is muted ${until()}.`),
      button("Ban", "danger", () => this.handlers.invoke(Hub.BanFromRoom, this.room, name, minutes()), () => `${name} is banned ${until()}.`),
    );
    const other = element("div", "action-row");
    other.append(
      button("Unmute", "secondary", () => this.handlers.invoke(Hub.MuteInRoom, this.room, name, 0), `${name} can post again.`),
      button("Kick", "danger", () => this.handlers.invoke(Hub.KickFromRoom, this.room, name), `${name} was removed from #${this.room}.`),
    );
    box.append(timed, other);
    if (role === "owner") {
      const roles = element("div", "action-row");
      const current = this.roleOf(name) ?? "member"; // who joined has no role act in the log: a member
      for (const target of ["member", "moderator", "owner"]) {
        if (target === current) continue;
        roles.append(button(`Make ${target}`, "secondary", async () => {
          await this.handlers.invoke(Hub.SetRoomRole, this.room, name, target);
          this.roles.set(name, target);
        }, `${name} is now ${target === "owner" ? "an owner" : `a ${target}`}.`));
      }
      box.append(roles);
    }
    return box;
  }

  /** Runs one act; says what it did, or the server's refusal (here and in the page's refusal area). */
  async act(run, done) {
    this.say("");
    try {
      await run();
      this.say(typeof done === "function" ? done() : done);
      this.render();
    } catch (error) {
      this.fail(error);
    }
  }

  say(text) {
    this.status.textContent = text;
    this.error.hidden = true;
  }

  fail(error) {
    this.status.textContent = "";
    this.error.textContent = this.handlers.sentence(error);
    this.error.hidden = false;
    this.handlers.failed(error);
  }
}
