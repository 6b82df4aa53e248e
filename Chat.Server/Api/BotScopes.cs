namespace Chat.Server.Api;

/// <summary>What a bot's token allows (<c>bots add NAME --scopes ...</c>); each route of <c>/api/v1</c> needs one.</summary>
public static class BotScopes
{
    /// <summary>Read the messages of the bot's rooms.</summary>
    public const string MessagesRead = "messages:read";

    /// <summary>Post messages to the bot's rooms, and edit and delete its own.</summary>
    public const string MessagesWrite = "messages:write";

    /// <summary>Create rooms and add and remove their members (in rooms the bot owns or moderates).</summary>
    public const string RoomsManage = "rooms:manage";

    public static readonly string[] All = [MessagesRead, MessagesWrite, RoomsManage];

    /// <summary>The claim a bot's principal carries once per scope.</summary>
    public const string Claim = "scope";
}
