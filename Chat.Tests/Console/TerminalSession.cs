using System.Diagnostics;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// The console client at a real terminal: a detached tmux session of its own (its own tmux server, so no other session's
/// environment leaks in) runs it in a pseudo-terminal; keys are sent as typed and the screen is read as a person sees it.
/// Without tmux the test is skipped with the reason on a developer's machine, and fails in CI (<see cref="Prerequisite"/>).
/// </summary>
internal sealed class TerminalSession : IAsyncDisposable
{
    private const string Tmux = "/usr/bin/tmux";
    private readonly string _socket = $"chat-test-{Guid.NewGuid():N}";

    private TerminalSession()
    {
    }

    /// <summary>
    /// Starts the interactive client for <paramref name="user"/> at a terminal and returns once it shows its prompt.
    /// <paramref name="noColor"/>: with the <c>NO_COLOR</c> environment variable set; without it, NO_COLOR is unset.
    /// </summary>
    public static async Task<TerminalSession> StartAsync(Uri server, string user, bool noColor = false)
    {
        Prerequisite.Require(Tmux, "apt-get install tmux");
        var session = new TerminalSession();
        string[] client = ["dotnet", Path.Combine(AppContext.BaseDirectory, "Chat.Client.Console.dll"), "--url", server.ToString(), "--user", user];
        string[] environment = noColor ? ["env", "NO_COLOR=1", "TERM=xterm-256color"] : ["env", "-u", "NO_COLOR", "TERM=xterm-256color"];
        await session.TmuxAsync(["new-session", "-d", "-s", "chat", "-x", "120", "-y", "30", .. environment, .. client]);
        // Keys typed before the line editor reads them are echoed by the terminal's own line discipline: wait for the prompt.
        await session.ScreenAsync(
            screen => screen.Contains("* connected to ", StringComparison.Ordinal) && InputLine(screen).EndsWith('>'), "the client to connect and show its prompt");
        return session;
    }

    /// <summary>Types <paramref name="text"/> as it is, without Enter.</summary>
    public Task TypeAsync(string text) => TmuxAsync(["send-keys", "-t", "chat", "-l", text]);

    /// <summary>Presses keys by their tmux names: <c>Enter</c>, <c>Up</c>, <c>C-d</c>.</summary>
    public Task PressAsync(params string[] keys) => TmuxAsync(["send-keys", "-t", "chat", .. keys]);

    /// <summary>The screen as text; <paramref name="withEscapes"/>: with the escape sequences of its colours and attributes.</summary>
    public Task<string> CaptureAsync(bool withEscapes = false) =>
        TmuxAsync(withEscapes ? ["capture-pane", "-p", "-e", "-t", "chat"] : ["capture-pane", "-p", "-t", "chat"]);

    /// <summary>The screen once <paramref name="condition"/> holds for it; fails with the screen after the default timeout.</summary>
    public async Task<string> ScreenAsync(Func<string, bool> condition, string what, bool withEscapes = false)
    {
        var deadline = DateTime.UtcNow + TaskTimeouts.Default;
        while (true)
        {
            var screen = await CaptureAsync(withEscapes);
            if (condition(screen))
            {
                return screen;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for {what}; the screen:\n{screen}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The screen's lines, without the blank ones at its end.</summary>
    public static IReadOnlyList<string> Lines(string screen) =>
        screen.Split('\n').Select(line => line.TrimEnd()).Reverse().SkipWhile(line => line.Length == 0).Reverse().ToList();

    /// <summary>The line the cursor is on at the end of the screen: where the user types.</summary>
    public static string InputLine(string screen) => Lines(screen) is [.., var last] ? last : "";

    private async Task<string> TmuxAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(Tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var tmux = Process.Start(start)!;
        var output = tmux.StandardOutput.ReadToEndAsync();
        var error = tmux.StandardError.ReadToEndAsync();
        await tmux.WaitForExitAsync().DefaultTimeout();
        if (tmux.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} exited {tmux.ExitCode}: {await error}");
        }

        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync(["kill-server"]);
        }
        catch (InvalidOperationException)
        {
            // The client has exited and its session with it: the server is gone already.
        }
    }
}
