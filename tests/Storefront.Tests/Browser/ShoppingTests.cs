using System.Net;
using FlashSale.EndToEnd.Tests.Fixture;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.Storefront.Tests.Browser;

/// <summary>Buyers in a real browser, against the whole system: sign-up, the sale page, buying, the live order page.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class ShoppingTests(StorefrontSite site)
{
    private static string NewSku() => $"SF-{Guid.NewGuid():N}"[..14].ToUpperInvariant();

    [Fact]
    public async Task A_new_buyer_signs_up_sees_countdown_and_prices_buys_and_sees_the_order_turn_confirmed_without_reloading()
    {
        var sku = NewSku();
        var admin = await site.System.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 49.90m, salePrice: 19.90m, stock: 5);
        var page = await site.NewPageAsync();
        var userName = $"buyer{Guid.NewGuid():N}"[..16];

        await page.GotoAsync("/signup");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("a long enough passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();

        var card = page.Locator($"li[data-sku='{sku}']");
        await Expect(card.GetByTestId("sale-price")).ToHaveTextAsync("19.90 EUR");
        await Expect(card.GetByTestId("regular-price")).ToHaveTextAsync("49.90 EUR");
        await Expect(card.GetByTestId("countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Ends in 00:5\d:\d\d$"));
        await Expect(card.GetByTestId("stock")).ToHaveTextAsync("5 left");
        await StorefrontSite.ScreenshotAsync(page, "storefront-landing");

        // The payment takes a while, so the order page first shows it awaiting payment, then the stream confirms it.
        site.System.SetProviderLatency(TimeSpan.FromSeconds(2));
        try
        {
            await card.GetByRole(AriaRole.Link, new() { Name = "View and buy" }).ClickAsync();
            await page.GetByTestId("buy").ClickAsync();
            await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Awaiting payment");
            await Expect(page.GetByText("Updates live.")).ToBeVisibleAsync();
            await page.EvaluateAsync("window.loadedOnce = true");

            await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
            Assert.True(await page.EvaluateAsync<bool>("window.loadedOnce === true"), "the page was reloaded to show the new status");
        }
        finally
        {
            site.System.SetProviderLatency(SystemFixture.DefaultProviderLatency);
        }

        await StorefrontSite.ScreenshotAsync(page, "storefront-order-confirmed");
        await page.GotoAsync("/");
        await Expect(page.Locator($"li[data-sku='{sku}']").GetByTestId("stock")).ToHaveTextAsync("4 left");
    }

    [Fact]
    public async Task A_double_click_on_buy_places_one_order()
    {
        var sku = NewSku();
        var admin = await site.System.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 30m, salePrice: 10m, stock: 10);
        var customer = site.System.Customers.Next();
        var page = await site.NewPageAsync();
        await site.SignInAsync(page, customer);

        await page.GotoAsync($"/products/{sku}");
        await page.GetByTestId("buy").DblClickAsync();

        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
        var shopper = await site.System.Client.SignInAsync(customer);
        var orders = await shopper.ListOrdersAsync();
        Assert.Equal(1, orders.TotalCount);
        await admin.StockOnceAsync(sku, new StockLevels(sku, 9, 0, 1));
    }

    [Fact]
    public async Task Two_browsers_race_for_the_last_unit_one_is_confirmed_the_other_sees_sold_out()
    {
        var sku = NewSku();
        var admin = await site.System.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 99m, salePrice: 9m, stock: 1);
        var (first, second) = (site.System.Customers.Next(), site.System.Customers.Next());
        var pages = new[] { await site.NewPageAsync(), await site.NewPageAsync(phone: true) };
        await site.SignInAsync(pages[0], first);
        await site.SignInAsync(pages[1], second);
        foreach (var page in pages)
        {
            await page.GotoAsync($"/products/{sku}");
        }

        await Task.WhenAll(pages.Select(page => page.GetByTestId("buy").ClickAsync()));

        var outcomes = await Task.WhenAll(pages.Select(OutcomeAsync));
        Assert.Equal(["Confirmed", "Sold out"], outcomes.Order(StringComparer.Ordinal));
        var soldOutPage = pages[Array.IndexOf(outcomes, "Sold out")];
        await Expect(soldOutPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("Sold out: every unit of this sale is gone.");
        await StorefrontSite.ScreenshotAsync(soldOutPage, "storefront-sold-out-phone");
        var stock = await admin.StockOnceAsync(sku, new StockLevels(sku, 0, 0, 1));
        Assert.True(stock.Available >= 0);
    }

    [Fact]
    public async Task A_bad_sign_up_shows_the_field_error_next_to_the_field_and_keeps_what_was_typed()
    {
        var page = await site.NewPageAsync(phone: true);
        var userName = $"short{Guid.NewGuid():N}"[..14];

        await page.GotoAsync("/signup");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var password = page.GetByLabel("Password");
        await Expect(page.Locator("#password-error")).ToContainTextAsync("A password has");
        await Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(password).ToHaveAttributeAsync("aria-describedby", "password-error");
        await Expect(page.GetByLabel("User name")).ToHaveValueAsync(userName);
        await Expect(page.Locator("#username-error")).ToHaveCountAsync(0);
        await StorefrontSite.ScreenshotAsync(page, "storefront-field-error-phone");
    }

    [Fact]
    public async Task A_customer_gets_the_403_page_for_admin_pages_and_the_404_page_for_another_customers_order()
    {
        var sku = NewSku();
        var admin = await site.System.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 20m, salePrice: 5m, stock: 3);
        var owner = await site.System.Client.SignInAsync(site.System.Customers.Next());
        var order = await owner.PlaceOrderAsync(sku, 1);
        await owner.OrderOnceAsync(order.Id, "Confirmed");
        var page = await site.NewPageAsync();
        await site.SignInAsync(page, site.System.Customers.Next());

        var dashboard = await page.GotoAsync("/admin");
        await Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
        Assert.Equal((int)HttpStatusCode.Forbidden, dashboard!.Status);
        await page.GotoAsync("/admin/products");
        await Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();

        var othersOrder = await page.GotoAsync($"/orders/{order.Id}");
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        Assert.Equal((int)HttpStatusCode.NotFound, othersOrder!.Status);
    }

    private static async Task<string> OutcomeAsync(IPage page)
    {
        var status = page.GetByTestId("order-status");
        var soldOut = page.GetByText("Sold out: every unit of this sale is gone.");
        await Expect(status.Or(soldOut)).ToBeVisibleAsync();
        if (await soldOut.IsVisibleAsync())
        {
            return "Sold out";
        }

        await Expect(status).ToHaveTextAsync("Confirmed");
        return "Confirmed";
    }
}
