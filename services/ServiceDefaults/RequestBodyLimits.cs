using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.ServiceDefaults;

/// <summary>The most bytes an endpoint's request body may have, as endpoint metadata.</summary>
public sealed record RequestBodyLimit(long Bytes) : IRequestSizeLimitMetadata
{
    public const long OneKiB = 1024;

    long? IRequestSizeLimitMetadata.MaxRequestBodySize => Bytes;
}

public static class RequestBodyLimitExtensions
{
    /// <summary>Refuses a body larger than <paramref name="bytes"/> with 413 problem+json (see <see cref="RequestBodyLimits"/>).</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));
}

/// <summary>
/// Enforces an endpoint's <see cref="RequestBodyLimit"/> before its body is read whole: a declared
/// <c>Content-Length</c> above it is refused at once, and a body without one is cut off by the server's
/// <see cref="IHttpMaxRequestBodySizeFeature"/> as soon as it goes past the limit. Either way the answer is 413
/// problem+json. Runs after routing (which <c>WebApplication</c> puts first), so the endpoint is known.
/// </summary>
internal static class RequestBodyLimits
{
    public static async Task EnforceAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>() is not { } limit)
        {
            await next(context);
            return;
        }

        if (context.Request.ContentLength > limit.Bytes)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        // Kestrel stops reading past the limit itself; the stream guards hosts that do not (the test server).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBodySize)
        {
            maxBodySize.MaxRequestBodySize = limit.Bytes;
        }

        context.Request.Body = new LimitedReadStream(context.Request.Body, limit.Bytes);

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context, limit);
        }

        // Minimal API binding turns the server's refusal into a bare 413 itself; give it the same body.
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context, limit);
        }
    }

    private static Task WriteTooLargeAsync(HttpContext context, RequestBodyLimit limit)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // The rest of the body is not wanted: closing spares reading it, which the server would otherwise do to keep
        // the connection (and, past the limit, fail doing so before the answer is out).
        context.Response.Headers.Connection = "close";
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"This request accepts a body of at most {limit.Bytes} bytes.",
            },
        }).AsTask();
    }
}

/// <summary>A request body that fails as the server would (413) once more than <paramref name="limit"/> bytes are read.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > limit
            ? throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge)
            : read;
    }
}
