namespace FlashSale.LoadGen.Domain;

/// <summary>
/// What one answer to <c>POST /api/orders</c> was: its HTTP status (0 when none came: the connection failed or the
/// request timed out), the problem's title, the Retry-After it asked for.
/// </summary>
public readonly record struct PlacementAnswer(int Status, string? ProblemTitle, TimeSpan? RetryAfter)
{
    public const string SoldOutTitle = "Sold out";

    public bool IsPlaced => Status == 201;

    public bool IsSoldOut => Status == 409 && ProblemTitle == SoldOutTitle;

    /// <summary>The label it is counted under by status: "201", "429", "no answer".</summary>
    public string StatusLabel => Status == 0 ? "no answer" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The label it is counted under by problem type: "409 Sold out"; null for an answer that is no problem.</summary>
    public string? ProblemLabel => Status is 0 or (>= 200 and < 300) ? null : $"{StatusLabel} {ProblemTitle ?? "(no problem details)"}";
}

/// <summary>What a buyer does after an answer.</summary>
public abstract record PlacementStep
{
    private PlacementStep()
    {
    }

    /// <summary>201: the order exists; poll it until it settles.</summary>
    public sealed record Placed : PlacementStep;

    /// <summary>A final refusal: sold out, invalid, forbidden. The buyer goes away.</summary>
    public sealed record Refused : PlacementStep;

    /// <summary>Send the same request with the same Idempotency-Key after <see cref="Wait"/>.</summary>
    public sealed record Retry(TimeSpan Wait) : PlacementStep;

    /// <summary>The token was not accepted (it expired): sign in again, then retry at once.</summary>
    public sealed record SignInAgain : PlacementStep;

    /// <summary>Retryable, but the attempts are used up.</summary>
    public sealed record GaveUp : PlacementStep;
}

/// <summary>
/// How a buyer retries a placement. The Idempotency-Key makes every retry safe, so anything that may be transient
/// is retried with the same key: 429 and "409 Order in progress" as their Retry-After says, 5xx and no answer at all
/// after <see cref="DefaultWait"/>. Waits are capped by <see cref="MaxWait"/>; attempts by <see cref="MaxAttempts"/>.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan DefaultWait, TimeSpan MaxWait)
{
    public static readonly RetryPolicy Default = new(MaxAttempts: 5, DefaultWait: TimeSpan.FromSeconds(1), MaxWait: TimeSpan.FromSeconds(10));

    public PlacementStep Next(PlacementAnswer answer, int attemptsMade) => answer switch
    {
        { IsPlaced: true } => new PlacementStep.Placed(),
        { Status: 401 } when attemptsMade < MaxAttempts => new PlacementStep.SignInAgain(),
        _ when !IsTransient(answer) => new PlacementStep.Refused(),
        _ when attemptsMade >= MaxAttempts => new PlacementStep.GaveUp(),
        _ => new PlacementStep.Retry(WaitAfter(answer)),
    };

    private static bool IsTransient(PlacementAnswer answer) =>
        answer.Status is 0 or 429 or >= 500 || (answer.Status == 409 && answer.RetryAfter is not null && !answer.IsSoldOut);

    private TimeSpan WaitAfter(PlacementAnswer answer)
    {
        var wait = answer.RetryAfter ?? DefaultWait;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
    }
}
