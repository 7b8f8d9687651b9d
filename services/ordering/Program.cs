using FlashSale.Ordering;
using FlashSale.Ordering.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("ordering");
builder.AddGatewayUserAuthentication();
builder.Services.AddOrdering();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapOrdersApi();
app.MapOrderingSubscriptions();

app.Run();
