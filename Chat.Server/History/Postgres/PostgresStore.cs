using System.Text;
using Chat.Server.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History.Postgres;

/// <summary>
/// History in PostgreSQL, shared by every server process of a scale-out deployment. Ids come from a
/// one-row counter updated inside each batch's transaction: its row lock makes writers take turns
/// until commit, so ids increase in commit order across processes and a catching-up reader never
/// skips one (a sequence would not: a later id can commit first).
/// </summary>
public sealed class PostgresStore : IHistoryStore, IAsyncDisposable, IDisposable
{
    // CREATE TABLE IF NOT EXISTS still fails when two processes run it at once, so they take turns on
    // an advisory lock (any fixed number; advisory locks are per database) held until commit.
    private const string Schema = """
        SELECT pg_advisory_xact_lock(4857112365243057253);
        CREATE TABLE IF NOT EXISTS chat_messages (
            id        bigint      PRIMARY KEY,
            user_name text        NOT NULL,
            text      text        NOT NULL,
            sent_at   timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS chat_counter (
            single  boolean PRIMARY KEY DEFAULT true CHECK (single),
            last_id bigint  NOT NULL
        );
        INSERT INTO chat_counter (last_id) VALUES (0) ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS chat_probe (
            id   int   PRIMARY KEY,
            data bytea NOT NULL
        );
        ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS room text NOT NULL DEFAULT 'general';
        CREATE INDEX IF NOT EXISTS chat_messages_room_id ON chat_messages (room, id);
        CREATE TABLE IF NOT EXISTS chat_client_ids (
            user_name  text        NOT NULL,
            client_id  text        NOT NULL,
            room       text        NOT NULL,
            message_id bigint      NOT NULL,
            sent_at    timestamptz NOT NULL,
            PRIMARY KEY (user_name, client_id)
        );
        CREATE INDEX IF NOT EXISTS chat_client_ids_sent_at ON chat_client_ids (sent_at);
        DO $$
        BEGIN
            -- Releases before client ids had their own table kept them in chat_messages.
            IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'chat_messages' AND column_name = 'client_id') THEN
                INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at)
                    SELECT user_name, client_id, room, id, sent_at FROM chat_messages WHERE client_id IS NOT NULL
                    ON CONFLICT DO NOTHING;
                ALTER TABLE chat_messages DROP COLUMN client_id;
            END IF;
        END
        $$;
        CREATE TABLE IF NOT EXISTS chat_rooms (
            name       text        PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE chat_rooms ADD COLUMN IF NOT EXISTS created_by text;
        ALTER TABLE chat_rooms ADD COLUMN IF NOT EXISTS empty_since timestamptz;
        CREATE INDEX IF NOT EXISTS chat_rooms_created_by ON chat_rooms (created_by, created_at);
        CREATE TABLE IF NOT EXISTS chat_memberships (
            user_name text   NOT NULL,
            room      text   NOT NULL,
            read_id   bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (user_name, room)
        );
        CREATE INDEX IF NOT EXISTS chat_memberships_room ON chat_memberships (room, user_name);
        UPDATE chat_rooms r SET empty_since = now()
            WHERE empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM chat_memberships m WHERE m.room = r.name);
        """;

    /// <summary>Joins take turns across processes on this advisory lock, so two cannot both pass a limit.</summary>
    private const long MembershipLock = 4857112365243057254;

    private const string Columns = "id, room, user_name, text, sent_at";

    /// <summary>One conversation after an id (the (room, id) index): $1 room, $2 after id, $3 limit.</summary>
    internal const string AfterQuery = $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id > $2 ORDER BY id LIMIT $3;";

    /// <summary>One conversation's messages before an id, newest first (the (room, id) index): $1 room, $2 id, $3 limit.</summary>
    internal const string BeforeQuery = $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3;";

    /// <summary>One conversation's latest, newest first (the (room, id) index): $1 room, $3 limit.</summary>
    internal const string LatestQuery = $"SELECT {Columns} FROM chat_messages WHERE room = $1 ORDER BY id DESC LIMIT $3;";

    /// <summary>
    /// Stores a batch once the counter's row is locked (by the statement before): resent ones are looked up on
    /// chat_client_ids' primary key and returned (text null where the message is gone); the others take the ids after
    /// the counter, which moves by as many, so ids stay dense, and their client ids are remembered; direct conversations
    /// get their members. Parameters: rooms, users, texts, client ids, sent at, then the direct members' users and rooms.
    /// </summary>
    internal const string AppendStatement = """
        WITH input AS (
            SELECT m.position, m.room, m.user_name, m.text, m.client_id
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS m(room, user_name, text, client_id, position)
        ),
        sent AS (
            SELECT i.position, c.message_id AS id, c.room, m.text, c.sent_at
            FROM input i
            JOIN chat_client_ids c ON c.user_name = i.user_name AND c.client_id = i.client_id
            LEFT JOIN chat_messages m ON m.id = c.message_id
        ),
        fresh AS (
            SELECT i.*, row_number() OVER (ORDER BY i.position) AS n
            FROM input i
            WHERE i.position NOT IN (SELECT position FROM sent)
        ),
        counter AS (
            UPDATE chat_counter SET last_id = last_id + (SELECT count(*) FROM fresh)
            RETURNING last_id - (SELECT count(*) FROM fresh) AS before
        ),
        inserted AS (
            INSERT INTO chat_messages (id, room, user_name, text, sent_at)
            SELECT c.before + f.n, f.room, f.user_name, f.text, $5
            FROM fresh f, counter c
        ),
        remembered AS (
            INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at)
            SELECT f.user_name, f.client_id, f.room, c.before + f.n, $5
            FROM fresh f, counter c
            WHERE f.client_id IS NOT NULL
        ),
        members AS (
            INSERT INTO chat_memberships (user_name, room)
            SELECT d.user_name, d.room FROM unnest($6::text[], $7::text[]) AS d(user_name, room)
            WHERE d.room IN (SELECT room FROM fresh)
            ON CONFLICT DO NOTHING
        )
        SELECT position, id, room, text, sent_at FROM sent;
        """;

    /// <summary>Deletes a conversation's rows older than its newest $2 (a range of the (room, id) index).</summary>
    private const string TrimStatement = """
        DELETE FROM chat_messages WHERE room = $1
            AND id < (SELECT id FROM chat_messages WHERE room = $1 ORDER BY id DESC OFFSET $2 - 1 LIMIT 1);
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly string _checkConnectionString;
    private readonly int _maxMessages;

    // Up to 1/16 more than maxMessages (at most 64 rows) may wait for the next trim.
    private readonly int _trimStep;

    // This process's inserts per conversation since its last trim; one not listed is trimmed on its first append. Only the writer touches it.
    private readonly Dictionary<string, int> _sinceTrim = new(StringComparer.Ordinal);

    public PostgresStore(string connectionString, Retention retention)
    {
        var maxMessages = retention.MaxMessages;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        _maxMessages = maxMessages;
        _trimStep = Math.Clamp(maxMessages / 16, 1, 64);

        // Readiness must answer within seconds when PostgreSQL is gone, and not from a pooled connection.
        _checkConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 3 }.ConnectionString;
    }

    /// <summary>Where the history is, for the start-up log (no password).</summary>
    public string Description => $"PostgreSQL database {_settings.Database} at {_settings.Host}:{_settings.Port}";

    /// <summary>
    /// Creates the tables, or upgrades those of an earlier release in place (one transaction, under the advisory lock). A database that does not exist yet is created when the role may (CREATE DATABASE);
    /// otherwise, and when PostgreSQL cannot be reached, start-up stops with one line that says what to do.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CreateTablesAsync(cancellationToken);
        }
        catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await CreateDatabaseAsync(cancellationToken);
            await CreateTablesAsync(cancellationToken);
        }
        catch (NpgsqlException unreachable) when (unreachable is not PostgresException)
        {
            throw new Configuration.StartupException(
                $"cannot reach PostgreSQL at {_settings.Host}:{_settings.Port} (ConnectionStrings:Chat): {Innermost(unreachable).Message}", unreachable);
        }
        catch (PostgresException refused) when (refused.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new Configuration.StartupException(
                $"PostgreSQL at {_settings.Host}:{_settings.Port} refused role {_settings.Username}: {refused.MessageText}. Check the user name and password in ConnectionStrings:Chat.", refused);
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(_settings.ConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_settings.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new Configuration.StartupException(
                $"the PostgreSQL database {_settings.Database} does not exist, and role {_settings.Username} may not create it. Create it once, as a role that may: createdb -h {_settings.Host} -p {_settings.Port} -O {_settings.Username} {_settings.Database}",
                refused);
        }
        catch (PostgresException raced) when (raced.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another node created it first.
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

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
        var inBatch = new Dictionary<string, int>(StringComparer.Ordinal);
        var members = new HashSet<(string User, string Room)>();
        for (var i = 0; i < batch.Count; i++)
        {
            rooms[i] = Storable(batch[i].Room);
            users[i] = Storable(batch[i].User);
            texts[i] = Storable(batch[i].Text);
            clientIds[i] = batch[i].ClientMessageId is { } clientId ? Storable(clientId) : null;
            inBatch[rooms[i]] = inBatch.GetValueOrDefault(rooms[i]) + 1;
            if (Conversation.TryParseDirect(rooms[i], out var one, out var other))
            {
                members.Add((one, rooms[i]));
                members.Add((other, rooms[i]));
            }
        }

        // Retention in steps (resends counted too: an early trim is harmless).
        var due = inBatch.Where(room => !_sinceTrim.TryGetValue(room.Key, out var since) || since + room.Value >= _trimStep).Select(room => room.Key).ToArray();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One round trip. The counter's row lock comes first, in a statement of its own: the next statement's
        // snapshot (READ COMMITTED) then sees every batch committed before ours, resends among them.
        await using var commands = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT last_id FROM chat_counter FOR UPDATE;"),
                new NpgsqlBatchCommand(AppendStatement)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string[]> { TypedValue = rooms },
                        new NpgsqlParameter<string[]> { TypedValue = users },
                        new NpgsqlParameter<string[]> { TypedValue = texts },
                        new NpgsqlParameter<string?[]> { TypedValue = clientIds },
                        new NpgsqlParameter<DateTime> { TypedValue = sent, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                        new NpgsqlParameter<string[]> { TypedValue = [.. members.Select(m => m.User)] },
                        new NpgsqlParameter<string[]> { TypedValue = [.. members.Select(m => m.Room)] },
                    },
                },
            },
        };
        foreach (var room in due)
        {
            commands.BatchCommands.Add(new NpgsqlBatchCommand(TrimStatement)
            {
                Parameters = { new NpgsqlParameter<string> { TypedValue = room }, new NpgsqlParameter<int> { TypedValue = _maxMessages } },
            });
        }

        long lastId;
        var resent = new Dictionary<long, ChatMessage>();
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            lastId = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var position = reader.GetInt64(0) - 1;
                resent[position] = reader.IsDBNull(3)
                    ? ChatMessage.Tombstone(reader.GetInt64(1), reader.GetString(2), users[position], reader.GetFieldValue<DateTime>(4))
                    : new ChatMessage(reader.GetInt64(1), reader.GetString(2), users[position], reader.GetString(3), reader.GetFieldValue<DateTime>(4));
            }

            // Reading every result surfaces an error in a trim before we commit.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not PostgresException && exception is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            // The COMMIT may have reached the server before the connection broke.
            throw new CommitOutcomeUnknownException(exception);
        }

        foreach (var (room, count) in inBatch)
        {
            _sinceTrim[room] = _sinceTrim.GetValueOrDefault(room) + count;
        }

        foreach (var room in due)
        {
            _sinceTrim[room] = 0;
        }

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

    public Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken) =>
        QueryAsync(afterId is null ? LatestQuery : AfterQuery, room, afterId ?? 0, limit, newestFirst: afterId is null, cancellationToken);

    public Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken) =>
        QueryAsync(BeforeQuery, room, beforeId, limit, newestFirst: true, cancellationToken);

    public async Task<ChatMessage[]> GetMissedAsync(IReadOnlyList<string> conversations, long? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ConversationMerge.MergeAsync(new Ranges(connection), conversations, afterId, limit, cancellationToken);
    }

    /// <summary>The merge's reads on one connection: every conversation's head in one query, runs by the (room, id) index.</summary>
    private sealed class Ranges(NpgsqlConnection connection) : ConversationMerge.IRanges
    {
        public async Task<long?[]> HeadsAsync(IReadOnlyList<string> rooms, long from, bool newestFirst, CancellationToken cancellationToken)
        {
            await using var query = new NpgsqlCommand(
                newestFirst
                    ? "SELECT (SELECT max(id) FROM chat_messages WHERE room = c.room AND id < $2) FROM unnest($1::text[]) WITH ORDINALITY AS c(room, place) ORDER BY c.place;"
                    : "SELECT (SELECT min(id) FROM chat_messages WHERE room = c.room AND id > $2) FROM unnest($1::text[]) WITH ORDINALITY AS c(room, place) ORDER BY c.place;",
                connection);
            query.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rooms] });
            query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            var heads = new long?[rooms.Count];
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < heads.Length && await reader.ReadAsync(cancellationToken); i++)
            {
                heads[i] = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            }

            return heads;
        }

        public async Task<List<ChatMessage>> RangeAsync(string room, long from, long to, int limit, bool newestFirst, CancellationToken cancellationToken)
        {
            await using var query = new NpgsqlCommand(
                newestFirst
                    ? $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id <= $2 AND id > $3 ORDER BY id DESC LIMIT $4;"
                    : $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id >= $2 AND id < $3 ORDER BY id LIMIT $4;",
                connection);
            query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
            query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
            query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await ReadAllAsync(query, cancellationToken);
        }
    }

    /// <summary>Runs one of the paging queries ($1 a room or user, $2 an id, $3 the limit); the result oldest first.</summary>
    private async Task<ChatMessage[]> QueryAsync(string sql, string name, long id, int limit, bool newestFirst, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand(sql);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var messages = await ReadAllAsync(query, cancellationToken);
        if (newestFirst)
        {
            messages.Reverse();
        }

        return [.. messages];
    }

    public async Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand($"SELECT {Columns} FROM chat_messages WHERE id > $1 ORDER BY id LIMIT $2;");
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterId });
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return [.. await ReadAllAsync(query, cancellationToken)];
    }

    public async Task<JoinOutcome> JoinAsync(string user, string room, JoinLimits limits, CancellationToken cancellationToken)
    {
        var now = DateTime.SpecifyKind(limits.Now, DateTimeKind.Utc);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ScalarAsync(transaction, $"SELECT pg_advisory_xact_lock({MembershipLock});", cancellationToken);
        if (await ScalarAsync(transaction, "SELECT count(*) FROM chat_memberships WHERE user_name = $1 AND room = $2;", cancellationToken, user, room) > 0)
        {
            return JoinOutcome.AlreadyMember;
        }

        // Only real rooms count: direct conversations and general are not in chat_rooms.
        if (await ScalarAsync(transaction, "SELECT count(*) FROM chat_memberships m JOIN chat_rooms r ON r.name = m.room WHERE m.user_name = $1;", cancellationToken, user) >= limits.MaxPerUser)
        {
            return JoinOutcome.TooManyForUser;
        }

        if (await ScalarAsync(transaction, "SELECT count(*) FROM chat_rooms WHERE name = $1;", cancellationToken, room) == 0)
        {
            if (await ScalarAsync(transaction, "SELECT count(*) FROM chat_rooms;", cancellationToken) >= limits.MaxRooms)
            {
                return JoinOutcome.TooManyRooms;
            }

            if (await ScalarAsync(transaction, "SELECT count(*) FROM chat_rooms WHERE created_by = $1 AND created_at > $2::timestamptz;", cancellationToken, user, now.AddDays(-1)) >= limits.CreatePerUserPerDay)
            {
                return JoinOutcome.TooManyCreated;
            }

            await ScalarAsync(transaction, "INSERT INTO chat_rooms (name, created_by, created_at) VALUES ($1, $2, $3::timestamptz);", cancellationToken, room, user, now);
        }
        else
        {
            await ScalarAsync(transaction, "UPDATE chat_rooms SET empty_since = NULL WHERE name = $1;", cancellationToken, room);
        }

        // What was said before joining counts as read.
        await ScalarAsync(
            transaction,
            "INSERT INTO chat_memberships (user_name, room, read_id) VALUES ($1, $2, coalesce((SELECT max(id) FROM chat_messages WHERE room = $2), 0));",
            cancellationToken,
            user,
            room);
        await transaction.CommitAsync(cancellationToken);
        return JoinOutcome.Joined;
    }

    public async Task<bool> LeaveAsync(string user, string room, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ScalarAsync(transaction, $"SELECT pg_advisory_xact_lock({MembershipLock});", cancellationToken);
        var left = await ScalarAsync(transaction, "WITH gone AS (DELETE FROM chat_memberships WHERE user_name = $1 AND room = $2 RETURNING 1) SELECT count(*) FROM gone;", cancellationToken, user, room) > 0;
        await ScalarAsync(
            transaction,
            "UPDATE chat_rooms SET empty_since = $2::timestamptz WHERE name = $1 AND empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM chat_memberships WHERE room = $1);",
            cancellationToken,
            room,
            DateTime.SpecifyKind(now, DateTimeKind.Utc));
        await transaction.CommitAsync(cancellationToken);
        return left;
    }

    public async Task<string[]> RemoveEmptyRoomsAsync(DateTime emptySince, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ScalarAsync(transaction, $"SELECT pg_advisory_xact_lock({MembershipLock});", cancellationToken);
        await using var remove = new NpgsqlCommand(
            """
            WITH gone AS (
                DELETE FROM chat_rooms r WHERE empty_since < $1 AND NOT EXISTS (SELECT 1 FROM chat_memberships m WHERE m.room = r.name)
                RETURNING name
            ),
            messages AS (DELETE FROM chat_messages WHERE room IN (SELECT name FROM gone))
            SELECT name FROM gone;
            """,
            connection,
            transaction);
        remove.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(emptySince, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var removed = await ReadStringsAsync(remove, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var room in removed)
        {
            _sinceTrim.Remove(room);
        }

        return removed;
    }

    public async Task<int> ForgetClientIdsAsync(DateTime sentBefore, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM chat_client_ids WHERE sent_at < $1;");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(sentBefore, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM chat_memberships WHERE user_name = $1 AND room = $2);");
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        return (bool)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> DirectCountAsync(string user, CancellationToken cancellationToken)
    {
        // Direct conversation keys start with '@', which sorts just before 'A' (byte order): a range of the primary key.
        await using var query = _dataSource.CreateCommand("SELECT count(*)::int FROM chat_memberships WHERE user_name = $1 AND room >= '@' COLLATE \"C\" AND room < 'A' COLLATE \"C\";");
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        return (int)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand("SELECT room FROM chat_memberships WHERE user_name = $1 AND room <> 'general';");
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        return await ReadStringsAsync(query, cancellationToken);
    }

    public async Task<string[]> MembersAsync(string room, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand("SELECT user_name FROM chat_memberships WHERE room = $1 ORDER BY user_name COLLATE \"C\";");
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        return await ReadStringsAsync(query, cancellationToken);
    }

    public async Task<RoomListing[]> ListRoomsAsync(CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand("""
            SELECT name, (SELECT count(*)::int FROM chat_memberships m WHERE m.room = r.name)
            FROM chat_rooms r ORDER BY name COLLATE "C";
            """);
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
        if (room == Conversation.General)
        {
            return (await SummariesAsync(user, cancellationToken))[0];
        }

        await using var query = _dataSource.CreateCommand("""
            SELECT room,
                (SELECT max(id) FROM chat_messages WHERE room = $2),
                (SELECT count(*)::int FROM chat_messages WHERE room = $2 AND id > read_id AND user_name <> $1)
            FROM chat_memberships WHERE user_name = $1 AND room = $2;
            """);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RoomSummary(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2))
            : null;
    }

    public async Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken)
    {
        // general first; a null marker (no general row yet) means nothing is unread.
        await using var query = _dataSource.CreateCommand("""
            SELECT c.room,
                (SELECT max(id) FROM chat_messages WHERE room = c.room),
                CASE WHEN c.read_id IS NULL THEN 0
                     ELSE (SELECT count(*)::int FROM chat_messages WHERE room = c.room AND id > c.read_id AND user_name <> $1) END
            FROM (SELECT 0 AS place, 'general'::text AS room, (SELECT read_id FROM chat_memberships WHERE user_name = $1 AND room = 'general') AS read_id
                  UNION ALL
                  SELECT 1, room, read_id FROM chat_memberships WHERE user_name = $1 AND room <> 'general') AS c
            ORDER BY c.place;
            """);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user });
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
        if (marks.Count == 0)
        {
            return [];
        }

        const string Target = "greatest(0, least($3, coalesce((SELECT max(id) FROM chat_messages WHERE room = $2), 0)))";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var commands = new NpgsqlBatch(connection, transaction);
        foreach (var mark in marks)
        {
            // A room's marker exists only while its user is a member, a direct one's from its first message; general's appears on first use.
            commands.BatchCommands.Add(new NpgsqlBatchCommand(mark.Room == Conversation.General
                ? $"""
                  INSERT INTO chat_memberships (user_name, room, read_id) VALUES ($1, $2, {Target})
                  ON CONFLICT (user_name, room) DO UPDATE SET read_id = greatest(chat_memberships.read_id, excluded.read_id)
                  RETURNING read_id;
                  """
                : $"UPDATE chat_memberships SET read_id = greatest(read_id, {Target}) WHERE user_name = $1 AND room = $2 RETURNING read_id;")
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = mark.User },
                    new NpgsqlParameter<string> { TypedValue = mark.Room },
                    new NpgsqlParameter<long> { TypedValue = mark.Id },
                },
            });
        }

        var markers = new long[marks.Count];
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken))
        {
            for (var i = 0; i < markers.Length; i++)
            {
                markers[i] = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0;
                await reader.NextResultAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return markers;
    }

    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand("SELECT last_id FROM chat_counter;");
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT 1 FROM chat_counter;", connection);
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        // Random bytes, which neither compression nor deduplication shrink.
        await using var touch = _dataSource.CreateCommand(
            "INSERT INTO chat_probe (id, data) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET data = excluded.data;");
        touch.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = System.Security.Cryptography.RandomNumberGenerator.GetBytes(IStoreProbes.ProbeBytes) });
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        // The counter is left alone, so ids given out before are never given again.
        await using var command = _dataSource.CreateCommand("DELETE FROM chat_messages WHERE room = $1;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = room });
        await command.ExecuteNonQueryAsync(cancellationToken);
        _sinceTrim[room] = 0;
    }

    private static async Task<List<ChatMessage>> ReadAllAsync(NpgsqlCommand query, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new ChatMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTime>(4)));
        }

        return messages;
    }

    private static async Task<string[]> ReadStringsAsync(NpgsqlCommand query, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return [.. values];
    }

    private static async Task<long> ScalarAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value is DateTime time
                ? new NpgsqlParameter<DateTime> { TypedValue = time, NpgsqlDbType = NpgsqlDbType.TimestampTz }
                : new NpgsqlParameter<string> { TypedValue = (string)value });
        }

        return await command.ExecuteScalarAsync(cancellationToken) is long count ? count : 0;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// PostgreSQL text holds neither U+0000 nor unpaired surrogates; such characters become U+FFFD
    /// so that one odd message does not fail the whole batch it is committed with.
    /// </summary>
    private static string Storable(string text)
    {
        var span = text.AsSpan();
        if (!span.Contains('\0') && !span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Replace('\0', '\uFFFD');
    }
}
