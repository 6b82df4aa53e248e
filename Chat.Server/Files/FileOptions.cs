using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Files;

/// <summary>Uploads and where their bytes live (<c>Chat:Files</c>).</summary>
public sealed class FileOptions
{
    public const string Section = "Chat:Files";

    /// <summary>Largest file one upload may be, in bytes (25 MiB).</summary>
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>What one user's files may take together, in bytes (1 GiB); an upload past it is refused.</summary>
    public long QuotaBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>The folder of the files when no S3 bucket is set; null: <c>files/</c> beside the SQLite file (or in the content root).</summary>
    public string? Path { get; set; }

    /// <summary>An S3-compatible bucket every node shares, instead of a folder.</summary>
    public S3Options S3 { get; set; } = new();

    /// <summary>True when the files go to an S3 bucket.</summary>
    public bool UsesS3 => !string.IsNullOrWhiteSpace(S3.ServiceUrl) || !string.IsNullOrWhiteSpace(S3.Bucket);
}

/// <summary>An S3-compatible bucket (<c>Chat:Files:S3</c>), addressed path-style (<c>https://host/bucket/key</c>), which every such server answers.</summary>
public sealed class S3Options
{
    /// <summary>The service's address, e.g. <c>https://s3.eu-west-1.amazonaws.com</c> or a MinIO server's.</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>The region requests are signed for (most S3-compatible servers accept any).</summary>
    public string Region { get; set; } = "us-east-1";
}

internal sealed class FileOptionsValidator : IValidateOptions<FileOptions>
{
    public ValidateOptionsResult Validate(string? name, FileOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:Files:MaxBytes", options.MaxBytes, 1, 10L * 1024 * 1024 * 1024);
        failures.Range("Chat:Files:QuotaBytes", options.QuotaBytes, 0, long.MaxValue / 2);
        if (options.UsesS3)
        {
            var s3 = options.S3;
            if (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"Chat:Files:S3:ServiceUrl must be the http(s) address of the S3-compatible service, but is '{s3.ServiceUrl}'.");
            }

            if (string.IsNullOrWhiteSpace(s3.Bucket))
            {
                failures.Add("Chat:Files:S3:Bucket must name the bucket when Chat:Files:S3:ServiceUrl is set.");
            }

            if (string.IsNullOrEmpty(s3.AccessKey) || string.IsNullOrEmpty(s3.SecretKey))
            {
                failures.Add("Chat:Files:S3:AccessKey and Chat:Files:S3:SecretKey must both be set for the S3 bucket.");
            }

            if (!string.IsNullOrWhiteSpace(options.Path))
            {
                failures.Add("Chat:Files:Path and Chat:Files:S3 are two places for the files: set one of them.");
            }
        }

        return failures.Result;
    }
}
