namespace FlashSale.ServiceDefaults;

/// <summary>
/// The paging rules every list endpoint shares: pages count from 1, page sizes are bounded, and a page never starts
/// beyond the last item an <see cref="int"/> can count, so the offset <c>(page - 1) * pageSize</c> cannot overflow.
/// </summary>
public static class Paging
{
    /// <summary>The per-field errors of a page request, for a 400 ValidationProblem; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(int page, int pageSize, int maxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (pageSize < 1 || pageSize > maxPageSize)
        {
            errors["pageSize"] = [$"must be between 1 and {maxPageSize}"];
            if (page < 1)
            {
                errors["page"] = ["must be 1 or more"];
            }
        }
        else if (page < 1 || page > LastPage(pageSize))
        {
            errors["page"] = [$"must be between 1 and {LastPage(pageSize)} for pageSize {pageSize}"];
        }

        return errors;
    }

    /// <summary>Where a valid page starts.</summary>
    public static int Offset(int page, int pageSize) => checked((page - 1) * pageSize);

    private static int LastPage(int pageSize) => int.MaxValue / pageSize + 1;
}
