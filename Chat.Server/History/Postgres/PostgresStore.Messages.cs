using Chat.Server.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History.Postgres;

/// <summary>The message log: appends with their counters in one round trip, reads by conversation, client message ids.</summary>
public sealed partial class PostgresStore
{
    private const int SeenMemory = 100_000;

    // Users this node wrote to chat_users (a failed commit forgets them all: they may not be there after all).
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public async Task<Committed> CommitAsync(IReadOnlyList<NewMessage> messages, IReadOnlyList<MessageChange> changes, DateTime now, CancellationToken cancellationToken)
    {
        if (messages.Count == 0 && changes.Count == 0)
        {
            return new Committed([], []);
        }

        var sent = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var (appended, lastPosition) = await AppendAttachingAsync(connection, transaction, messages, sent, cancellationToken);
            var changed = await ChangeAsync(connection, transaction, changes, lastPosition, sent, cancellationToken);
            await CommitAsync(transaction, cancellationToken);
            return new Committed(appended, changed);
        }
        catch
        {
            lock (_seen)
            {
                _seen.Clear();
            }

            throw;
        }
    }

    public async Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken) =>
        (await CommitAsync(batch, [], sentAt, cancellationToken)).Appended;

    public async Task<ChatMessage?> FindAsync(string room, long id, CancellationToken cancellationToken) =>
        (await ReadAsync(PostgresSql.One, MessagesAsync, cancellationToken, room, id)).SingleOrDefault();

    /// <summary>
    /// Applies a batch of changes after the messages of the same commit (the counter's row is locked and at
    /// <paramref name="lastPosition"/>): reads the messages they are about, decides each in turn against the state the ones
    /// before it left (<see cref="MessageChanges.Decide"/>), and writes each message's last state with the next positions,
    /// in one round trip.
    /// </summary>
    private static async Task<ChangeResult[]> ChangeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<MessageChange> changes, long lastPosition, DateTime now, CancellationToken cancellationToken)
    {
        var results = new ChangeResult[changes.Count];
        if (changes.Count == 0)
        {
            return results;
        }

        var states = new Dictionary<long, ChatMessage>();
        await using (var read = new NpgsqlCommand(PostgresSql.Changing, connection, transaction))
        {
            read.Parameters.Add(Parameter(changes.Select(change => change.Id).Distinct().ToArray()));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            foreach (var message in await MessagesAsync(reader, cancellationToken))
            {
                states[message.Id] = message;
            }
        }

        var remention = new HashSet<long>();
        var logged = new List<ModerationEntry>();
        var positions = 0;
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i] with { Text = changes[i].Text is { } text ? Storable(text) : null };
            var current = states.GetValueOrDefault(change.Id);
            var (outcome, next) = MessageChanges.Decide(current, change, now);
            if (outcome != ChangeOutcome.Changed)
            {
                results[i] = new ChangeResult(outcome, current);
                continue;
            }

            states[change.Id] = next = next! with { Version = lastPosition + ++positions };
            results[i] = new ChangeResult(outcome, next);
            if (change.Kind is ChangeKind.Edit or ChangeKind.Delete)
            {
                remention.Add(change.Id);
            }

            if (change.Kind == ChangeKind.Delete && current!.User != change.User)
            {
                logged.Add(ModerationRules.DeleteEntry(change, current.User, now));
            }
        }

        if (positions == 0)
        {
            return results;
        }

        var last = states.Values.Where(message => message.Version > lastPosition).ToArray();
        var mentioned = last.Where(message => remention.Contains(message.Id)).ToArray();
        var notified = mentioned.SelectMany(message => MessageChanges.Notified(message).Select(user => (User: user, message.Room, message.Id))).ToArray();
        await using var write = new NpgsqlBatch(connection, transaction);
        write.BatchCommands.Add(Command(
            PostgresSql.Change,
            (long)positions,
            last.Select(message => message.Id).ToArray(),
            last.Select(message => (string?)message.Text).ToArray(),
            new NpgsqlParameter<long?[]> { TypedValue = [.. last.Select(message => message.ReplyTo)] },
            last.Select(message => MessageChanges.MentionsJson(message.Mentions)).ToArray(),
            new NpgsqlParameter<DateTime?[]> { TypedValue = [.. last.Select(message => message.EditedAt)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<bool[]> { TypedValue = [.. last.Select(message => message.Deleted)] },
            last.Select(message => MessageChanges.ReactionsJson(message.Reactions)).ToArray(),
            last.Select(message => message.Version!.Value).ToArray(),
            mentioned.Select(message => message.Id).ToArray(),
            mentioned.Select(message => (string?)message.Room).ToArray(),
            last.Select(message => (string?)Search.SearchText.Indexed(message.Text)).ToArray(),
            last.Select(message => MessageChanges.FilesJson(message.Files)).ToArray()));
        if (notified.Length > 0)
        {
            write.BatchCommands.Add(Command(
                PostgresSql.Mention,
                notified.Select(n => (string?)n.User).ToArray(),
                notified.Select(n => (string?)n.Room).ToArray(),
                notified.Select(n => n.Id).ToArray()));
        }

        foreach (var entry in logged)
        {
            write.BatchCommands.Add(LogCommand(entry));
            write.BatchCommands.Add(Command(PostgresSql.TrimLog, entry.Room));
        }

        await write.ExecuteNonQueryAsync(cancellationToken);
        return results;
    }

    /// <summary>Stores the new messages of a commit (<see cref="PostgresSql.Append"/>); returns them and the counter after them.</summary>
    private async Task<(Appended[] Appended, long LastPosition)> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewMessage> batch, DateTime sent, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            await using var locking = new NpgsqlCommand(PostgresSql.LockCounter, connection, transaction);
            return ([], (long)(await locking.ExecuteScalarAsync(cancellationToken))!);
        }

        var rooms = new string[batch.Count];
        var users = new string[batch.Count];
        var texts = new string[batch.Count];
        var clientIds = new string?[batch.Count];
        var replies = new long?[batch.Count];
        var mentions = new string?[batch.Count];
        var searched = new string?[batch.Count];
        var files = new string?[batch.Count];
        var members = new HashSet<(string User, string Room)>();
        for (var i = 0; i < batch.Count; i++)
        {
            rooms[i] = Storable(batch[i].Room);
            users[i] = Storable(batch[i].User);
            texts[i] = Storable(batch[i].Text);
            clientIds[i] = batch[i].ClientMessageId is { } clientId ? Storable(clientId) : null;
            replies[i] = batch[i].ReplyTo;
            mentions[i] = MessageChanges.MentionsJson(batch[i].Mentions);
            searched[i] = Search.SearchText.Indexed(texts[i]);
            files[i] = MessageChanges.FilesJson(batch[i].Files);
            if (Conversation.TryParseDirect(rooms[i], out var one, out var other))
            {
                members.Add((one, rooms[i]));
                members.Add((other, rooms[i]));
            }
        }


        // One round trip. The counter's row lock comes first, in a statement of its own: the next statement's
        // snapshot (READ COMMITTED) then sees every batch committed before ours, resends and counters among them.
        long lastId;
        var resent = new Dictionary<long, ChatMessage>();
        var excess = new List<(string Room, long Excess)>();
        await using (var commands = new NpgsqlBatch(connection, transaction))
        {
            commands.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockCounter));
            commands.BatchCommands.Add(Command(
                PostgresSql.Append,
                rooms,
                users,
                texts,
                clientIds,
                sent,
                members.Select(m => m.User).ToArray(),
                members.Select(m => m.Room).ToArray(),
                new NpgsqlParameter<long?[]> { TypedValue = replies },
                mentions,
                searched,
                files,
                new NpgsqlParameter<bool?[]> { TypedValue = [.. batch.Select(message => message.Bot ? true : (bool?)null)] }));
            if (Unseen(users) is { Length: > 0 } unseen)
            {
                commands.BatchCommands.Add(Command(PostgresSql.Seen, unseen.Select(user => (string?)Rules.Mentions.Key(user)).ToArray(), unseen.Select(user => (string?)user).ToArray()));
            }
            await using var reader = await commands.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            lastId = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(0))
                {
                    // A conversation's count after this batch: retention trims it once it holds a step more than it keeps.
                    if (_retention.Excess(reader.GetInt64(5)) is > 0 and var over)
                    {
                        excess.Add((reader.GetString(2), over));
                    }

                    continue;
                }

                var position = reader.GetInt64(0) - 1;
                resent[position] = reader.IsDBNull(3)
                    ? ChatMessage.Tombstone(reader.GetInt64(1), reader.GetString(2), users[position], reader.GetFieldValue<DateTime>(4))
                    : new ChatMessage(reader.GetInt64(1), reader.GetString(2), users[position], reader.GetString(3), reader.GetFieldValue<DateTime>(4));
            }

            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        // A resent message still there comes back as it is now: its reply, mentions, edit and reactions.
        if (resent.Values.Where(first => !first.Deleted).Select(first => first.Id).ToArray() is { Length: > 0 } kept)
        {
            await using var read = new NpgsqlCommand(PostgresSql.Changing, connection, transaction);
            read.Parameters.Add(Parameter(kept));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var now = (await MessagesAsync(reader, cancellationToken)).ToDictionary(message => message.Id);
            foreach (var (position, first) in resent.ToArray())
            {
                if (now.TryGetValue(first.Id, out var current))
                {
                    resent[position] = current;
                }
            }
        }

        if (excess.Count > 0)
        {
            await using var trim = new NpgsqlCommand(PostgresSql.Trim, connection, transaction);
            trim.Parameters.Add(Parameter(excess.Select(e => e.Room).ToArray()));
            trim.Parameters.Add(Parameter(excess.Select(e => e.Excess).ToArray()));
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }

        // The new ones took the ids after the counter's value, in batch order.
        var appended = new Appended[batch.Count];
        for (var i = 0; i < appended.Length; i++)
        {
            appended[i] = resent.TryGetValue(i, out var first)
                ? new Appended(first, IsNew: false)
                : new Appended(
                    new ChatMessage(++lastId, rooms[i], users[i], texts[i], sent)
                    {
                        ReplyTo = replies[i],
                        Mentions = batch[i].Mentions is { Length: > 0 } named ? named : null,
                        Files = batch[i].Files is { Length: > 0 } attached ? attached : null,
                        Bot = batch[i].Bot,
                    },
                    IsNew: true);
        }

        return (appended, lastId);
    }

    /// <summary>Authors of this batch not yet known to be in chat_users (this node remembers up to <see cref="SeenMemory"/>).</summary>
    private string[] Unseen(string[] users)
    {
        lock (_seen)
        {
            var unseen = users.Where(user => !_seen.Contains(user)).Distinct(StringComparer.Ordinal).ToArray();
            if (_seen.Count + unseen.Length > SeenMemory)
            {
                _seen.Clear();
            }

            _seen.UnionWith(unseen);
            return unseen;
        }
    }

    public async Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken)
    {
        var messages = await ReadAsync(afterId is null ? PostgresSql.Latest : PostgresSql.After, MessagesAsync, cancellationToken, room, afterId ?? 0, limit);
        if (afterId is null)
        {
            messages.Reverse();
        }

        return [.. messages];
    }

    public async Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken)
    {
        var messages = await ReadAsync(PostgresSql.Before, MessagesAsync, cancellationToken, room, beforeId, limit);
        messages.Reverse();
        return [.. messages];
    }

    /// <summary>
    /// The merge of <see cref="ConversationMerge"/>, done by the server in one statement: over the network, the merge's
    /// probe and run per switch between conversations cost a round trip each (80 to 90 ms for 100 messages spread over
    /// 200 conversations, against about 10 in SQLite's process; docs/performance.md, history-scale).
    /// </summary>
    public async Task<ChatMessage[]> GetMissedAsync(IReadOnlyList<string> conversations, long? afterId, int limit, CancellationToken cancellationToken) =>
        [.. await ReadAsync(afterId is null ? PostgresSql.MissedLatest : PostgresSql.MissedAfter, MessagesAsync, cancellationToken, conversations.ToArray(), afterId ?? 0, limit)];

    public async Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        [.. await ReadAsync(PostgresSql.All, MessagesAsync, cancellationToken, afterId, limit)];

    public Task<long> LastIdAsync(CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.LastId, async (reader, token) => await reader.ReadAsync(token) ? reader.GetInt64(0) : 0, cancellationToken);

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        // The id counter is left alone, so ids given out before are never given again.
        await WriteAsync([PostgresSql.LockCounter], [Command(PostgresSql.Clear, room)], (_, _) => Task.FromResult(true), cancellationToken);
    }

    public async Task<int> ForgetClientIdsAsync(DateTime sentBefore, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(PostgresSql.ForgetClientIds);
        command.Parameters.Add(Parameter(sentBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
