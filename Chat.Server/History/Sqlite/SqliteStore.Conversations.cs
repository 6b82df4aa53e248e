using Chat.Server.Rooms;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>Rooms, memberships and read markers, with unread counts from the counters.</summary>
public sealed partial class SqliteStore
{
    public async Task<JoinOutcome> JoinAsync(string user, string room, JoinLimits limits, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        JoinFacts facts;
        await using (var reader = await Prepared(transaction, SqliteSql.JoinFacts, ("$user", user), ("$room", room), ("$dayAgo", (limits.Now - TimeSpan.FromDays(1)).Ticks))
            .ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            facts = ModerationReading.JoinFacts(reader, Ticks);
        }

        var outcome = JoinPolicy.Decide(facts, limits);
        if (outcome != JoinOutcome.Joined)
        {
            return outcome;
        }

        var settings = limits.Create ?? new RoomSettings();
        await ExecuteAsync(
            transaction, SqliteSql.CreateRoom, cancellationToken, ("$room", room), ("$now", limits.Now.Ticks), ("$user", user), ("$private", settings.Private), ("$topic", settings.Topic));
        if (!facts.RoomExists)
        {
            await ExecuteAsync(transaction, SqliteSql.MakeOwner, cancellationToken, ("$room", room), ("$user", user));
        }

        await ExecuteAsync(transaction, SqliteSql.UseInvite, cancellationToken, ("$room", room), ("$user", user));
        await ExecuteAsync(transaction, SqliteSql.Join, cancellationToken, ("$user", user), ("$room", room));
        await SeenAsync(transaction, user, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return JoinOutcome.Joined;
    }

    public async Task<bool> LeaveAsync(string user, string room, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var left = await ScalarAsync(transaction, SqliteSql.Leave, cancellationToken, ("$user", user), ("$room", room)) is not null;
        await ExecuteAsync(transaction, SqliteSql.MarkEmpty, cancellationToken, ("$room", room), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return left;
    }

    public async Task<string[]> RemoveEmptyRoomsAsync(DateTime emptySince, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        string[] removed;
        await using (var reader = await Prepared(transaction, SqliteSql.RemoveEmptyRooms, ("$before", emptySince.Ticks)).ExecuteReaderAsync(cancellationToken))
        {
            removed = await StringsAsync(reader);
        }

        foreach (var room in removed)
        {
            await ExecuteAsync(transaction, SqliteSql.RemoveRoom, cancellationToken, ("$room", room));
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.ConversationsOf, StringsAsync, cancellationToken, ("$user", user));

    public Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.IsMember, async reader => await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0), cancellationToken, ("$user", user), ("$room", room));

    public Task<int> DirectCountAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.DirectCount, async reader => await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : 0, cancellationToken, ("$user", user));

    public bool KnowsUser(string user) => _seen.Contains(user);

    public async Task RememberUserAsync(string user, CancellationToken cancellationToken)
    {
        if (_seen.Contains(user))
        {
            return;
        }

        await using var transaction = await BeginAsync(cancellationToken);
        await SeenAsync(transaction, user, cancellationToken);
        await ExecuteAsync(transaction, SqliteSql.FirstGeneralMarker, cancellationToken, ("$user", user));
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<string[]> ReadersAsync(string room, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0
            ? Task.FromResult<string[]>([])
            : ReadAsync(SqliteSql.Readers, StringsAsync, cancellationToken, ("$keys", System.Text.Json.JsonSerializer.Serialize(keys.ToArray(), StoreJson.Default.StringArray)), ("$room", room));

    public Task<string[]> MembersAsync(string room, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.Members, StringsAsync, cancellationToken, ("$room", room));

    public Task<RoomListing[]> ListRoomsAsync(string? viewer, CancellationToken cancellationToken) =>
        ReadAsync(
            SqliteSql.ListRooms,
            async reader =>
            {
                var rooms = new List<RoomListing>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    rooms.Add(new RoomListing(reader.GetString(0), reader.GetInt32(1)) { Private = reader.GetBoolean(2), Topic = reader.IsDBNull(3) ? null : reader.GetString(3) });
                }

                return rooms.ToArray();
            },
            cancellationToken,
            ("$viewer", viewer));

    public async Task<ModerationResult> ModerateAsync(ModerationAct act, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var parameters = new (string, object?)[] { ("$room", act.Room), ("$actor", act.Actor), ("$target", act.Target) };
        ModerationFacts facts;
        await using (var reader = await Prepared(transaction, SqliteSql.ModerationFacts, parameters).ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            facts = ModerationReading.Facts(reader, Ticks);
        }

        var outcome = ModerationRules.Decide(act, facts);
        if (outcome != ModerationOutcome.Done)
        {
            return new ModerationResult(outcome);
        }

        var until = act.Until is { } end && end > act.Now ? end.Ticks : (long?)null;
        switch (act.Action)
        {
            case ModerationAction.Topic:
                await ExecuteAsync(transaction, SqliteSql.SetTopic, cancellationToken, ("$room", act.Room), ("$topic", act.Topic));
                break;
            case ModerationAction.Role:
                await ExecuteAsync(
                    transaction, SqliteSql.SetRole, cancellationToken, ("$room", act.Room), ("$target", act.Target), ("$role", act.Role == RoomRoles.Member ? null : act.Role));
                break;
            case ModerationAction.Invite:
                await ExecuteAsync(transaction, SqliteSql.Invite, cancellationToken, parameters);
                break;
            case ModerationAction.Kick or ModerationAction.Ban:
                await ExecuteAsync(transaction, SqliteSql.Remove, cancellationToken, ("$room", act.Room), ("$target", act.Target));
                await ExecuteAsync(transaction, SqliteSql.MarkEmpty, cancellationToken, ("$room", act.Room), ("$now", act.Now.Ticks));
                if (act.Action == ModerationAction.Ban)
                {
                    await ExecuteAsync(transaction, SqliteSql.Ban, cancellationToken, ("$room", act.Room), ("$target", act.Target), ("$until", until));
                }

                break;
            case ModerationAction.Unban:
                await ExecuteAsync(transaction, SqliteSql.Unban, cancellationToken, ("$room", act.Room), ("$target", act.Target));
                break;
            case ModerationAction.Mute:
                await ExecuteAsync(transaction, SqliteSql.Mute, cancellationToken, ("$room", act.Room), ("$target", act.Target), ("$until", until));
                break;
        }

        var entry = await LogAsync(transaction, ModerationRules.Entry(act), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ModerationResult(ModerationOutcome.Done, entry);
    }

    /// <summary>Writes <paramref name="entry"/> to the moderation log in <paramref name="transaction"/>; returns it with its id.</summary>
    private async Task<ModerationEntry> LogAsync(SqliteTransaction transaction, ModerationEntry entry, CancellationToken cancellationToken)
    {
        var id = (long)(await ScalarAsync(
            transaction,
            SqliteSql.Log,
            cancellationToken,
            ("$room", entry.Room),
            ("$actor", entry.Actor),
            ("$action", entry.Action),
            ("$target", entry.Target),
            ("$until", entry.Until?.Ticks),
            ("$at", entry.At.Ticks),
            ("$messageId", entry.MessageId),
            ("$role", entry.Role),
            ("$topic", entry.Topic)))!;
        await ExecuteAsync(transaction, SqliteSql.TrimLog, cancellationToken, ("$room", entry.Room));
        return entry with { Id = id };
    }

    public Task<ModerationEntry[]> ModerationLogAsync(string room, long? beforeId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(
            SqliteSql.ModerationLog,
            reader => ModerationReading.EntriesAsync(reader, Ticks, cancellationToken),
            cancellationToken,
            ("$room", room),
            ("$before", beforeId),
            ("$limit", limit));

    public Task<RoomRules?> RoomRulesAsync(string room, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.RoomSettings + SqliteSql.RoomPeople, reader => ModerationReading.RoomRulesAsync(reader, Ticks, cancellationToken), cancellationToken, ("$room", room));

    public Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.Summaries, async reader => (await SummariesOfAsync(reader)).ToArray(), cancellationToken, ("$user", user));

    public async Task<RoomSummary?> SummaryAsync(string user, string room, CancellationToken cancellationToken)
    {
        if (room == Conversation.General)
        {
            return (await SummariesAsync(user, cancellationToken))[0];
        }

        return (await ReadAsync(SqliteSql.Summary, SummariesOfAsync, cancellationToken, ("$user", user), ("$room", room))).SingleOrDefault();
    }

    public async Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var markers = new long[marks.Count];
        for (var i = 0; i < marks.Count; i++)
        {
            markers[i] = await MarkAsync(transaction, marks[i], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return markers;
    }

    /// <summary>
    /// Moves one marker: to at most the conversation's newest id, never back; its place in the conversation's sequence and
    /// the user's own messages after it are found by the (room, id) index (nothing to count when it moves to the newest).
    /// A room's marker exists only while its user is a member, a direct one's from its first message; general's appears on first use.
    /// </summary>
    private async Task<long> MarkAsync(SqliteTransaction transaction, ReadMark mark, CancellationToken cancellationToken)
    {
        var current = await ScalarAsync(transaction, SqliteSql.Marker, cancellationToken, ("$user", mark.User), ("$room", mark.Room)) as long?;
        if (current is null && mark.Room != Conversation.General)
        {
            return 0;
        }

        long? lastId;
        long lastSeq;
        await using (var reader = await Prepared(transaction, SqliteSql.Conversation, ("$room", mark.Room)).ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (lastId, lastSeq) = (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt64(1));
        }

        var target = Math.Max(0, Math.Min(mark.Id, lastId ?? 0));
        if (current is { } marker && target <= marker)
        {
            return marker;
        }

        var atNewest = lastId is { } newest && target >= newest;
        var seq = atNewest ? lastSeq : (long)(await ScalarAsync(transaction, SqliteSql.SeqAt, cancellationToken, ("$room", mark.Room), ("$id", target)))!;
        var own = atNewest ? 0 : (long)(await ScalarAsync(transaction, SqliteSql.OwnAfter, cancellationToken, ("$room", mark.Room), ("$id", target), ("$user", mark.User)))!;
        await ExecuteAsync(transaction, SqliteSql.SetMarker, cancellationToken, ("$user", mark.User), ("$room", mark.Room), ("$id", target), ("$seq", seq), ("$own", own));
        return target;
    }

    private static async Task<List<RoomSummary>> SummariesOfAsync(SqliteDataReader reader)
    {
        var summaries = new List<RoomSummary>();
        while (await reader.ReadAsync())
        {
            var room = reader.GetString(0);
            summaries.Add(new RoomSummary(room, reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3))
            {
                Private = reader.GetBoolean(4),
                Topic = reader.IsDBNull(5) ? null : reader.GetString(5),
                Role = Conversation.IsDirect(room) ? null : reader.IsDBNull(6) ? RoomRoles.Member : reader.GetString(6),
            });
        }

        return summaries;
    }

    private static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);

    /// <summary>A time column (UTC ticks).</summary>
    private static DateTime Ticks(System.Data.Common.DbDataReader reader, int column) => Utc(reader.GetInt64(column));
}
