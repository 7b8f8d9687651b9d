using FlashSale.ServiceDefaults;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Catalog.Tests.Support;

/// <summary>
/// The catalog in memory, with an in-memory Dapr and a clock the test controls. Shared by the tests of a class where
/// each test works on SKUs of its own (<see cref="NewSku"/>); a test that moves the clock or counts everything has its own.
/// </summary>
public sealed class CatalogFactory() : ServiceFactory<CatalogAssemblyMarker>("catalog")
{
    public static readonly DateTimeOffset Start = new(2030, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static int _skuCounter;

    public FakeTimeProvider Clock { get; } = new(Start);

    public bool SeedDemoProducts { get; init; }

    /// <summary>A SKU no other test uses.</summary>
    public static string NewSku(string prefix = "SKU") => $"{prefix}-{Interlocked.Increment(ref _skuCounter)}";

    /// <summary>What was published about <paramref name="sku"/> (its partition key), in order.</summary>
    public IReadOnlyList<PublishedMessage> PublishedAbout(string sku) => Dapr.Published.Where(message => message.PartitionKey == sku).ToList();

    public HttpClient CreateAdmin() => CreateClientAs("admin-1", Roles.Admin);

    public HttpClient CreateCustomer() => CreateClientAs("customer-1", Roles.Customer);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Catalog:SeedDemoProducts", SeedDemoProducts.ToString());
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        base.ConfigureWebHost(builder);
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}
