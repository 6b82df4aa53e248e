using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Chat.Server.Web;

internal static class PageExtensions
{
    /// <summary>
    /// Points the web root at the repository's <c>wwwroot/</c> (beside this project) unless the
    /// content root has its own, as a published build does.
    /// </summary>
    public static IHostApplicationBuilder UseChatWebRoot(this WebApplicationBuilder builder)
    {
        var environment = builder.Environment;
        var own = Path.Combine(environment.ContentRootPath, "wwwroot");
        var repository = Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", "wwwroot"));
        var root = File.Exists(Path.Combine(own, "index.html")) || !Directory.Exists(repository) ? own : repository;
        if (Directory.Exists(root))
        {
            environment.WebRootPath = root;
            environment.WebRootFileProvider = new PhysicalFileProvider(root);
        }

        return builder;
    }

    /// <summary>
    /// Serves the browser client: <c>/</c> is <c>index.html</c>, and <c>/settings.json</c> the limits it shows
    /// (the message length its counter counts to), so that the page follows how the server is configured.
    /// </summary>
    public static WebApplication UseChatPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/settings.json", (IOptions<Rules.MessageOptions> options, IOptions<Files.FileOptions> files) =>
            new PageSettings(options.Value.MaxMessageLength, files.Value.MaxBytes));
        return app;
    }

    /// <summary>What the page needs to know of the server's configuration.</summary>
    private sealed record PageSettings(int MaxMessageLength, long MaxFileBytes);
}
