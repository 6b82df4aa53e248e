using Chat.Server.Configuration;
using Chat.Server.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Chat.Server.Files;

internal static class FilesExtensions
{
    /// <summary>Uploads, their storage (a folder, or the S3 bucket of <c>Chat:Files:S3</c>) and their sweep.</summary>
    public static IHostApplicationBuilder AddChatFiles(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<FileOptions, FileOptionsValidator>(FileOptions.Section);
        builder.Services.AddSingleton<IFileStorage>(services =>
        {
            var options = services.GetRequiredService<IOptions<FileOptions>>().Value;
            return options.UsesS3 ? new S3Storage(options.S3) : new FolderStorage(options.Path is { Length: > 0 } path
                ? Path.Combine(builder.Environment.ContentRootPath, path)
                : DefaultFolder(builder.Configuration, builder.Environment.ContentRootPath));
        });
        builder.Services.AddSingleton<FileUploads>();
        builder.Services.AddSingleton<FileSweep>();
        return builder;
    }

    /// <summary><c>files/</c> beside the SQLite file, or in the content root (PostgreSQL, an in-memory SQLite).</summary>
    private static string DefaultFolder(IConfiguration configuration, string contentRoot)
    {
        var connectionString = HistoryExtensions.ConnectionString(configuration);
        if (!HistoryExtensions.IsPostgres(connectionString)
            && new SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 } file && file != ":memory:")
        {
            return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(contentRoot, file)))!, "files");
        }

        return Path.Combine(contentRoot, "files");
    }
}
