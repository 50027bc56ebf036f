using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// The per-pixel kernels of declarations whose classes are apart (a sigmoid or no activation, no sum over the
/// classes, a dense target): the classes are the outer loop, so the forward's running sums are locals and the
/// backward needs no class loop.
/// </summary>
internal sealed partial class VectorKernelEmitter
{
    /// <summary>
    /// Whether every form reads one class at a time: an activation per class (not a softmax) and no sum over the
    /// classes. Each statistic is then per class (or a count), and the classes can be the outer loop.
    /// </summary>
    private bool ClassesApart(IReadOnlyList<Expr> forms)
    {
        var program = new VectorProgram(new SourceWriter(), classIndices: false);
        return _plan.Statistics.All(s => s.PerClass || program.IsScalar(s.Dense)) && FormsApart(forms);
    }

    /// <summary>Whether the forms read one class at a time: an activation per class (not a softmax), no sum over the classes.</summary>
    private bool FormsApart(IReadOnlyList<Expr> forms) =>
        !forms.Any(f => Algebra.Any(f, n => n is AggregateExpr))
        && Tags(Used(forms)).All(tag => Kind(tag) != Activation.Softmax);

    /// <summary>
    /// The forward of a declaration whose classes are apart (<see cref="ClassesApart"/>): the classes are the outer
    /// loop and each statistic's running sum is a local, added into the chunk's sums every 256 pixels, so the inner
    /// loop neither stores nor loads a sum.
    /// </summary>
    private void WriteClassOuterForward(SourceWriter w, IReadOnlyList<Expr> forms)
    {
        var body = new SourceWriter();
        var program = new VectorProgram(body, classIndices: false);
        program.EnterClassLoop();
        WriteHeader(w, forms);
        WriteRows(w, forms, dense: true, classOuter: true);
        w.Line($"var totals = new {Sums}<T>(scratch, sums.Length);");
        WritePrologue(body, program, forms, dense: true, classOuter: true);

        // Statistics that are one value per pixel (a count) are that value times the number of valid pixels.
        var after = new SourceWriter();
        var running = new List<(string Local, string At)>();
        var (ones, perClass, maps) = (0, 0, 0);
        foreach (var statistic in _plan.Statistics)
        {
            var comment = $"// {statistic.Name} = {statistic.Description}";
            if (statistic.Kind is StatisticKind.TopKValues or StatisticKind.LovaszErrors)
            {
                WriteMap(body, program, statistic, maps++, dense: true);
                continue;
            }

            var at = KernelEmitter.Offset(ones, perClass);
            if (!statistic.PerClass)
            {
                after.Line();
                after.Line(comment + " (the same at every pixel)");
                after.Line($"sums[{at}] += ({program.Value(statistic.Dense).Code}) * chunk.ValidCount;");
                ones++;
                continue;
            }

            perClass++;
            if (program.IsScalar(statistic.Dense))
            {
                after.Line();
                after.Line(comment + " (the same at every pixel)");
                after.Line("for (var c = 0; c < chunk.Classes; c++)");
                after.Block(() => after.Line($"sums[{at} + c] += ({program.Value(statistic.Dense).Code}) * chunk.ValidCount;"));
                continue;
            }

            var local = "sum" + statistic.Name;
            body.Line();
            body.Line(comment);
            body.Line($"{local} += {program.VectorValue(statistic.Dense)} * valid;");
            running.Add((local, at));
        }

        WriteConstants(w, program);
        w.Line("// Every statistic reads one class at a time: the classes are the outer loop, and the running sums locals,");
        w.Line("// added into the totals after each block of pixels.");
        w.Line("for (var c = 0; c < chunk.Classes; c++)");
        w.Block(() =>
        {
            w.Append(program.ClassConstants);
            w.Line($"for (var block = 0; block < chunk.Length; block += {Sums}<T>.BlockPixels)");
            w.Block(() =>
            {
                foreach (var (local, _) in running)
                {
                    w.Line($"var {local} = global::System.Numerics.Vector<T>.Zero;");
                }

                w.Line($"var end = global::System.Math.Min(block + {Sums}<T>.BlockPixels, chunk.Length);");
                w.Line("for (var i = block; i < end; i += global::System.Numerics.Vector<T>.Count)");
                w.Block(() => w.Append(body));
                w.Line();
                foreach (var (local, at) in running)
                {
                    w.Line($"totals.AddBlock({at} + c, {local});");
                }
            });
        });
        w.Line();
        w.Line("totals.AddTo(sums);");
        w.Append(after);
    }
}
