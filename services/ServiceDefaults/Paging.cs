namespace FlashSale.ServiceDefaults;

/// <summary>The paging rules every list endpoint shares: pages count from 1, page sizes are bounded.</summary>
public static class Paging
{
    /// <summary>The per-field errors of a page request, for a 400 ValidationProblem; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(int page, int pageSize, int maxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
        {
            errors["page"] = ["must be 1 or more"];
        }

        if (pageSize < 1 || pageSize > maxPageSize)
        {
            errors["pageSize"] = [$"must be between 1 and {maxPageSize}"];
        }

        return errors;
    }
}
