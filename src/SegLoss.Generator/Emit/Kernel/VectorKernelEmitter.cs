using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// Writes a declaration's kernel chunks as per-pixel loops (<see cref="VectorProgram"/>): one loop over the chunk a
/// vector of pixels at a time computes the activation, every statistic's pixel value and its running sum, or the
/// adjoints and the gradient, in registers. A form it has no vector code for makes it give up (null), and the chunk
/// is written by the span program instead.
/// </summary>
internal sealed partial class VectorKernelEmitter
{
    private const string Chunk = "global::SegLoss.Runtime.Kernels.Statistics.KernelChunk";
    private const string Math = "global::SegLoss.Runtime.Kernels.Statistics.PixelMath";
    private const string Sums = "global::SegLoss.Runtime.Kernels.Statistics.PixelSums";
    private const string Constraint = "where T : unmanaged, global::System.Numerics.IFloatingPointIeee754<T>";
    private const string Optimized = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    private readonly LossPlan _plan;
    private readonly string _weightParameters;

    public VectorKernelEmitter(LossPlan plan, string weightParameters)
    {
        _plan = plan;
        _weightParameters = weightParameters;
    }

    /// <summary>
    /// The statistics that are per-pixel maps (a topk's values, Lovász's errors per class), not sums, in the order the
    /// kernel numbers them.
    /// </summary>
    private IEnumerable<string> Maps => _plan.Statistics.Where(s => s.Kind is StatisticKind.TopKValues or StatisticKind.LovaszErrors).Select(s => s.Name);

    /// <summary>The forward chunk as a per-pixel loop, or null (with the reason) when a form has no vector code.</summary>
    public (SourceWriter? Code, string? Reason) Forward(bool dense) => Attempt(w => WriteForward(w, dense));

    /// <summary>The backward chunk as a per-pixel loop, or null (with the reason) when a form has no vector code.</summary>
    public (SourceWriter? Code, string? Reason) Backward(IReadOnlyList<(string Local, Expr Value)> steps, IReadOnlyList<string> gradients, bool dense) =>
        Attempt(w => WriteBackward(w, steps, gradients, dense));

    private (SourceWriter? Code, string? Reason) Attempt(System.Action<SourceWriter> write)
    {
        var w = new SourceWriter();
        try
        {
            write(w);
            return (w, null);
        }
        catch (UnsupportedFormException unsupported)
        {
            return (null, unsupported.Message);
        }
    }

    private void WriteForward(SourceWriter w, bool dense)
    {
        w.Line(dense
            ? "/// <summary>One chunk's statistics against a dense target (y read per class), a vector of pixels at a time: the activation and each statistic's pixel value stay in registers; only their running sums are kept.</summary>"
            : "/// <summary>One chunk's statistics, a vector of pixels at a time: the activation and each statistic's pixel value stay in registers; only their running sums are kept.</summary>");
        w.Line(Optimized);
        w.Line($"private void {(dense ? "Dense" : "")}ForwardChunk<T>(in {Chunk}<T> chunk, global::System.Span<double> sums{_weightParameters})");
        w.Line($"    {Constraint}");
        w.Block(() =>
        {
            var forms = (dense ? _plan.Statistics.Select(s => s.Dense) : _plan.Statistics.SelectMany(s => new[] { s.EveryClass, s.TrueClass, s.Pixel }).Where(f => f is not null).Select(f => f!)).ToList();
            if (dense && ClassesApart(forms))
            {
                WriteClassOuterForward(w, forms);
                return;
            }

            var body = new SourceWriter();
            var program = new VectorProgram(body, classIndices: !dense);
            WriteHeader(w, forms);
            WriteRows(w, forms, dense);
            w.Line($"var totals = new {Sums}<T>(scratch, sums.Length);");
            WritePrologue(body, program, forms, dense);

            var after = new SourceWriter();
            WriteSums(body, after, program, dense);

            WriteConstants(w, program);
            w.Line("for (var i = 0; i < chunk.Length; i += global::System.Numerics.Vector<T>.Count)");
            w.Block(() =>
            {
                w.Append(body);
                w.Line();
                w.Line("totals.Next();");
            });
            w.Line();
            w.Line("totals.AddTo(sums);");
            w.Append(after);
        });
    }

    /// <summary>
    /// Each statistic's running sum in the loop <paramref name="body"/>; statistics that are one value per pixel (a
    /// count) go to <paramref name="after"/> the loop, as that value times the number of valid pixels.
    /// </summary>
    private void WriteSums(SourceWriter body, SourceWriter after, VectorProgram program, bool dense)
    {
        var perClassParts = new List<(string Comment, string At, Expr Value)>();
        var (ones, perClass) = (0, 0);
        var maps = 0;
        foreach (var statistic in _plan.Statistics)
        {
            var comment = $"// {statistic.Name} = {statistic.Description}";
            if (statistic.Kind is StatisticKind.TopKValues or StatisticKind.LovaszErrors)
            {
                // Not a sum: each pixel's value, for the term's selection or sort over the batch.
                WriteMap(body, program, statistic, maps++, dense);
                continue;
            }

            var at = KernelEmitter.Offset(ones, perClass);
            if (!statistic.PerClass)
            {
                var form = dense ? statistic.Dense : statistic.Pixel!;
                if (program.IsScalar(form))
                {
                    after.Line();
                    after.Line(comment + " (the same at every pixel)");
                    after.Line($"sums[{at}] += ({program.Value(form).Code}) * chunk.ValidCount;");
                }
                else
                {
                    body.Line();
                    body.Line(comment);
                    body.Line($"totals.Add({at}, {program.VectorValue(form)} * valid);");
                }

                ones++;
                continue;
            }

            var everyClass = dense ? statistic.Dense : statistic.EveryClass;
            var trueClass = dense ? null : statistic.TrueClass;
            if (everyClass is not null && program.IsScalar(everyClass))
            {
                after.Line();
                after.Line(comment + " (the same at every pixel)");
                after.Line("for (var c = 0; c < chunk.Classes; c++)");
                after.Block(() => after.Line($"sums[{at} + c] += ({program.Value(everyClass).Code}) * chunk.ValidCount;"));
            }

            if (everyClass is not null && !program.IsScalar(everyClass))
            {
                // Written after the others, in one class loop with every statistic's per-class part.
                perClassParts.Add((comment, at, everyClass));
            }

            if (trueClass is not null)
            {
                body.Line();
                body.Line(comment + (everyClass is null ? "" : " (at the true class)"));
                if (program.IsScalar(trueClass) && Parsing.Binder.LevelOf(trueClass).PerClass)
                {
                    throw new UnsupportedFormException("a per-class value at the true class");
                }

                var atTrueClass = trueClass is NumberExpr { Value: 1 } ? "valid" : $"{program.VectorValue(trueClass)} * valid";
                body.Line($"totals.AddAtClass({at}, isClass, {atTrueClass});");
            }

            perClass++;
        }

        if (perClassParts.Count > 0)
        {
            body.Line();
            body.Line("// The statistics' parts at every class, in one class loop.");
            foreach (var part in perClassParts)
            {
                program.Hoist(part.Value);
            }

            program.ClassLoop(() =>
            {
                foreach (var (comment, at, value) in perClassParts)
                {
                    body.Line(comment);
                    body.Line($"totals.Add({at} + c, {program.VectorValue(value)} * valid);");
                }
            });
        }
    }

    private void WriteBackward(SourceWriter w, IReadOnlyList<(string Local, Expr Value)> steps, IReadOnlyList<string> gradients, bool dense)
    {
        w.Line(dense
            ? "/// <summary>One chunk's gradient against a dense target, a vector of pixels at a time: the adjoints of the quantities, through the activation, in registers; the gradient written once.</summary>"
            : "/// <summary>One chunk's gradient, a vector of pixels at a time: the adjoints of the quantities, through the activation, in registers; the gradient written once.</summary>");
        w.Line(Optimized);
        w.Line($"private void {(dense ? "Dense" : "")}BackwardChunk<T>(in {Chunk}<T> chunk, double[][] gradients{_weightParameters})");
        w.Line($"    {Constraint}");
        w.Block(() =>
        {
            // The sums' gradients; a map's gradient is read a vector at a time (chunk.MapGradientAt).
            var maps = gradients.Where(g => Maps.Contains(g)).ToList();
            foreach (var (gradient, k) in gradients.Where(g => !maps.Contains(g)).Select((g, k) => (g, k)))
            {
                w.Line($"var {LocalNames.Gradient(gradient)} = gradients[{k.ToString(System.Globalization.CultureInfo.InvariantCulture)}];");
            }

            w.Line("var row = chunk.Sample * chunk.Classes;");
            var forms = steps.Select(s => s.Value).ToList();
            var body = new SourceWriter();
            var program = new VectorProgram(body, classIndices: !dense, maps);
            WriteHeader(w, forms);
            var classOuter = dense && FormsApart(forms);
            WriteRows(w, forms, dense, classOuter);
            if (classOuter)
            {
                program.EnterClassLoop();
            }
            else
            {
                foreach (var (local, _) in steps.Where(s => s.Local != "dz"))
                {
                    w.Line($"var {local} = scratch.Vectors(chunk.Classes);");
                }
            }

            WritePrologue(body, program, forms, dense, classOuter);
            WriteSteps(body, program, steps);
            WriteConstants(w, program);
            if (classOuter)
            {
                w.Line("// Every step reads one class at a time: the classes are the outer loop.");
                w.Line("for (var c = 0; c < chunk.Classes; c++)");
                w.Block(() =>
                {
                    w.Append(program.ClassConstants);
                    w.Line("for (var i = 0; i < chunk.Length; i += global::System.Numerics.Vector<T>.Count)");
                    w.Block(() => w.Append(body));
                });
                return;
            }

            w.Line("for (var i = 0; i < chunk.Length; i += global::System.Numerics.Vector<T>.Count)");
            w.Block(() => w.Append(body));
        });
    }

    /// <summary>The backward's steps in the loop <paramref name="body"/>, the last one (dz) written to the gradient.</summary>
    private static void WriteSteps(SourceWriter body, VectorProgram program, IReadOnlyList<(string Local, Expr Value)> steps)
    {
        // Consecutive steps share one class loop (each reads the others at its own class only), unless a step's
        // per-pixel part reads a step before it: a sum over the classes needs every class of that step first.
        var group = new List<(string Local, Expr Value)>();
        void WriteGroup()
        {
            if (group.Count == 0)
            {
                return;
            }

            body.Line();
            body.Line($"// {string.Join(", ", group.Select(s => s.Local))}");
            foreach (var (_, value) in group)
            {
                program.Hoist(value);
            }

            program.ClassLoop(() =>
            {
                foreach (var (local, value) in group)
                {
                    body.Line(program.ClassOuter ? $"var {local} = {program.VectorValue(value)};" : $"{local}[c] = {program.VectorValue(value)};");
                }
            });
            group.Clear();
        }

        foreach (var (local, value) in steps)
        {
            if (local == "dz")
            {
                WriteGroup();
                body.Line();
                body.Line("// dL/dz, written once (zero at ignored pixels).");
                program.Hoist(value);
                program.ClassLoop(() => body.Line($"chunk.SetGradient(c, i, {program.VectorValue(value)} * valid);"));
                continue;
            }

            if (program.PixelPartsReadRows(value))
            {
                WriteGroup();
            }

            group.Add((local, value));
        }

        WriteGroup();
    }

    /// <summary>A map statistic's value at the vector of pixels (per class for Lovász's errors), stored into map <paramref name="k"/>.</summary>
    private static void WriteMap(SourceWriter body, VectorProgram program, StatisticPlan statistic, int k, bool dense)
    {
        var form = dense ? statistic.Dense : statistic.Pixel!;
        var index = k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        body.Line();
        body.Line($"// {statistic.Name} = {statistic.Description} (each pixel's value{(statistic.PerClass ? " per class" : "")})");
        if (!statistic.PerClass)
        {
            body.Line($"chunk.SetMapAt({index}, i, {program.VectorValue(form)});");
            return;
        }

        program.Hoist(form);
        program.ClassLoop(() => body.Line($"chunk.SetClassMapAt({index}, c, i, {program.VectorValue(form)});"));
    }

    private static void WriteConstants(SourceWriter w, VectorProgram program)
    {
        if (program.Constants.ToString().Length > 0)
        {
            w.Line();
            w.Line("// The scalars the loop reads, as vectors (a table of one per class where they depend on the class).");
            w.Append(program.Constants);
        }

        w.Line();
    }

    private static void WriteHeader(SourceWriter w, IReadOnlyList<Expr> forms)
    {
        w.Line("var scratch = chunk.Scratch;");
        if (forms.SelectMany(Algebra.Nodes).OfType<QuantityExpr>().Any(q => q.Kind == Quantity.ClassCount) || forms.Any(f => Algebra.Any(f, n => n is AggregateExpr)))
        {
            w.Line("var C = (double)chunk.Classes;");
        }
    }
}
