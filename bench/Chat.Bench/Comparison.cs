using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Chat against the bare hub over alternating rounds (each round swaps which goes first, so drift on a
/// shared machine hits both alike), printed as a table of medians and Chat/baseline ratios.
/// </summary>
internal sealed class Comparison<T>(TextWriter output)
{
    private readonly List<T> _chat = [];
    private readonly List<T> _baseline = [];

    public IReadOnlyList<T> Chat => _chat;

    public IReadOnlyList<T> Baseline => _baseline;

    /// <summary>Runs <paramref name="rounds"/> rounds of both servers, printing each result with <paramref name="describe"/>.</summary>
    public async Task RunAsync(int rounds, Func<ServerKind, Task<T>> measure, Func<T, string> describe)
    {
        for (var round = 1; round <= rounds; round++)
        {
            ServerKind[] order = round % 2 == 1 ? [ServerKind.Chat, ServerKind.Baseline] : [ServerKind.Baseline, ServerKind.Chat];
            foreach (var kind in order)
            {
                var result = await measure(kind);
                (kind == ServerKind.Chat ? _chat : _baseline).Add(result);
                output.WriteLine($"round {round} {Name(kind),-8} {describe(result)}");
            }
        }
    }

    public void Header(string title)
    {
        output.WriteLine();
        output.WriteLine($"| {title} | Chat | baseline | Chat/baseline |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
    }

    /// <summary>A row of medians; <paramref name="format"/> is a .NET numeric format such as <c>N0</c>.</summary>
    public void Median(string label, Func<T, double> value, string format, string unit = "")
    {
        var chat = Median(_chat.Select(value));
        var baseline = Median(_baseline.Select(value));
        var ratio = baseline == 0 || double.IsNaN(chat / baseline) ? "-" : (chat / baseline).ToString("F2", CultureInfo.InvariantCulture);
        output.WriteLine($"| {label} | {Format(chat, format, unit)} | {Format(baseline, format, unit)} | {ratio} |");
    }

    /// <summary>A row of text, e.g. check results summed over the rounds, with no ratio.</summary>
    public void Text(string label, Func<IReadOnlyList<T>, string> value) =>
        output.WriteLine($"| {label} | {value(_chat)} | {value(_baseline)} | |");

    public static string Name(ServerKind kind) => kind == ServerKind.Chat ? "Chat" : "baseline";

    private static string Format(double value, string format, string unit) =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture) + unit;

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? double.NaN : Stats.Median(list);
    }
}
