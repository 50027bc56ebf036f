using SegLoss.Generator.Catalog;

namespace SegLoss.Generator.Parsing;

/// <summary>One term attribute as found on the class, before names are settled and its expression is bound.</summary>
/// <param name="Entry">The catalog entry of a built-in term; null for <c>[Term]</c>.</param>
internal sealed class TermSource
{
    public TermSource(AttributeArguments arguments, CatalogEntry? entry, string name)
    {
        Arguments = arguments;
        Entry = entry;
        Name = name;
    }

    public AttributeArguments Arguments { get; }

    public CatalogEntry? Entry { get; }

    /// <summary>The settled, unique term name.</summary>
    public string Name { get; set; }
}
