namespace Chat.Client.Console;

/// <summary>
/// The state the console last saw of the recent messages of each conversation (at most <see cref="PerConversation"/> each):
/// what a change is compared with to tell what changed, and what <c>/reply</c>, <c>/edit</c>, <c>/delete</c> and <c>/react</c>
/// act on. Not thread-safe: its owner holds a lock.
/// </summary>
internal sealed class RecentMessages
{
    /// <summary>How many messages of each conversation are remembered, newest kept: a client's page of history.</summary>
    public const int PerConversation = ChatClient.PageSize;

    private readonly Dictionary<string, SortedList<long, Entry>> _conversations = new(StringComparer.Ordinal);

    /// <summary>A message's latest state seen, and whether the user has seen it printed (a send's ack comes before its line).</summary>
    public readonly record struct Entry(ChatMessage Message, bool Shown);

    /// <summary>What is remembered of message <paramref name="id"/> of <paramref name="room"/>, or null.</summary>
    public Entry? Find(string? room, long id) =>
        _conversations.TryGetValue(Key(room), out var messages) && messages.TryGetValue(id, out var entry) ? entry : null;

    /// <summary>Keeps <paramref name="message"/>'s state unless a later one is known; once shown, a message stays shown.</summary>
    public void Remember(ChatMessage message, bool shown)
    {
        if (!_conversations.TryGetValue(Key(message.Room), out var messages))
        {
            _conversations[Key(message.Room)] = messages = [];
        }

        if (messages.TryGetValue(message.Id, out var known))
        {
            messages[message.Id] = new Entry(message.Position() >= known.Message.Position() ? message : known.Message, shown || known.Shown);
            return;
        }

        messages.Add(message.Id, new Entry(message, shown));
        if (messages.Count > PerConversation)
        {
            messages.RemoveAt(0);
        }
    }

    /// <summary>The newest remembered message of <paramref name="room"/> that matches, or null.</summary>
    public ChatMessage? Last(string room, Func<ChatMessage, bool> match)
    {
        if (!_conversations.TryGetValue(Key(room), out var messages))
        {
            return null;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (match(messages.Values[i].Message))
            {
                return messages.Values[i].Message;
            }
        }

        return null;
    }

    /// <summary>Forgets a conversation's messages (its history was cleared).</summary>
    public void Forget(string room) => _conversations.Remove(Key(room));

    // A server from before rooms sends messages without one: they are general's.
    private static string Key(string? room) => room ?? Conversations.General;
}
