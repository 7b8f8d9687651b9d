using FlashSale.Messaging;
using FlashSale.Payment;
using FlashSale.Payment.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("payment");
builder.AddGatewayUserAuthentication();
builder.AddPayment();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapEventSubscriptions();
app.MapPaymentsEndpoints();

app.Run();
