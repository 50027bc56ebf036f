using System;
using System.Threading.Tasks;

namespace SegLoss.Runtime;

/// <summary>A range [0, count) cut into chunks of a fixed length, run in parallel: <c>body(begin, end)</c> per chunk.</summary>
internal static class ParallelChunks
{
    public static void For(long count, int chunkLength, Action<long, long> body)
    {
        var chunks = (int)((count + chunkLength - 1) / chunkLength);
        Parallel.For(0, chunks, chunk =>
        {
            var begin = (long)chunk * chunkLength;
            body(begin, Math.Min(count, begin + chunkLength));
        });
    }
}
