using Chat.Server.Rooms;
using Npgsql;

namespace Chat.Server.History.Postgres;

/// <summary>The message log: appends with their counters in one round trip, reads by conversation, client message ids.</summary>
public sealed partial class PostgresStore
{
    public async Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var sent = DateTime.SpecifyKind(sentAt, DateTimeKind.Utc);
        var rooms = new string[batch.Count];
        var users = new string[batch.Count];
        var texts = new string[batch.Count];
        var clientIds = new string?[batch.Count];
        var members = new HashSet<(string User, string Room)>();
        for (var i = 0; i < batch.Count; i++)
        {
            rooms[i] = Storable(batch[i].Room);
            users[i] = Storable(batch[i].User);
            texts[i] = Storable(batch[i].Text);
            clientIds[i] = batch[i].ClientMessageId is { } clientId ? Storable(clientId) : null;
            if (Conversation.TryParseDirect(rooms[i], out var one, out var other))
            {
                members.Add((one, rooms[i]));
                members.Add((other, rooms[i]));
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One round trip. The counter's row lock comes first, in a statement of its own: the next statement's
        // snapshot (READ COMMITTED) then sees every batch committed before ours, resends and counters among them.
        long lastId;
        var resent = new Dictionary<long, ChatMessage>();
        var excess = new List<(string Room, long Excess)>();
        await using (var commands = new NpgsqlBatch(connection, transaction))
        {
            commands.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.LockCounter));
            commands.BatchCommands.Add(Command(
                PostgresSql.Append, rooms, users, texts, clientIds, sent, members.Select(m => m.User).ToArray(), members.Select(m => m.Room).ToArray()));
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
        }

        if (excess.Count > 0)
        {
            await using var trim = new NpgsqlCommand(PostgresSql.Trim, connection, transaction);
            trim.Parameters.Add(Parameter(excess.Select(e => e.Room).ToArray()));
            trim.Parameters.Add(Parameter(excess.Select(e => e.Excess).ToArray()));
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }

        await CommitAsync(transaction, cancellationToken);

        // The new ones took the ids after the counter's value, in batch order.
        var appended = new Appended[batch.Count];
        for (var i = 0; i < appended.Length; i++)
        {
            appended[i] = resent.TryGetValue(i, out var first)
                ? new Appended(first, IsNew: false)
                : new Appended(new ChatMessage(++lastId, rooms[i], users[i], texts[i], sent), IsNew: true);
        }

        return appended;
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
