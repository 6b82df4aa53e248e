using Chat.Testing;

namespace Chat.Tests.Browser;

/// <summary>
/// One server for a class of page tests that keep out of each other's way (each with its own users and rooms), started
/// once on a history that already holds a long room, <see cref="Archive"/>, for the tests that reach back into it.
/// </summary>
public sealed class SharedChat : IAsyncLifetime
{
    /// <summary>A room of <see cref="ArchiveLength"/> messages by carol (<c>archive 001</c> …), of which carol and gus are members.</summary>
    public const string Archive = "archive";

    public const int ArchiveLength = 150;

    private ChatProcess? _server;

    public ChatProcess Server => _server ?? throw new InvalidOperationException("The shared server has not started.");

    public Uri Url => Server.Url;

    /// <summary>The text of the archive's message number <paramref name="number"/>.</summary>
    public static string ArchiveText(int number) => $"archive {number:000}";

    public async Task InitializeAsync()
    {
        var start = DateTime.UtcNow.AddHours(-1);
        var database = await SeededHistory.CreateInAsync(
            Enumerable.Range(1, ArchiveLength).Select(i => (Archive, "carol", ArchiveText(i), start.AddSeconds(i))),
            ("carol", Archive),
            ("gus", Archive));
        _server = await ChatProcess.StartOnAsync(database);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
