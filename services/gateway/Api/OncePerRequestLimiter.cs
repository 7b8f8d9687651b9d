using System.Threading.RateLimiting;

namespace FlashSale.Gateway.Api;

/// <summary>
/// Makes the global limiter charge each request once. When the route's own limiter (order placement's concurrency
/// limit) cannot grant at once, ASP.NET Core's rate-limiting middleware gives back the global lease it just took and
/// acquires the global limiter again while it waits for the route's. A fixed window does not take a permit back, so
/// every order placement that was queued or shed cost its user two permits (dotnet/runtime#113314): exactly during a
/// flash sale, customers were told to slow down after half the requests they are allowed.
/// </summary>
internal sealed class OncePerRequestLimiter(PartitionedRateLimiter<HttpContext> inner) : PartitionedRateLimiter<HttpContext>
{
    private static readonly object Charged = new();

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => inner.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        resource.Items.ContainsKey(Charged) ? AlreadyCharged.Lease : Remember(resource, inner.AttemptAcquire(resource, permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        resource.Items.ContainsKey(Charged)
            ? AlreadyCharged.Lease
            : Remember(resource, await inner.AcquireAsync(resource, permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
    }

    protected override ValueTask DisposeAsyncCore() => inner.DisposeAsync();

    private static RateLimitLease Remember(HttpContext resource, RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            resource.Items[Charged] = true;
        }

        return lease;
    }

    /// <summary>The permit this request already paid for.</summary>
    private sealed class AlreadyCharged : RateLimitLease
    {
        public static readonly AlreadyCharged Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
