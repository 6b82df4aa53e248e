namespace Chat.Server.History.Sqlite;

/// <summary>Every statement the SQLite store runs, in one place. Parameters are named (<c>$room</c>, <c>$id</c>...).</summary>
internal static class SqliteSql
{
    public const string Columns = "id, room, user, text, sent_at, reply_to, mentions, edited_at, deleted, reactions, version, files, bot";

    /// <summary>A message's columns (<see cref="Columns"/>) and its position, for reads in position order.</summary>
    private const string Positioned = $"{Columns}, coalesce(version, id) AS position";

    /// <summary>One conversation after an id (the (room, id) index); $room, $afterId, $limit.</summary>
    public const string After = $"SELECT {Columns} FROM messages WHERE room = $room AND id > $afterId ORDER BY id LIMIT $limit;";

    /// <summary>One conversation's latest, newest first (the (room, id) index); $room, $limit.</summary>
    public const string Latest = $"SELECT {Columns} FROM messages WHERE room = $room ORDER BY id DESC LIMIT $limit;";

    /// <summary>One conversation's messages before an id, newest first (the (room, id) index); $room, $beforeId, $limit.</summary>
    public const string Before = $"SELECT {Columns} FROM messages WHERE room = $room AND id < $beforeId ORDER BY id DESC LIMIT $limit;";

    /// <summary>
    /// Every conversation after a position, in position order: unchanged messages by the primary key, changed ones by the
    /// partial index on version, each side at most $limit rows; $afterId, $limit.
    /// </summary>
    public const string All = $"""
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE id > $afterId AND version IS NULL ORDER BY id LIMIT $limit)
        UNION ALL
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE version > $afterId ORDER BY version LIMIT $limit)
        ORDER BY position LIMIT $limit;
        """;

    /// <summary>
    /// Search, in one statement (one snapshot): the messages not yet in the index (ids over search_progress.indexed_to, the
    /// primary key's range; the caller checks their text), then the FTS5 index read newest first (it gives its rowids in
    /// descending order, so the scan stops at $limit matches that pass the filters), each match's row by primary key.
    /// $match an FTS5 query, $rooms a JSON array, $author or null.
    /// </summary>
    public const string Search = $"""
        SELECT {Columns} FROM messages
        WHERE id > (SELECT indexed_to FROM search_progress) AND room IN (SELECT value FROM json_each($rooms)) AND deleted = 0
            AND ($author IS NULL OR user = $author)
        UNION ALL
        SELECT * FROM (
            SELECT m.id, m.room, m.user, m.text, m.sent_at, m.reply_to, m.mentions, m.edited_at, m.deleted, m.reactions, m.version, m.files, m.bot
            FROM messages_search AS s CROSS JOIN messages AS m ON m.id = s.rowid
            WHERE messages_search MATCH $match AND m.room IN (SELECT value FROM json_each($rooms)) AND m.deleted = 0
                AND ($author IS NULL OR m.user = $author)
            ORDER BY s.rowid DESC LIMIT $limit);
        """;

    /// <summary>Where the search index stands: the last id in it, and the last of at most $max messages after it with how many they are.</summary>
    public const string SearchBacklog = """
        SELECT p.indexed_to, b.last, b.count
        FROM search_progress AS p, (SELECT max(id) AS last, count(*) AS count FROM (SELECT id FROM messages WHERE id > (SELECT indexed_to FROM search_progress) ORDER BY id LIMIT $max)) AS b;
        """;

    /// <summary>Moves the messages of ids $from (excluded) to $to into the index, as they are now.</summary>
    public const string IndexSearch = "INSERT INTO messages_search (rowid, text) SELECT id, text FROM messages WHERE id > $from AND id <= $to;";

    /// <summary>Records how far the index got; $to.</summary>
    public const string SearchIndexed = "UPDATE search_progress SET indexed_to = $to;";

    /// <summary>One conversation's message of an id; $room, $id.</summary>
    public const string One = $"SELECT {Columns} FROM messages WHERE id = $id AND room = $room;";

    /// <summary>A message of an id, in the writer's transaction; $id.</summary>
    public const string ById = $"SELECT {Columns} FROM messages WHERE id = $id;";

    /// <summary>
    /// The merge's probes (<see cref="ConversationMerge"/>), every conversation in one statement ($rooms a JSON array, $from a
    /// position): per conversation, in the array's order, the first position of a changed message after $from (the partial
    /// (room, version) index) and the first id after $from of a message not changed. While a conversation has no change
    /// after $from, no message after $from was changed (a version is greater than its id), so that is the plain min of the
    /// (room, id) index; otherwise messages changed meanwhile are left out, which reads their rows.
    /// </summary>
    public const string HeadsUp = """
        SELECT h.changed, CASE WHEN h.changed IS NULL
            THEN (SELECT min(id) FROM messages WHERE room = h.room AND id > $from)
            ELSE (SELECT min(id) FROM messages WHERE room = h.room AND id > $from AND version IS NULL) END
        FROM (SELECT r.key AS n, r.value AS room, (SELECT min(version) FROM messages WHERE room = r.value AND version > $from) AS changed
            FROM json_each($rooms) AS r) AS h
        ORDER BY h.n;
        """;

    /// <summary>
    /// The same newest first: the last changed position before $from, whether the conversation has any changed message at
    /// all (then the plain probe and run could return a message whose position is past $from), and the last id before
    /// $from of a message not changed.
    /// </summary>
    public const string HeadsDown = """
        SELECT h.changed, h.any IS NOT NULL, CASE WHEN h.any IS NULL
            THEN (SELECT max(id) FROM messages WHERE room = h.room AND id < $from)
            ELSE (SELECT max(id) FROM messages WHERE room = h.room AND id < $from AND version IS NULL) END
        FROM (SELECT r.key AS n, r.value AS room,
                (SELECT max(version) FROM messages WHERE room = r.value AND version < $from) AS changed,
                (SELECT max(version) FROM messages WHERE room = r.value AND version IS NOT NULL) AS any
            FROM json_each($rooms) AS r) AS h
        ORDER BY h.n;
        """;

    /// <summary>The next probe of a conversation with no changed message in the merge's direction: the (room, id) index alone.</summary>
    public const string PlainFirst = "SELECT min(id) FROM messages WHERE room = $room AND id > $from;";

    public const string PlainLast = "SELECT max(id) FROM messages WHERE room = $room AND id < $from;";

    /// <summary>A run of a conversation with no changed message in the range's direction: the (room, id) index alone.</summary>
    public const string PlainUp = $"SELECT {Positioned} FROM messages WHERE room = $room AND id >= $from AND id < $to ORDER BY id LIMIT $limit;";

    public const string PlainDown = $"SELECT {Positioned} FROM messages WHERE room = $room AND id <= $from AND id > $to ORDER BY id DESC LIMIT $limit;";

    /// <summary>A run of a conversation with changed messages: unchanged ones from the (room, id) index, changed ones from the partial (room, version) index.</summary>
    public const string RunUp = $"""
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE room = $room AND id >= $from AND id < $to AND version IS NULL ORDER BY id LIMIT $limit)
        UNION ALL
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE room = $room AND version >= $from AND version < $to ORDER BY version LIMIT $limit)
        ORDER BY position LIMIT $limit;
        """;

    public const string RunDown = $"""
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE room = $room AND id <= $from AND id > $to AND version IS NULL ORDER BY id DESC LIMIT $limit)
        UNION ALL
        SELECT * FROM (SELECT {Positioned} FROM messages WHERE room = $room AND version <= $from AND version > $to ORDER BY version DESC LIMIT $limit)
        ORDER BY position DESC LIMIT $limit;
        """;

    /// <summary>The next position of the id sequence, for a change (AUTOINCREMENT gives the next message the one after).</summary>
    public const string NextPosition = "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'messages' RETURNING seq;";

    /// <summary>A changed message's new state at its new position.</summary>
    public const string Change = """
        UPDATE messages SET text = $text, reply_to = $replyTo, mentions = $mentions, edited_at = $editedAt, deleted = $deleted,
            reactions = $reactions, version = $version, files = $files
        WHERE id = $id;
        """;

    /// <summary>A message's unread-mention rows go (an edit writes them anew); the (room, message_id) index.</summary>
    public const string Unmention = "DELETE FROM mentions WHERE room = $room AND message_id = $id;";

    public const string Mention = "INSERT OR IGNORE INTO mentions (user, room, message_id) VALUES ($user, $room, $id);";

    /// <summary>A user a mention in general can name.</summary>
    public const string Seen = "INSERT OR IGNORE INTO users (key, name) VALUES ($key, $name);";

    /// <summary>
    /// general's read marker of a user who connects, at its newest message, unless they have one: what was said before
    /// counts as read, what comes while they are away as unread.
    /// </summary>
    public const string FirstGeneralMarker = """
        INSERT OR IGNORE INTO memberships (user, room, read_id, read_seq, own_unread)
        SELECT $user, 'general', coalesce(c.last_id, 0), coalesce(c.last_seq, 0), 0 FROM (SELECT 1) LEFT JOIN conversations AS c ON c.room = 'general';
        """;

    /// <summary>Those of $keys (a JSON array of user keys) who can read $room (general: every user seen).</summary>
    public const string Readers = """
        SELECT u.name FROM json_each($keys) AS k CROSS JOIN users AS u
        WHERE u.key = k.value AND ($room = 'general' OR EXISTS (SELECT 1 FROM memberships AS m WHERE m.user = u.name AND m.room = $room));
        """;

    /// <summary>Everyone who posted or is in a conversation, for the users table after the upgrade that made it.</summary>
    public const string EveryUser = "SELECT user FROM messages UNION SELECT user FROM memberships;";

    /// <summary>
    /// The messages first sent with the (user, client id) pairs of <c>$keys</c>, a JSON array of <c>[user, clientId]</c>,
    /// each with its index in it: one point lookup per pair on client_ids' primary key, in one statement (CROSS JOIN keeps
    /// the pairs the outer loop); the text is null where the message is gone.
    /// </summary>
    public const string Sent = """
        SELECT c.message_id, c.room, c.user, CASE WHEN m.deleted THEN NULL ELSE m.text END, c.sent_at,
            m.reply_to, m.mentions, m.edited_at, m.deleted, m.reactions, m.version, m.files, m.bot, k.key
        FROM json_each($keys) AS k CROSS JOIN client_ids AS c LEFT JOIN messages AS m ON m.id = c.message_id
        WHERE c.user = k.value ->> 0 AND c.client_id = k.value ->> 1;
        """;

    public const string RememberClientId = "INSERT INTO client_ids (user, client_id, room, message_id, sent_at) VALUES ($user, $clientId, $room, $id, $sentAt);";

    public const string ForgetClientIds = "DELETE FROM client_ids WHERE sent_at < $before;";

    /// <summary>A conversation's sequence so far (0 and 0 when it has none): the next message's place follows it.</summary>
    public const string Counters = "SELECT last_seq, count FROM conversations WHERE room = $room;";

    /// <summary>A commit's messages in one conversation: the newest id, the sequence and the count move; returns the count.</summary>
    public const string Counted = """
        INSERT INTO conversations (room, last_id, last_seq, count) VALUES ($room, $lastId, $lastSeq, $added)
        ON CONFLICT (room) DO UPDATE SET last_id = excluded.last_id, last_seq = excluded.last_seq, count = count + excluded.count
        RETURNING count;
        """;

    /// <summary>A direct conversation's user becomes a member with nothing read (if not one already).</summary>
    public const string AddMember = "INSERT OR IGNORE INTO memberships (user, room, read_id, read_seq, own_unread) VALUES ($user, $room, 0, 0, 0);";

    /// <summary>A user's own messages follow their marker and are not unread to them.</summary>
    public const string OwnSent = "UPDATE memberships SET own_unread = own_unread + $added WHERE user = $user AND room = $room;";

    /// <summary>Deletes a conversation's <c>$excess</c> oldest messages (a range of the (room, id) index).</summary>
    public const string Trim = "DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE room = $room ORDER BY id LIMIT $excess);";

    /// <summary>A trimmed conversation's count, and its unread mentions of messages no longer kept.</summary>
    public const string Trimmed = """
        UPDATE conversations SET count = count - $deleted WHERE room = $room;
        DELETE FROM mentions WHERE room = $room AND message_id < coalesce((SELECT min(id) FROM messages WHERE room = $room), 9223372036854775807);
        """;

    /// <summary>Clears a conversation: its messages go, and its members have nothing unread there.</summary>
    public const string Clear = """
        DELETE FROM messages WHERE room = $room;
        DELETE FROM mentions WHERE room = $room;
        UPDATE conversations SET count = 0, last_id = NULL WHERE room = $room;
        UPDATE memberships SET read_seq = coalesce((SELECT last_seq FROM conversations WHERE room = $room), 0), own_unread = 0 WHERE room = $room;
        """;

    public const string LastId = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0);";

    /// <summary>A conversation's newest id, sequence and count (a row even when it has none).</summary>
    public const string Conversation = "SELECT conversations.last_id, coalesce(last_seq, 0), coalesce(count, 0) FROM (SELECT 1) LEFT JOIN conversations ON conversations.room = $room;";

    public const string Marker = "SELECT read_id FROM memberships WHERE user = $user AND room = $room;";

    /// <summary>The place in the conversation's sequence of the newest message at or before an id (just before the oldest one kept, if none).</summary>
    public const string SeqAt = """
        SELECT coalesce(
            (SELECT seq FROM messages WHERE room = $room AND id <= $id ORDER BY id DESC LIMIT 1),
            (SELECT min(seq) - 1 FROM messages WHERE room = $room),
            0);
        """;

    /// <summary>The user's own messages in a conversation after an id (a range of the (room, id) index, no longer than what is unread).</summary>
    public const string OwnAfter = "SELECT count(*) FROM messages WHERE room = $room AND id > $id AND user = $user;";

    public const string SetMarker = """
        INSERT INTO memberships (user, room, read_id, read_seq, own_unread) VALUES ($user, $room, $id, $seq, $own)
        ON CONFLICT (user, room) DO UPDATE SET read_id = excluded.read_id, read_seq = excluded.read_seq, own_unread = excluded.own_unread;
        """;

    /// <summary>Unread messages of a membership, from the counters: those after the marker, less the user's own, at most what is kept.</summary>
    private const string Unread = "max(0, min(coalesce(c.last_seq, 0) - m.read_seq - m.own_unread, coalesce(c.count, 0)))";

    /// <summary>Unread messages that mention the user: a range of the mentions primary key after the marker.</summary>
    private const string UnreadMentions = "(SELECT count(*) FROM mentions AS x WHERE x.user = m.user AND x.room = m.room AND x.message_id > m.read_id)";

    /// <summary>general first (0 unread without a marker), then each of the user's conversations.</summary>
    public const string Summaries = $"""
        SELECT 'general', (SELECT last_id FROM conversations WHERE room = 'general'),
            coalesce((SELECT {Unread} FROM memberships AS m LEFT JOIN conversations AS c ON c.room = m.room WHERE m.user = $user AND m.room = 'general'), 0),
            coalesce((SELECT {UnreadMentions} FROM memberships AS m WHERE m.user = $user AND m.room = 'general'), 0),
            0, NULL, NULL
        UNION ALL
        SELECT * FROM (
            SELECT m.room, c.last_id, {Unread}, {UnreadMentions}, coalesce(r.private, 0), r.topic, p.role
            FROM memberships AS m LEFT JOIN conversations AS c ON c.room = m.room
                LEFT JOIN rooms AS r ON r.name = m.room LEFT JOIN room_people AS p ON p.room = m.room AND p.user = m.user
            WHERE m.user = $user AND m.room <> 'general');
        """;

    public const string Summary = $"""
        SELECT m.room, c.last_id, {Unread}, {UnreadMentions}, coalesce(r.private, 0), r.topic, p.role
        FROM memberships AS m LEFT JOIN conversations AS c ON c.room = m.room
            LEFT JOIN rooms AS r ON r.name = m.room LEFT JOIN room_people AS p ON p.room = m.room AND p.user = m.user
        WHERE m.user = $user AND m.room = $room;
        """;

    public const string IsMember = "SELECT EXISTS (SELECT 1 FROM memberships WHERE user = $user AND room = $room);";

    /// <summary>Direct conversation keys start with '@', which sorts just before 'A': a range of the primary key.</summary>
    public const string DirectCount = "SELECT count(*) FROM memberships WHERE user = $user AND room >= '@' AND room < 'A';";

    /// <summary>The user's membership rows other than general: rooms and direct conversations (the memberships primary key).</summary>
    public const string ConversationsOf = "SELECT room FROM memberships WHERE user = $user AND room <> 'general';";

    public const string Members = "SELECT user FROM memberships WHERE room = $room ORDER BY user COLLATE BINARY;";

    /// <summary>The public rooms and the private ones $viewer is in or invited to ($viewer null: all).</summary>
    public const string ListRooms = """
        SELECT name, (SELECT count(*) FROM memberships WHERE memberships.room = rooms.name), private, topic
        FROM rooms
        WHERE private = 0 OR $viewer IS NULL
            OR EXISTS (SELECT 1 FROM memberships WHERE memberships.room = rooms.name AND memberships.user = $viewer)
            OR EXISTS (SELECT 1 FROM room_people AS p WHERE p.room = rooms.name AND p.user = $viewer AND p.invited_by IS NOT NULL)
        ORDER BY name COLLATE BINARY;
        """;

    /// <summary>What decides a join (<see cref="JoinFacts"/>), in one row.</summary>
    public const string JoinFacts = """
        SELECT
            EXISTS (SELECT 1 FROM memberships WHERE user = $user AND room = $room),
            (SELECT count(*) FROM memberships JOIN rooms ON rooms.name = memberships.room WHERE user = $user),
            EXISTS (SELECT 1 FROM rooms WHERE name = $room),
            (SELECT count(*) FROM rooms),
            (SELECT count(*) FROM rooms WHERE created_by = $user AND created_at > $dayAgo),
            coalesce((SELECT private FROM rooms WHERE name = $room), 0),
            EXISTS (SELECT 1 FROM room_people WHERE room = $room AND user = $user AND invited_by IS NOT NULL),
            (SELECT banned_to FROM room_people WHERE room = $room AND user = $user);
        """;

    public const string CreateRoom = """
        INSERT INTO rooms (name, created_at, created_by, private, topic) VALUES ($room, $now, $user, $private, $topic)
        ON CONFLICT (name) DO UPDATE SET empty_since = NULL;
        """;

    /// <summary>A new room's creator is its owner.</summary>
    public const string MakeOwner = "INSERT INTO room_people (room, user, role) VALUES ($room, $user, 'owner') ON CONFLICT (room, user) DO UPDATE SET role = 'owner';";

    /// <summary>An invite is used by the join it allowed.</summary>
    public const string UseInvite = "UPDATE room_people SET invited_by = NULL WHERE room = $room AND user = $user AND invited_by IS NOT NULL;";

    // Moderation (SPEC section 15). $room, $actor, $target; ends are UTC ticks.

    /// <summary>What decides an act (<see cref="ModerationFacts"/>), in one row; $target may be null (a topic).</summary>
    public const string ModerationFacts = """
        SELECT
            EXISTS (SELECT 1 FROM rooms WHERE name = $room),
            (SELECT topic FROM rooms WHERE name = $room),
            (SELECT role FROM room_people WHERE room = $room AND user = $actor),
            t.role,
            EXISTS (SELECT 1 FROM memberships WHERE room = $room AND user = $target),
            t.invited_by IS NOT NULL,
            t.banned_to,
            t.muted_to,
            (SELECT count(*) FROM room_people WHERE room = $room AND role = 'owner'),
            (SELECT count(*) FROM room_people WHERE room = $room AND invited_by IS NOT NULL)
        FROM (SELECT 1) LEFT JOIN room_people AS t ON t.room = $room AND t.user = $target;
        """;

    public const string SetTopic = "UPDATE rooms SET topic = $topic WHERE name = $room;";

    /// <summary>$role null: a plain member.</summary>
    public const string SetRole = "INSERT INTO room_people (room, user, role) VALUES ($room, $target, $role) ON CONFLICT (room, user) DO UPDATE SET role = excluded.role;";

    public const string Invite = "INSERT INTO room_people (room, user, invited_by) VALUES ($room, $target, $actor) ON CONFLICT (room, user) DO UPDATE SET invited_by = excluded.invited_by;";

    /// <summary>A kick or a ban: out of the room, without a role or an invite (and without unread mentions there).</summary>
    public const string Remove = """
        DELETE FROM memberships WHERE user = $target AND room = $room;
        DELETE FROM mentions WHERE user = $target AND room = $room;
        UPDATE room_people SET role = NULL, invited_by = NULL WHERE room = $room AND user = $target;
        """;

    public const string Ban = "INSERT INTO room_people (room, user, banned_to) VALUES ($room, $target, $until) ON CONFLICT (room, user) DO UPDATE SET banned_to = excluded.banned_to;";

    public const string Unban = "UPDATE room_people SET banned_to = NULL WHERE room = $room AND user = $target;";

    /// <summary>$until null: lifted.</summary>
    public const string Mute = "INSERT INTO room_people (room, user, muted_to) VALUES ($room, $target, $until) ON CONFLICT (room, user) DO UPDATE SET muted_to = excluded.muted_to;";

    public const string Log = """
        INSERT INTO moderation_log (room, actor, action, target, until, at, message_id, role, topic)
        VALUES ($room, $actor, $action, $target, $until, $at, $messageId, $role, $topic)
        RETURNING id;
        """;

    /// <summary>A room's log keeps its newest <see cref="ModerationRules.MaxLogEntries"/> entries.</summary>
    public static readonly string TrimLog = $"""
        DELETE FROM moderation_log WHERE room = $room
            AND id <= (SELECT id FROM moderation_log WHERE room = $room ORDER BY id DESC LIMIT 1 OFFSET {ModerationRules.MaxLogEntries});
        """;

    /// <summary>Newest first, before $before (null: the newest).</summary>
    public const string ModerationLog = """
        SELECT id, room, actor, action, target, until, at, message_id, role, topic FROM moderation_log
        WHERE room = $room AND id < coalesce($before, 9223372036854775807)
        ORDER BY id DESC LIMIT $limit;
        """;

    public const string RoomSettings = "SELECT private, topic FROM rooms WHERE name = $room;";

    /// <summary>Everyone in the room with a role, a ban or a mute (ended ones too: the reader compares the ends with the time).</summary>
    public const string RoomPeople = """
        SELECT user, role, banned_to, muted_to FROM room_people
        WHERE room = $room AND (role IS NOT NULL OR banned_to IS NOT NULL OR muted_to IS NOT NULL);
        """;

    /// <summary>Joining: what was said before counts as read.</summary>
    public const string Join = """
        INSERT INTO memberships (user, room, read_id, read_seq, own_unread)
        SELECT $user, $room, coalesce(conversations.last_id, 0), coalesce(conversations.last_seq, 0), 0
        FROM (SELECT 1) LEFT JOIN conversations ON conversations.room = $room;
        """;

    public const string Leave = "DELETE FROM memberships WHERE user = $user AND room = $room RETURNING 1;";

    public const string MarkEmpty = "UPDATE rooms SET empty_since = $now WHERE name = $room AND empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM memberships WHERE room = $room);";

    public const string RemoveEmptyRooms = """
        DELETE FROM rooms WHERE empty_since < $before AND NOT EXISTS (SELECT 1 FROM memberships WHERE memberships.room = rooms.name)
        RETURNING name;
        """;

    public const string RemoveRoom = """
        DELETE FROM messages WHERE room = $room;
        DELETE FROM mentions WHERE room = $room;
        DELETE FROM conversations WHERE room = $room;
        DELETE FROM room_people WHERE room = $room;
        DELETE FROM moderation_log WHERE room = $room;
        """;

    public const string Check = "SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1);";

    /// <summary>Random bytes, so that every page of them goes to the write-ahead log and is synced, as in a commit.</summary>
    public const string Probe = "INSERT OR REPLACE INTO probe (id, data) VALUES (1, randomblob($bytes));";
    // Accounts (SPEC section 13). Times are UTC ticks; codes and refresh tokens are stored as their hashes.

    public const string Account = "SELECT name, password_hash, admin, disabled_at IS NOT NULL, must_change FROM accounts WHERE name = $name;";

    public const string Accounts = "SELECT name, password_hash, admin, disabled_at IS NOT NULL, must_change FROM accounts ORDER BY name COLLATE BINARY;";

    public const string CreateAccount = """
        INSERT INTO accounts (name, password_hash, admin, must_change, created_at) VALUES ($name, $hash, $admin, $mustChange, $now)
        ON CONFLICT (name) DO NOTHING RETURNING 1;
        """;

    /// <summary>Spends one use of a live invite; a row back when it was live.</summary>
    public const string SpendInvite = "UPDATE invites SET uses_left = uses_left - 1 WHERE code_hash = $code AND uses_left > 0 AND expires_at > $now RETURNING 1;";

    public const string SetPassword = "UPDATE accounts SET password_hash = $hash, must_change = $mustChange WHERE name = $name RETURNING 1;";

    public const string SetDisabled = "UPDATE accounts SET disabled_at = CASE WHEN $disabled THEN coalesce(disabled_at, $now) END WHERE name = $name RETURNING 1;";

    public const string CreateInvite = "INSERT INTO invites (code_hash, uses_left, expires_at, created_at) VALUES ($code, $uses, $expiresAt, $now);";

    public const string StartSession = "INSERT INTO sessions (id, user, created_at) VALUES ($session, $user, $now);";

    /// <summary>Ends $user's live sessions but the newest $keep, at $now.</summary>
    public const string EndOldSessions = """
        UPDATE sessions SET revoked_at = $now
        WHERE user = $user AND revoked_at IS NULL
          AND id NOT IN (SELECT id FROM sessions WHERE user = $user AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $keep);
        """;

    public const string AddRefreshToken = "INSERT INTO refresh_tokens (hash, session, expires_at) VALUES ($hash, $session, $expiresAt);";

    /// <summary>A refresh token with its session and account: session, expires_at, used_at, session ended, then the account's columns.</summary>
    public const string RefreshToken = """
        SELECT t.session, t.expires_at, t.used_at, s.revoked_at IS NOT NULL,
               a.name, a.password_hash, a.admin, a.disabled_at IS NOT NULL, a.must_change
        FROM refresh_tokens AS t JOIN sessions AS s ON s.id = t.session JOIN accounts AS a ON a.name = s.user
        WHERE t.hash = $hash;
        """;

    public const string SpendRefreshToken = "UPDATE refresh_tokens SET used_at = $now WHERE hash = $hash;";

    public const string EndSession = "UPDATE sessions SET revoked_at = $now WHERE id = $session AND revoked_at IS NULL;";

    public const string SessionOfToken = "SELECT session FROM refresh_tokens WHERE hash = $hash;";

    public const string EndSessions = "UPDATE sessions SET revoked_at = $now WHERE user = $user AND id IS NOT $except AND revoked_at IS NULL;";

    public const string SessionsRevokedSince = "SELECT id FROM sessions WHERE revoked_at > $since;";

    public const string DisabledSince = "SELECT name FROM accounts WHERE disabled_at > $since;";

    public const string ForgetExpiredTokens = "DELETE FROM refresh_tokens WHERE expires_at <= $now OR session IN (SELECT id FROM sessions WHERE revoked_at < $before);";

    /// <summary>Sessions ended before $before, and those left without a refresh token.</summary>
    public const string ForgetEndedSessions = """
        DELETE FROM sessions WHERE revoked_at < $before
            OR (created_at < $before AND NOT EXISTS (SELECT 1 FROM refresh_tokens AS t WHERE t.session = sessions.id));
        """;

    public const string ForgetUselessInvites = "DELETE FROM invites WHERE uses_left <= 0 OR expires_at <= $now;";

    /// <summary>Whether $user has every upload of $ids (a JSON array) unattached: answers how many of them.</summary>
    public const string Attachable = "SELECT count(*) FROM files WHERE id IN (SELECT value FROM json_each($ids)) AND user = $user AND message_id IS NULL;";

    public const string AttachFile = "UPDATE files SET room = $room, message_id = $messageId WHERE id = $id;";

    public const string AddFile = """
        INSERT INTO files (id, user, name, size, content_type, width, height, uploaded_at)
        VALUES ($id, $user, $name, $size, $contentType, $width, $height, $uploadedAt);
        """;

    private const string FileColumns = "id, user, name, size, content_type, width, height, uploaded_at, room, message_id";

    public const string File = $"SELECT {FileColumns} FROM files WHERE id = $id;";

    public const string Files = $"SELECT {FileColumns} FROM files WHERE id IN (SELECT value FROM json_each($ids));";

    /// <summary>A user's stored bytes (the files_user index).</summary>
    public const string FileBytes = "SELECT coalesce(sum(size), 0) FROM files WHERE user = $user;";

    /// <summary>
    /// Files no one may read: uploads unattached since before $before (a partial index), and files whose message is deleted or
    /// gone (every attached file is looked at: once per maintenance round).
    /// </summary>
    public const string ForgetFiles = """
        DELETE FROM files WHERE (message_id IS NULL AND uploaded_at < $before)
            OR (message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.id = files.message_id AND m.deleted = 0))
        RETURNING id;
        """;

    // Bots (SPEC section 15): the server API's users. Times are UTC ticks; tokens are stored as their hashes.

    public const string AddBot = "INSERT INTO bots (name, token_hash, scopes, created_at) VALUES ($name, $hash, $scopes, $now) ON CONFLICT (name) DO NOTHING;";

    public const string RevokeBot = "UPDATE bots SET revoked_at = $now WHERE name = $name AND revoked_at IS NULL;";

    public const string BotByToken = "SELECT name, scopes, revoked_at IS NOT NULL FROM bots WHERE token_hash = $hash;";

    public const string Bots = "SELECT name, scopes, revoked_at IS NOT NULL FROM bots ORDER BY name COLLATE BINARY;";
}
