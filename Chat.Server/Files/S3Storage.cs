using System.Buffers;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Chat.Server.Files;

/// <summary>
/// Files in an S3-compatible bucket every node shares (AWSSDK.S3, path-style addresses), one object per file id. A file is
/// written in parts of <see cref="PartBytes"/> (a multipart upload), so at most one part per upload is held in memory and the
/// length need not be known ahead; a smaller one is one PUT. Reads are ranged GETs, so range requests fetch only their range.
/// </summary>
public sealed class S3Storage : IFileStorage, IDisposable
{
    /// <summary>The size of each part of a multipart upload (S3's smallest but for the last).</summary>
    public const int PartBytes = 5 * 1024 * 1024;

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _serviceUrl;

    public S3Storage(S3Options options)
    {
        _bucket = options.Bucket!;
        _serviceUrl = options.ServiceUrl!;
        _client = new AmazonS3Client(
            new BasicAWSCredentials(options.AccessKey, options.SecretKey),
            new AmazonS3Config
            {
                ServiceURL = options.ServiceUrl,
                ForcePathStyle = true,
                AuthenticationRegion = options.Region,

                // Checksums only where S3 requires them: many S3-compatible servers do not take the trailing checksums sent by default.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
    }

    public string Description => $"S3 bucket {_bucket} at {_serviceUrl}";

    public async Task WriteAsync(string id, Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
        string? uploadId = null;
        try
        {
            var length = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartBytes), PartBytes, throwOnEndOfStream: false, cancellationToken);
            if (length < PartBytes)
            {
                await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = id, InputStream = new MemoryStream(buffer, 0, length, writable: false), UseChunkEncoding = false }, cancellationToken);
                return;
            }

            uploadId = (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = id }, cancellationToken)).UploadId;
            var parts = new List<PartETag>();
            while (length > 0)
            {
                var part = await _client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = id,
                        UploadId = uploadId,
                        PartNumber = parts.Count + 1,
                        InputStream = new MemoryStream(buffer, 0, length, writable: false),
                        PartSize = length,
                        UseChunkEncoding = false,
                    },
                    cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                length = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartBytes), PartBytes, throwOnEndOfStream: false, cancellationToken);
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _bucket, Key = id, UploadId = uploadId, PartETags = parts }, cancellationToken);
            uploadId = null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null)
            {
                await AbortAsync(id, uploadId);
            }
        }
    }

    public async Task<Stream?> OpenAsync(string id, long size, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = id }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return new S3ObjectStream(_client, _bucket, id, size);
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = id }, cancellationToken);
        foreach (var upload in await UploadsAsync(id, cancellationToken))
        {
            await AbortAsync(id, upload.UploadId);
        }
    }

    public async IAsyncEnumerable<(string Id, DateTime WrittenAt)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket };
        do
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                if (FileIds.IsValid(item.Key))
                {
                    yield return (item.Key, item.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
                }
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        // Uploads cut short (a server killed mid-upload) hold parts until aborted.
        foreach (var upload in await UploadsAsync(prefix: null, cancellationToken))
        {
            if (FileIds.IsValid(upload.Key))
            {
                yield return (upload.Key, upload.Initiated?.ToUniversalTime() ?? DateTime.MinValue);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Multipart uploads under way or abandoned; none where the server does not list them.</summary>
    private async Task<List<MultipartUpload>> UploadsAsync(string? prefix, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = prefix }, cancellationToken)).MultipartUploads ?? [];
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed)
        {
            return [];
        }
    }

    private async Task AbortAsync(string id, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = id, UploadId = uploadId }, CancellationToken.None);
        }
        catch (AmazonS3Exception)
        {
            // Listed again by the sweep, which tries again.
        }
    }

    /// <summary>
    /// A seekable read of an object of known size: each read from a new position opens a ranged GET from there to the end, so
    /// a range request reads only what it serves.
    /// </summary>
    private sealed class S3ObjectStream(AmazonS3Client client, string bucket, string key, long size) : Stream
    {
        private GetObjectResponse? _response;
        private Stream? _body;
        private long _position;
        private long _bodyPosition = -1;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, size);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= size || buffer.Length == 0)
            {
                return 0;
            }

            if (_body is null || _bodyPosition != _position)
            {
                Close();
                _response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, size - 1) }, cancellationToken);
                _body = _response.ResponseStream;
                _bodyPosition = _position;
            }

            var read = await _body.ReadAsync(buffer, cancellationToken);
            _position += read;
            _bodyPosition += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => size + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Close();
            }

            base.Dispose(disposing);
        }

        private new void Close()
        {
            _body?.Dispose();
            _response?.Dispose();
            _body = null;
            _response = null;
        }
    }
}
