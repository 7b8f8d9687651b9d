namespace FlashSale.Gateway;

/// <summary>Names the gateway's assembly, e.g. for <c>WebApplicationFactory&lt;GatewayAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class GatewayAssemblyMarker
{
    private GatewayAssemblyMarker()
    {
    }
}
