namespace FlashSale.Payment;

/// <summary>Names the payment service's assembly, e.g. for <c>WebApplicationFactory&lt;PaymentAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class PaymentAssemblyMarker
{
    private PaymentAssemblyMarker()
    {
    }
}
