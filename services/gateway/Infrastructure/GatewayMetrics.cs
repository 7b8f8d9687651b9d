using System.Diagnostics.Metrics;

namespace FlashSale.Gateway.Infrastructure;

/// <summary>Requests the gateway turned away with 429 before they reached a backend (services/metrics.json).</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "FlashSale.Gateway";

    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _tokens;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rateLimited = meter.CreateCounter<long>("flashsale.gateway.rate_limited", "{request}", "Requests rejected with 429 by a rate limit, by route");
        _tokens = meter.CreateCounter<long>("flashsale.gateway.tokens", "{token}",
            "Bearer tokens checked: verified in full (signature and claims) or recognised as one that passed moments ago");
    }

    public void TokenChecked(bool recognised) =>
        _tokens.Add(1, new KeyValuePair<string, object?>("flashsale.token.check", recognised ? "recognised" : "verified"));

    public void RateLimited(string route) => _rateLimited.Add(1, new KeyValuePair<string, object?>("flashsale.route", route));
}
