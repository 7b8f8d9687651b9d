using System.Xml.Linq;
using Dapr.Client;
using FlashSale.Sidecar;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace FlashSale.Storefront.Infrastructure;

/// <summary>
/// The Data Protection key ring in <c>storefront-store</c>, so every replica encrypts and decrypts session cookies
/// (and antiforgery tokens) with the same keys: a user whose next request lands on another pod stays signed in. One
/// document holds the ring; a new key is appended with an ETag-guarded write, so two replicas rotating at once both
/// keep their keys. The store is scoped to the storefront alone, which is what protects the keys at rest.
/// </summary>
public sealed class DaprKeyRepository(DaprClient dapr) : IXmlRepository
{
    public const string StoreName = "storefront-store";
    public const string RingKey = "data-protection-key-ring";

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    // Data Protection's repository contract is synchronous; it is called at start-up and when a key is rotated.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        (ReadAsync().GetAwaiter().GetResult().Ring?.Keys ?? []).Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName) => AppendAsync(element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();

    private async Task AppendAsync(string key)
    {
        while (true)
        {
            var (ring, etag) = await ReadAsync();
            var next = new KeyRing([.. ring?.Keys ?? [], key]);
            if (await StateWrites.TryAsync(StoreName, () => dapr.TrySaveStateAsync(StoreName, RingKey, next, etag, FirstWrite),
                    async () => (await ReadAsync()).ETag != etag))
            {
                return;
            }
        }
    }

    private Task<(KeyRing? Ring, string ETag)> ReadAsync() =>
        StateWrites.GuardAsync(StoreName, () => dapr.GetStateAndETagAsync<KeyRing?>(StoreName, RingKey));
}

public sealed record KeyRing(IReadOnlyList<string> Keys);
