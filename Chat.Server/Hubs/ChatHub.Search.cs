using Chat.Server.Rooms;
using Chat.Server.Rules;
using Chat.Server.Search;

namespace Chat.Server.Hubs;

/// <summary>The hub's search (SPEC section 14): only ever over conversations the caller can read.</summary>
internal sealed partial class ChatHub
{
    /// <summary>The newest messages of <paramref name="room"/> (null: every conversation of the caller's) that match <paramref name="query"/>, with highlights.</summary>
    public async Task<SearchHit[]> SearchMessages(string? query, string? room, int limit)
    {
        SearchQuery.CheckLimit(limit);
        var search = SearchQuery.Parse(query);
        var user = ConnectionUser.Of(Context);
        var author = search.From is { } from ? Author(from) : null;
        var conversations = await SearchedAsync(user, room, search.In);
        var found = await store.SearchAsync(new SearchRequest(conversations, search.Terms, author, limit), Context.ConnectionAborted);
        return [.. found.Select(message => new SearchHit(Conversation.ForViewer(message, user), SearchText.Highlights(message.Text, search.Terms)))];
    }

    /// <summary>
    /// The store keys searched: the one conversation named (by <paramref name="room"/> or <c>in:</c>; a room only when the caller is
    /// in it, a direct conversation only the caller's own), or <c>general</c> and every conversation of the caller's.
    /// </summary>
    private async Task<IReadOnlyList<string>> SearchedAsync(string? user, string? room, string? named)
    {
        if (room is null && named is null)
        {
            if (user is null)
            {
                return [Conversation.General];
            }

            // Besides the messages it may return (charged by the filter), the call walks each of the user's conversations.
            var conversations = await store.ConversationsOfAsync(user, Context.ConnectionAborted);
            await budgets.ChargeReadsAsync(Context, conversations.Length);
            return [Conversation.General, .. conversations];
        }

        var key = RoomNames.Resolve(room ?? named, user);
        if (room is not null && named is not null && RoomNames.Resolve(named, user) != key)
        {
            throw new InputRejectedException(
                "search_two_conversations", $"The search names two conversations ({room} and in:{named}); search one at a time, or leave room empty to search all of yours.");
        }

        await RequireMemberAsync(user, key);
        return [key];
    }

    private static string Author(string name)
    {
        try
        {
            return UserNames.Normalize(name.TrimStart('@'));
        }
        catch (InputRejectedException invalid)
        {
            throw new InputRejectedException("search_author", $"from:{name} does not name a user: {invalid.Message}");
        }
    }
}
