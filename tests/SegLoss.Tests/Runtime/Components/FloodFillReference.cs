using System;
using System.Collections.Generic;
using System.Linq;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>
/// An independent, slow labeling to compare against: visit voxels in raster order; an unlabelled foreground voxel
/// starts a new label, flooded breadth-first through every offset in {-1, 0, 1}ⁿ with 1..rank non-zero entries
/// (scipy's <c>generate_binary_structure(ndim, rank)</c>). Labels therefore follow the raster order of first voxels.
/// </summary>
public static class FloodFillReference
{
    public static (int[] Labels, int Count) Label(byte[] mask, int[] shape, int rank)
    {
        var n = shape.Length;
        var strides = new int[n];
        var stride = 1;
        for (var axis = n - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        var offsets = Offsets(n, rank);
        var labels = new int[mask.Length];
        var count = 0;
        var queue = new Queue<int>();
        var coordinate = new int[n];
        for (var seed = 0; seed < mask.Length; seed++)
        {
            if (mask[seed] == 0 || labels[seed] != 0)
            {
                continue;
            }

            labels[seed] = ++count;
            queue.Enqueue(seed);
            while (queue.Count > 0)
            {
                var voxel = queue.Dequeue();
                var rest = voxel;
                for (var axis = 0; axis < n; axis++)
                {
                    coordinate[axis] = rest / strides[axis];
                    rest %= strides[axis];
                }

                foreach (var offset in offsets)
                {
                    var neighbor = 0;
                    var inside = true;
                    for (var axis = 0; axis < n && inside; axis++)
                    {
                        var c = coordinate[axis] + offset[axis];
                        inside = c >= 0 && c < shape[axis];
                        neighbor += c * strides[axis];
                    }

                    if (inside && mask[neighbor] != 0 && labels[neighbor] == 0)
                    {
                        labels[neighbor] = count;
                        queue.Enqueue(neighbor);
                    }
                }
            }
        }

        return (labels, count);
    }

    private static List<int[]> Offsets(int n, int rank)
    {
        var all = new List<int[]> { Array.Empty<int>() };
        for (var axis = 0; axis < n; axis++)
        {
            all = all.SelectMany(prefix => new[] { -1, 0, 1 }.Select(step => prefix.Append(step).ToArray())).ToList();
        }

        return all.Where(o => o.Count(s => s != 0) is var k && k >= 1 && k <= rank).ToList();
    }
}
