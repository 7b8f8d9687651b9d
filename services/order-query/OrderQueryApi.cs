namespace FlashSale.OrderQuery;

/// <summary>Marker type of the order-query service's assembly, for <c>WebApplicationFactory</c>.</summary>
public sealed class OrderQueryApi;
