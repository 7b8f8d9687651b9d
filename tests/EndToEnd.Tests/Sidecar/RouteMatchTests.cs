using System.Text.Json;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>The CEL subset of routing rules, evaluated against a CloudEvent as <c>event</c>.</summary>
public sealed class RouteMatchTests
{
    private static readonly JsonElement Event = JsonDocument.Parse(
        """{"type":"flashsale.order.placed.v1","source":"ordering","data":{"total":12,"express":true}}""").RootElement;

    [Theory]
    [InlineData("event.type == \"flashsale.order.placed.v1\"", true)]
    [InlineData("event.type == 'flashsale.order.placed.v1'", true)]
    [InlineData("event.type != \"flashsale.order.placed.v1\"", false)]
    [InlineData("event.type == \"x\" || event.source == \"ordering\"", true)]
    [InlineData("event.type == \"flashsale.order.placed.v1\" && event.source == \"catalog\"", false)]
    [InlineData("!(event.source == \"catalog\") && (event.type == \"x\" || event.data.total == 12)", true)]
    [InlineData("event.data.express == true", true)]
    [InlineData("true", true)]
    public void Evaluates_comparisons_and_boolean_operators(string expression, bool expected) =>
        Assert.Equal(expected, RouteMatch.Parse(expression).Matches(Event));

    [Fact]
    public void A_missing_attribute_is_an_error_as_in_CEL() =>
        Assert.Throws<RouteMatchException>(() => RouteMatch.Parse("event.subject == \"x\"").Matches(Event));

    [Theory]
    [InlineData("event.type.startsWith(\"flashsale\")")]
    [InlineData("event.type in [\"a\", \"b\"]")]
    [InlineData("type == \"a\"")]
    [InlineData("event.type == \"a")]
    public void Refuses_what_it_does_not_support_instead_of_never_matching(string expression) =>
        Assert.Throws<NotSupportedException>(() => RouteMatch.Parse(expression));
}
