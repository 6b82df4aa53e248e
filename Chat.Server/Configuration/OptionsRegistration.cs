using Microsoft.Extensions.Options;

namespace Chat.Server.Configuration;

/// <summary>
/// How every feature reads its settings: a typed options class bound to its section of configuration and
/// validated at start by a validator whose failures name the key (the server then stops with those lines).
/// Defaults live in the options classes alone.
/// </summary>
internal static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks it with <typeparamref name="TValidator"/> at start.</summary>
    public static IHostApplicationBuilder AddChatOptions<TOptions, TValidator>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }

    /// <summary>Binds <typeparamref name="TOptions"/>, which needs no checks, to <paramref name="section"/>.</summary>
    public static IHostApplicationBuilder AddChatOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section);
        return builder;
    }

    /// <summary>
    /// The settings of <paramref name="section"/> as configured, for the few choices made while services are registered
    /// (sign-in on or off, Redis or not); validated like the rest once the server starts.
    /// </summary>
    public static TOptions ChatOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : new() => builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
}

/// <summary>Collects a validator's failures, each naming its key and what is allowed.</summary>
internal sealed class OptionFailures
{
    private readonly List<string> _failures = [];

    public void Range(string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            _failures.Add($"{key} must be between {min} and {max}, but is {value}.");
        }
    }

    public void Add(string failure) => _failures.Add(failure);

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
