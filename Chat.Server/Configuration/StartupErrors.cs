using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Chat.Server.Configuration;

/// <summary>Recognizes start-up failures (a bad setting, a busy port, a store or Redis out of reach), so they can be told in one line each.</summary>
internal static class StartupErrors
{
    /// <summary>A problem of the machine or its services rather than of a setting: the port, the store, Redis.</summary>
    public static bool IsEnvironment(Exception exception, out string line)
    {
        switch (exception)
        {
            case StartupException startup:
                line = startup.Message;
                return true;
            case IOException { InnerException: AddressInUseException } busy:
                // "Failed to bind to address http://127.0.0.1:5000: address already in use."
                line = $"{busy.Message.TrimEnd('.')}: another process listens there. Stop it, or choose another address with --urls (e.g. --urls http://localhost:5080).";
                return true;
            default:
                line = "";
                return false;
        }
    }

    public static bool IsConfiguration(Exception exception, out IReadOnlyList<string> lines)
    {
        switch (exception)
        {
            case OptionsValidationException invalid:
                lines = [.. invalid.Failures];
                return true;
            case InvalidOperationException { InnerException: not null } unconvertible when unconvertible.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                lines = [unconvertible.Message];
                return true;
            default:
                lines = [];
                return false;
        }
    }
}
