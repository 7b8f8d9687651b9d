namespace FlashSale.Ordering;

/// <summary>Marker type of the ordering service's assembly, for <c>WebApplicationFactory</c>.</summary>
public sealed class OrderingApi;
