namespace FlashSale.TestSupport.Actors;

/// <summary>One actor: its type and id, both case-sensitive as in Dapr's URLs.</summary>
public readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}
