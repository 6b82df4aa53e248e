using System.Numerics;
using System.Text.Json;
using Chat.Server.Rooms;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>The message log: appends with their counters, reads by conversation, client message ids.</summary>
public sealed partial class SqliteStore
{
    /// <summary>Most rows in one INSERT statement.</summary>
    private const int MaxRowsPerInsert = 64;

    private readonly SqliteCommand?[] _inserts = new SqliteCommand?[BitOperations.Log2(MaxRowsPerInsert) + 1];

    public async Task<Committed> CommitAsync(IReadOnlyList<NewMessage> messages, IReadOnlyList<MessageChange> changes, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await BeginAsync(cancellationToken);
            var appended = await AppendAsync(transaction, messages, now, cancellationToken);
            var changed = new ChangeResult[changes.Count];
            for (var i = 0; i < changes.Count; i++)
            {
                changed[i] = await ChangeAsync(transaction, changes[i], now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new Committed(appended, changed);
        }
        catch
        {
            // The users written by the failed transaction are not there after all.
            _seen.Clear();
            throw;
        }
    }

    public async Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken) =>
        (await CommitAsync(batch, [], sentAt, cancellationToken)).Appended;

    public async Task<ChatMessage?> FindAsync(string room, long id, CancellationToken cancellationToken) =>
        (await ReadAsync(SqliteSql.One, MessagesAsync, cancellationToken, ("$room", room), ("$id", id))).SingleOrDefault();

    /// <summary>One change, decided against the message as stored and written at the next position (<see cref="MessageChanges"/>).</summary>
    private async Task<ChangeResult> ChangeAsync(SqliteTransaction transaction, MessageChange change, DateTime now, CancellationToken cancellationToken)
    {
        ChatMessage? current;
        await using (var reader = await Prepared(transaction, SqliteSql.ById, ("$id", change.Id)).ExecuteReaderAsync(cancellationToken))
        {
            current = await reader.ReadAsync(cancellationToken) ? Message(reader) : null;
        }

        var (outcome, next) = MessageChanges.Decide(current, change, now);
        if (outcome != ChangeOutcome.Changed)
        {
            return new ChangeResult(outcome, current);
        }

        var version = (long)(await ScalarAsync(transaction, SqliteSql.NextPosition, cancellationToken))!;
        next = next! with { Version = version };
        await ExecuteAsync(
            transaction,
            SqliteSql.Change,
            cancellationToken,
            ("$id", next.Id),
            ("$text", next.Text),
            ("$replyTo", next.ReplyTo),
            ("$mentions", MessageChanges.MentionsJson(next.Mentions)),
            ("$editedAt", next.EditedAt?.Ticks),
            ("$deleted", next.Deleted),
            ("$reactions", MessageChanges.ReactionsJson(next.Reactions)),
            ("$version", version),
            ("$files", MessageChanges.FilesJson(next.Files)));
        if (change.Kind is ChangeKind.Edit or ChangeKind.Delete)
        {
            await ExecuteAsync(transaction, SqliteSql.Unmention, cancellationToken, ("$room", next.Room), ("$id", next.Id));
            await MentionAsync(transaction, next, cancellationToken);
        }

        if (change.Kind == ChangeKind.Delete && current!.User != change.User)
        {
            await LogAsync(transaction, ModerationRules.DeleteEntry(change, current.User, now), cancellationToken);
        }

        return new ChangeResult(outcome, next);
    }

    /// <summary>Indexes the message's mentions of others, for their unread mention counts.</summary>
    private async Task MentionAsync(SqliteTransaction transaction, ChatMessage message, CancellationToken cancellationToken)
    {
        foreach (var user in MessageChanges.Notified(message))
        {
            await ExecuteAsync(transaction, SqliteSql.Mention, cancellationToken, ("$user", user), ("$room", message.Room), ("$id", message.Id));
        }
    }

    private async Task<Appended[]> AppendAsync(SqliteTransaction transaction, IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        var appended = new Appended[batch.Count];
        if (batch.Count == 0)
        {
            return appended;
        }

        // A resent message (its sender's client id is remembered) comes back as first sent; the others are new.
        await FindSentAsync(transaction, batch, appended, cancellationToken);
        var fresh = new List<int>(batch.Count);
        HashSet<string>? claimed = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (appended[i].Message is not null)
            {
                continue;
            }

            // A message whose files are not all the sender's unattached uploads any more is not stored (its sender is told).
            if (batch[i].Files is { Length: > 0 } files && !await MayAttachAsync(transaction, batch[i], claimed ??= [], cancellationToken))
            {
                appended[i] = new Appended(new ChatMessage(0, batch[i].Room, batch[i].User, batch[i].Text, sentAt) { Files = files }, IsNew: false, FilesTaken: true);
                continue;
            }

            fresh.Add(i);
        }

        // Each new message takes the next place in its conversation's sequence.
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        var seqs = new long[fresh.Count];
        for (var n = 0; n < fresh.Count; n++)
        {
            var room = batch[fresh[n]].Room;
            if (!sequences.TryGetValue(room, out var last))
            {
                last = await ScalarAsync(transaction, SqliteSql.Counters, cancellationToken, ("$room", room)) is long known ? known : 0;
            }

            sequences[room] = seqs[n] = last + 1;
        }

        var ids = await InsertAsync(transaction, batch, fresh, seqs, sentAt, cancellationToken);
        var added = new Dictionary<string, (long LastId, int Count)>(StringComparer.Ordinal);
        var own = new Dictionary<(string User, string Room), int>();
        for (var n = 0; n < fresh.Count; n++)
        {
            var message = batch[fresh[n]];
            var stored = new ChatMessage(ids[n], message.Room, message.User, message.Text, sentAt)
            {
                ReplyTo = message.ReplyTo,
                Mentions = message.Mentions is { Length: > 0 } ? message.Mentions : null,
                Files = message.Files is { Length: > 0 } ? message.Files : null,
                Bot = message.Bot,
            };
            foreach (var file in message.Files ?? [])
            {
                await ExecuteAsync(transaction, SqliteSql.AttachFile, cancellationToken, ("$id", file.Id), ("$room", message.Room), ("$messageId", ids[n]));
            }

            appended[fresh[n]] = new Appended(stored, IsNew: true);
            await MentionAsync(transaction, stored, cancellationToken);
            await SeenAsync(transaction, message.User, cancellationToken);
            added[message.Room] = (ids[n], added.GetValueOrDefault(message.Room).Count + 1);
            own[(message.User, message.Room)] = own.GetValueOrDefault((message.User, message.Room)) + 1;
            if (message.ClientMessageId is { } clientId)
            {
                await ExecuteAsync(
                    transaction,
                    SqliteSql.RememberClientId,
                    cancellationToken,
                    ("$user", message.User),
                    ("$clientId", clientId),
                    ("$room", message.Room),
                    ("$id", ids[n]),
                    ("$sentAt", sentAt.Ticks));
            }
        }

        foreach (var room in added.Keys)
        {
            if (Conversation.TryParseDirect(room, out var one, out var other))
            {
                await ExecuteAsync(transaction, SqliteSql.AddMember, cancellationToken, ("$user", one), ("$room", room));
                await ExecuteAsync(transaction, SqliteSql.AddMember, cancellationToken, ("$user", other), ("$room", room));
            }
        }

        foreach (var ((user, room), count) in own)
        {
            await ExecuteAsync(transaction, SqliteSql.OwnSent, cancellationToken, ("$user", user), ("$room", room), ("$added", count));
        }

        foreach (var (room, (lastId, count)) in added)
        {
            var total = (long)(await ScalarAsync(
                transaction, SqliteSql.Counted, cancellationToken, ("$room", room), ("$lastId", lastId), ("$lastSeq", sequences[room]), ("$added", count)))!;
            if (retention.Excess(total) is > 0 and var excess)
            {
                var deleted = await ExecuteAsync(transaction, SqliteSql.Trim, cancellationToken, ("$room", room), ("$excess", excess));
                await ExecuteAsync(transaction, SqliteSql.Trimmed, cancellationToken, ("$room", room), ("$deleted", deleted));
            }
        }

        return appended;
    }

    public async Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken)
    {
        var messages = await ReadAsync(afterId is null ? SqliteSql.Latest : SqliteSql.After, MessagesAsync, cancellationToken, ("$room", room), ("$afterId", afterId ?? 0), ("$limit", limit));
        if (afterId is null)
        {
            messages.Reverse();
        }

        return [.. messages];
    }

    public async Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken)
    {
        var messages = await ReadAsync(SqliteSql.Before, MessagesAsync, cancellationToken, ("$room", room), ("$beforeId", beforeId), ("$limit", limit));
        messages.Reverse();
        return [.. messages];
    }

    public Task<ChatMessage[]> GetMissedAsync(IReadOnlyList<string> conversations, long? afterId, int limit, CancellationToken cancellationToken) =>
        ReadOnOwnConnectionAsync(
            async connection =>
            {
                // One snapshot for all the merge's reads: read apart, a message committed between the probe of its
                // conversation and the run of another one could be left out while a later one is returned, and a client
                // catching up from the later one would never get it.
                await using var snapshot = connection.BeginTransaction(deferred: true);
                using var ranges = new Ranges(connection, snapshot);
                return await ConversationMerge.MergeAsync(ranges, conversations, afterId, limit, cancellationToken);
            },
            cancellationToken);

    public async Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        [.. await ReadAsync(SqliteSql.All, MessagesAsync, cancellationToken, ("$afterId", afterId), ("$limit", limit))];

    public Task<long> LastIdAsync(CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.LastId, async reader => await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0, cancellationToken);

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        // AUTOINCREMENT keeps the highest id in sqlite_sequence, so ids are not reused after this.
        await using var transaction = await BeginAsync(cancellationToken);
        await ExecuteAsync(transaction, SqliteSql.Clear, cancellationToken, ("$room", room));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> ForgetClientIdsAsync(DateTime sentBefore, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var forgotten = await ExecuteAsync(transaction, SqliteSql.ForgetClientIds, cancellationToken, ("$before", sentBefore.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return forgotten;
    }

    /// <summary>
    /// Inserts the new messages with one statement per chunk of up to <see cref="MaxRowsPerInsert"/> rows (sizes are powers
    /// of two, so that a few prepared statements serve every batch); returns their ids in batch order.
    /// </summary>
    private async Task<List<long>> InsertAsync(SqliteTransaction transaction, IReadOnlyList<NewMessage> batch, List<int> fresh, long[] seqs, DateTime sentAt, CancellationToken cancellationToken)
    {
        var ids = new List<long>(fresh.Count);
        for (var offset = 0; offset < fresh.Count;)
        {
            var rows = Math.Min(MaxRowsPerInsert, 1 << BitOperations.Log2((uint)(fresh.Count - offset)));
            var insert = InsertCommand(rows);
            insert.Transaction = transaction;
            for (var i = 0; i < rows; i++)
            {
                var message = batch[fresh[offset + i]];
                insert.Parameters[InsertColumns * i].Value = message.Room;
                insert.Parameters[(InsertColumns * i) + 1].Value = message.User;
                insert.Parameters[(InsertColumns * i) + 2].Value = message.Text;
                insert.Parameters[(InsertColumns * i) + 3].Value = seqs[offset + i];
                insert.Parameters[(InsertColumns * i) + 4].Value = message.ReplyTo ?? (object)DBNull.Value;
                insert.Parameters[(InsertColumns * i) + 5].Value = MessageChanges.MentionsJson(message.Mentions) ?? (object)DBNull.Value;
                insert.Parameters[(InsertColumns * i) + 6].Value = MessageChanges.FilesJson(message.Files) ?? (object)DBNull.Value;
                insert.Parameters[(InsertColumns * i) + 7].Value = message.Bot ? 1 : DBNull.Value;
            }

            insert.Parameters[InsertColumns * rows].Value = sentAt.Ticks;
            var first = ids.Count;
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            // Rows are inserted in VALUES order with increasing ids; RETURNING may list them in any order.
            ids.Sort(first, rows, comparer: null);
            offset += rows;
        }

        return ids;
    }

    /// <summary>The parameters of one row of <see cref="InsertCommand"/>.</summary>
    private const int InsertColumns = 8;

    /// <summary>The prepared insert of <paramref name="rows"/> rows (a power of two): parameters $r0, $u0, $t0, $s0, $p0, $m0, $f0, $b0, $r1, ..., then $sentAt.</summary>
    private SqliteCommand InsertCommand(int rows)
    {
        var slot = BitOperations.Log2((uint)rows);
        if (_inserts[slot] is { } cached)
        {
            return cached;
        }

        var insert = Writer.CreateCommand();
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => $"($r{i}, $u{i}, $t{i}, $s{i}, $p{i}, $m{i}, $f{i}, $b{i}, $sentAt)"));
        insert.CommandText = $"INSERT INTO messages (room, user, text, seq, reply_to, mentions, files, bot, sent_at) VALUES {values} RETURNING id;";
        for (var i = 0; i < rows; i++)
        {
            insert.Parameters.Add($"$r{i}", SqliteType.Text);
            insert.Parameters.Add($"$u{i}", SqliteType.Text);
            insert.Parameters.Add($"$t{i}", SqliteType.Text);
            insert.Parameters.Add($"$s{i}", SqliteType.Integer);
            insert.Parameters.Add($"$p{i}", SqliteType.Integer);
            insert.Parameters.Add($"$m{i}", SqliteType.Text);
            insert.Parameters.Add($"$f{i}", SqliteType.Text);
            insert.Parameters.Add($"$b{i}", SqliteType.Integer);
        }

        insert.Parameters.Add("$sentAt", SqliteType.Integer);
        insert.Prepare();
        return _inserts[slot] = insert;
    }

    /// <summary>Fills in <paramref name="appended"/> for each message of <paramref name="batch"/> whose sender's client id is remembered.</summary>
    private async Task FindSentAsync(SqliteTransaction transaction, IReadOnlyList<NewMessage> batch, Appended[] appended, CancellationToken cancellationToken)
    {
        var positions = new List<int>();
        var keys = new List<string[]>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].ClientMessageId is { } clientId)
            {
                positions.Add(i);
                keys.Add([batch[i].User, clientId]);
            }
        }

        if (keys.Count == 0)
        {
            return;
        }

        await using var reader = await Prepared(transaction, SqliteSql.Sent, ("$keys", JsonSerializer.Serialize(keys))).ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var first = reader.IsDBNull(3)
                ? ChatMessage.Tombstone(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTime(reader.GetInt64(4), DateTimeKind.Utc))
                : Message(reader);
            appended[positions[reader.GetInt32(13)]] = new Appended(first, IsNew: false);
        }
    }

    /// <summary>
    /// The merge's reads, prepared once on one connection. The probes of every conversation are one statement; each
    /// conversation's runs use the (room, id) index alone while it has no changed message in the merge's direction (most
    /// conversations, most of the time), and add the partial (room, version) index's range when it has.
    /// </summary>
    private sealed class Ranges : ConversationMerge.IRanges, IDisposable
    {
        private readonly SqliteCommand _headsUp;
        private readonly SqliteCommand _headsDown;
        private readonly SqliteCommand _plainFirst;
        private readonly SqliteCommand _plainLast;
        private readonly SqliteCommand _plainUp;
        private readonly SqliteCommand _plainDown;
        private readonly SqliteCommand _up;
        private readonly SqliteCommand _down;
        private readonly Dictionary<string, bool> _changed = new(StringComparer.Ordinal); // each conversation probed: has it changed messages?

        public Ranges(SqliteConnection connection, SqliteTransaction snapshot)
        {
            _headsUp = Command(connection, snapshot, SqliteSql.HeadsUp, "$rooms", "$from");
            _headsDown = Command(connection, snapshot, SqliteSql.HeadsDown, "$rooms", "$from");
            _plainFirst = Command(connection, snapshot, SqliteSql.PlainFirst, "$room", "$from");
            _plainLast = Command(connection, snapshot, SqliteSql.PlainLast, "$room", "$from");
            _plainUp = Command(connection, snapshot, SqliteSql.PlainUp, "$room", "$from", "$to", "$limit");
            _plainDown = Command(connection, snapshot, SqliteSql.PlainDown, "$room", "$from", "$to", "$limit");
            _up = Command(connection, snapshot, SqliteSql.RunUp, "$room", "$from", "$to", "$limit");
            _down = Command(connection, snapshot, SqliteSql.RunDown, "$room", "$from", "$to", "$limit");
        }

        public async Task<long?[]> HeadsAsync(IReadOnlyList<string> rooms, long from, bool newestFirst, CancellationToken cancellationToken)
        {
            if (rooms.Count == 1 && _changed.TryGetValue(rooms[0], out var changedBefore) && !changedBefore)
            {
                // The merge probes a conversation again after each of its runs: without changes, one index lookup.
                var probe = newestFirst ? _plainLast : _plainFirst;
                probe.Parameters[0].Value = rooms[0];
                probe.Parameters[1].Value = from;
                return [await probe.ExecuteScalarAsync(cancellationToken) is long id ? id : null];
            }

            var query = newestFirst ? _headsDown : _headsUp;
            query.Parameters[0].Value = JsonSerializer.Serialize(rooms);
            query.Parameters[1].Value = from;
            var heads = new long?[rooms.Count];
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
            {
                long? changed = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                var last = newestFirst ? 2 : 1;
                long? unchanged = reader.IsDBNull(last) ? null : reader.GetInt64(last);

                // Going up, a conversation with no change after one position has none after a later one either; going
                // down, the plain reads are exact only for a conversation with no changed message at all.
                _changed[rooms[i]] = newestFirst ? reader.GetBoolean(1) : changed is not null;

                heads[i] = (changed, unchanged) switch
                {
                    (null, var head) => head,
                    (var head, null) => head,
                    var (c, u) => newestFirst ? Math.Max(c.Value, u.Value) : Math.Min(c.Value, u.Value),
                };
            }

            return heads;
        }

        public async Task<List<ChatMessage>> RangeAsync(string room, long from, long to, int limit, bool newestFirst, CancellationToken cancellationToken)
        {
            var query = _changed[room] ? newestFirst ? _down : _up : newestFirst ? _plainDown : _plainUp;
            query.Parameters[0].Value = room;
            query.Parameters[1].Value = from;
            query.Parameters[2].Value = to;
            query.Parameters[3].Value = limit;
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            return await MessagesAsync(reader);
        }

        public void Dispose()
        {
            _headsUp.Dispose();
            _headsDown.Dispose();
            _plainFirst.Dispose();
            _plainLast.Dispose();
            _plainUp.Dispose();
            _plainDown.Dispose();
            _up.Dispose();
            _down.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction snapshot, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = snapshot;
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(name, name is "$room" or "$rooms" ? SqliteType.Text : SqliteType.Integer);
            }

            command.Prepare();
            return command;
        }
    }
}
