using FlashSale.Gateway.Api;
using FlashSale.Gateway.Infrastructure;
using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddTokenValidation();
builder.AddGatewayRateLimiting();
builder.AddBackendProxy();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
// After authentication, so that requests are limited per user; before authorization, so that floods of rejected
// requests are limited too.
app.UseRateLimiter();
app.UseAuthorization();
app.MapBackendProxy();
app.Run();
