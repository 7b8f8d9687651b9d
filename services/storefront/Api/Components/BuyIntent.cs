namespace FlashSale.Storefront.Api.Components;

/// <summary>What the buy button posts: the key that makes every submission of one intent the same order.</summary>
public sealed class BuyIntent
{
    public string? IdempotencyKey { get; set; }
}
