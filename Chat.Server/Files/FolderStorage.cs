namespace Chat.Server.Files;

/// <summary>
/// Files in a folder of this server: <c>ab/abcdef…</c> (the first two characters of the id spread them over 256 folders). A
/// write goes to <c>id.part</c> and is renamed once complete, so a file under its id is always whole.
/// </summary>
public sealed class FolderStorage(string root) : IFileStorage
{
    private const string Partial = ".part";

    public string Root { get; } = Path.GetFullPath(root);

    public string Description => $"folder {Root}";

    public async Task WriteAsync(string id, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var file = new FileStream(path + Partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 81920, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(path + Partial, path, overwrite: true);
    }

    public Task<Stream?> OpenAsync(string id, long size, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, useAsync: true));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(id));
        File.Delete(PathOf(id) + Partial);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<(string Id, DateTime WrittenAt)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = file.Name.EndsWith(Partial, StringComparison.Ordinal) ? file.Name[..^Partial.Length] : file.Name;
                if (FileIds.IsValid(id))
                {
                    yield return (id, file.LastWriteTimeUtc);
                }
            }

            await Task.Yield();
        }
    }

    private string PathOf(string id) =>
        FileIds.IsValid(id) ? Path.Combine(Root, id[..2], id) : throw new ArgumentException($"'{id}' is not a file id.", nameof(id));
}
