using System.Text.Json;

namespace Chat.Server.History;

/// <summary>
/// The rules of changing a message (SPEC section 12), once for both stores: each store reads the message inside its commit,
/// asks <see cref="Decide"/> what becomes of it, and writes the new state at the next position. Also the stored form of the
/// fields a change touches (mentions and reactions are JSON columns).
/// </summary>
public static class MessageChanges
{
    /// <summary>Most different emoji on one message.</summary>
    public const int MaxEmoji = 20;

    /// <summary>
    /// Most reactions (user and emoji pairs) on one message: every reaction sends the whole message to the conversation,
    /// so its size, and what one reaction costs, stays bounded.
    /// </summary>
    public const int MaxReactions = 1000;

    /// <summary>
    /// What <paramref name="change"/> makes of <paramref name="current"/> (the message as stored, null when there is none of
    /// that id): the outcome and, when <see cref="ChangeOutcome.Changed"/>, the new state without its version.
    /// </summary>
    public static (ChangeOutcome Outcome, ChatMessage? Next) Decide(ChatMessage? current, MessageChange change, DateTime now)
    {
        if (current is null || current.Room != change.Room)
        {
            return (ChangeOutcome.NotFound, null);
        }

        var own = current.User == change.User;
        switch (change.Kind)
        {
            case ChangeKind.Edit:
                if (!own)
                {
                    return (ChangeOutcome.NotAuthor, null);
                }

                if (current.Deleted)
                {
                    return (ChangeOutcome.Deleted, null);
                }

                return current.Text == change.Text
                    ? (ChangeOutcome.Unchanged, null)
                    : (ChangeOutcome.Changed, current with { Text = change.Text!, Mentions = change.Mentions is { Length: > 0 } mentions ? mentions : null, EditedAt = now });

            case ChangeKind.Delete:
                if (!own && !change.MayDeleteAny)
                {
                    return (ChangeOutcome.NotAuthor, null);
                }

                return current.Deleted
                    ? (ChangeOutcome.Unchanged, null)
                    : (ChangeOutcome.Changed, current with { Text = "", Deleted = true, ReplyTo = null, Mentions = null, Reactions = null, EditedAt = null, Files = null });

            case ChangeKind.AddReaction:
                if (current.Deleted)
                {
                    return (ChangeOutcome.Deleted, null);
                }

                var reactions = current.Reactions ?? [];
                var index = Array.FindIndex(reactions, reaction => reaction.Emoji == change.Emoji);
                if (index >= 0 && reactions[index].Users.Contains(change.User, StringComparer.Ordinal))
                {
                    return (ChangeOutcome.Unchanged, null);
                }

                if (index < 0 && reactions.Length >= MaxEmoji)
                {
                    return (ChangeOutcome.TooManyEmoji, null);
                }

                if (reactions.Sum(reaction => reaction.Users.Length) >= MaxReactions)
                {
                    return (ChangeOutcome.TooManyReactions, null);
                }

                Reaction[] added = index < 0
                    ? [.. reactions, new Reaction(change.Emoji!, [change.User])]
                    : [.. reactions.Select((reaction, i) => i == index ? reaction with { Users = [.. reaction.Users, change.User] } : reaction)];
                return (ChangeOutcome.Changed, current with { Reactions = added });

            default:
                var before = current.Reactions ?? [];
                var at = Array.FindIndex(before, reaction => reaction.Emoji == change.Emoji);
                if (current.Deleted || at < 0 || !before[at].Users.Contains(change.User, StringComparer.Ordinal))
                {
                    return (ChangeOutcome.Unchanged, null);
                }

                Reaction[] removed = [.. before
                    .Select(reaction => reaction.Emoji == change.Emoji ? reaction with { Users = [.. reaction.Users.Where(user => user != change.User)] } : reaction)
                    .Where(reaction => reaction.Users.Length > 0)];
                return (ChangeOutcome.Changed, current with { Reactions = removed.Length == 0 ? null : removed });
        }
    }

    /// <summary>A message's mentions as stored (null for none).</summary>
    public static string? MentionsJson(string[]? mentions) => mentions is { Length: > 0 } ? JsonSerializer.Serialize(mentions, StoreJson.Default.StringArray) : null;

    public static string[]? ParseMentions(string? json) => json is null ? null : JsonSerializer.Deserialize(json, StoreJson.Default.StringArray);

    /// <summary>A message's reactions as stored (null for none).</summary>
    public static string? ReactionsJson(Reaction[]? reactions) => reactions is { Length: > 0 } ? JsonSerializer.Serialize(reactions, StoreJson.Default.ReactionArray) : null;

    public static Reaction[]? ParseReactions(string? json) => json is null ? null : JsonSerializer.Deserialize(json, StoreJson.Default.ReactionArray);

    /// <summary>A message's files as stored (null for none).</summary>
    public static string? FilesJson(ChatFile[]? files) => files is { Length: > 0 } ? JsonSerializer.Serialize(files, StoreJson.Default.ChatFileArray) : null;

    public static ChatFile[]? ParseFiles(string? json) => json is null ? null : JsonSerializer.Deserialize(json, StoreJson.Default.ChatFileArray);

    /// <summary>The mentioned users whose unread mention counts follow the message: all but its author.</summary>
    public static IEnumerable<string> Notified(ChatMessage message) => (message.Mentions ?? []).Where(user => user != message.User);
}

/// <summary>The stored JSON of mentions and reactions, generated ahead of time.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Reaction[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ChatFile[]))]
internal sealed partial class StoreJson : System.Text.Json.Serialization.JsonSerializerContext;
