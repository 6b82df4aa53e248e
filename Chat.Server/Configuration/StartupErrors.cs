using Microsoft.Extensions.Options;

namespace Chat.Server.Configuration;

/// <summary>Recognizes start-up failures caused by a bad setting, so they can be told in one line each.</summary>
internal static class StartupErrors
{
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
