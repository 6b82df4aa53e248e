namespace Chat.Client.Console;

/// <summary>The entry point: the process's console in, the command line's exit code out.</summary>
internal static class ConsoleApp
{
    public static Task<int> Main(string[] args) => ChatCommandLine.RunAsync(args, Terminal.FromConsole());
}
