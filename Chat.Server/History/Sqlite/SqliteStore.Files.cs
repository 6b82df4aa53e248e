using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>Uploaded files: their rows, the quota's use, and what maintenance forgets.</summary>
public sealed partial class SqliteStore
{
    public async Task AddFileAsync(StoredFile file, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        await ExecuteAsync(
            transaction,
            SqliteSql.AddFile,
            cancellationToken,
            ("$id", file.File.Id),
            ("$user", file.User),
            ("$name", file.File.Name),
            ("$size", file.File.Size),
            ("$contentType", file.File.ContentType),
            ("$width", file.File.Width),
            ("$height", file.File.Height),
            ("$uploadedAt", file.UploadedAt.Ticks));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<StoredFile?> FindFileAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(SqliteSql.File, FilesAsync, cancellationToken, ("$id", id))).SingleOrDefault();

    public async Task<StoredFile[]> FindFilesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        [.. await ReadAsync(SqliteSql.Files, FilesAsync, cancellationToken, ("$ids", JsonSerializer.Serialize(ids.ToArray(), StoreJson.Default.StringArray)))];

    public Task<long> FileBytesAsync(string user, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.FileBytes, async reader => await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0, cancellationToken, ("$user", user));

    public async Task<string[]> ForgetFilesAsync(DateTime unattachedBefore, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        string[] forgotten;
        await using (var reader = await Prepared(transaction, SqliteSql.ForgetFiles, ("$before", unattachedBefore.Ticks)).ExecuteReaderAsync(cancellationToken))
        {
            forgotten = await StringsAsync(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        return forgotten;
    }

    /// <summary>Whether every file of <paramref name="message"/> is its sender's, unattached, and not taken by another message of this commit.</summary>
    private async Task<bool> MayAttachAsync(SqliteTransaction transaction, NewMessage message, HashSet<string> claimed, CancellationToken cancellationToken)
    {
        var ids = message.Files!.Select(file => file.Id).ToArray();
        if (ids.Any(claimed.Contains))
        {
            return false;
        }

        var attachable = (long)(await ScalarAsync(
            transaction, SqliteSql.Attachable, cancellationToken, ("$ids", JsonSerializer.Serialize(ids, StoreJson.Default.StringArray)), ("$user", message.User)))!;
        if (attachable != ids.Length)
        {
            return false;
        }

        claimed.UnionWith(ids);
        return true;
    }

    private static async Task<List<StoredFile>> FilesAsync(SqliteDataReader reader)
    {
        var files = new List<StoredFile>();
        while (await reader.ReadAsync())
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
                new DateTime(reader.GetInt64(7), DateTimeKind.Utc),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9)));
        }

        return files;
    }
}
