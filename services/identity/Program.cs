using FlashSale.Identity;
using FlashSale.Identity.Endpoints;
using FlashSale.ServiceDefaults;

if (PasswordHashCommand.IsRequested(args))
{
    Environment.ExitCode = PasswordHashCommand.Run(args, Console.In, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddTokenIssuance();

var app = builder.Build();
app.UseServiceDefaults();
app.MapTokenApi();
app.MapDiscoveryApi();
app.Run();
