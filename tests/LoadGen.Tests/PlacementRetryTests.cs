using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

public sealed class PlacementRetryTests
{
    private static readonly RetryPolicy Policy = new(MaxAttempts: 3, DefaultWait: TimeSpan.FromSeconds(1), MaxWait: TimeSpan.FromSeconds(5));

    [Fact]
    public void A_201_is_an_order_and_sold_out_or_a_bad_request_ends_the_purchase()
    {
        Assert.IsType<PlacementStep.Placed>(Policy.Next(new(201, null, null), 1));
        Assert.IsType<PlacementStep.Refused>(Policy.Next(new(409, "Sold out", null), 1));
        Assert.IsType<PlacementStep.Refused>(Policy.Next(new(422, "Unknown SKU", null), 1));
        Assert.IsType<PlacementStep.Refused>(Policy.Next(new(403, null, null), 1));
    }

    [Theory]
    [InlineData(429, "Too many requests", 3, 3)]
    [InlineData(409, "Order in progress", 1, 1)]
    [InlineData(503, "Temporarily unavailable", null, 1)]
    [InlineData(0, null, null, 1)]
    [InlineData(429, "Too many requests", 60, 5)]
    public void Transient_answers_are_retried_after_their_Retry_After_or_a_second_at_most_the_cap(int status, string? title, int? retryAfterSeconds, int waitSeconds)
    {
        var answer = new PlacementAnswer(status, title, retryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);

        var retry = Assert.IsType<PlacementStep.Retry>(Policy.Next(answer, attemptsMade: 1));

        Assert.Equal(TimeSpan.FromSeconds(waitSeconds), retry.Wait);
    }

    [Fact]
    public void Retries_end_when_the_attempts_are_used_up()
    {
        Assert.IsType<PlacementStep.Retry>(Policy.Next(new(503, null, null), attemptsMade: 2));
        Assert.IsType<PlacementStep.GaveUp>(Policy.Next(new(503, null, null), attemptsMade: 3));
    }

    [Fact]
    public void An_expired_token_means_signing_in_again()
    {
        Assert.IsType<PlacementStep.SignInAgain>(Policy.Next(new(401, null, null), attemptsMade: 1));
        Assert.IsType<PlacementStep.Refused>(Policy.Next(new(401, null, null), attemptsMade: 3));
    }

    [Fact]
    public void Answers_are_labelled_by_status_and_refusals_by_problem()
    {
        Assert.Equal(("409", "409 Sold out"), (new PlacementAnswer(409, "Sold out", null).StatusLabel, new PlacementAnswer(409, "Sold out", null).ProblemLabel));
        Assert.Equal(("201", null), (new PlacementAnswer(201, null, null).StatusLabel, new PlacementAnswer(201, null, null).ProblemLabel));
        Assert.Equal(("no answer", null), (new PlacementAnswer(0, null, null).StatusLabel, new PlacementAnswer(0, null, null).ProblemLabel));
        Assert.Equal("502 (no problem details)", new PlacementAnswer(502, null, null).ProblemLabel);
    }
}
