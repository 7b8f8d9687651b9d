namespace FlashSale.Payment;

/// <summary>Marker type of the payment service's assembly, for <c>WebApplicationFactory</c>.</summary>
public sealed class PaymentApi;
