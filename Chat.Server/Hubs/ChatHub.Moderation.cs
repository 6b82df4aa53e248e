using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Rules;

namespace Chat.Server.Hubs;

/// <summary>
/// The hub's private rooms, roles and moderation (SPEC section 15). Every act is decided by the store against the room as stored,
/// inside its transaction (<see cref="ModerationRules"/>), kept in the room's moderation log, and made to hold on every node by
/// <see cref="Memberships.ModerateAsync"/>; then the people it concerns hear of it.
/// </summary>
internal sealed partial class ChatHub
{
    /// <summary>The most minutes a ban or a mute may last (a year); longer ones are until lifted (null).</summary>
    public const int MaxSanctionMinutes = 525_600;

    /// <summary>The most entries one <see cref="GetModerationLog"/> returns.</summary>
    public const int MaxModerationLogLimit = 100;

    /// <summary>Creates a new room with the caller as its owner and only member.</summary>
    public async Task<RoomSummary> CreateRoom(string? room, RoomSettings? settings)
    {
        var user = Named();
        var key = NamedRoom(room, "created");
        var topic = RoomTopics.Normalize(settings?.Topic);
        var outcome = await memberships.JoinAsync(user, key, ConnectionUser.IsAdmin(Context), new RoomSettings(settings?.Private == true, topic));
        ThrowUnlessJoined(outcome, key);
        dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserJoinedRoom), key, user);
        return await SummaryAsync(user, key);
    }

    /// <summary>Lets <paramref name="user"/> join the room (a private room needs it); they hear of it.</summary>
    public async Task InviteToRoom(string? room, string? user)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "invited to"), UserNames.Normalize(user));
        await ActAsync(new ModerationAct(ModerationAction.Invite, key, actor, ConnectionUser.IsAdmin(Context), Now(), target));
        dispatcher.Send(Audience.User(target), nameof(IChatClient.Notice), $"{actor} invited you to #{key}; join it to take part.");
    }

    /// <summary>An owner gives a member a role; the member's connections hear their new role.</summary>
    public async Task SetRoomRole(string? room, string? user, string? role)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "given roles"), UserNames.Normalize(user));
        if (role is not (RoomRoles.Owner or RoomRoles.Moderator or RoomRoles.Member))
        {
            throw new InputRejectedException("invalid_role", $"\"{role}\" is not a role; give one of owner, moderator or member.");
        }

        await ActAsync(new ModerationAct(ModerationAction.Role, key, actor, ConnectionUser.IsAdmin(Context), Now(), target, Role: role));
        await TellChangedAsync(key, [target]);
    }

    /// <summary>An owner sets the room's topic; its members hear of it.</summary>
    public async Task SetRoomTopic(string? room, string? topic)
    {
        var (actor, key) = (Named(), NamedRoom(room, "given a topic"));
        await ActAsync(new ModerationAct(ModerationAction.Topic, key, actor, ConnectionUser.IsAdmin(Context), Now(), Topic: RoomTopics.Normalize(topic)));
        await TellChangedAsync(key, await store.MembersAsync(key, Context.ConnectionAborted));
    }

    /// <summary>Takes a member out of the room: their connections leave it at once on every node.</summary>
    public async Task KickFromRoom(string? room, string? user)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "kicked from"), UserNames.Normalize(user));
        await ActAsync(new ModerationAct(ModerationAction.Kick, key, actor, ConnectionUser.IsAdmin(Context), Now(), target));
        TellRemoved(key, target, $"{actor} removed you from #{key}.");
    }

    /// <summary>Takes a user out of the room and keeps them out for <paramref name="minutes"/> (null: until lifted).</summary>
    public async Task BanFromRoom(string? room, string? user, int? minutes)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "banned from"), UserNames.Normalize(user));
        var now = Now();
        var until = Until(now, minutes, "ban", allowZero: false);
        await ActAsync(new ModerationAct(ModerationAction.Ban, key, actor, ConnectionUser.IsAdmin(Context), now, target, until));
        TellRemoved(key, target, $"{actor} banned you from #{key} {Ending(until)}.");
    }

    /// <summary>Lifts a ban.</summary>
    public async Task UnbanFromRoom(string? room, string? user)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "unbanned from"), UserNames.Normalize(user));
        await ActAsync(new ModerationAct(ModerationAction.Unban, key, actor, ConnectionUser.IsAdmin(Context), Now(), target));
    }

    /// <summary>Keeps a user from posting, editing and reacting in the room for <paramref name="minutes"/> (null: until lifted; 0: lifts it).</summary>
    public async Task MuteInRoom(string? room, string? user, int? minutes)
    {
        var (actor, key, target) = (Named(), NamedRoom(room, "muted in"), UserNames.Normalize(user));
        var now = Now();
        var until = Until(now, minutes, "mute", allowZero: true);
        await ActAsync(new ModerationAct(ModerationAction.Mute, key, actor, ConnectionUser.IsAdmin(Context), now, target, until));
        dispatcher.Send(
            Audience.User(target),
            nameof(IChatClient.Notice),
            until <= now ? $"{actor} lifted your mute in #{key}." : $"{actor} muted you in #{key} {Ending(until)}: you cannot post, edit or react there until then.");
    }

    /// <summary>The room's moderation acts before <paramref name="beforeId"/>, newest first: for its owners and moderators.</summary>
    public async Task<ModerationEntry[]> GetModerationLog(string? room, long? beforeId, int limit)
    {
        var (user, key) = (Named(), NamedRoom(room, "moderated"));
        if (limit is < 1 or > MaxModerationLogLimit)
        {
            throw new InputRejectedException("invalid_limit", $"The moderation log limit {limit} is out of range; ask for 1 to {MaxModerationLogLimit} entries.");
        }

        var rules = await roomRules.GetAsync(key, Context.ConnectionAborted);
        if (ModerationRules.Rank(rules.RoleOf(user), ConnectionUser.IsAdmin(Context)) < 1)
        {
            throw new InputRejectedException("not_moderator", $"Only the owners and moderators of #{key} can read its moderation log.");
        }

        return await store.ModerationLogAsync(key, beforeId, limit, Context.ConnectionAborted);
    }

    /// <summary>A room's name for an act on it: never <c>general</c> (it has no roles) nor a direct conversation.</summary>
    private static string NamedRoom(string? room, string done)
    {
        if (room is ['@', ..])
        {
            throw new InputRejectedException("direct_moderation", $"Direct conversations have no roles or moderation; only rooms are {done}.");
        }

        var key = RoomNames.Room(room);
        return key == Conversation.General
            ? throw new InputRejectedException("general_moderation", $"#general is everyone's: it has no owners, topic or invites. Only other rooms are {done}.")
            : key;
    }

    /// <summary>When a ban or mute of <paramref name="minutes"/> from <paramref name="now"/> ends: <see cref="ModerationRules.Forever"/> for null.</summary>
    private static DateTime Until(DateTime now, int? minutes, string what, bool allowZero) => minutes switch
    {
        null => ModerationRules.Forever,
        0 when allowZero => now,
        < 1 or > MaxSanctionMinutes => throw new InputRejectedException(
            "invalid_minutes",
            $"A {what} lasts 1 to {MaxSanctionMinutes} minutes (a year), or null for until lifted{(allowZero ? "; 0 lifts it" : "")}; {minutes} is out of range."),
        { } some => now.AddMinutes(some),
    };

    private static string Ending(DateTime until) => until >= ModerationRules.Forever ? "until it is lifted" : $"until {until:yyyy-MM-dd HH:mm} UTC";

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    /// <summary>Does <paramref name="act"/>; throws the rule it broke. An act that changes nothing is no error.</summary>
    private async Task ActAsync(ModerationAct act)
    {
        var result = await memberships.ModerateAsync(act);
        var (room, target) = ("#" + act.Room, act.Target);
        var verb = act.Action switch
        {
            ModerationAction.Invite => "invite",
            ModerationAction.Kick => "kick",
            ModerationAction.Ban => "ban",
            ModerationAction.Unban => "unban",
            ModerationAction.Mute => "mute",
            ModerationAction.Role => "give roles",
            _ => "set the topic",
        };
        switch (result.Outcome)
        {
            case ModerationOutcome.NoRoom:
                throw new InputRejectedException("no_room", $"There is no room {room}.");
            case ModerationOutcome.NotAllowed when act.Action is ModerationAction.Role or ModerationAction.Topic:
                throw new InputRejectedException("not_owner", $"Only the owners of {room} can {verb} there.");
            case ModerationOutcome.NotAllowed:
                throw new InputRejectedException("not_moderator", $"Only the owners and moderators of {room} can {verb} there.");
            case ModerationOutcome.Outranked when target == act.Actor:
                throw new InputRejectedException(
                    "self_moderation", act.Action == ModerationAction.Kick ? $"You cannot kick yourself; leave {room} instead." : $"You cannot {verb} yourself.");
            case ModerationOutcome.Outranked:
                throw new InputRejectedException(
                    "outranked", $"{target} has a role in {room} as high as yours or higher; you can {verb} only users below your own role (an admin can do it).");
            case ModerationOutcome.NotMember:
                throw new InputRejectedException(
                    "target_not_member", act.Action == ModerationAction.Role ? $"{target} is not in {room}; only members get roles (invite them first)." : $"{target} is not in {room}.");
            case ModerationOutcome.AlreadyMember:
                throw new InputRejectedException("already_member", $"{target} is in {room} already.");
            case ModerationOutcome.TargetBanned:
                throw new InputRejectedException("target_banned", $"{target} is banned from {room}; unban them before inviting them.");
            case ModerationOutcome.TooManyInvites:
                throw new InputRejectedException(
                    "too_many_invites", $"{room} has {ModerationRules.MaxOpenInvites} invites not yet used, the most a room may have; wait for some to be used, or ban to keep people out.");
            case ModerationOutcome.LastOwner:
                throw new InputRejectedException("last_owner", $"{target} is the only owner of {room}; make someone else an owner first.");
        }
    }

    /// <summary>Each of <paramref name="users"/> (members of <paramref name="key"/>) hears the room as it is now for them.</summary>
    private async Task TellChangedAsync(string key, IReadOnlyCollection<string> users)
    {
        var rules = await roomRules.GetAsync(key, Context.ConnectionAborted);
        foreach (var role in users.GroupBy(rules.RoleOf))
        {
            var summary = new RoomSummary(key, null, 0) { Private = rules.Private, Topic = rules.Topic, Role = role.Key };
            dispatcher.Send(Audience.Users([.. role]), nameof(IChatClient.RoomChanged), summary);
        }
    }

    /// <summary>A kicked or banned user is out: the members and the user's own connections hear that they left, and the user why.</summary>
    private void TellRemoved(string key, string target, string notice)
    {
        dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserLeftRoom), key, target);
        dispatcher.Send(Audience.User(target), nameof(IChatClient.UserLeftRoom), key, target);
        dispatcher.Send(Audience.User(target), nameof(IChatClient.Notice), notice);
    }

    /// <summary>A summary as its user sees it: the conversation under their name for it, and an admin an owner of every room.</summary>
    private RoomSummary AsSeen(RoomSummary summary, string user) => summary with
    {
        Room = Conversation.ForViewer(summary.Room, user),
        Role = summary.Role is not null && ConnectionUser.IsAdmin(Context) ? RoomRoles.Owner : summary.Role,
    };

    private async Task<RoomSummary> SummaryAsync(string user, string key) =>
        AsSeen(await store.SummaryAsync(user, key, Context.ConnectionAborted) ?? new RoomSummary(key, null, 0) { Role = RoomRoles.Member }, user);

    /// <summary>Refuses a post, edit or reaction by a user muted in the room.</summary>
    private async Task RequireNotMutedAsync(string user, string key)
    {
        var rules = await roomRules.GetAsync(key, Context.ConnectionAborted);
        if (rules.MutedUntil(user, Now()) is { } until)
        {
            throw new InputRejectedException("muted", $"You are muted in #{key} {Ending(until)}: you cannot post, edit or react there.");
        }
    }
}
