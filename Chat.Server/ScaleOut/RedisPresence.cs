using Chat.Server.Presence;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// Presence for a cluster of nodes sharing one Redis. Each node records its own users (and how many
/// connections each has) under its node id, and the cluster-wide count per user is their sum: a user
/// joins on their first connection anywhere and leaves when their last one closes. Every few seconds
/// each node re-asserts its whole share (which repairs any drift, e.g. after Redis lost its data) and
/// removes the share of nodes whose heartbeat stopped, announcing those users as gone.
/// </summary>
public sealed partial class RedisPresence(RedisConnection redis, ILogger<RedisPresence> logger) : IPresence, IDisposable
{
    /// <summary>A node whose heartbeat is older than this is taken as dead and its users removed.</summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(20);

    private const string ConnectScript = """
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
        redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
        """;

    private const string DisconnectScript = """
        local mine = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
        if mine <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
        if mine < 0 then return -1 end
        local all = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        if all <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) return 0 end
        return all
        """;

    // Replaces this node's share with ARGV[3..] (user, count pairs); returns users who joined and who left.
    private const string ResyncScript = """
        redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
        local delta = {}
        local old = redis.call('HGETALL', KEYS[2])
        for i = 1, #old, 2 do delta[old[i]] = -tonumber(old[i + 1]) end
        redis.call('DEL', KEYS[2])
        for i = 3, #ARGV, 2 do
          delta[ARGV[i]] = (delta[ARGV[i]] or 0) + tonumber(ARGV[i + 1])
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
        end
        local joined, left = {}, {}
        for user, d in pairs(delta) do
          if d ~= 0 then
            local before = tonumber(redis.call('HGET', KEYS[1], user) or '0')
            local after = before + d
            if after <= 0 then redis.call('HDEL', KEYS[1], user) else redis.call('HSET', KEYS[1], user, after) end
            if before <= 0 and after > 0 then table.insert(joined, user) end
            if before > 0 and after <= 0 then table.insert(left, user) end
          end
        end
        return {joined, left}
        """;

    // Removes the share of every node whose heartbeat is older than ARGV[1]; returns users who left.
    private const string ReapScript = """
        local left = {}
        for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])) do
          local key = ARGV[2] .. node
          local entries = redis.call('HGETALL', key)
          for i = 1, #entries, 2 do
            local remaining = redis.call('HINCRBY', KEYS[1], entries[i], -tonumber(entries[i + 1]))
            if remaining <= 0 then redis.call('HDEL', KEYS[1], entries[i]) table.insert(left, entries[i]) end
          end
          redis.call('DEL', key)
          redis.call('ZREM', KEYS[2], node)
        end
        return left
        """;

    private readonly LocalPresence _local = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _node = redis.Node.ToString("N");
    private readonly RedisKey _users = $"{redis.Prefix}:presence:users";
    private readonly RedisKey _nodes = $"{redis.Prefix}:presence:nodes";
    private readonly string _nodePrefix = $"{redis.Prefix}:presence:node:";

    private RedisKey NodeKey => _nodePrefix + _node;

    public async ValueTask<bool> ConnectedAsync(string user, string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            await _local.ConnectedAsync(user, connectionId);
            if (!redis.IsUp)
            {
                // Counted here only; the next heartbeat after Redis returns shares it and announces the join.
                return false;
            }

            var database = await redis.DatabaseAsync();
            var count = (long)await database.ScriptEvaluateAsync(ConnectScript, [_users, NodeKey, _nodes], [user, _node, Now()]);
            return count == 1;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogUpdateFailed(exception);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<bool> DisconnectedAsync(string user, string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_local.TryRemove(user, connectionId, out _) || !redis.IsUp)
            {
                return false;
            }

            var database = await redis.DatabaseAsync();
            var count = (long)await database.ScriptEvaluateAsync(DisconnectScript, [_users, NodeKey], [user]);
            return count == 0;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogUpdateFailed(exception);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Everyone online in the cluster; while Redis does not answer, those connected to this server.</summary>
    public async ValueTask<string[]> OnlineUsersAsync()
    {
        if (redis.IsUp)
        {
            try
            {
                var database = await redis.DatabaseAsync();
                var users = (await database.HashKeysAsync(_users)).Select(u => u.ToString()).ToArray();
                Array.Sort(users, StringComparer.Ordinal);
                return users;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogUpdateFailed(exception);
            }
        }

        return await _local.OnlineUsersAsync();
    }

    /// <summary>Those of <paramref name="users"/> online in the cluster; while Redis does not answer, those connected here.</summary>
    public async ValueTask<string[]> OnlineAmongAsync(IReadOnlyCollection<string> users)
    {
        var wanted = users.Distinct(StringComparer.Ordinal).ToArray();
        if (redis.IsUp && wanted.Length > 0)
        {
            try
            {
                var database = await redis.DatabaseAsync();
                var counts = await database.HashGetAsync(_users, [.. wanted.Select(user => (RedisValue)user)]);
                var online = wanted.Where((_, i) => counts[i].HasValue).ToArray();
                Array.Sort(online, StringComparer.Ordinal);
                return online;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogUpdateFailed(exception);
            }
        }

        return await _local.OnlineAmongAsync(wanted);
    }

    /// <summary>How many users are online in the cluster; while Redis does not answer, here.</summary>
    public async ValueTask<int> CountAsync()
    {
        if (redis.IsUp)
        {
            try
            {
                return (int)await (await redis.DatabaseAsync()).HashLengthAsync(_users);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogUpdateFailed(exception);
            }
        }

        return await _local.CountAsync();
    }

    /// <summary>Heartbeat: re-asserts this node's share and removes dead nodes' shares. Returns who joined and who left.</summary>
    public async Task<(string[] Joined, string[] Left)> HeartbeatAsync()
    {
        var database = await redis.DatabaseAsync();
        RedisResult resync;
        await _gate.WaitAsync();
        try
        {
            var counts = _local.Counts();
            var args = new RedisValue[2 + (counts.Length * 2)];
            args[0] = _node;
            args[1] = Now();
            for (var i = 0; i < counts.Length; i++)
            {
                args[2 + (2 * i)] = counts[i].Key;
                args[3 + (2 * i)] = counts[i].Value;
            }

            resync = await database.ScriptEvaluateAsync(ResyncScript, [_users, NodeKey, _nodes], args);
        }
        finally
        {
            _gate.Release();
        }

        var reaped = (string[])(await database.ScriptEvaluateAsync(ReapScript, [_users, _nodes], [Now() - (long)DeadAfter.TotalMilliseconds, _nodePrefix]))!;
        var parts = (RedisResult[])resync!;
        return ((string[])parts[0]!, [.. (string[])parts[1]!, .. reaped]);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence could not reach Redis; the next heartbeat brings it in line")]
    private partial void LogUpdateFailed(Exception exception);
}
