using FlashSale.ServiceDefaults;
using FlashSale.Storefront;
using FlashSale.Storefront.Api;
using FlashSale.Storefront.Api.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("storefront");
builder.AddStorefront();

var app = builder.Build();
app.UseServiceDefaults(htmlErrorPages: true);
app.UseStorefront();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
