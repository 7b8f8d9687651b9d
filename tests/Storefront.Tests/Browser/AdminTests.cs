using FlashSale.EndToEnd.Tests.Fixture;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlashSale.Storefront.Tests.Browser;

/// <summary>The operator in a real browser: creating a sale through the admin forms and watching the live dashboard.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class AdminTests(StorefrontSite site)
{
    [Fact]
    public async Task An_admin_creates_a_sale_in_the_forms_and_watches_the_dashboard_numbers_move_as_orders_arrive()
    {
        var sku = $"DASH-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var page = await site.NewPageAsync();
        await site.SignInAsync(page, Customers.Admin);

        await page.GotoAsync("/admin/products");
        await page.GetByLabel("SKU").FillAsync(sku);
        await page.GetByLabel("Name").FillAsync("Dashboard Hoodie");
        await page.GetByLabel("Description").FillAsync("Watched live");
        await page.GetByLabel("Regular price").FillAsync("60");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Product {sku}" })).ToBeVisibleAsync();

        await page.GetByLabel("Sale price").FillAsync("25");
        await page.GetByLabel("Units allocated").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule sale" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Sale scheduled.");
        await page.GetByLabel("Units free for sale").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set stock" }).ClickAsync();
        await Expect(page.GetByTestId("stock-levels")).ToHaveTextAsync("10 available, 0 reserved, 0 sold.");

        await page.GotoAsync("/admin");
        var row = page.Locator($"tr[data-sku='{sku}']");
        await Expect(row.GetByTestId("sku-remaining")).ToHaveTextAsync("10");
        await Expect(row.GetByTestId("sku-units-sold")).ToHaveTextAsync("0");

        var shoppers = new[] { await site.System.Client.SignInAsync(site.System.Customers.Next()), await site.System.Client.SignInAsync(site.System.Customers.Next()) };
        foreach (var shopper in shoppers)
        {
            await shopper.PlaceOrderAsync(sku, 2);
        }

        await Expect(row.GetByTestId("sku-units-sold")).ToHaveTextAsync("4");
        await Expect(row.GetByTestId("sku-remaining")).ToHaveTextAsync("6");
        await Expect(page.GetByText("Live, updated")).ToBeVisibleAsync();
        await StorefrontSite.ScreenshotAsync(page, "storefront-dashboard");
    }

    [Fact]
    public async Task A_product_changed_by_someone_else_meanwhile_is_refused_with_a_reload_hint_and_the_input_kept()
    {
        var sku = $"ETAG-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var admin = await site.System.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 10m, salePrice: 5m, stock: 1);
        var page = await site.NewPageAsync();
        await site.SignInAsync(page, Customers.Admin);
        await page.GotoAsync($"/admin/products/{sku}");

        // Another admin saves the product after this page was loaded.
        var other = await site.NewPageAsync();
        await site.SignInAsync(other, Customers.Admin);
        await other.GotoAsync($"/admin/products/{sku}");
        await other.GetByLabel("Name").FillAsync("Renamed elsewhere");
        await other.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Status)).ToHaveTextAsync("Product saved.");

        await page.GetByLabel("Name").FillAsync("My rename");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save product" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("changed by someone else");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Reload");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("My rename");
    }
}
