namespace FlashSale.Identity;

/// <summary>Marker type by which tests host the identity service (<c>WebApplicationFactory&lt;IdentityApi&gt;</c>).</summary>
public sealed class IdentityApi
{
    private IdentityApi()
    {
    }
}
