using System.Text;
using Spectre.Console;
using Spectre.Console.Advanced;

namespace Chat.Client.Console;

/// <summary>
/// User names in a colour of their own, the same for a name in every run and on every machine; plain when the output is not a
/// terminal, and when Spectre.Console finds no colours to use (the <c>NO_COLOR</c> environment variable, a dumb terminal).
/// </summary>
internal sealed class NameColours
{
    /// <summary>Plain names: output that is not a terminal, and tests.</summary>
    public static readonly NameColours None = new(null);

    // Readable on dark and light backgrounds alike; no black, white or grey, which one of the two hides.
    private static readonly Color[] Palette =
    [
        Color.Red, Color.Green, Color.Olive, Color.Blue, Color.Purple, Color.Teal,
        Color.Maroon, Color.Navy, Color.DarkOrange, Color.DeepPink3, Color.DodgerBlue2, Color.SpringGreen3,
    ];

    private readonly IAnsiConsole? _console;

    private NameColours(IAnsiConsole? console) => _console = console;

    /// <summary>Colours for the process's standard output: on only when it is a terminal and colours are not turned off.</summary>
    public static NameColours ForStandardOutput() =>
        System.Console.IsOutputRedirected ? None : For(AnsiConsole.Console);

    /// <summary>Colours as <paramref name="console"/> can show them: on when it has a colour system.</summary>
    public static NameColours For(IAnsiConsole console) => new(console);

    /// <summary>Whether names get colours at all.</summary>
    public bool On => _console is not null && _console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;

    /// <summary><paramref name="name"/> (already printable) in its colour, or as it is.</summary>
    public string Paint(string name) => On ? _console!.ToAnsi(new Text(name, new Style(ColourOf(name)))) : name;

    /// <summary>A name's colour: from a hash of its UTF-8 bytes (FNV-1a), which unlike <see cref="string.GetHashCode()"/> is the same in every process.</summary>
    public static Color ColourOf(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return Palette[hash % (uint)Palette.Length];
    }
}
