namespace FlashSale.Gateway;

/// <summary>Marker type by which tests host the gateway (<c>WebApplicationFactory&lt;GatewayApi&gt;</c>).</summary>
public sealed class GatewayApi
{
    private GatewayApi()
    {
    }
}
