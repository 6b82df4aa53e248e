using System.Data.Common;

namespace Chat.Server.History;

/// <summary>
/// The rows of joins' and acts' facts, rooms' rules and moderation logs as both stores select them (same columns, same order); only how a time is stored
/// differs (SQLite: UTC ticks; PostgreSQL: timestamptz), which <c>time</c> reads.
/// </summary>
internal static class ModerationReading
{
    /// <summary>What decides a join, from the row both stores' join facts select (the current row).</summary>
    public static JoinFacts JoinFacts(DbDataReader reader, Func<DbDataReader, int, DateTime> time) => new(
        reader.GetBoolean(0),
        reader.GetInt64(1),
        reader.GetBoolean(2),
        reader.GetInt64(3),
        reader.GetInt64(4),
        reader.GetBoolean(5),
        reader.GetBoolean(6),
        reader.IsDBNull(7) ? null : time(reader, 7));

    /// <summary>What decides a moderation act, from the row both stores' moderation facts select (the current row).</summary>
    public static ModerationFacts Facts(DbDataReader reader, Func<DbDataReader, int, DateTime> time) => new(
        reader.GetBoolean(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetBoolean(4),
        reader.GetBoolean(5),
        reader.IsDBNull(6) ? null : time(reader, 6),
        reader.IsDBNull(7) ? null : time(reader, 7),
        reader.GetInt64(8),
        reader.GetInt64(9));

    /// <summary>A room's rules from two results: its privacy and topic (no row: no room), then its people with a role, a ban or a mute.</summary>
    public static async Task<RoomRules?> RoomRulesAsync(DbDataReader reader, Func<DbDataReader, int, DateTime> time, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var (isPrivate, topic) = (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        await reader.NextResultAsync(cancellationToken);
        var (roles, bans, mutes) = (new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, DateTime>(StringComparer.Ordinal), new Dictionary<string, DateTime>(StringComparer.Ordinal));
        while (await reader.ReadAsync(cancellationToken))
        {
            var user = reader.GetString(0);
            if (!reader.IsDBNull(1))
            {
                roles[user] = reader.GetString(1);
            }

            if (!reader.IsDBNull(2))
            {
                bans[user] = time(reader, 2);
            }

            if (!reader.IsDBNull(3))
            {
                mutes[user] = time(reader, 3);
            }
        }

        return new RoomRules(isPrivate, topic, roles, bans, mutes);
    }

    /// <summary>Log entries from rows of (id, room, actor, action, target, until, at, message_id, role, topic).</summary>
    public static async Task<ModerationEntry[]> EntriesAsync(DbDataReader reader, Func<DbDataReader, int, DateTime> time, CancellationToken cancellationToken)
    {
        var entries = new List<ModerationEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ModerationEntry(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : ModerationRules.Shown(time(reader, 5)),
                time(reader, 6))
            {
                MessageId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                Role = reader.IsDBNull(8) ? null : reader.GetString(8),
                Topic = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return [.. entries];
    }
}
