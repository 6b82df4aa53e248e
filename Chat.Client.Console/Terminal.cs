namespace Chat.Client.Console;

/// <summary>The console's edges, replaceable in tests: input lines, output, errors, and the clock that gives local time.</summary>
internal sealed record Terminal(TextReader Input, TextWriter Output, TextWriter Error, TimeProvider Clock)
{
    /// <summary>The process's own console; only this one handles Ctrl+C.</summary>
    public static Terminal FromConsole() =>
        new(global::System.Console.In, global::System.Console.Out, global::System.Console.Error, TimeProvider.System)
        {
            IsConsole = true,
            IsInteractive = !global::System.Console.IsInputRedirected && !global::System.Console.IsOutputRedirected,
            Names = NameColours.ForStandardOutput(),
        };

    public bool IsConsole { get; private init; }

    /// <summary>Typing and reading at a terminal (neither end a pipe or a file): the prompt's line editor (<see cref="InputLine"/>) runs; otherwise lines are read and printed plainly.</summary>
    public bool IsInteractive { get; private init; }

    /// <summary>How user names are coloured (<see cref="NameColours"/>); plain unless the output is a terminal with colours on.</summary>
    public NameColours Names { get; private init; } = NameColours.None;
}
