using System.Collections.Concurrent;
using FlashSale.Catalog.Api.Pricing;
using Grpc.Core;

namespace FlashSale.Ordering.Tests.Fakes;

/// <summary>
/// Catalog's pricing API as a gRPC <see cref="CallInvoker"/>: the service's real generated client and Money conversion
/// run against it. Prices are set per SKU; <see cref="Unavailable"/> fails calls the way an unreachable catalog does;
/// <see cref="HoldCalls"/> parks calls until released, to keep a request in flight.
/// </summary>
public sealed class FakeCatalog : CallInvoker
{
    private readonly ConcurrentDictionary<string, (decimal Price, string Currency)> _prices = new();
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Unavailable { get; set; }

    public int Calls;

    public void SetPrice(string sku, decimal price, string currency = "EUR") => _prices[sku] = (price, currency);

    /// <summary>Parks every call until <see cref="ReleaseCalls"/>; <see cref="CallHeld"/> completes when one arrives.</summary>
    public void HoldCalls()
    {
        _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task CallHeld => _held.Task;

    public void ReleaseCalls() => Interlocked.Exchange(ref _hold, null)?.SetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Assert.Equal("/flashsale.catalog.v1.Pricing/GetQuotes", method.FullName);
        Interlocked.Increment(ref Calls);
        return new AsyncUnaryCall<TResponse>(
            RespondAsync<TResponse>((GetQuotesRequest)(object)request), Task.FromResult(new Metadata()),
            () => Status.DefaultSuccess, () => [], () => { });
    }

    private async Task<TResponse> RespondAsync<TResponse>(GetQuotesRequest request)
    {
        if (_hold is { } hold)
        {
            _held.TrySetResult();
            await hold.Task;
        }

        if (Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "catalog is down"));
        }

        var response = new GetQuotesResponse();
        foreach (var sku in request.Skus)
        {
            if (_prices.TryGetValue(sku, out var price))
            {
                var units = (long)decimal.Truncate(price.Price);
                response.Quotes.Add(new Quote
                {
                    Sku = sku,
                    Name = $"Product {sku}",
                    UnitPrice = new Money { Currency = price.Currency, Units = units, Nanos = (int)((price.Price - units) * 1_000_000_000m) },
                });
            }
            else
            {
                response.UnknownSkus.Add(sku);
            }
        }

        return (TResponse)(object)response;
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
