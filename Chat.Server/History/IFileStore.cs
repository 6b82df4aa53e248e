namespace Chat.Server.History;

/// <summary>
/// What the store knows of uploaded files (SPEC section 14): who uploaded each, and which message it is attached to. The
/// bytes are elsewhere (<see cref="Files.IFileStorage"/>); a row is written only once they are stored. A message attaches its
/// files in its own commit (<see cref="NewMessage.Files"/>).
/// </summary>
public interface IFileStore
{
    /// <summary>Records an upload, attached to nothing yet.</summary>
    Task AddFileAsync(StoredFile file, CancellationToken cancellationToken);

    /// <summary>The file of that id, or null.</summary>
    Task<StoredFile?> FindFileAsync(string id, CancellationToken cancellationToken);

    /// <summary>The files among <paramref name="ids"/> that exist, in any order.</summary>
    Task<StoredFile[]> FindFilesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>The bytes of every file <paramref name="user"/> has stored (their quota's use).</summary>
    Task<long> FileBytesAsync(string user, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the files no one may read any more: uploads not attached since before <paramref name="unattachedBefore"/>, and
    /// files of messages that were deleted or are gone (cleared, trimmed by retention, their room removed). Returns their ids,
    /// whose bytes the caller removes from storage.
    /// </summary>
    Task<string[]> ForgetFilesAsync(DateTime unattachedBefore, CancellationToken cancellationToken);
}

/// <summary>An upload as the store keeps it.</summary>
/// <param name="Room">The conversation (store key) of the message it is attached to; null while unattached.</param>
/// <param name="MessageId">The message it is attached to; null while unattached.</param>
public sealed record StoredFile(ChatFile File, string User, DateTime UploadedAt, string? Room = null, long? MessageId = null);
