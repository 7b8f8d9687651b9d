using FlashSale.Payment.Domain;

namespace FlashSale.Payment.Tests;

public class PaymentRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static PaymentRecord Charging(DateTimeOffset startedAt) =>
        PaymentRecord.StartCharge("order-1", "customer-1", 39.98m, "EUR", startedAt, Lease);

    private static PaymentRecord Paid() => Charging(Now).Charged(ChargeResult.Approved("ch_1"), Now);

    [Fact]
    public void An_order_without_a_payment_is_charged()
    {
        Assert.Equal(ChargeStep.Start, PaymentRules.NextChargeStep(null, Now));
    }

    [Fact]
    public void A_duplicate_waits_while_the_charge_is_in_flight()
    {
        Assert.Equal(ChargeStep.WaitForInFlight, PaymentRules.NextChargeStep(Charging(Now), Now + Lease - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_charge_whose_lease_ran_out_is_taken_over_and_counted_as_a_second_attempt()
    {
        var abandoned = Charging(Now);
        var later = Now + Lease;

        Assert.Equal(ChargeStep.TakeOver, PaymentRules.NextChargeStep(abandoned, later));
        var takenOver = abandoned.TakeOver(later, Lease);
        Assert.Equal(2, takenOver.ChargeAttempts);
        Assert.False(takenOver.IsStillHeld(abandoned)); // the crashed holder can no longer complete it
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_redelivery_after_the_outcome_republishes_it_instead_of_charging(bool approved)
    {
        var result = approved ? ChargeResult.Approved("ch_1") : ChargeResult.Declined("card declined");
        var settled = Charging(Now).Charged(result, Now);

        Assert.Equal(approved ? PaymentStatus.Succeeded : PaymentStatus.Failed, settled.Status);
        Assert.Equal(ChargeStep.RepublishOutcome, PaymentRules.NextChargeStep(settled, Now.AddDays(1)));
    }

    [Fact]
    public void A_redelivery_after_a_refund_is_only_acknowledged()
    {
        var refunded = Paid().StartRefund(Now, Lease).Refunded(new RefundResult("re_1"), Now);

        Assert.Equal(ChargeStep.Acknowledge, PaymentRules.NextChargeStep(refunded, Now));
    }

    [Fact]
    public void A_refund_starts_once_and_is_republished_afterwards()
    {
        var paid = Paid();
        Assert.Equal(RefundStep.Start, PaymentRules.NextRefundStep(paid, "ch_1", 39.98m, "EUR", Now).Step);

        var refunding = paid.StartRefund(Now, Lease);
        Assert.Equal(RefundStep.WaitForInFlight, PaymentRules.NextRefundStep(refunding, "ch_1", 39.98m, "EUR", Now).Step);
        Assert.Equal(RefundStep.TakeOver, PaymentRules.NextRefundStep(refunding, "ch_1", 39.98m, "EUR", Now + Lease).Step);

        var refunded = refunding.Refunded(new RefundResult("re_1"), Now);
        Assert.Equal(RefundStep.RepublishOutcome, PaymentRules.NextRefundStep(refunded, "ch_1", 39.98m, "EUR", Now).Step);
        Assert.Equal(1, refunded.RefundAttempts);
    }

    [Fact]
    public void A_refund_waits_while_the_charge_is_still_in_flight()
    {
        Assert.Equal(RefundStep.WaitForInFlight, PaymentRules.NextRefundStep(Charging(Now), "ch_1", 39.98m, "EUR", Now).Step);
    }

    [Fact]
    public void Refunds_that_can_never_be_right_are_refused_with_a_reason()
    {
        var declined = Charging(Now).Charged(ChargeResult.Declined("card declined"), Now);

        Assert.All(
            [
                PaymentRules.NextRefundStep(null, "ch_1", 39.98m, "EUR", Now),
                PaymentRules.NextRefundStep(declined, "ch_1", 39.98m, "EUR", Now),
                PaymentRules.NextRefundStep(Paid(), "ch_other", 39.98m, "EUR", Now),
                PaymentRules.NextRefundStep(Paid(), "ch_1", 10m, "EUR", Now),
                PaymentRules.NextRefundStep(Paid(), "ch_1", 39.98m, "USD", Now),
            ],
            decision =>
            {
                Assert.Equal(RefundStep.Refuse, decision.Step);
                Assert.False(string.IsNullOrWhiteSpace(decision.RefusalReason));
            });
    }

    [Fact]
    public void Only_a_charging_payment_can_take_a_charge_result()
    {
        Assert.Throws<InvalidOperationException>(() => Paid().Charged(ChargeResult.Approved("ch_2"), Now));
        Assert.Throws<InvalidOperationException>(() => Charging(Now).StartRefund(Now, Lease));
    }
}
