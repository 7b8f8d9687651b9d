using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FlashSale.Sidecar;

/// <summary>
/// How documents are written to the state stores: web casing, enums by name, aggregates rebuilt through their private
/// setters, and values computed from others (get-only properties) left out. Domain types carry no serialization
/// attributes; this is where serialization is decided.
/// </summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RestorePrivateState, SkipComputedValues } },
    };

    /// <summary>
    /// An aggregate such as ordering's <c>Order</c> hides its setters (and constructor) so that only its own methods
    /// change it. Reading it back from the store is not a change, so the store may use them.
    /// </summary>
    private static void RestorePrivateState(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.AttributeProvider is PropertyInfo { SetMethod: { IsPublic: false } setter })
            {
                property.Set = (target, value) => setter.Invoke(target, [value]);
            }
        }

        if (type.CreateObject is null && type.Type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes) is { } constructor)
        {
            type.CreateObject = () => constructor.Invoke(null);
        }
    }

    /// <summary>A get-only property such as <c>OrderView.IsVisible</c> is derived state: stored, it could only go stale.</summary>
    private static void SkipComputedValues(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (type.Properties[i] is { Set: null, AssociatedParameter: null, AttributeProvider: PropertyInfo { SetMethod: null } })
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}
