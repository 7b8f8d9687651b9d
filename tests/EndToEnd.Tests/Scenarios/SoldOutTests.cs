using System.Net;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

public sealed class SoldOutTests(SystemFixture system)
{
    [Fact]
    public async Task An_order_for_a_sold_out_SKU_is_refused_at_the_gateway_with_nothing_charged_and_no_order_anywhere()
    {
        var sku = Sku.New("SOLDOUT");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 80m, salePrice: 40m, stock: 1);
        var lucky = await system.Client.SignInAsync(system.Customers.Next());
        var late = await system.Client.SignInAsync(system.Customers.Next());

        var bought = await lucky.PlaceOrderAsync(sku, quantity: 1);
        using var refusal = await late.PlaceOrderAsync(sku, 1, Guid.NewGuid().ToString());

        var problem = await refusal.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Sold out", problem.Title);
        Assert.Equal([sku], problem.Skus);

        // The winner's order runs to the end, so everything the refusal could have caused would have happened by now.
        await lucky.OrderOnceAsync(bought.Id, "Confirmed");
        await admin.StockOnceAsync(sku, new StockLevels(sku, 0, 0, 1));
        await system.SettleAsync();

        Assert.Empty(system.StoredOrdersOf(late.UserName));
        Assert.DoesNotContain(system.Events<OrderPlaced>(Topics.Orders), placed => placed.CustomerId == late.UserName);
        Assert.Equal(0, (await late.ListOrdersAsync()).TotalCount);
        Assert.Empty(system.StoredPaymentsOf(late.UserName));
    }
}
