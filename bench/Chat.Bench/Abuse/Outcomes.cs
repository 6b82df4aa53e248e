using System.Collections.Concurrent;

namespace Chat.Bench.Abuse;

/// <summary>How a flood's calls of one kind ended: answered, or with an error, counted by the error's text.</summary>
internal sealed class Outcomes
{
    /// <summary>In the refusal of either budget ("You are sending too fast", "You are reading too fast").</summary>
    public const string TooFast = "too fast";

    /// <summary>In the refusal of the read budget.</summary>
    public const string ReadBudget = "reading too fast";

    /// <summary>In the refusal of the send budget.</summary>
    public const string SendBudget = "sending too fast";

    /// <summary>In what the server answers when a call failed for a reason that is not a rule's (an internal error).</summary>
    public const string Internal = "could not complete";

    /// <summary>Errors listed by <see cref="Write"/>, the most frequent first.</summary>
    private const int Listed = 5;

    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _answered;

    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Calls that ended with an error: refused by a rule or a budget, failed, or lost.</summary>
    public long Failed => _errors.Values.Sum();

    public long Calls => Answered + Failed;

    /// <summary>Counts one call: answered when <paramref name="error"/> is null.</summary>
    public void Add(string? error)
    {
        if (error is null)
        {
            Interlocked.Increment(ref _answered);
            return;
        }

        // The .NET client puts "An unexpected error occurred invoking 'X' on the server. HubException: " before the server's sentence.
        const string Prefix = "HubException: ";
        var at = error.IndexOf(Prefix, StringComparison.Ordinal);
        _errors.AddOrUpdate(at < 0 ? error : error[(at + Prefix.Length)..], 1, static (_, count) => count + 1);
    }

    /// <summary>Calls whose error contains <paramref name="fragment"/>.</summary>
    public long With(string fragment) => _errors.Where(error => error.Key.Contains(fragment, StringComparison.Ordinal)).Sum(error => error.Value);

    /// <summary>One line of counts for <paramref name="what"/>, then one per error text, the most frequent first.</summary>
    public void Write(TextWriter output, string what)
    {
        output.WriteLine($"  {what}: {Calls:N0} calls, {Answered:N0} answered, {Failed:N0} not");
        var errors = _errors.OrderByDescending(error => error.Value).ToList();
        foreach (var (text, count) in errors.Take(Listed))
        {
            output.WriteLine($"    {count:N0} x \"{text}\"");
        }

        if (errors.Count > Listed)
        {
            output.WriteLine($"    {errors.Skip(Listed).Sum(error => error.Value):N0} more with {errors.Count - Listed:N0} other texts");
        }
    }
}
