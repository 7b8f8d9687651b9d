using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

public sealed class CustomersTests
{
    [Fact]
    public void Generated_customers_get_the_same_passwords_on_a_rerun_with_the_same_secret()
    {
        var first = new GeneratedCustomers("sale", "s3cret", 3).All().ToList();
        var rerun = new GeneratedCustomers("sale", "s3cret", 3).All().ToList();
        var otherSecret = new GeneratedCustomers("sale", "other", 3).All().ToList();

        Assert.Equal(["sale-00001", "sale-00002", "sale-00003"], first.Select(customer => customer.UserName));
        Assert.Equal(first, rerun);
        Assert.Equal(3, first.Select(customer => customer.Password).Distinct().Count());
        Assert.All(first.Zip(otherSecret), pair => Assert.NotEqual(pair.First.Password, pair.Second.Password));
        Assert.All(first, customer => Assert.Matches("^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*-).{30,}$", customer.Password));
    }

    [Fact]
    public void A_customer_list_is_name_colon_password_a_line_with_comments_and_blank_lines_skipped()
    {
        var (accounts, problem) = Credentials.ParseList(["# demo customers", "alice:alice-demo-password", "", "  bob:has:colons  "]);

        Assert.Null(problem);
        Assert.Equal([new Credentials("alice", "alice-demo-password"), new Credentials("bob", "has:colons")], accounts);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(":password")]
    [InlineData("alice:")]
    public void A_line_that_is_not_name_colon_password_is_named(string line)
    {
        var (_, problem) = Credentials.ParseList(["ok:fine", line]);

        Assert.Equal("line 2 is not 'name:password'", problem);
    }

    [Fact]
    public void Credentials_never_print_their_password()
    {
        Assert.Equal("alice", new Credentials("alice", "alice-demo-password").ToString());
    }
}
