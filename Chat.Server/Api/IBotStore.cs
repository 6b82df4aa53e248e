namespace Chat.Server.Api;

/// <summary>A bot: a user of the server API (<c>/api/v1</c>), known by the hash of its token, with the scopes it was given.</summary>
/// <param name="Revoked">Its token no longer works; the name stays taken.</param>
public sealed record Bot(string Name, string[] Scopes, bool Revoked);

/// <summary>The bots, kept with the history.</summary>
public interface IBotStore
{
    /// <summary>Adds a bot; false when the name is taken (by a bot, revoked or not).</summary>
    Task<bool> AddBotAsync(string name, string tokenHash, IReadOnlyList<string> scopes, DateTime now, CancellationToken cancellationToken);

    /// <summary>Revokes a bot's token; false when there is no such bot or it was revoked already.</summary>
    Task<bool> RevokeBotAsync(string name, DateTime now, CancellationToken cancellationToken);

    /// <summary>The bot whose token hashes to <paramref name="tokenHash"/>; null when none.</summary>
    Task<Bot?> BotByTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Every bot, by name.</summary>
    Task<Bot[]> BotsAsync(CancellationToken cancellationToken);
}
