namespace Chat.Client.Console;

/// <summary>The console's edges, replaceable in tests: input lines, output, errors, and the clock that gives local time.</summary>
internal sealed record Terminal(TextReader Input, TextWriter Output, TextWriter Error, TimeProvider Clock)
{
    /// <summary>The process's own console; only this one handles Ctrl+C.</summary>
    public static Terminal FromConsole() =>
        new(global::System.Console.In, global::System.Console.Out, global::System.Console.Error, TimeProvider.System) { IsConsole = true };

    public bool IsConsole { get; private init; }
}
