using FlashSale.Payment;
using FlashSale.Payment.Api;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("payment");
builder.AddGatewayUserAuthentication();
builder.AddPayments();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGatewayUserAuthentication();

app.MapSubscribeHandler();
app.MapPaymentEvents();
app.MapPaymentsApi();

app.Run();
