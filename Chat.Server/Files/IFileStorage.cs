namespace Chat.Server.Files;

/// <summary>
/// Where the bytes of uploaded files live, by file id: a folder (<see cref="FolderStorage"/>) or an S3-compatible bucket every
/// node shares (<see cref="S3Storage"/>). What the store knows of each file is in <see cref="History.IFileStore"/>; the bytes
/// are written first, so a row always has its bytes, and bytes without a row (an upload cut short) are swept by
/// <see cref="FileSweep"/>.
/// </summary>
public interface IFileStorage
{
    /// <summary>Where, for the start-up log (no secrets).</summary>
    string Description { get; }

    /// <summary>Stores <paramref name="content"/> under <paramref name="id"/>; on failure, what was written may be left for the sweep.</summary>
    Task WriteAsync(string id, Stream content, CancellationToken cancellationToken);

    /// <summary>A seekable stream of the file's bytes (range requests seek it); null when there is none.</summary>
    Task<Stream?> OpenAsync(string id, long size, CancellationToken cancellationToken);

    /// <summary>Removes the file's bytes, and anything an interrupted write of it left; nothing when there are none.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every id with bytes (or the leftovers of a write) stored, with when they were written.</summary>
    IAsyncEnumerable<(string Id, DateTime WrittenAt)> ListAsync(CancellationToken cancellationToken);
}
