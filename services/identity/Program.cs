using FlashSale.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");

var app = builder.Build();
app.UseServiceDefaults();
app.Run();
