namespace FlashSale.LoadGen;

/// <summary>Names loadgen's assembly, as every FlashSale service has one; never instantiated.</summary>
public sealed class LoadGenAssemblyMarker
{
    private LoadGenAssemblyMarker()
    {
    }
}
