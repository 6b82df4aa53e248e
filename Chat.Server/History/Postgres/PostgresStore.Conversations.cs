using Chat.Server.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History.Postgres;

/// <summary>Rooms, memberships and read markers, with unread counts from the counters.</summary>
public sealed partial class PostgresStore
{
    public async Task<JoinOutcome> JoinAsync(string user, string room, JoinLimits limits, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        JoinFacts facts;
        await using (var gather = new NpgsqlBatch(connection, transaction))
        {
            gather.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockMemberships));
            gather.BatchCommands.Add(Command(PostgresSql.JoinFacts, user, room, limits.Now - TimeSpan.FromDays(1)));
            await using var reader = await gather.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            facts = ModerationReading.JoinFacts(reader, Time);
        }

        var outcome = JoinPolicy.Decide(facts, limits);
        if (outcome != JoinOutcome.Joined)
        {
            return outcome;
        }

        await using (var join = new NpgsqlBatch(connection, transaction))
        {
            var settings = limits.Create ?? new RoomSettings();
            join.BatchCommands.Add(Command(PostgresSql.CreateRoom, user, room, limits.Now, settings.Private, Nullable(settings.Topic)));
            if (!facts.RoomExists)
            {
                join.BatchCommands.Add(Command(PostgresSql.MakeOwner, user, room));
            }

            join.BatchCommands.Add(Command(PostgresSql.UseInvite, user, room));
            join.BatchCommands.Add(Command(PostgresSql.Join, user, room));
            join.BatchCommands.Add(Command(PostgresSql.Seen, new string?[] { Rules.Mentions.Key(user) }, new string?[] { user }));
            await join.ExecuteNonQueryAsync(cancellationToken);
        }

        await CommitAsync(transaction, cancellationToken);
        return JoinOutcome.Joined;
    }

    public Task<bool> LeaveAsync(string user, string room, DateTime now, CancellationToken cancellationToken) =>
        WriteAsync(
            [PostgresSql.LockMemberships],
            [Command(PostgresSql.Leave, user, room), Command(PostgresSql.MarkEmpty, room, now)],
            async (reader, token) => await reader.ReadAsync(token),
            cancellationToken);

    public async Task<string[]> RemoveEmptyRoomsAsync(DateTime emptySince, CancellationToken cancellationToken)
    {
        // The counter's lock too, as the rooms' counters go; nothing takes the two in the other order.
        return await WriteAsync(
            [PostgresSql.LockMemberships, PostgresSql.LockCounter], [Command(PostgresSql.RemoveEmptyRooms, emptySince)], StringsAsync, cancellationToken);
    }

    public Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.ConversationsOf, StringsAsync, cancellationToken, user);

    public Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.IsMember, async (reader, token) => await reader.ReadAsync(token) && reader.GetBoolean(0), cancellationToken, user, room);

    public Task<int> DirectCountAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.DirectCount, async (reader, token) => await reader.ReadAsync(token) ? reader.GetInt32(0) : 0, cancellationToken, user);

    public Task<string[]> MembersAsync(string room, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.Members, StringsAsync, cancellationToken, room);

    public Task<RoomListing[]> ListRoomsAsync(string? viewer, CancellationToken cancellationToken) =>
        ReadAsync(
            PostgresSql.ListRooms,
            async (reader, token) =>
            {
                var rooms = new List<RoomListing>();
                while (await reader.ReadAsync(token))
                {
                    rooms.Add(new RoomListing(reader.GetString(0), reader.GetInt32(1)) { Private = reader.GetBoolean(2), Topic = reader.IsDBNull(3) ? null : reader.GetString(3) });
                }

                return rooms.ToArray();
            },
            cancellationToken,
            Nullable(viewer));

    /// <summary>Takes the memberships' lock, as joins and leaves do: a kick or ban and a join of the same user cannot pass each other.</summary>
    public async Task<ModerationResult> ModerateAsync(ModerationAct act, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ModerationFacts facts;
        await using (var gather = new NpgsqlBatch(connection, transaction))
        {
            gather.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockMemberships));
            gather.BatchCommands.Add(Command(PostgresSql.ModerationFacts, act.Room, act.Actor, Nullable(act.Target)));
            await using var reader = await gather.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            facts = ModerationReading.Facts(reader, Time);
        }

        var outcome = ModerationRules.Decide(act, facts);
        if (outcome != ModerationOutcome.Done)
        {
            return new ModerationResult(outcome);
        }

        var until = Nullable(act.Until is { } end && end > act.Now ? end : null);
        var entry = ModerationRules.Entry(act);
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            switch (act.Action)
            {
                case ModerationAction.Topic:
                    write.BatchCommands.Add(Command(PostgresSql.SetTopic, act.Room, Nullable(act.Topic)));
                    break;
                case ModerationAction.Role:
                    write.BatchCommands.Add(Command(PostgresSql.SetRole, act.Room, act.Target, Nullable(act.Role == RoomRoles.Member ? null : act.Role)));
                    break;
                case ModerationAction.Invite:
                    write.BatchCommands.Add(Command(PostgresSql.Invite, act.Room, act.Actor, act.Target));
                    break;
                case ModerationAction.Kick or ModerationAction.Ban:
                    write.BatchCommands.Add(Command(PostgresSql.Remove, act.Room, act.Target));
                    write.BatchCommands.Add(Command(PostgresSql.MarkEmpty, act.Room, act.Now));
                    if (act.Action == ModerationAction.Ban)
                    {
                        write.BatchCommands.Add(Command(PostgresSql.Ban, act.Room, act.Target, until));
                    }

                    break;
                case ModerationAction.Unban:
                    write.BatchCommands.Add(Command(PostgresSql.Unban, act.Room, act.Target));
                    break;
                case ModerationAction.Mute:
                    write.BatchCommands.Add(Command(PostgresSql.Mute, act.Room, act.Target, until));
                    break;
            }

            write.BatchCommands.Add(LogCommand(entry));
            write.BatchCommands.Add(Command(PostgresSql.TrimLog, act.Room));
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            while (reader.FieldCount == 0 || !await reader.ReadAsync(cancellationToken))
            {
                await reader.NextResultAsync(cancellationToken);
            }

            entry = entry with { Id = reader.GetInt64(0) };
        }

        await CommitAsync(transaction, cancellationToken);
        return new ModerationResult(ModerationOutcome.Done, entry);
    }

    /// <summary>The statement that writes <paramref name="entry"/> to the moderation log (returning its id).</summary>
    private static NpgsqlBatchCommand LogCommand(ModerationEntry entry) => Command(
        PostgresSql.Log,
        entry.Room,
        entry.Actor,
        entry.Action,
        Nullable(entry.Target),
        Nullable(entry.Until),
        entry.At,
        new NpgsqlParameter<long?> { TypedValue = entry.MessageId, NpgsqlDbType = NpgsqlDbType.Bigint },
        Nullable(entry.Role),
        Nullable(entry.Topic));

    public Task<ModerationEntry[]> ModerationLogAsync(string room, long? beforeId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(
            PostgresSql.ModerationLog,
            (reader, token) => ModerationReading.EntriesAsync(reader, Time, token),
            cancellationToken,
            room,
            new NpgsqlParameter<long?> { TypedValue = beforeId, NpgsqlDbType = NpgsqlDbType.Bigint },
            limit);

    public async Task<RoomRules?> RoomRulesAsync(string room, CancellationToken cancellationToken)
    {
        // Two statements with parameters: a batch (one command cannot hold two with positional parameters).
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(PostgresSql.RoomSettings, room));
        batch.BatchCommands.Add(Command(PostgresSql.RoomPeople, room));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ModerationReading.RoomRulesAsync(reader, Time, cancellationToken);
    }

    /// <summary>A timestamptz column.</summary>
    private static DateTime Time(System.Data.Common.DbDataReader reader, int column) => reader.GetFieldValue<DateTime>(column);

    public bool KnowsUser(string user)
    {
        lock (_seen)
        {
            return _seen.Contains(user);
        }
    }

    public async Task RememberUserAsync(string user, CancellationToken cancellationToken)
    {
        if (Unseen([user]).Length == 0)
        {
            return;
        }

        await using var batch = _dataSource.CreateBatch(); // one implicit transaction
        var seen = new NpgsqlBatchCommand(PostgresSql.Seen);
        seen.Parameters.Add(Parameter(new string?[] { Rules.Mentions.Key(user) }));
        seen.Parameters.Add(Parameter(new string?[] { user }));
        var marker = new NpgsqlBatchCommand(PostgresSql.FirstGeneralMarker);
        marker.Parameters.Add(Parameter(user));
        batch.BatchCommands.Add(seen);
        batch.BatchCommands.Add(marker);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string[]> ReadersAsync(string room, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? [] : await ReadAsync(PostgresSql.Readers, StringsAsync, cancellationToken, room, keys.Select(key => (string?)key).ToArray());

    public async Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken) =>
        [.. await ReadAsync(PostgresSql.Summaries, SummariesOfAsync, cancellationToken, user)];

    public async Task<RoomSummary?> SummaryAsync(string user, string room, CancellationToken cancellationToken)
    {
        if (room == Conversation.General)
        {
            return (await SummariesAsync(user, cancellationToken))[0];
        }

        return (await ReadAsync(PostgresSql.Summary, SummariesOfAsync, cancellationToken, user, room)).SingleOrDefault();
    }

    /// <summary>
    /// Moves the markers in one round trip, each by one statement (<see cref="PostgresSql.MarkMember"/>,
    /// <see cref="PostgresSql.MarkGeneral"/>), after the counter's lock, as appends take it: an append counts its authors'
    /// own messages into their memberships, so a marker's own count must not miss one committed meanwhile, and two
    /// writes that lock several memberships in their own orders would deadlock.
    /// </summary>
    public async Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken)
    {
        if (marks.Count == 0)
        {
            return [];
        }

        var commands = marks
            .Select(mark => Command(mark.Room == Conversation.General ? PostgresSql.MarkGeneral : PostgresSql.MarkMember, mark.User, mark.Room, mark.Id))
            .ToArray();
        return await WriteAsync(
            [PostgresSql.LockCounter],
            commands,
            async (reader, token) =>
            {
                var markers = new long[marks.Count];
                for (var i = 0; i < markers.Length; i++)
                {
                    if (i > 0)
                    {
                        await reader.NextResultAsync(token);
                    }

                    markers[i] = await reader.ReadAsync(token) ? reader.GetInt64(0) : 0;
                }

                return markers;
            },
            cancellationToken);
    }

    private static async Task<List<RoomSummary>> SummariesOfAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var summaries = new List<RoomSummary>();
        while (await reader.ReadAsync(cancellationToken))
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
}
