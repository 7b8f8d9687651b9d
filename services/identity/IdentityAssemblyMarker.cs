namespace FlashSale.Identity;

/// <summary>Names the identity service's assembly, e.g. for <c>WebApplicationFactory&lt;IdentityAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class IdentityAssemblyMarker
{
    private IdentityAssemblyMarker()
    {
    }
}
