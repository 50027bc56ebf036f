using System.Collections.Generic;
using System.Linq;

namespace SegLoss.Generator.Catalog;

/// <summary>
/// The built-in terms. Each is a formula in the expression language plus its parameters; adding a term is adding an
/// entry to one of the families and an attribute class in SegLoss.Abstractions.
/// </summary>
internal static class TermCatalog
{
    public static readonly IReadOnlyList<CatalogEntry> Entries =
        RegionTerms.Entries.Concat(DistributionTerms.Entries).Concat(StructureTerms.Entries).Concat(DistanceTerms.Entries).ToArray();

    public static CatalogEntry? Find(string attributeMetadataName)
    {
        foreach (var entry in Entries)
        {
            if (entry.AttributeMetadataName == attributeMetadataName)
            {
                return entry;
            }
        }

        return null;
    }
}
