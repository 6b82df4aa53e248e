using System.Numerics;
using System.Text.Json;
using Chat.Server.Rooms;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History;

/// <summary>History in an embedded SQLite file (WAL). One open connection writes; reads use pooled connections.</summary>
public sealed class SqliteHistoryStore(string connectionString, int maxMessages) : IHistoryStore, IDisposable
{
    /// <summary>
    /// Each schema version's step, applied in order from the file's <c>PRAGMA user_version</c>. Version 1 is the
    /// first release's schema (its files say 0: it set no version); version 2 adds conversations; version 3 keeps
    /// client message ids apart from the messages (remembered after the message is gone) and who created each room
    /// and since when it is empty.
    /// </summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS messages (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            user    TEXT    NOT NULL,
            text    TEXT    NOT NULL,
            sent_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS probe (
            id   INTEGER PRIMARY KEY,
            data BLOB NOT NULL
        );
        """,
        """
        ALTER TABLE messages ADD COLUMN room TEXT NOT NULL DEFAULT 'general';
        ALTER TABLE messages ADD COLUMN client_id TEXT;
        CREATE INDEX messages_room_id ON messages (room, id);
        CREATE UNIQUE INDEX messages_user_client_id ON messages (user, client_id) WHERE client_id IS NOT NULL;
        CREATE TABLE rooms (
            name       TEXT    PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE memberships (
            user    TEXT    NOT NULL,
            room    TEXT    NOT NULL,
            read_id INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user, room)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_room ON memberships (room, user);
        """,
        """
        CREATE TABLE client_ids (
            user       TEXT    NOT NULL,
            client_id  TEXT    NOT NULL,
            room       TEXT    NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at    INTEGER NOT NULL,
            PRIMARY KEY (user, client_id)
        ) WITHOUT ROWID;
        CREATE INDEX client_ids_sent_at ON client_ids (sent_at);
        INSERT INTO client_ids (user, client_id, room, message_id, sent_at)
            SELECT user, client_id, room, id, sent_at FROM messages WHERE client_id IS NOT NULL;
        DROP INDEX messages_user_client_id;
        ALTER TABLE messages DROP COLUMN client_id;
        ALTER TABLE rooms ADD COLUMN created_by TEXT;
        ALTER TABLE rooms ADD COLUMN empty_since INTEGER;
        CREATE INDEX rooms_created_by ON rooms (created_by, created_at);
        UPDATE rooms SET empty_since = strftime('%s', 'now') * 10000000 + 621355968000000000
            WHERE NOT EXISTS (SELECT 1 FROM memberships WHERE memberships.room = rooms.name);
        """,
    ];

    /// <summary>One conversation after an id (the (room, id) index); $room, $afterId, $limit.</summary>
    internal const string AfterQuery =
        "SELECT id, room, user, text, sent_at FROM messages WHERE room = $room AND id > $afterId ORDER BY id LIMIT $limit;";

    /// <summary>One conversation's latest, newest first (the (room, id) index); $room, $limit.</summary>
    internal const string LatestQuery =
        "SELECT id, room, user, text, sent_at FROM messages WHERE room = $room ORDER BY id DESC LIMIT $limit;";

    /// <summary>One conversation's messages before an id, newest first (the (room, id) index); $room, $beforeId, $limit.</summary>
    internal const string BeforeQuery =
        "SELECT id, room, user, text, sent_at FROM messages WHERE room = $room AND id < $beforeId ORDER BY id DESC LIMIT $limit;";

    /// <summary>
    /// The messages first sent with the (user, client id) pairs of <c>$keys</c>, a JSON array of <c>[user, clientId]</c>,
    /// each with its index in it: one point lookup per pair on client_ids' primary key, in one statement (CROSS JOIN keeps
    /// the pairs the outer loop); the text is null where the message is gone.
    /// </summary>
    internal const string SentQuery = """
        SELECT c.message_id, c.room, c.user, m.text, c.sent_at, k.key
        FROM json_each($keys) AS k CROSS JOIN client_ids AS c LEFT JOIN messages AS m ON m.id = c.message_id
        WHERE c.user = k.value ->> 0 AND c.client_id = k.value ->> 1;
        """;

    private const string Columns = "id, room, user, text, sent_at";

    /// <summary>Most rows in one INSERT statement.</summary>
    private const int MaxRowsPerInsert = 64;

    // Unpooled and never creating the file: a pooled connection would keep answering from a file that is gone.
    private readonly string _checkConnectionString =
        new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString();

    // Up to 1/16 more than maxMessages (at most 64 rows) may wait for the next trim.
    private readonly int _trimStep = Math.Clamp(maxMessages / 16, 1, 64);

    // Messages per conversation, once counted (on its first append); only the writer touches it.
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    private readonly SqliteCommand?[] _inserts = new SqliteCommand?[BitOperations.Log2(MaxRowsPerInsert) + 1];
    private SqliteCommand? _findSent;
    private SqliteCommand? _rememberClientId;
    private SqliteCommand? _addMember;
    private SqliteCommand? _trim;
    private SqliteConnection? _writer;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Where the history is, for the start-up log.</summary>
    public string Description => $"SQLite file {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";

    private SqliteConnection Writer => _writer ?? throw new InvalidOperationException("The history store is not initialized.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await OpenWriterAsync(cancellationToken);
        }
        catch (SqliteException failure)
        {
            // A file that cannot be opened, created or upgraded (no such folder, no permission, a full disk): one line, exit 1.
            throw new Configuration.StartupException(
                $"cannot open the SQLite history {new SqliteConnectionStringBuilder(ConnectionString).DataSource} (ConnectionStrings:Chat): {failure.Message}", failure);
        }
    }

    private async Task OpenWriterAsync(CancellationToken cancellationToken)
    {
        var writer = new SqliteConnection(ConnectionString);
        await writer.OpenAsync(cancellationToken);
        await ExecuteAsync(writer, null, "PRAGMA journal_mode = WAL;", cancellationToken);

        // FULL makes each commit durable on disk before it is acked; group commit pays it once per batch.
        await ExecuteAsync(writer, null, "PRAGMA synchronous = FULL;", cancellationToken);

        // The upgrade is one transaction, begun IMMEDIATE so that two processes opening one file take turns.
        await using (var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken))
        {
            await using var version = writer.CreateCommand();
            version.Transaction = transaction;
            version.CommandText = "PRAGMA user_version;";
            var from = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            for (var step = from; step < Migrations.Length; step++)
            {
                await ExecuteAsync(writer, transaction, Migrations[step], cancellationToken);
            }

            if (from < Migrations.Length)
            {
                await ExecuteAsync(writer, transaction, $"PRAGMA user_version = {Migrations.Length};", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        _writer = writer;
    }

    public async Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        var connection = Writer;
        var appended = new Appended[batch.Count];
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        // A resent message (its sender's client id is stored) comes back as first stored; the others are new.
        await FindSentAsync(transaction, batch, appended, cancellationToken);
        var fresh = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (appended[i].Message is null)
            {
                fresh.Add(i);
            }
        }

        // Rows go in with one statement per chunk of up to MaxRowsPerInsert; sizes are powers of two so
        // that a few prepared statements serve every batch.
        var ids = new List<long>(fresh.Count);
        for (var offset = 0; offset < fresh.Count;)
        {
            var rows = Math.Min(MaxRowsPerInsert, 1 << BitOperations.Log2((uint)(fresh.Count - offset)));
            var insert = InsertCommand(connection, rows);
            insert.Transaction = transaction;
            for (var i = 0; i < rows; i++)
            {
                var message = batch[fresh[offset + i]];
                insert.Parameters[3 * i].Value = message.Room;
                insert.Parameters[(3 * i) + 1].Value = message.User;
                insert.Parameters[(3 * i) + 2].Value = message.Text;
            }

            insert.Parameters[3 * rows].Value = sentAt.Ticks;
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

        var inserted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < fresh.Count; n++)
        {
            var message = batch[fresh[n]];
            appended[fresh[n]] = new Appended(new ChatMessage(ids[n], message.Room, message.User, message.Text, sentAt), IsNew: true);
            inserted[message.Room] = inserted.GetValueOrDefault(message.Room) + 1;
            if (message.ClientMessageId is { } clientId)
            {
                await RememberClientIdAsync(transaction, message, clientId, ids[n], sentAt, cancellationToken);
            }
        }

        foreach (var room in inserted.Keys)
        {
            if (Conversation.TryParseDirect(room, out var one, out var other))
            {
                await AddMemberAsync(transaction, one, room, cancellationToken);
                await AddMemberAsync(transaction, other, room, cancellationToken);
            }
        }

        // Retention in steps: deleting on every commit would rewrite the oldest page each time. Each
        // conversation's row count is known here (counted once), so a trim deletes its oldest rows by
        // the index without walking the ones it keeps.
        var counts = new List<(string Room, long Count)>(inserted.Count);
        foreach (var (room, added) in inserted)
        {
            // Counted here, the batch's own rows are in the count already.
            var count = _counts.TryGetValue(room, out var known) ? known + added : await CountAsync(transaction, room, cancellationToken);
            if (count - maxMessages >= (_counts.ContainsKey(room) ? _trimStep : 1))
            {
                count -= await TrimAsync(transaction, room, count - maxMessages, cancellationToken);
            }

            counts.Add((room, count));
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var (room, count) in counts)
        {
            _counts[room] = count;
        }

        return appended;
    }

    /// <summary>The prepared insert of <paramref name="rows"/> rows (a power of two): parameters $r0, $u0, $t0, $r1, ..., then $sentAt.</summary>
    private SqliteCommand InsertCommand(SqliteConnection connection, int rows)
    {
        var slot = BitOperations.Log2((uint)rows);
        if (_inserts[slot] is { } cached)
        {
            return cached;
        }

        var insert = connection.CreateCommand();
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => $"($r{i}, $u{i}, $t{i}, $sentAt)"));
        insert.CommandText = $"INSERT INTO messages (room, user, text, sent_at) VALUES {values} RETURNING id;";
        for (var i = 0; i < rows; i++)
        {
            insert.Parameters.Add($"$r{i}", SqliteType.Text);
            insert.Parameters.Add($"$u{i}", SqliteType.Text);
            insert.Parameters.Add($"$t{i}", SqliteType.Text);
        }

        insert.Parameters.Add("$sentAt", SqliteType.Integer);
        insert.Prepare();
        return _inserts[slot] = insert;
    }

    /// <summary>Fills in <paramref name="appended"/> for each message of <paramref name="batch"/> whose sender stored its client id before.</summary>
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

        _findSent ??= Prepared(SentQuery, ("$keys", SqliteType.Text));
        _findSent.Transaction = transaction;
        _findSent.Parameters[0].Value = JsonSerializer.Serialize(keys);
        await using var reader = await _findSent.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var first = reader.IsDBNull(3)
                ? ChatMessage.Tombstone(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTime(reader.GetInt64(4), DateTimeKind.Utc))
                : Read(reader);
            appended[positions[reader.GetInt32(5)]] = new Appended(first, IsNew: false);
        }
    }

    private async Task RememberClientIdAsync(SqliteTransaction transaction, NewMessage message, string clientId, long id, DateTime sentAt, CancellationToken cancellationToken)
    {
        _rememberClientId ??= Prepared(
            "INSERT INTO client_ids (user, client_id, room, message_id, sent_at) VALUES ($user, $clientId, $room, $id, $sentAt);",
            ("$user", SqliteType.Text),
            ("$clientId", SqliteType.Text),
            ("$room", SqliteType.Text),
            ("$id", SqliteType.Integer),
            ("$sentAt", SqliteType.Integer));
        _rememberClientId.Transaction = transaction;
        _rememberClientId.Parameters[0].Value = message.User;
        _rememberClientId.Parameters[1].Value = clientId;
        _rememberClientId.Parameters[2].Value = message.Room;
        _rememberClientId.Parameters[3].Value = id;
        _rememberClientId.Parameters[4].Value = sentAt.Ticks;
        await _rememberClientId.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task AddMemberAsync(SqliteTransaction transaction, string user, string room, CancellationToken cancellationToken)
    {
        _addMember ??= Prepared(
            "INSERT OR IGNORE INTO memberships (user, room, read_id) VALUES ($user, $room, 0);", ("$user", SqliteType.Text), ("$room", SqliteType.Text));
        _addMember.Transaction = transaction;
        _addMember.Parameters[0].Value = user;
        _addMember.Parameters[1].Value = room;
        await _addMember.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the conversation's rows older than its newest <c>maxMessages</c> (a range of the (room, id) index).</summary>
    /// <summary>Deletes the <paramref name="excess"/> oldest messages of a conversation; returns how many went.</summary>
    private async Task<int> TrimAsync(SqliteTransaction transaction, string room, long excess, CancellationToken cancellationToken)
    {
        _trim ??= Prepared(
            "DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE room = $room ORDER BY id LIMIT $excess);",
            ("$room", SqliteType.Text),
            ("$excess", SqliteType.Integer));
        _trim.Transaction = transaction;
        _trim.Parameters[0].Value = room;
        _trim.Parameters[1].Value = excess;
        return await _trim.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many messages a conversation holds (once per conversation; then the store keeps count).</summary>
    private async Task<long> CountAsync(SqliteTransaction transaction, string room, CancellationToken cancellationToken)
    {
        await using var count = Writer.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM messages WHERE room = $room;";
        count.Parameters.AddWithValue("$room", room);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private SqliteCommand Prepared(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = Writer.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        command.Prepare();
        return command;
    }

    public async Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = afterId is null ? LatestQuery : AfterQuery;
        query.Parameters.AddWithValue("$room", room);
        query.Parameters.AddWithValue("$afterId", afterId ?? 0);
        query.Parameters.AddWithValue("$limit", limit);
        var messages = await ReadAllAsync(query, cancellationToken);
        if (afterId is null)
        {
            messages.Reverse();
        }

        return [.. messages];
    }

    public async Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = BeforeQuery;
        query.Parameters.AddWithValue("$room", room);
        query.Parameters.AddWithValue("$beforeId", beforeId);
        query.Parameters.AddWithValue("$limit", limit);
        var messages = await ReadAllAsync(query, cancellationToken);
        messages.Reverse();
        return [.. messages];
    }

    public async Task<ChatMessage[]> GetMissedAsync(IReadOnlyList<string> conversations, long? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var ranges = new Ranges(connection);
        return await ConversationMerge.MergeAsync(ranges, conversations, afterId, limit, cancellationToken);
    }

    /// <summary>The merge's reads, prepared once on one connection (each a range of the (room, id) index).</summary>
    private sealed class Ranges : ConversationMerge.IRanges, IDisposable
    {
        private readonly SqliteCommand _first;
        private readonly SqliteCommand _last;
        private readonly SqliteCommand _up;
        private readonly SqliteCommand _down;

        public Ranges(SqliteConnection connection)
        {
            _first = Command(connection, "SELECT min(id) FROM messages WHERE room = $room AND id > $from;", "$room", "$from");
            _last = Command(connection, "SELECT max(id) FROM messages WHERE room = $room AND id < $from;", "$room", "$from");
            _up = Command(connection, $"SELECT {Columns} FROM messages WHERE room = $room AND id >= $from AND id < $to ORDER BY id LIMIT $limit;", "$room", "$from", "$to", "$limit");
            _down = Command(connection, $"SELECT {Columns} FROM messages WHERE room = $room AND id <= $from AND id > $to ORDER BY id DESC LIMIT $limit;", "$room", "$from", "$to", "$limit");
        }

        public async Task<long?[]> HeadsAsync(IReadOnlyList<string> rooms, long from, bool newestFirst, CancellationToken cancellationToken)
        {
            var query = newestFirst ? _last : _first;
            var heads = new long?[rooms.Count];
            for (var i = 0; i < rooms.Count; i++)
            {
                query.Parameters[0].Value = rooms[i];
                query.Parameters[1].Value = from;
                heads[i] = await query.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
            }

            return heads;
        }

        public async Task<List<ChatMessage>> RangeAsync(string room, long from, long to, int limit, bool newestFirst, CancellationToken cancellationToken)
        {
            var query = newestFirst ? _down : _up;
            query.Parameters[0].Value = room;
            query.Parameters[1].Value = from;
            query.Parameters[2].Value = to;
            query.Parameters[3].Value = limit;
            return await ReadAllAsync(query, cancellationToken);
        }

        public void Dispose()
        {
            _first.Dispose();
            _last.Dispose();
            _up.Dispose();
            _down.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(name, name == "$room" ? SqliteType.Text : SqliteType.Integer);
            }

            command.Prepare();
            return command;
        }
    }

    public async Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM messages WHERE id > $afterId ORDER BY id LIMIT $limit;";
        query.Parameters.AddWithValue("$afterId", afterId);
        query.Parameters.AddWithValue("$limit", limit);
        return [.. await ReadAllAsync(query, cancellationToken)];
    }

    public async Task<JoinOutcome> JoinAsync(string user, string room, JoinLimits limits, CancellationToken cancellationToken)
    {
        var connection = Writer;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new (string, object)[] { ("$user", user), ("$room", room), ("$now", limits.Now.Ticks), ("$dayAgo", (limits.Now - TimeSpan.FromDays(1)).Ticks) };
        if (await ScalarAsync(transaction, "SELECT count(*) FROM memberships WHERE user = $user AND room = $room;", parameters, cancellationToken) > 0)
        {
            return JoinOutcome.AlreadyMember;
        }

        // Only real rooms count: direct conversations and general are not in the rooms table.
        if (await ScalarAsync(transaction, "SELECT count(*) FROM memberships JOIN rooms ON rooms.name = memberships.room WHERE user = $user;", parameters, cancellationToken) >= limits.MaxPerUser)
        {
            return JoinOutcome.TooManyForUser;
        }

        if (await ScalarAsync(transaction, "SELECT count(*) FROM rooms WHERE name = $room;", parameters, cancellationToken) == 0)
        {
            if (await ScalarAsync(transaction, "SELECT count(*) FROM rooms;", [], cancellationToken) >= limits.MaxRooms)
            {
                return JoinOutcome.TooManyRooms;
            }

            if (await ScalarAsync(transaction, "SELECT count(*) FROM rooms WHERE created_by = $user AND created_at > $dayAgo;", parameters, cancellationToken) >= limits.CreatePerUserPerDay)
            {
                return JoinOutcome.TooManyCreated;
            }

            await ScalarAsync(transaction, "INSERT INTO rooms (name, created_at, created_by) VALUES ($room, $now, $user);", parameters, cancellationToken);
        }
        else
        {
            await ScalarAsync(transaction, "UPDATE rooms SET empty_since = NULL WHERE name = $room;", parameters, cancellationToken);
        }

        // What was said before joining counts as read.
        await ScalarAsync(
            transaction,
            "INSERT INTO memberships (user, room, read_id) VALUES ($user, $room, coalesce((SELECT max(id) FROM messages WHERE room = $room), 0));",
            parameters,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return JoinOutcome.Joined;
    }

    public async Task<bool> LeaveAsync(string user, string room, DateTime now, CancellationToken cancellationToken)
    {
        var connection = Writer;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new (string, object)[] { ("$user", user), ("$room", room), ("$now", now.Ticks) };
        var left = await ScalarAsync(transaction, "DELETE FROM memberships WHERE user = $user AND room = $room RETURNING 1;", parameters, cancellationToken) > 0;
        await ScalarAsync(
            transaction,
            "UPDATE rooms SET empty_since = $now WHERE name = $room AND empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM memberships WHERE room = $room);",
            parameters,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return left;
    }

    public async Task<string[]> RemoveEmptyRoomsAsync(DateTime emptySince, CancellationToken cancellationToken)
    {
        var connection = Writer;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var removed = new List<string>();
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = """
                DELETE FROM rooms WHERE empty_since < $before AND NOT EXISTS (SELECT 1 FROM memberships WHERE memberships.room = rooms.name)
                RETURNING name;
                """;
            find.Parameters.AddWithValue("$before", emptySince.Ticks);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                removed.Add(reader.GetString(0));
            }
        }

        foreach (var room in removed)
        {
            await ScalarAsync(transaction, "DELETE FROM messages WHERE room = $room;", [("$room", room)], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var room in removed)
        {
            _counts.Remove(room);
        }

        return [.. removed];
    }

    public async Task<int> ForgetClientIdsAsync(DateTime sentBefore, CancellationToken cancellationToken)
    {
        await using var command = Writer.CreateCommand();
        command.CommandText = "DELETE FROM client_ids WHERE sent_at < $before;";
        command.Parameters.AddWithValue("$before", sentBefore.Ticks);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT EXISTS (SELECT 1 FROM memberships WHERE user = $user AND room = $room);";
        query.Parameters.AddWithValue("$user", user);
        query.Parameters.AddWithValue("$room", room);
        return (long)(await query.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task<int> DirectCountAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();

        // Direct conversation keys start with '@', which sorts just before 'A': a range of the primary key.
        query.CommandText = "SELECT count(*) FROM memberships WHERE user = $user AND room >= '@' AND room < 'A';";
        query.Parameters.AddWithValue("$user", user);
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return [.. await MembershipsAsync(connection, user, cancellationToken)];
    }

    public async Task<string[]> MembersAsync(string room, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT user FROM memberships WHERE room = $room ORDER BY user COLLATE BINARY;";
        query.Parameters.AddWithValue("$room", room);
        var members = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(reader.GetString(0));
        }

        return [.. members];
    }

    public async Task<RoomListing[]> ListRoomsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT name, (SELECT count(*) FROM memberships WHERE memberships.room = rooms.name)
            FROM rooms ORDER BY name COLLATE BINARY;
            """;
        var rooms = new List<RoomListing>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rooms.Add(new RoomListing(reader.GetString(0), reader.GetInt32(1)));
        }

        return [.. rooms];
    }

    public async Task<RoomSummary?> SummaryAsync(string user, string room, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT room,
                (SELECT max(id) FROM messages WHERE room = $room),
                (SELECT count(*) FROM messages WHERE room = $room AND id > read_id AND user <> $user)
            FROM memberships WHERE user = $user AND room = $room;
            """;
        query.Parameters.AddWithValue("$user", user);
        query.Parameters.AddWithValue("$room", room);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RoomSummary(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2))
            : null;
    }

    public async Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();

        // general first; a null marker (no general row yet) means nothing is unread.
        query.CommandText = """
            SELECT c.room,
                (SELECT max(id) FROM messages WHERE room = c.room),
                CASE WHEN c.read_id IS NULL THEN 0
                     ELSE (SELECT count(*) FROM messages WHERE room = c.room AND id > c.read_id AND user <> $user) END
            FROM (SELECT 0 AS place, 'general' AS room, (SELECT read_id FROM memberships WHERE user = $user AND room = 'general') AS read_id
                  UNION ALL
                  SELECT 1, room, read_id FROM memberships WHERE user = $user AND room <> 'general') AS c
            ORDER BY c.place;
            """;
        query.Parameters.AddWithValue("$user", user);
        var summaries = new List<RoomSummary>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(new RoomSummary(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2)));
        }

        return [.. summaries];
    }

    public async Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken)
    {
        var connection = Writer;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO memberships (user, room, read_id)
            VALUES ($user, $room, max(0, min($id, coalesce((SELECT max(id) FROM messages WHERE room = $room), 0))))
            ON CONFLICT (user, room) DO UPDATE SET read_id = max(read_id, excluded.read_id)
            RETURNING read_id;
            """;
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE memberships SET read_id = max(read_id, min($id, coalesce((SELECT max(id) FROM messages WHERE room = $room), 0)))
            WHERE user = $user AND room = $room
            RETURNING read_id;
            """;
        var markers = new long[marks.Count];
        for (var i = 0; i < marks.Count; i++)
        {
            // A room's marker exists only while its user is a member, a direct one's from its first message; general's appears on first use.
            var command = marks[i].Room == Conversation.General ? upsert : update;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$user", marks[i].User);
            command.Parameters.AddWithValue("$room", marks[i].Room);
            command.Parameters.AddWithValue("$id", marks[i].Id);
            markers[i] = (long?)await command.ExecuteScalarAsync(cancellationToken) ?? 0;
        }

        await transaction.CommitAsync(cancellationToken);
        return markers;
    }

    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();

        // AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, even after /clear.
        query.CommandText = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0);";
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1);";
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        var connection = Writer;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var touch = connection.CreateCommand())
        {
            // Random bytes, so that every page of them goes to the write-ahead log and is synced, as in a commit.
            touch.Transaction = transaction;
            touch.CommandText = "INSERT OR REPLACE INTO probe (id, data) VALUES (1, randomblob($bytes));";
            touch.Parameters.AddWithValue("$bytes", IHistoryStore.ProbeBytes);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        await using var command = Writer.CreateCommand();

        // AUTOINCREMENT keeps the highest id in sqlite_sequence, so ids are not reused after this.
        command.CommandText = "DELETE FROM messages WHERE room = $room;";
        command.Parameters.AddWithValue("$room", room);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _counts[room] = 0;
    }

    public void Dispose()
    {
        foreach (var command in (SqliteCommand?[])[.. _inserts, _findSent, _rememberClientId, _addMember, _trim])
        {
            command?.Dispose();
        }

        _writer?.Dispose();
        _writer = null;
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>The user's membership rows other than general: rooms and direct conversations (the memberships primary key).</summary>
    private static async Task<List<string>> MembershipsAsync(SqliteConnection connection, string user, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT room FROM memberships WHERE user = $user AND room <> 'general';";
        query.Parameters.AddWithValue("$user", user);
        var rows = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<List<ChatMessage>> ReadAllAsync(SqliteCommand query, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(Read(reader));
        }

        return messages;
    }

    /// <summary>A message from a row of <see cref="Columns"/>.</summary>
    private static ChatMessage Read(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), new DateTime(reader.GetInt64(4), DateTimeKind.Utc));

    private static async Task<long> ScalarAsync(SqliteTransaction transaction, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
