using FlashSale.Messaging;
using FlashSale.Ordering;
using FlashSale.Ordering.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("ordering");
builder.AddGatewayUserAuthentication();
builder.AddOrdering();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapOrdersEndpoints();
app.MapEventSubscriptions();

app.Run();
