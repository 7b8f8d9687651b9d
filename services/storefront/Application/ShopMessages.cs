namespace FlashSale.Storefront.Application;

/// <summary>
/// What a shopper reads when the API refuses or cannot answer: a sentence about their situation, never a status code
/// or a stack trace. <paramref name="title"/> is the problem's title, which tells apart the refusals sharing a status.
/// </summary>
public static class ShopMessages
{
    public const string Outage = "The shop cannot reach its services right now. Nothing was charged; please try again in a moment.";

    public static string ForRefusal(int status, string? title, string? detail, int? retryAfterSeconds) => (status, title) switch
    {
        (409, "Sold out") => "Sold out: every unit of this sale is gone.",
        (409, "Limit per customer reached") => $"You have reached this sale's limit per customer. {detail}".TrimEnd(),
        (429, _) => $"The shop is very busy. Please wait {retryAfterSeconds ?? 1} s and try again.",
        (401, _) => "Please sign in again: your session has ended.",
        (403, _) => "You are not allowed to do this.",
        (404, _) => "It does not exist (any more).",
        (412, _) => "This was changed by someone else meanwhile. Reload the page to see the current version, then make your change again.",
        (>= 500, _) => Outage,
        _ => detail ?? title ?? "The request could not be completed.",
    };
}
