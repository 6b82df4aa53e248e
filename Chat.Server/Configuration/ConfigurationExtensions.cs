using Microsoft.Extensions.Options;

namespace Chat.Server.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>Binds the <c>Chat</c> section and refuses to start when a value is out of range.</summary>
    public static IHostApplicationBuilder AddChatOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChatOptions>, ChatOptionsValidator>();
        return builder;
    }
}
