using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Two setups over alternating rounds (each round swaps which goes first, so drift on a shared machine
/// hits both alike), printed as a table of medians and first/second ratios: by default Chat against the
/// bare hub, or any two named setups (a room against general, say).
/// </summary>
internal sealed class Comparison<T>(TextWriter output, string first = "Chat", string second = "baseline")
{
    private readonly List<T> _first = [];
    private readonly List<T> _second = [];

    /// <summary>The results of the first setup (Chat, by default).</summary>
    public IReadOnlyList<T> First => _first;

    /// <summary>The results of the second setup (the baseline, by default).</summary>
    public IReadOnlyList<T> Second => _second;

    /// <summary>Runs <paramref name="rounds"/> rounds of both servers, printing each result with <paramref name="describe"/>.</summary>
    public Task RunAsync(int rounds, Func<ServerKind, Task<T>> measure, Func<T, string> describe) =>
        AlternateAsync(rounds, isFirst => measure(isFirst ? ServerKind.Chat : ServerKind.Baseline), describe);

    /// <summary>Runs <paramref name="rounds"/> rounds of both setups (<paramref name="measure"/>(true) is the first), printing each result.</summary>
    public async Task AlternateAsync(int rounds, Func<bool, Task<T>> measure, Func<T, string> describe)
    {
        for (var round = 1; round <= rounds; round++)
        {
            bool[] order = round % 2 == 1 ? [true, false] : [false, true];
            foreach (var isFirst in order)
            {
                var result = await measure(isFirst);
                (isFirst ? _first : _second).Add(result);
                output.WriteLine($"round {round} {(isFirst ? first : second),-8} {describe(result)}");
            }
        }
    }

    public void Header(string title)
    {
        output.WriteLine();
        output.WriteLine($"| {title} | {first} | {second} | {first}/{second} |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
    }

    /// <summary>A row of medians; <paramref name="format"/> is a .NET numeric format such as <c>N0</c>.</summary>
    public void Median(string label, Func<T, double> value, string format, string unit = "")
    {
        var (one, other) = Medians(value);
        var ratio = other == 0 || double.IsNaN(one / other) ? "-" : (one / other).ToString("F2", CultureInfo.InvariantCulture);
        output.WriteLine($"| {label} | {Format(one, format, unit)} | {Format(other, format, unit)} | {ratio} |");
    }

    /// <summary>The medians of <paramref name="value"/> over the first setup's rounds and over the second's (NaN when none).</summary>
    public (double First, double Second) Medians(Func<T, double> value) => (Median(_first.Select(value)), Median(_second.Select(value)));

    /// <summary>A row of text, e.g. check results summed over the rounds, with no ratio.</summary>
    public void Text(string label, Func<IReadOnlyList<T>, string> value) =>
        output.WriteLine($"| {label} | {value(_first)} | {value(_second)} | |");

    private static string Format(double value, string format, string unit) =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture) + unit;

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        return list.Count == 0 ? double.NaN : Stats.Median(list);
    }
}
