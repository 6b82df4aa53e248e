using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Rules;

namespace Chat.Server.Hubs;

/// <summary>
/// The hub's message lifecycle (SPEC section 12): replies, edits, deletes and reactions. Every change is decided by the
/// store against the message as stored, inside a commit, takes the next position of the id sequence and reaches the
/// conversation's members as <c>MessageUpdated</c> through the sequencer, like a new message.
/// </summary>
internal sealed partial class ChatHub
{
    /// <summary>Stores a message in a conversation, optionally answering another of it; as <see cref="SendToRoom"/> otherwise.</summary>
    public Task<ChatMessage?> Post(string? room, MessageDraft? draft) =>
        draft is null
            ? throw new InputRejectedException(
                "invalid_draft", "Post needs a draft: { \"text\": ..., \"clientMessageId\": optional, \"replyTo\": optional message id, \"files\": optional file ids }.")
            : PostAsync(room, draft.Text, draft.ClientMessageId, draft.ReplyTo, draft.Files);

    /// <summary>
    /// The one way a message is posted to a conversation under the caller's name (<see cref="SendToRoom"/>, <see cref="Post"/>):
    /// the rules of the conversation and the text, then the message or the command.
    /// </summary>
    private async Task<ChatMessage?> PostAsync(string? room, string? text, string? clientMessageId, long? replyTo, string[]? fileIds = null)
    {
        var user = Named();
        var key = RoomNames.Resolve(room, user);
        if (fileIds is { Length: > 0 })
        {
            // A message with files may have no text; a command carries none.
            text = string.IsNullOrWhiteSpace(text) ? "" : text;
            if (text.Length > 0)
            {
                rules.CheckText(text);
            }

            if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
            {
                throw new InputRejectedException("command_with_files", "A command cannot carry files; send the files in a message of their own.");
            }
        }
        else
        {
            rules.CheckText(text);
        }

        MessageRules.CheckClientMessageId(clientMessageId);
        await RequireMemberAsync(user, key);
        await RequireNotMutedAsync(user, key);
        if (Conversation.IsDirect(key))
        {
            await RequireRoomForDirectAsync(user, key);
        }

        if (replyTo is { } answered)
        {
            var original = await store.FindAsync(key, answered, Context.ConnectionAborted);
            if (original is null)
            {
                throw NotFound(key, user, answered, "reply to a message of this conversation");
            }

            if (original.Deleted)
            {
                throw new InputRejectedException("reply_to_deleted", $"Message {answered} was deleted; it cannot be replied to. Send your text without replyTo.");
            }
        }

        var files = await AttachableAsync(user, fileIds, clientMessageId);
        return await SendAsync(key, user, text!, clientMessageId, replyTo, files);
    }

    /// <summary>The author replaces the text of their message; returns the message as it is now.</summary>
    public async Task<ChatMessage> EditMessage(string? room, long id, string? text)
    {
        var user = Named();
        var key = RoomNames.Resolve(room, user);
        rules.CheckText(text);
        if (text!.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
        {
            throw new InputRejectedException("edit_is_command", "A message cannot be edited into a command. To make the text start with /, begin it with // (\"//shrug\" stores \"/shrug\").");
        }

        await RequireMemberAsync(user, key);
        await RequireNotMutedAsync(user, key);
        var stored = text.StartsWith("//", StringComparison.Ordinal) ? text[1..] : text;
        var mentions = await MentionsAsync(key, stored);
        var result = await writer.ChangeAsync(new MessageChange(ChangeKind.Edit, key, id, user, Text: stored, Mentions: mentions));
        return Conversation.ForViewer(Accepted(result, key, user, id, "edit"), user);
    }

    /// <summary>Deletes a message: the author's own, or any for an admin or the room's owners and moderators (kept in the moderation log); deleting again changes nothing.</summary>
    public async Task DeleteMessage(string? room, long id)
    {
        var user = Named();
        var key = RoomNames.Resolve(room, user);
        await RequireMemberAsync(user, key);
        var rules = await roomRules.GetAsync(key, Context.ConnectionAborted);
        var mayDeleteAny = ModerationRules.Rank(rules.RoleOf(user), ConnectionUser.IsAdmin(Context)) >= 1;
        var result = await writer.ChangeAsync(new MessageChange(ChangeKind.Delete, key, id, user, MayDeleteAny: mayDeleteAny));
        Accepted(result, key, user, id, "delete");
    }

    /// <summary>Adds the caller's reaction to a message; adding it again changes nothing.</summary>
    public Task AddReaction(string? room, long id, string? emoji) => ReactAsync(ChangeKind.AddReaction, room, id, emoji);

    /// <summary>Takes the caller's reaction off a message; taking off one that is not there changes nothing.</summary>
    public Task RemoveReaction(string? room, long id, string? emoji) => ReactAsync(ChangeKind.RemoveReaction, room, id, emoji);

    private async Task ReactAsync(ChangeKind kind, string? room, long id, string? emoji)
    {
        var user = Named();
        var key = RoomNames.Resolve(room, user);
        Emoji.Check(emoji);
        await RequireMemberAsync(user, key);
        await RequireNotMutedAsync(user, key);
        var result = await writer.ChangeAsync(new MessageChange(kind, key, id, user, Emoji: emoji));
        Accepted(result, key, user, id, "react to");
    }

    /// <summary>The users <paramref name="text"/> mentions among those who can read the conversation; null for none.</summary>
    private Task<string[]?> MentionsAsync(string key, string text) => Mentions.InAsync(store, key, text, Context.ConnectionAborted);

    /// <summary>The message as it is after <paramref name="result"/>; throws the rule it broke.</summary>
    private static ChatMessage Accepted(ChangeResult result, string key, string user, long id, string action) => result.Outcome switch
    {
        ChangeOutcome.Changed or ChangeOutcome.Unchanged => result.Message!,
        ChangeOutcome.NotFound => throw NotFound(key, user, id, $"{action} a message of this conversation"),
        ChangeOutcome.NotAuthor when action == "delete" => throw new InputRejectedException(
            "not_author", $"Message {id} is {result.Message!.User}'s; you can delete only your own messages (admins and the room's moderators can delete any)."),
        ChangeOutcome.NotAuthor => throw new InputRejectedException("not_author", $"Message {id} is {result.Message!.User}'s; you can edit only your own messages."),
        ChangeOutcome.Deleted => throw new InputRejectedException("message_deleted", $"Message {id} was deleted; it cannot be {(action == "edit" ? "edited" : "reacted to")}."),
        ChangeOutcome.TooManyEmoji => throw new InputRejectedException(
            "too_many_emoji", $"Message {id} has {MessageChanges.MaxEmoji} different emoji, the most one message can have; react with one of those instead."),
        _ => throw new InputRejectedException(
            "too_many_reactions", $"Message {id} has {MessageChanges.MaxReactions} reactions, the most one message can have; no more can be added."),
    };

    private static InputRejectedException NotFound(string key, string user, long id, string hint) =>
        new("message_not_found", $"There is no message {id} in {Shown(key, user)}; {hint}.");

    /// <summary>A conversation as its user names it in a sentence: <c>#dev</c>, <c>@bob</c>, <c>general</c>.</summary>
    private static string Shown(string key, string user) => key == Conversation.General ? "general" : Conversation.IsDirect(key) ? Conversation.ForViewer(key, user) : "#" + key;
}
