using FlashSale.Identity;
using FlashSale.Identity.Api;
using FlashSale.ServiceDefaults;

if (PasswordHashCommand.IsRequested(args))
{
    Environment.ExitCode = PasswordHashCommand.Run(args, Console.In, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddIdentity();

var app = builder.Build();
app.UseServiceDefaults();
app.MapTokenEndpoints();
app.MapDiscoveryEndpoints();
app.MapRegistrationEndpoints();
app.Run();
