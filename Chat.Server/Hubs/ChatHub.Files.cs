using Chat.Server.Files;
using Chat.Server.History;
using Chat.Server.Rules;

namespace Chat.Server.Hubs;

/// <summary>Files in drafts (SPEC section 14): a message carries up to <see cref="MaxFiles"/> of its sender's uploads, attached in its commit.</summary>
internal sealed partial class ChatHub
{
    /// <summary>Most files one message carries.</summary>
    public const int MaxFiles = 10;

    /// <summary>
    /// The uploads <paramref name="ids"/> names, as the message will show them; throws the rule they break. A file attached
    /// already passes only in a message with a client message id (it may be a resend of the message that attached it: the
    /// commit decides, <see cref="Appended.FilesTaken"/>).
    /// </summary>
    private async Task<ChatFile[]?> AttachableAsync(string user, string[]? ids, string? clientMessageId)
    {
        if (ids is not { Length: > 0 })
        {
            return null;
        }

        if (ids.Length > MaxFiles)
        {
            throw new InputRejectedException("too_many_files", $"A message can carry at most {MaxFiles} files; this one lists {ids.Length}. Send the others in another message.");
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            throw new InputRejectedException("duplicate_file", "The draft lists the same file twice; list each file once.");
        }

        var found = FileIdsValid(ids)
            ? (await store.FindFilesAsync(ids, Context.ConnectionAborted)).ToDictionary(file => file.File.Id, StringComparer.Ordinal)
            : [];
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var file) || file.User != user)
            {
                throw new InputRejectedException("file_not_found", $"You have no uploaded file '{id}'; upload it first (POST /files) and send the id it answers.");
            }

            if (file.MessageId is not null && clientMessageId is null)
            {
                throw FileTaken(id);
            }
        }

        return [.. ids.Select(id => found[id].File)];
    }

    private static bool FileIdsValid(string[] ids) => ids.All(FileIds.IsValid);

    private static InputRejectedException FileTaken(string? id) =>
        new("file_attached", $"File {(id is null ? "" : $"'{id}' ")}is attached to a message already; a file goes with one message. Upload it again to send it once more.");
}
