namespace Chat.Tests.Infrastructure;

/// <summary>
/// A program a test needs from the machine. Missing on a developer's machine: the test is skipped
/// with the reason shown. Missing in CI (<c>CI=true</c>): the test fails, so CI never skips silently.
/// </summary>
internal static class Prerequisite
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, in CI, fails) the calling test unless <paramref name="path"/> exists.</summary>
    public static void Require(string path, string install)
    {
        if (File.Exists(path))
        {
            return;
        }

        var reason = $"{path} is missing; install it with: {install}";
        if (InCi)
        {
            throw new InvalidOperationException($"CI=true and {reason} (.ci/run should have installed it).");
        }

        Skip.If(true, reason);
    }
}
