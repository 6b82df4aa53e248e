namespace Chat.Server.History.Postgres;

/// <summary>Every statement the PostgreSQL store runs, in one place. Parameters are positional (<c>$1</c>, <c>$2</c>...), as each summary lists them.</summary>
internal static class PostgresSql
{
    public const string Columns = "id, room, user_name, text, sent_at, reply_to, mentions, edited_at, deleted, reactions, version, files, bot";

    /// <summary>The same columns of the table aliased <c>m</c>.</summary>
    private const string ColumnsOfM = "m.id, m.room, m.user_name, m.text, m.sent_at, m.reply_to, m.mentions, m.edited_at, m.deleted, m.reactions, m.version, m.files, m.bot";

    /// <summary>One conversation after an id (the (room, id) index); $1 room, $2 after id, $3 limit.</summary>
    public const string After = $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id > $2 ORDER BY id LIMIT $3;";

    /// <summary>One conversation's latest, newest first (the (room, id) index); $1 room, $3 limit ($2 unused, as in the other pages).</summary>
    public const string Latest = $"SELECT {Columns} FROM chat_messages WHERE room = $1 ORDER BY id DESC LIMIT $3;";

    /// <summary>One conversation's messages before an id, newest first (the (room, id) index); $1 room, $2 before id, $3 limit.</summary>
    public const string Before = $"SELECT {Columns} FROM chat_messages WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3;";

    /// <summary>
    /// Every conversation after a position, in position order: unchanged messages by the primary key, changed ones by the
    /// partial index on version, each side at most $2 rows; $1 after position, $2 limit.
    /// </summary>
    public const string All = $"""
        SELECT {ColumnsOfM} FROM chat_messages m WHERE m.id IN (
            (SELECT id FROM chat_messages WHERE id > $1 AND version IS NULL ORDER BY id LIMIT $2)
            UNION ALL
            (SELECT id FROM chat_messages WHERE version > $1 ORDER BY version LIMIT $2))
        ORDER BY coalesce(m.version, m.id) LIMIT $2;
        """;

    /// <summary>One conversation's message of an id; $1 room, $2 id.</summary>
    public const string One = $"SELECT {Columns} FROM chat_messages WHERE id = $2 AND room = $1;";

    /// <summary>
    /// A catch-up across conversations (<c>GetMissedMessages</c>) in one statement, in position order: the k-way merge of each
    /// conversation's range of the (room, id) index (unchanged messages) and of the partial (room, version) index (changed
    /// ones), each range at most $3 long, cut at the first $3 positions; then only those rows. It reads at most
    /// conversations × 2 × limit index entries and limit rows, however many messages are stored. $1 rooms, $2 after, $3 limit.
    /// </summary>
    public const string MissedAfter = $"""
        SELECT {ColumnsOfM} FROM chat_messages m JOIN (
            SELECT x.id, x.position FROM unnest($1::text[]) AS c(room)
            CROSS JOIN LATERAL (
                (SELECT id, id AS position FROM chat_messages WHERE room = c.room AND id > $2 AND version IS NULL ORDER BY id LIMIT $3)
                UNION ALL
                (SELECT id, version FROM chat_messages WHERE room = c.room AND version > $2 ORDER BY version LIMIT $3)) AS x
            ORDER BY x.position LIMIT $3) AS p ON p.id = m.id
        ORDER BY p.position;
        """;

    /// <summary>The same for the latest positions across conversations (no position to start from), in position order; $1 rooms, $3 limit ($2 unused).</summary>
    public const string MissedLatest = $"""
        SELECT {ColumnsOfM} FROM chat_messages m JOIN (
            SELECT x.id, x.position FROM unnest($1::text[]) AS c(room)
            CROSS JOIN LATERAL (
                (SELECT id, id AS position FROM chat_messages WHERE room = c.room AND version IS NULL ORDER BY id DESC LIMIT $3)
                UNION ALL
                (SELECT id, version FROM chat_messages WHERE room = c.room AND version IS NOT NULL ORDER BY version DESC LIMIT $3)) AS x
            ORDER BY x.position DESC LIMIT $3) AS p ON p.id = m.id
        ORDER BY p.position;
        """;

    /// <summary>The messages a batch of changes is about, as they are (the counter's row is locked: nothing changes them meanwhile); $1 ids.</summary>
    public const string Changing = $"SELECT {Columns} FROM chat_messages WHERE id = ANY($1);";

    /// <summary>
    /// A batch of changes once decided: the counter moves past their positions ($1 how many), each message takes its last state
    /// ($2 ids, $3 texts, $4 replies, $5 mentions, $6 edited at, $7 deleted, $8 reactions, $9 versions, $12 words for search, $13 files), and the messages whose
    /// text changed ($10 ids, $11 their rooms) lose their mention rows (<see cref="Mention"/> writes them anew).
    /// </summary>
    public const string Change = """
        WITH counter AS (UPDATE chat_counter SET last_id = last_id + $1),
        changed AS (
            UPDATE chat_messages m SET text = c.text, reply_to = c.reply_to, mentions = c.mentions, edited_at = c.edited_at,
                deleted = c.deleted, reactions = c.reactions, version = c.version, search = to_tsvector('simple'::regconfig, c.search), files = c.files
            FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::boolean[], $8::text[], $9::bigint[], $12::text[], $13::text[])
                AS c(id, text, reply_to, mentions, edited_at, deleted, reactions, version, search, files)
            WHERE m.id = c.id
        ),
        unmentioned AS (DELETE FROM chat_mentions WHERE (room, message_id) IN (SELECT * FROM unnest($11::text[], $10::bigint[])))
        SELECT 1;
        """;

    /// <summary>Unread-mention rows, after <see cref="Change"/> removed the old ones (a statement of its own, so it sees that); $1 users, $2 rooms, $3 ids.</summary>
    public const string Mention = """
        INSERT INTO chat_mentions (user_name, room, message_id)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING;
        """;

    /// <summary>
    /// Search: the GIN index on the search vector, with the query made by the same configuration as the vector ('simple'), the
    /// conversations and the author as filters, newest first; $1 the tsquery, $2 rooms, $3 author or null, $4 limit.
    /// </summary>
    public const string Search = $"""
        SELECT {Columns} FROM chat_messages
        WHERE search @@ to_tsquery('simple'::regconfig, $1) AND room = ANY($2) AND NOT deleted
            AND ($3::text IS NULL OR user_name = $3)
        ORDER BY id DESC LIMIT $4;
        """;

    /// <summary>The messages stored before the search step, for the store to fill their words: ids after $1, $2 at a time.</summary>
    public const string Unsearched = "SELECT id, text FROM chat_messages WHERE id > $1 ORDER BY id LIMIT $2;";

    /// <summary>Fills the search words of messages; $1 ids, $2 words.</summary>
    public const string Searchable = "UPDATE chat_messages m SET search = to_tsvector('simple'::regconfig, s.search) FROM unnest($1::bigint[], $2::text[]) AS s(id, search) WHERE m.id = s.id;";

    /// <summary>Users a mention in general can name; $1 keys, $2 names.</summary>
    public const string Seen = "INSERT INTO chat_users (key, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING;";

    /// <summary>general's read marker of user $1 who connects, at its newest message, unless they have one (see SQLite's).</summary>
    public const string FirstGeneralMarker = """
        INSERT INTO chat_memberships (user_name, room, read_id, read_seq, own_unread)
        SELECT $1, 'general', coalesce(c.last_id, 0), coalesce(c.last_seq, 0), 0 FROM (SELECT 1) AS one LEFT JOIN chat_conversations AS c ON c.room = 'general'
        ON CONFLICT DO NOTHING;
        """;

    /// <summary>Those of $2 (user keys) who can read $1 (general: every user seen).</summary>
    public const string Readers = """
        SELECT u.name FROM chat_users u
        WHERE u.key = ANY($2) AND ($1 = 'general' OR EXISTS (SELECT 1 FROM chat_memberships m WHERE m.user_name = u.name AND m.room = $1));
        """;

    /// <summary>Everyone who posted or is in a conversation, for chat_users after the upgrade that made it.</summary>
    public const string EveryUser = "SELECT user_name FROM chat_messages UNION SELECT user_name FROM chat_memberships;";

    /// <summary>
    /// Writes that move counters take turns on the id counter's row until they commit, across processes: ids then
    /// increase in commit order (a reader catching up never skips one, which a sequence would not promise), each
    /// conversation's sequence has one writer at a time, and no two writes lock memberships in opposite orders.
    /// The statements after it in the transaction see every write committed before it (READ COMMITTED).
    /// It also turns JIT compilation off for the rest of the transaction (SET LOCAL): a batch's unnested arrays make the
    /// planner's estimate pass jit_above_cost, and compiling the plan then took 100 to 1,000 times as long as running it
    /// (docs/performance.md: 20 concurrent senders got 150 acked sends a second instead of 2,600). Not a connection option:
    /// a pooler in transaction mode (PgBouncer) does not pass startup options on.
    /// </summary>
    public const string LockCounter = "SELECT last_id, set_config('jit', 'off', true) FROM chat_counter FOR UPDATE;";

    /// <summary>
    /// Stores a batch once the counter's row is locked: resent ones are looked up on chat_client_ids' primary key and
    /// returned (text null where the message is gone); the others take the ids after the counter, which moves by as
    /// many (ids stay dense), and the places after their conversation's sequence; their client ids are remembered;
    /// each conversation's counters move; direct conversations get their members, and each author's own messages are
    /// added to their membership. Sibling statements do not see each other's rows, so a member added here gets its own
    /// count at insert and the UPDATE reaches only those who were members before. Returns the resent ones (count null),
    /// then each conversation's count (position null).
    /// Parameters: $1 rooms, $2 users, $3 texts, $4 client ids, $5 sent at, then $6 and $7 the direct members' users and rooms,
    /// $8 replies and $9 mentions (JSON) of the messages, $10 their words for search (<see cref="Search.SearchText.Indexed"/>),
    /// $11 their files (JSON), $12 whether each is a bot's (null for people's).
    /// </summary>
    public const string Append = """
        WITH input AS (
            SELECT m.position, m.room, m.user_name, m.text, m.client_id, m.reply_to, m.mentions, m.search, m.files, m.bot
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::boolean[])
                WITH ORDINALITY AS m(room, user_name, text, client_id, reply_to, mentions, search, files, bot, position)
        ),
        sent AS (
            SELECT i.position, c.message_id AS id, c.room, CASE WHEN m.deleted THEN NULL ELSE m.text END AS text, c.sent_at
            FROM input i
            JOIN chat_client_ids c ON c.user_name = i.user_name AND c.client_id = i.client_id
            LEFT JOIN chat_messages m ON m.id = c.message_id
        ),
        fresh AS (
            SELECT i.*, row_number() OVER (ORDER BY i.position) AS n, row_number() OVER (PARTITION BY i.room ORDER BY i.position) AS place
            FROM input i
            WHERE i.position NOT IN (SELECT position FROM sent)
        ),
        counter AS (
            UPDATE chat_counter SET last_id = last_id + (SELECT count(*) FROM fresh)
            RETURNING last_id - (SELECT count(*) FROM fresh) AS before
        ),
        numbered AS (
            SELECT f.room, f.user_name, f.text, f.client_id, f.reply_to, f.mentions, f.search, f.files, f.bot, c.before + f.n AS id, coalesce(v.last_seq, 0) + f.place AS seq
            FROM fresh f CROSS JOIN counter c LEFT JOIN chat_conversations v ON v.room = f.room
        ),
        inserted AS (
            INSERT INTO chat_messages (id, room, user_name, text, sent_at, seq, reply_to, mentions, search, files, bot)
            SELECT id, room, user_name, text, $5, seq, reply_to, mentions, to_tsvector('simple'::regconfig, search), files, bot FROM numbered
        ),
        mentioned AS (
            INSERT INTO chat_mentions (user_name, room, message_id)
            SELECT DISTINCT j.user_name, n.room, n.id FROM numbered n CROSS JOIN LATERAL json_array_elements_text(n.mentions::json) AS j(user_name)
            WHERE n.mentions IS NOT NULL AND j.user_name <> n.user_name
            ON CONFLICT DO NOTHING
        ),
        remembered AS (
            INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at)
            SELECT user_name, client_id, room, id, $5 FROM numbered WHERE client_id IS NOT NULL
        ),
        counted AS (
            INSERT INTO chat_conversations (room, last_id, last_seq, count)
            SELECT room, max(id), max(seq), count(*) FROM numbered GROUP BY room
            ON CONFLICT (room) DO UPDATE SET last_id = excluded.last_id, last_seq = excluded.last_seq, count = chat_conversations.count + excluded.count
            RETURNING room, count
        ),
        own AS (
            SELECT user_name, room, count(*) AS count FROM numbered GROUP BY user_name, room
        ),
        members AS (
            INSERT INTO chat_memberships (user_name, room, read_id, read_seq, own_unread)
            SELECT d.user_name, d.room, 0, 0, coalesce(o.count, 0)
            FROM unnest($6::text[], $7::text[]) AS d(user_name, room)
            LEFT JOIN own o ON o.user_name = d.user_name AND o.room = d.room
            WHERE d.room IN (SELECT room FROM fresh)
            ON CONFLICT DO NOTHING
        ),
        attached AS (
            UPDATE chat_files f SET room = n.room, message_id = n.id
            FROM numbered n CROSS JOIN LATERAL json_array_elements(n.files::json) AS j(file)
            WHERE n.files IS NOT NULL AND f.id = j.file ->> 'id'
        ),
        owned AS (
            UPDATE chat_memberships m SET own_unread = m.own_unread + o.count
            FROM own o WHERE m.user_name = o.user_name AND m.room = o.room
        )
        SELECT position, id, room, text, sent_at, NULL::bigint AS count FROM sent
        UNION ALL
        SELECT NULL, NULL, room, NULL, NULL, count FROM counted;
        """;

    /// <summary>
    /// Retention: deletes each conversation's oldest messages (a range of the (room, id) index each) and takes them off
    /// its count; $1 rooms, $2 how many of each.
    /// </summary>
    public const string Trim = """
        WITH gone AS (
            DELETE FROM chat_messages WHERE id IN (
                SELECT t.id FROM unnest($1::text[], $2::bigint[]) AS e(room, excess)
                CROSS JOIN LATERAL (SELECT id FROM chat_messages WHERE room = e.room ORDER BY id LIMIT e.excess) AS t)
            RETURNING room, id
        ),
        unmentioned AS (DELETE FROM chat_mentions WHERE (room, message_id) IN (SELECT room, id FROM gone))
        UPDATE chat_conversations c SET count = c.count - g.deleted
        FROM (SELECT room, count(*) AS deleted FROM gone GROUP BY room) AS g
        WHERE c.room = g.room;
        """;

    /// <summary>Clears a conversation: its messages go, and its members have nothing unread there (its sequence goes on); $1 room.</summary>
    public const string Clear = """
        WITH gone AS (DELETE FROM chat_messages WHERE room = $1),
        unmentioned AS (DELETE FROM chat_mentions WHERE room = $1),
        emptied AS (UPDATE chat_conversations SET count = 0, last_id = NULL WHERE room = $1)
        UPDATE chat_memberships SET read_seq = coalesce((SELECT last_seq FROM chat_conversations WHERE room = $1), 0), own_unread = 0
        WHERE room = $1;
        """;

    public const string LastId = "SELECT last_id FROM chat_counter;";

    public const string ForgetClientIds = "DELETE FROM chat_client_ids WHERE sent_at < $1;";

    /// <summary>A marker's move: to at most the conversation's newest id; $1 user, $2 room, $3 id.</summary>
    private const string Mark = """
        WITH mark AS (
            SELECT greatest(0, least($3, coalesce(c.last_id, 0))) AS target, c.last_id, c.last_seq,
                (SELECT read_id FROM chat_memberships WHERE user_name = $1 AND room = $2) AS current
            FROM (SELECT 1) AS one LEFT JOIN chat_conversations c ON c.room = $2
        ),
        """;

    /// <summary>
    /// The marker's place in the conversation's sequence: its newest message's at the newest, else that of the newest at or
    /// before the target (just before the oldest one kept, if none), found by the (room, id) index.
    /// </summary>
    private const string PlaceOfMark = """
        CASE WHEN k.target >= k.last_id THEN k.last_seq ELSE coalesce(
            (SELECT seq FROM chat_messages WHERE room = $2 AND id <= k.target ORDER BY id DESC LIMIT 1),
            (SELECT min(seq) - 1 FROM chat_messages WHERE room = $2),
            0) END
        """;

    /// <summary>The user's own messages after the target (a range of the (room, id) index no longer than what is unread; none at the newest).</summary>
    private const string OwnAfterMark = """
        CASE WHEN k.target >= k.last_id THEN 0 ELSE
            (SELECT count(*) FROM chat_messages WHERE room = $2 AND id > k.target AND user_name = $1) END
        """;

    /// <summary>
    /// Moves a room's or direct conversation's marker forward (only while the user is a member: an UPDATE, so that a
    /// concurrent leave is not undone); returns the marker as it is now, 0 without a membership.
    /// </summary>
    public const string MarkMember = $"""
        {Mark}
        moved AS (
            UPDATE chat_memberships m SET read_id = k.target, read_seq = {PlaceOfMark}, own_unread = {OwnAfterMark}
            FROM mark k
            WHERE m.user_name = $1 AND m.room = $2 AND k.target > m.read_id
            RETURNING m.read_id
        )
        SELECT coalesce((SELECT read_id FROM moved), (SELECT current FROM mark), 0);
        """;

    /// <summary>Moves general's marker forward, creating it on first use; returns the marker as it is now.</summary>
    public const string MarkGeneral = $"""
        {Mark}
        moved AS (
            INSERT INTO chat_memberships (user_name, room, read_id, read_seq, own_unread)
            SELECT $1, $2, k.target, {PlaceOfMark}, {OwnAfterMark}
            FROM mark k
            WHERE k.target > coalesce(k.current, -1)
            ON CONFLICT (user_name, room) DO UPDATE SET read_id = excluded.read_id, read_seq = excluded.read_seq, own_unread = excluded.own_unread
            RETURNING read_id
        )
        SELECT coalesce((SELECT read_id FROM moved), (SELECT current FROM mark), 0);
        """;

    /// <summary>Unread messages of a membership, from the counters: those after the marker, less the user's own, at most what is kept.</summary>
    private const string Unread = "greatest(0, least(coalesce(c.last_seq, 0) - m.read_seq - m.own_unread, coalesce(c.count, 0)))::int";

    /// <summary>Unread messages that mention the user: a range of chat_mentions' primary key after the marker.</summary>
    private const string UnreadMentions = "(SELECT count(*) FROM chat_mentions x WHERE x.user_name = m.user_name AND x.room = m.room AND x.message_id > m.read_id)::int";

    /// <summary>general first (0 unread without a marker), then each of the user's conversations with the room's privacy, topic and the user's role; $1 user.</summary>
    public const string Summaries = $"""
        SELECT 'general'::text, (SELECT last_id FROM chat_conversations WHERE room = 'general'),
            coalesce((SELECT {Unread} FROM chat_memberships m LEFT JOIN chat_conversations c ON c.room = m.room WHERE m.user_name = $1 AND m.room = 'general'), 0),
            coalesce((SELECT {UnreadMentions} FROM chat_memberships m WHERE m.user_name = $1 AND m.room = 'general'), 0),
            false, NULL::text, NULL::text, 0 AS place
        UNION ALL
        SELECT m.room, c.last_id, {Unread}, {UnreadMentions}, coalesce(r.private, false), r.topic, p.role, 1
        FROM chat_memberships m LEFT JOIN chat_conversations c ON c.room = m.room
            LEFT JOIN chat_rooms r ON r.name = m.room LEFT JOIN chat_room_people p ON p.room = m.room AND p.user_name = m.user_name
        WHERE m.user_name = $1 AND m.room <> 'general'
        ORDER BY place;
        """;

    /// <summary>One conversation's summary, no row without a membership; $1 user, $2 room.</summary>
    public const string Summary = $"""
        SELECT m.room, c.last_id, {Unread}, {UnreadMentions}, coalesce(r.private, false), r.topic, p.role
        FROM chat_memberships m LEFT JOIN chat_conversations c ON c.room = m.room
            LEFT JOIN chat_rooms r ON r.name = m.room LEFT JOIN chat_room_people p ON p.room = m.room AND p.user_name = m.user_name
        WHERE m.user_name = $1 AND m.room = $2;
        """;

    public const string IsMember = "SELECT EXISTS (SELECT 1 FROM chat_memberships WHERE user_name = $1 AND room = $2);";

    /// <summary>Direct conversation keys start with '@', which sorts just before 'A' (byte order); $1 user.</summary>
    public const string DirectCount = "SELECT count(*)::int FROM chat_memberships WHERE user_name = $1 AND room >= '@' COLLATE \"C\" AND room < 'A' COLLATE \"C\";";

    /// <summary>The user's membership rows other than general: rooms and direct conversations (the memberships primary key); $1 user.</summary>
    public const string ConversationsOf = "SELECT room FROM chat_memberships WHERE user_name = $1 AND room <> 'general';";

    public const string Members = "SELECT user_name FROM chat_memberships WHERE room = $1 ORDER BY user_name COLLATE \"C\";";

    /// <summary>The public rooms and the private ones $1 is in or invited to ($1 null: all).</summary>
    public const string ListRooms = """
        SELECT name, (SELECT count(*)::int FROM chat_memberships m WHERE m.room = r.name), private, topic
        FROM chat_rooms r
        WHERE NOT private OR $1::text IS NULL
            OR EXISTS (SELECT 1 FROM chat_memberships m WHERE m.room = r.name AND m.user_name = $1)
            OR EXISTS (SELECT 1 FROM chat_room_people p WHERE p.room = r.name AND p.user_name = $1 AND p.invited_by IS NOT NULL)
        ORDER BY name COLLATE "C";
        """;

    /// <summary>Joins, leaves and room removals take turns across processes on this advisory lock, so two cannot both pass a limit.</summary>
    public const string LockMemberships = "SELECT pg_advisory_xact_lock(4857112365243057254);";

    /// <summary>What decides a join (<see cref="JoinFacts"/>), in one row; $1 user, $2 room, $3 a day before now.</summary>
    public const string JoinFacts = """
        SELECT
            EXISTS (SELECT 1 FROM chat_memberships WHERE user_name = $1 AND room = $2),
            (SELECT count(*) FROM chat_memberships m JOIN chat_rooms r ON r.name = m.room WHERE m.user_name = $1),
            EXISTS (SELECT 1 FROM chat_rooms WHERE name = $2),
            (SELECT count(*) FROM chat_rooms),
            (SELECT count(*) FROM chat_rooms WHERE created_by = $1 AND created_at > $3),
            coalesce((SELECT private FROM chat_rooms WHERE name = $2), false),
            EXISTS (SELECT 1 FROM chat_room_people WHERE room = $2 AND user_name = $1 AND invited_by IS NOT NULL),
            (SELECT banned_to FROM chat_room_people WHERE room = $2 AND user_name = $1);
        """;

    /// <summary>$1 user, $2 room, $3 now, $4 private, $5 topic.</summary>
    public const string CreateRoom = """
        INSERT INTO chat_rooms (name, created_at, created_by, private, topic) VALUES ($2, $3, $1, $4, $5)
        ON CONFLICT (name) DO UPDATE SET empty_since = NULL;
        """;

    /// <summary>A new room's creator is its owner; $1 user, $2 room.</summary>
    public const string MakeOwner = "INSERT INTO chat_room_people (room, user_name, role) VALUES ($2, $1, 'owner') ON CONFLICT (room, user_name) DO UPDATE SET role = 'owner';";

    /// <summary>An invite is used by the join it allowed; $1 user, $2 room.</summary>
    public const string UseInvite = "UPDATE chat_room_people SET invited_by = NULL WHERE room = $2 AND user_name = $1 AND invited_by IS NOT NULL;";

    // Moderation (SPEC section 15): $1 room, $2 actor, $3 target unless said otherwise.

    /// <summary>What decides an act (<see cref="ModerationFacts"/>), in one row; $3 may be null (a topic).</summary>
    public const string ModerationFacts = """
        SELECT
            EXISTS (SELECT 1 FROM chat_rooms WHERE name = $1),
            (SELECT topic FROM chat_rooms WHERE name = $1),
            (SELECT role FROM chat_room_people WHERE room = $1 AND user_name = $2),
            t.role,
            EXISTS (SELECT 1 FROM chat_memberships WHERE room = $1 AND user_name = $3::text),
            t.invited_by IS NOT NULL,
            t.banned_to,
            t.muted_to,
            (SELECT count(*) FROM chat_room_people WHERE room = $1 AND role = 'owner'),
            (SELECT count(*) FROM chat_room_people WHERE room = $1 AND invited_by IS NOT NULL)
        FROM (SELECT 1) AS one LEFT JOIN chat_room_people t ON t.room = $1 AND t.user_name = $3::text;
        """;

    /// <summary>$1 room, $2 topic.</summary>
    public const string SetTopic = "UPDATE chat_rooms SET topic = $2 WHERE name = $1;";

    /// <summary>$1 room, $2 target, $3 role (null: a plain member).</summary>
    public const string SetRole = "INSERT INTO chat_room_people (room, user_name, role) VALUES ($1, $2, $3) ON CONFLICT (room, user_name) DO UPDATE SET role = excluded.role;";

    public const string Invite = "INSERT INTO chat_room_people (room, user_name, invited_by) VALUES ($1, $3, $2) ON CONFLICT (room, user_name) DO UPDATE SET invited_by = excluded.invited_by;";

    /// <summary>A kick or a ban: out of the room, without a role or an invite (and without unread mentions there); $1 room, $2 target.</summary>
    public const string Remove = """
        WITH gone AS (DELETE FROM chat_memberships WHERE user_name = $2 AND room = $1),
        mentions AS (DELETE FROM chat_mentions WHERE user_name = $2 AND room = $1)
        UPDATE chat_room_people SET role = NULL, invited_by = NULL WHERE room = $1 AND user_name = $2;
        """;

    /// <summary>$1 room, $2 target, $3 end.</summary>
    public const string Ban = "INSERT INTO chat_room_people (room, user_name, banned_to) VALUES ($1, $2, $3) ON CONFLICT (room, user_name) DO UPDATE SET banned_to = excluded.banned_to;";

    /// <summary>$1 room, $2 target.</summary>
    public const string Unban = "UPDATE chat_room_people SET banned_to = NULL WHERE room = $1 AND user_name = $2;";

    /// <summary>$1 room, $2 target, $3 end (null: lifted).</summary>
    public const string Mute = "INSERT INTO chat_room_people (room, user_name, muted_to) VALUES ($1, $2, $3) ON CONFLICT (room, user_name) DO UPDATE SET muted_to = excluded.muted_to;";

    /// <summary>$1 room, $2 actor, $3 action, $4 target, $5 until, $6 at, $7 message id, $8 role, $9 topic.</summary>
    public const string Log = """
        INSERT INTO chat_moderation_log (room, actor, action, target, until, at, message_id, role, topic)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING id;
        """;

    /// <summary>A room's log keeps its newest <see cref="ModerationRules.MaxLogEntries"/> entries; $1 room.</summary>
    public static readonly string TrimLog = $"""
        DELETE FROM chat_moderation_log WHERE room = $1
            AND id <= (SELECT id FROM chat_moderation_log WHERE room = $1 ORDER BY id DESC OFFSET {ModerationRules.MaxLogEntries} LIMIT 1);
        """;

    /// <summary>Newest first; $1 room, $2 before (null: the newest), $3 limit.</summary>
    public const string ModerationLog = """
        SELECT id, room, actor, action, target, until, at, message_id, role, topic FROM chat_moderation_log
        WHERE room = $1 AND id < coalesce($2::bigint, 9223372036854775807)
        ORDER BY id DESC LIMIT $3;
        """;

    /// <summary>A room's privacy and topic; $1 room.</summary>
    public const string RoomSettings = "SELECT private, topic FROM chat_rooms WHERE name = $1;";

    /// <summary>Everyone in the room with a role, a ban or a mute (ended ones too: the reader compares the ends with the time); $1 room.</summary>
    public const string RoomPeople = """
        SELECT user_name, role, banned_to, muted_to FROM chat_room_people
        WHERE room = $1 AND (role IS NOT NULL OR banned_to IS NOT NULL OR muted_to IS NOT NULL);
        """;

    /// <summary>Joining: what was said before counts as read; $1 user, $2 room.</summary>
    public const string Join = """
        INSERT INTO chat_memberships (user_name, room, read_id, read_seq, own_unread)
        SELECT $1, $2, coalesce(c.last_id, 0), coalesce(c.last_seq, 0), 0
        FROM (SELECT 1) AS one LEFT JOIN chat_conversations c ON c.room = $2;
        """;

    public const string Leave = "DELETE FROM chat_memberships WHERE user_name = $1 AND room = $2 RETURNING 1;";

    /// <summary>A room whose last member left is empty from now on; $1 room, $2 now.</summary>
    public const string MarkEmpty = "UPDATE chat_rooms SET empty_since = $2 WHERE name = $1 AND empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM chat_memberships WHERE room = $1);";

    /// <summary>Removes the rooms empty since before $1, with their messages and counters; returns their names.</summary>
    public const string RemoveEmptyRooms = """
        WITH gone AS (
            DELETE FROM chat_rooms r WHERE empty_since < $1 AND NOT EXISTS (SELECT 1 FROM chat_memberships m WHERE m.room = r.name)
            RETURNING name
        ),
        messages AS (DELETE FROM chat_messages WHERE room IN (SELECT name FROM gone)),
        mentions AS (DELETE FROM chat_mentions WHERE room IN (SELECT name FROM gone)),
        conversations AS (DELETE FROM chat_conversations WHERE room IN (SELECT name FROM gone)),
        people AS (DELETE FROM chat_room_people WHERE room IN (SELECT name FROM gone)),
        log AS (DELETE FROM chat_moderation_log WHERE room IN (SELECT name FROM gone))
        SELECT name FROM gone;
        """;

    public const string Check = "SELECT 1 FROM chat_counter;";

    /// <summary>$1 random bytes, which neither compression nor deduplication shrink.</summary>
    public const string Probe = "INSERT INTO chat_probe (id, data) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET data = excluded.data;";
    // Accounts (SPEC section 13). Codes and refresh tokens are stored as their hashes.

    public const string Account = "SELECT name, password_hash, admin, disabled_at IS NOT NULL, must_change FROM chat_accounts WHERE name = $1;";

    public const string Accounts = "SELECT name, password_hash, admin, disabled_at IS NOT NULL, must_change FROM chat_accounts ORDER BY name COLLATE \"C\";";

    /// <summary>$1 name, $2 hash, $3 admin, $4 must change, $5 now; a row back when it was created.</summary>
    public const string CreateAccount = """
        INSERT INTO chat_accounts (name, password_hash, admin, must_change, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (name) DO NOTHING RETURNING 1;
        """;

    /// <summary>Spends one use of a live invite; $1 code hash, $2 now; a row back when it was live.</summary>
    public const string SpendInvite = "UPDATE chat_invites SET uses_left = uses_left - 1 WHERE code_hash = $1 AND uses_left > 0 AND expires_at > $2 RETURNING 1;";

    /// <summary>$1 name, $2 hash, $3 must change.</summary>
    public const string SetPassword = "UPDATE chat_accounts SET password_hash = $2, must_change = $3 WHERE name = $1 RETURNING 1;";

    /// <summary>$1 name, $2 disabled, $3 now.</summary>
    public const string SetDisabled = "UPDATE chat_accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, $3) END WHERE name = $1 RETURNING 1;";

    /// <summary>$1 code hash, $2 uses, $3 expires at, $4 now.</summary>
    public const string CreateInvite = "INSERT INTO chat_invites (code_hash, uses_left, expires_at, created_at) VALUES ($1, $2, $3, $4);";

    /// <summary>$1 session, $2 user, $3 now.</summary>
    public const string StartSession = "INSERT INTO chat_sessions (id, user_name, created_at) VALUES ($1, $2, $3);";

    /// <summary>Ends $1's live sessions but the newest $3, at $2.</summary>
    public const string EndOldSessions = """
        UPDATE chat_sessions SET revoked_at = $2
        WHERE user_name = $1 AND revoked_at IS NULL
          AND id NOT IN (SELECT id FROM chat_sessions WHERE user_name = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $3);
        """;

    /// <summary>$1 hash, $2 session, $3 expires at.</summary>
    public const string AddRefreshToken = "INSERT INTO chat_refresh_tokens (hash, session, expires_at) VALUES ($1, $2, $3);";

    /// <summary>A refresh token ($1 hash), locked, with its session and account: session, expires_at, used_at, session ended, then the account's columns.</summary>
    public const string RefreshToken = """
        SELECT t.session, t.expires_at, t.used_at, s.revoked_at IS NOT NULL,
               a.name, a.password_hash, a.admin, a.disabled_at IS NOT NULL, a.must_change
        FROM chat_refresh_tokens AS t JOIN chat_sessions AS s ON s.id = t.session JOIN chat_accounts AS a ON a.name = s.user_name
        WHERE t.hash = $1
        FOR UPDATE OF t;
        """;

    /// <summary>$1 hash, $2 now.</summary>
    public const string SpendRefreshToken = "UPDATE chat_refresh_tokens SET used_at = $2 WHERE hash = $1;";

    /// <summary>$1 session, $2 now.</summary>
    public const string EndSession = "UPDATE chat_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;";

    /// <summary>Ends the session of a refresh token ($1 hash) at $2; returns its id.</summary>
    public const string EndSessionOfToken = """
        UPDATE chat_sessions SET revoked_at = coalesce(revoked_at, $2)
        WHERE id = (SELECT session FROM chat_refresh_tokens WHERE hash = $1)
        RETURNING id;
        """;

    /// <summary>Every session of $1 but $2 ('' for none), at $3.</summary>
    public const string EndSessions = "UPDATE chat_sessions SET revoked_at = $3 WHERE user_name = $1 AND id <> $2 AND revoked_at IS NULL;";

    public const string SessionsRevokedSince = "SELECT id FROM chat_sessions WHERE revoked_at > $1;";

    public const string DisabledSince = "SELECT name FROM chat_accounts WHERE disabled_at > $1;";

    /// <summary>$1 now, $2 before: expired refresh tokens and those of sessions ended before $2.</summary>
    public const string ForgetExpiredTokens = "DELETE FROM chat_refresh_tokens WHERE expires_at <= $1 OR session IN (SELECT id FROM chat_sessions WHERE revoked_at < $2);";

    /// <summary>Sessions ended before $1, and those left without a refresh token.</summary>
    public const string ForgetEndedSessions = """
        DELETE FROM chat_sessions AS s WHERE s.revoked_at < $1
            OR (s.created_at < $1 AND NOT EXISTS (SELECT 1 FROM chat_refresh_tokens AS t WHERE t.session = s.id));
        """;

    /// <summary>$1 now.</summary>
    public const string ForgetUselessInvites = "DELETE FROM chat_invites WHERE uses_left <= 0 OR expires_at <= $1;";

    /// <summary>Of $1 (file ids), those not attached yet, with who uploaded each.</summary>
    public const string UnattachedOwners = "SELECT id, user_name FROM chat_files WHERE id = ANY($1) AND message_id IS NULL;";

    /// <summary>Whether $1 sent a message with client id $2 (a resend).</summary>
    public const string RememberedClientId = "SELECT 1 FROM chat_client_ids WHERE user_name = $1 AND client_id = $2;";

    public const string AddFile = """
        INSERT INTO chat_files (id, user_name, name, size, content_type, width, height, uploaded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
        """;

    private const string FileColumns = "id, user_name, name, size, content_type, width, height, uploaded_at, room, message_id";

    public const string File = $"SELECT {FileColumns} FROM chat_files WHERE id = $1;";

    public const string Files = $"SELECT {FileColumns} FROM chat_files WHERE id = ANY($1);";

    /// <summary>A user's stored bytes (the chat_files_user_name index).</summary>
    public const string FileBytes = "SELECT coalesce(sum(size), 0)::bigint FROM chat_files WHERE user_name = $1;";

    /// <summary>
    /// Files no one may read: uploads unattached since before $1 (a partial index), and files whose message is deleted or gone
    /// (every attached file is looked at: once per maintenance round).
    /// </summary>
    public const string ForgetFiles = """
        DELETE FROM chat_files f WHERE (f.message_id IS NULL AND f.uploaded_at < $1)
            OR (f.message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = f.message_id AND NOT m.deleted))
        RETURNING f.id;
        """;

    // Bots (SPEC section 15): the server API's users; tokens are stored as their hashes.

    /// <summary>$1 name, $2 token hash, $3 scopes, $4 now.</summary>
    public const string AddBot = "INSERT INTO chat_bots (name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING;";

    /// <summary>$1 name, $2 now.</summary>
    public const string RevokeBot = "UPDATE chat_bots SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL;";

    public const string BotByToken = "SELECT name, scopes, revoked_at IS NOT NULL FROM chat_bots WHERE token_hash = $1;";

    public const string Bots = "SELECT name, scopes, revoked_at IS NOT NULL FROM chat_bots ORDER BY name COLLATE \"C\";";
}
