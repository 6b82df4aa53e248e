using System.Text;

namespace Chat.Client.Console;

/// <summary>
/// Conversation names as the user types and reads them: <c>dev</c> or <c>#dev</c> is the room <c>dev</c>
/// (shown <c>#dev</c>), <c>@bob</c> the direct conversation with bob, <c>general</c> the room everyone is in.
/// </summary>
internal static class Conversations
{
    public const string General = "general";

    /// <summary><c>#room</c>, or <c>@peer</c> as it is.</summary>
    public static string Display(string room) => IsDirect(room) ? room : "#" + room;

    public static bool IsDirect(string room) => room.StartsWith('@');

    /// <summary>What <c>/go</c>, <c>/leave</c> and <c>--room</c> name: <c>@user</c> stays direct, anything else is a room (<c>#</c> dropped, lower case, as the server takes it).</summary>
    public static string Parse(string typed)
    {
        var name = typed.Trim();
        return IsDirect(name) ? Direct(name) : (name.StartsWith('#') ? name[1..] : name).ToLowerInvariant();
    }

    /// <summary>The direct conversation with <paramref name="user"/> (<c>bob</c> or <c>@bob</c>).</summary>
    public static string Direct(string user) => "@" + user.Trim().TrimStart('@').Normalize(NormalizationForm.FormC);
}
