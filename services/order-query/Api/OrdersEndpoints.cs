using System.Security.Claims;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.OrderQuery.Api;

/// <summary>
/// Customers read their own orders; admins read anyone's. Asking for another customer's order answers 404, exactly
/// as for an order that does not exist, so ids cannot be probed. Asking for another customer's list is a client
/// mistake rather than a probe (the answer would be the same for any customer id), so it answers 403 and says why.
/// </summary>
public static class OrdersEndpoints
{
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapOrdersEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").RequireAuthorization(Roles.Customer).WithTags("Orders");
        orders.MapGet("/{orderId}", GetOrderAsync).WithName("GetOrder");
        orders.MapGet("", ListOrdersAsync).WithName("ListOrders");
        return app;
    }

    private static async Task<Results<Ok<OrderDetails>, ProblemHttpResult>> GetOrderAsync(
        string orderId, ClaimsPrincipal user, ViewStore views, CancellationToken cancellationToken)
    {
        var view = await views.ReadAsync<OrderView>(ViewKeys.Order(orderId), cancellationToken);
        return IsVisibleTo(view, user) ? TypedResults.Ok(OrderDetails.From(view!)) : OrderNotFound(orderId);
    }

    /// <summary>Whether <paramref name="user"/> may see the order: its owner or an admin, once it is placed.</summary>
    public static bool IsVisibleTo(OrderView? view, ClaimsPrincipal user) =>
        view is { IsVisible: true } && (user.IsInRole(Roles.Admin) || view.CustomerId == user.UserId());

    public static ProblemHttpResult OrderNotFound(string orderId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found",
            detail: $"there is no order {orderId} for you (it may take a moment to appear after it was placed)");

    private static async Task<Results<Ok<OrderPage>, ValidationProblem, ProblemHttpResult>> ListOrdersAsync(
        ClaimsPrincipal user, ViewStore views, CancellationToken cancellationToken,
        string? customer = null, int page = 1, int pageSize = 20)
    {
        var errors = Paging.Validate(page, pageSize, MaxPageSize);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var customerId = string.IsNullOrWhiteSpace(customer) ? user.UserId() : customer;
        if (customerId != user.UserId() && !user.IsInRole(Roles.Admin))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your orders",
                detail: "only an admin may list another customer's orders; leave out 'customer' to list your own");
        }

        // Index, then directory, then archives: the order a move writes them in reversed, so no moved entry is missed.
        var indexKey = ViewKeys.CustomerOrders(customerId);
        var index = await views.ReadAsync<CustomerOrders>(indexKey, cancellationToken) ?? new CustomerOrders(customerId, []);
        var directory = await views.ReadAsync<ArchiveDirectory>(ViewKeys.ArchivesOf(indexKey), cancellationToken);
        var archives = await views.ReadManyAsync<CustomerOrdersArchive>(directory?.Keys ?? [], cancellationToken);
        var list = new CustomerOrderList([index.Orders, .. archives.Select(archive => archive.Orders)]);
        var orders = await views.ReadManyAsync<OrderView>(
            list.Page(Paging.Offset(page, pageSize), pageSize).Select(ViewKeys.Order).ToList(), cancellationToken);
        return TypedResults.Ok(new OrderPage(
            orders.Where(view => view.IsVisible).Select(OrderSummary.From).ToList(), page, pageSize, list.Count));
    }
}
