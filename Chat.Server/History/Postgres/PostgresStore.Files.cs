using Npgsql;

namespace Chat.Server.History.Postgres;

/// <summary>Uploaded files: their rows, the quota's use, what maintenance forgets, and the check before a commit attaches them.</summary>
public sealed partial class PostgresStore
{
    public async Task AddFileAsync(StoredFile file, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(PostgresSql.AddFile);
        command.Parameters.Add(Parameter(file.File.Id));
        command.Parameters.Add(Parameter(Storable(file.User)));
        command.Parameters.Add(Parameter(Storable(file.File.Name)));
        command.Parameters.Add(Parameter(file.File.Size));
        command.Parameters.Add(Parameter(Storable(file.File.ContentType)));
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = file.File.Width, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = file.File.Height, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(Parameter(file.UploadedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredFile?> FindFileAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(PostgresSql.File, FilesAsync, cancellationToken, id)).SingleOrDefault();

    public async Task<StoredFile[]> FindFilesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        [.. await ReadAsync(PostgresSql.Files, FilesAsync, cancellationToken, (object)ids.Select(id => (string?)id).ToArray())];

    public Task<long> FileBytesAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.FileBytes, async (reader, token) => await reader.ReadAsync(token) ? reader.GetInt64(0) : 0, cancellationToken, user);

    public async Task<string[]> ForgetFilesAsync(DateTime unattachedBefore, CancellationToken cancellationToken) =>
        await ReadAsync(PostgresSql.ForgetFiles, StringsAsync, cancellationToken, unattachedBefore);

    /// <summary>
    /// <see cref="AppendAsync(NpgsqlConnection, NpgsqlTransaction, IReadOnlyList{NewMessage}, DateTime, CancellationToken)"/>, less the
    /// messages whose files are not all their sender's unattached uploads any more (taken by an earlier commit, or by a message before
    /// them in this one): those are answered <see cref="Appended.FilesTaken"/>. A resend (its client message id remembered) goes
    /// through, to be answered with its first send. Only a batch with files pays the extra round trip, under the counter's lock.
    /// </summary>
    private async Task<(Appended[] Appended, long LastPosition)> AppendAttachingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewMessage> batch, DateTime sent, CancellationToken cancellationToken)
    {
        if (!batch.Any(message => message.Files is { Length: > 0 }))
        {
            return await AppendAsync(connection, transaction, batch, sent, cancellationToken);
        }

        await using (var locking = new NpgsqlCommand(PostgresSql.LockCounter, connection, transaction))
        {
            await locking.ExecuteScalarAsync(cancellationToken);
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand(PostgresSql.UnattachedOwners, connection, transaction))
        {
            read.Parameters.Add(Parameter(batch.SelectMany(message => message.Files ?? []).Select(file => (string?)file.Id).Distinct().ToArray()));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                owners[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var kept = new List<int>(batch.Count);
        var answers = new Appended[batch.Count];
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var ids = (message.Files ?? []).Select(file => file.Id).ToArray();
            if (ids.All(id => !claimed.Contains(id) && owners.TryGetValue(id, out var owner) && owner == message.User)
                || (message.ClientMessageId is { } clientId && await IsRememberedAsync(connection, transaction, message.User, clientId, cancellationToken)))
            {
                claimed.UnionWith(ids);
                kept.Add(i);
            }
            else
            {
                answers[i] = new Appended(new ChatMessage(0, message.Room, message.User, message.Text, sent) { Files = message.Files }, IsNew: false, FilesTaken: true);
            }
        }

        var (appended, lastPosition) = await AppendAsync(connection, transaction, [.. kept.Select(i => batch[i])], sent, cancellationToken);
        for (var n = 0; n < kept.Count; n++)
        {
            answers[kept[n]] = appended[n];
        }

        return (answers, lastPosition);
    }

    private static async Task<bool> IsRememberedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string user, string clientId, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand(PostgresSql.RememberedClientId, connection, transaction);
        read.Parameters.Add(Parameter(Storable(user)));
        read.Parameters.Add(Parameter(Storable(clientId)));
        return await read.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<List<StoredFile>> FilesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            files.Add(new StoredFile(
                new ChatFile(
                    reader.GetString(0),
                    reader.GetString(2),
                    reader.GetInt64(3),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6)),
                reader.GetString(1),
                reader.GetFieldValue<DateTime>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9)));
        }

        return files;
    }
}
