using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// Writes the CPU kernel of a declaration: for float32/float64 CPU logits with class indices, one pass over the pixels
/// computes the activation and adds every statistic (<c>ForwardChunk</c>), and one pass recomputes what the
/// closed-form backward needs and writes the gradient once (<c>BackwardChunk</c>); <c>DenseForwardChunk</c> and
/// <c>DenseBackwardChunk</c> do the same against a dense target, read per class, when the dense forms allow. Both run chunk by chunk on the
/// runtime's <c>StatisticsKernel</c>, which keeps the sums deterministic.
/// </summary>
internal sealed class KernelEmitter
{
    private const string Kernel = "global::SegLoss.Runtime.Kernels.Statistics.StatisticsKernel";
    private const string Chunk = "global::SegLoss.Runtime.Kernels.Statistics.KernelChunk";
    private const string Math = "global::SegLoss.Runtime.Kernels.Statistics.ChunkMath";
    private const string Constraint = "where T : unmanaged, global::System.Numerics.IFloatingPointIeee754<T>";

    private readonly LossPlan _plan;
    private readonly BackwardPlan _backward;
    private readonly IReadOnlyList<(string Local, Expr Value)> _steps;
    private readonly IReadOnlyList<(string Local, Expr Value)>? _denseSteps;

    /// <param name="plan">The declaration.</param>
    /// <param name="backward">Its closed-form backward.</param>
    /// <param name="steps">The backward's steps for class indices.</param>
    /// <param name="denseSteps">The backward's steps for a dense target, or null when dense targets take the tensor path.</param>
    public KernelEmitter(LossPlan plan, BackwardPlan backward, IReadOnlyList<(string Local, Expr Value)> steps, IReadOnlyList<(string Local, Expr Value)>? denseSteps)
    {
        _plan = plan;
        _backward = backward;
        _steps = steps;
        _denseSteps = denseSteps;
    }

    /// <summary>Why the declaration has no CPU kernel, or null when it has one.</summary>
    public static string? Unsupported(LossPlan plan, IReadOnlyList<(string Local, Expr Value)> indexSteps) =>
        UnsupportedForms(plan, IndexForms(plan).Concat(indexSteps.Select(s => s.Value))) ?? LovaszNeedsVectors(plan, indexSteps, dense: false);

    /// <summary>
    /// Why a dense target (one-hot, soft, binary) takes the tensor path, or null when the kernel also reads it: the
    /// dense forms must not read the true class (pt, log pt, wt, zt are sums over the classes there).
    /// </summary>
    public static string? DenseUnsupported(LossPlan plan, IReadOnlyList<(string Local, Expr Value)> denseSteps)
    {
        var forms = DenseForms(plan).Concat(denseSteps.Select(s => s.Value)).ToList();
        if (forms.Any(form => Algebra.Any(form, node => node is GatherExpr or ComposeExpr || node is QuantityExpr { Kind: Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement or Quantity.TrueLogit or Quantity.ClassWeightAtTrueClass })))
        {
            return "its dense forms read the true class";
        }

        return UnsupportedForms(plan, forms) ?? LovaszNeedsVectors(plan, denseSteps, dense: true);
    }

    /// <summary>
    /// Lovász's per-class errors are written only by the per-pixel loop (the span program has no per-class maps): a
    /// declaration with them whose forms the loop cannot write keeps the tensor path.
    /// </summary>
    private static string? LovaszNeedsVectors(LossPlan plan, IReadOnlyList<(string Local, Expr Value)> steps, bool dense)
    {
        if (!plan.Statistics.Any(s => s.Kind == StatisticKind.LovaszErrors) || plan.Backward is null)
        {
            return null;
        }

        var vector = new VectorKernelEmitter(plan, "");
        var reason = vector.Forward(dense).Reason ?? vector.Backward(steps, plan.Backward.Statistics.ToList(), dense).Reason;
        return reason is null ? null : "lovasz's errors need the per-pixel loop, and " + reason;
    }

    private static IEnumerable<Expr> IndexForms(LossPlan plan) =>
        plan.Statistics.SelectMany(s => new[] { s.EveryClass, s.TrueClass, s.Pixel }).Where(f => f is not null).Select(f => f!);

    private static IEnumerable<Expr> DenseForms(LossPlan plan) => plan.Statistics.Select(s => s.Dense);

    private static string? UnsupportedForms(LossPlan plan, IEnumerable<Expr> forms)
    {
        if (plan.Statistics.Any(s => s.Kind == StatisticKind.TopKValues && s.PerClass))
        {
            return "a topk per class selects over each class's values";
        }

        foreach (var form in forms)
        {
            if (Algebra.Any(form, node => node is QuantityExpr q && QuantityFacts.IsDistanceMap(q.Kind)))
            {
                return "distance maps are computed by the tensor path";
            }

            if (Algebra.Any(form, node => node is BinaryExpr { Operator: BinaryOperator.Power } power
                && Parsing.Binder.LevelOf(power.Left).Level == Parsing.Level.Pixel && Parsing.Binder.LevelOf(power.Right).Level == Parsing.Level.Pixel))
            {
                return "a power of two pixel values";
            }
        }

        return null;
    }

    public void Write(SourceWriter w)
    {
        var vector = new VectorKernelEmitter(_plan, WeightParameters);
        var gradients = _backward.Statistics.ToList();
        WriteStatistics(w);
        w.Line();
        WriteChunk(w, vector.Forward(dense: false), () => WriteForwardChunk(w, dense: false));
        if (_denseSteps is not null)
        {
            w.Line();
            WriteChunk(w, vector.Forward(dense: true), () => WriteForwardChunk(w, dense: true));
        }

        w.Line();
        WriteGradient(w);
        w.Line();
        WriteChunk(w, vector.Backward(_steps, gradients, dense: false), () => WriteBackwardChunk(w, _steps, dense: false));
        if (_denseSteps is not null)
        {
            w.Line();
            WriteChunk(w, vector.Backward(_denseSteps, gradients, dense: true), () => WriteBackwardChunk(w, _denseSteps, dense: true));
        }
    }

    /// <summary>A chunk as a per-pixel loop when every form has vector code, else as passes over the chunk's buffers.</summary>
    private static void WriteChunk(SourceWriter w, (SourceWriter? Code, string? Reason) vector, System.Action spans)
    {
        if (vector.Code is not null)
        {
            w.Append(vector.Code);
            return;
        }

        w.Line($"// Passes over the chunk's buffers, not a per-pixel loop: {vector.Reason}.");
        spans();
    }

    private IEnumerable<string> WeightSources =>
        IndexForms(_plan).Concat(_steps.Select(s => s.Value))
            .Concat(_denseSteps is null ? Enumerable.Empty<Expr>() : DenseForms(_plan).Concat(_denseSteps.Select(s => s.Value)))
            .SelectMany(e => Algebra.Nodes(e))
            .OfType<QuantityExpr>()
            .Where(q => q.Kind is Quantity.ClassWeight or Quantity.ClassWeightAtTrueClass)
            .Select(q => q.WeightSource)
            .Distinct()
            .OrderBy(s => s, System.StringComparer.Ordinal);

    private string WeightArguments => string.Concat(WeightSources.Select(s => ", " + LocalNames.Weights(s)));

    private string WeightParameters => string.Concat(WeightSources.Select(s => ", double[] " + LocalNames.Weights(s)));

    private void WriteWeights(SourceWriter w)
    {
        foreach (var source in WeightSources)
        {
            var field = source.Length == 0 ? "_class_weights" : $"_{source}_class_weights";
            w.Line($"var {LocalNames.Weights(source)} = {Kernel}.Values(batch.ClassWeights({field}, \"{field.Substring(1)}\"));");
        }
    }

    private void WriteStatistics(SourceWriter w)
    {
        w.Line("/// <summary>Every statistic in one pass of the CPU kernel over the pixels (see <see cref=\"ForwardChunk\"/>).</summary>");
        w.Line($"private Statistics KernelStatistics({KnownSymbols.LossBatch} batch)");
        w.Block(() =>
        {
            WriteWeights(w);
            var sums = _plan.Statistics.Where(s => s.Kind == StatisticKind.Sum).ToList();
            var maps = _plan.Statistics.Where(s => IsMap(s.Name)).ToList();
            var widths = string.Join(", ", sums.Select(s => s.PerClass ? "(int)batch.Classes" : "1"));
            var mapCount = maps.Count == 0
                ? ""
                : maps.All(m => !m.PerClass)
                    ? $", maps: {maps.Count.ToString(CultureInfo.InvariantCulture)}"
                    : $", mapWidths: new[] {{ {string.Join(", ", maps.Select(m => m.PerClass ? "(int)batch.Classes" : "1"))} }}";
            w.Line($"var widths = new[] {{ {widths} }};");
            if (maps.Count > 0)
            {
                w.Line($"// Then the per-pixel values of {string.Join(", ", maps.Select(m => $"{m.Name} ({(m.PerClass ? "[N, C, X]" : "[N, 1, X]")})"))}.");
            }

            var call = _denseSteps is null
                ? $"ForwardChunk(chunk, s{WeightArguments})"
                : $"{{ if (dense) DenseForwardChunk(chunk, s{WeightArguments}); else ForwardChunk(chunk, s{WeightArguments}); }}";
            if (_denseSteps is not null)
            {
                w.Line("var dense = !batch.HasClassIndices;");
            }

            w.Line($"var values = batch.Input.dtype == {KnownSymbols.Torch}.ScalarType.Float32");
            w.Line($"    ? {Kernel}.Run<float>(batch, widths{mapCount}, (in {Chunk}<float> chunk, global::System.Span<double> s) => {call})");
            w.Line($"    : {Kernel}.Run<double>(batch, widths{mapCount}, (in {Chunk}<double> chunk, global::System.Span<double> s) => {call});");
            string Index(StatisticPlan s) => (s.Kind == StatisticKind.Sum ? sums.IndexOf(s) : sums.Count + maps.IndexOf(s)).ToString(CultureInfo.InvariantCulture);
            var arguments = string.Join(", ", _plan.Statistics.Select(s => $"{s.Name}: values[{Index(s)}]"));
            w.Line($"return new Statistics({arguments});");
        });
    }

    private void WriteGradient(SourceWriter w)
    {
        w.Line("/// <summary>The closed-form backward in one pass of the CPU kernel (see <see cref=\"BackwardChunk\"/>).</summary>");
        w.Line($"private {KnownSymbols.Tensor} KernelGradient({KnownSymbols.LossBatch} batch, {KnownSymbols.ReadOnlyList}<{KnownSymbols.Tensor}> g)");
        w.Block(() =>
        {
            WriteWeights(w);
            var indexed = _backward.Statistics.Select((name, i) => (Name: name, Index: i.ToString(CultureInfo.InvariantCulture))).ToList();
            var sums = indexed.Where(s => !IsMap(s.Name)).Select(s => $"{Kernel}.Values(g[{s.Index}])");
            var maps = indexed.Where(s => IsMap(s.Name)).Select(s => $"g[{s.Index}]").ToList();
            w.Line($"var gradients = new double[][] {{ {string.Join(", ", sums)} }};");
            var mapArgument = maps.Count == 0 ? "" : ", mapGradients";
            if (maps.Count > 0)
            {
                var shapes = _backward.Statistics.Where(IsMap).Select(name => _plan.Statistics.First(s => s.Name == name).PerClass ? "[N, C, X]" : "[N, 1, X]").Distinct();
                w.Line($"var mapGradients = new[] {{ {string.Join(", ", maps)} }}; // per pixel, {string.Join(" or ", shapes)}");
            }

            var call = _denseSteps is null
                ? $"BackwardChunk(chunk, gradients{WeightArguments})"
                : $"{{ if (dense) DenseBackwardChunk(chunk, gradients{WeightArguments}); else BackwardChunk(chunk, gradients{WeightArguments}); }}";
            if (_denseSteps is not null)
            {
                w.Line("var dense = !batch.HasClassIndices;");
            }

            w.Line($"return batch.Input.dtype == {KnownSymbols.Torch}.ScalarType.Float32");
            w.Line($"    ? {Kernel}.Gradient<float>(batch{mapArgument}, (in {Chunk}<float> chunk) => {call})");
            w.Line($"    : {Kernel}.Gradient<double>(batch{mapArgument}, (in {Chunk}<double> chunk) => {call});");
        });
    }

    private void WriteForwardChunk(SourceWriter w, bool dense)
    {
        w.Line(dense
            ? "/// <summary>One chunk's statistics against a dense target (y read per class): the activation, then each statistic's pixel sum.</summary>"
            : "/// <summary>One chunk's statistics: the activation, then each statistic's pixel sum into <paramref name=\"sums\"/>.</summary>");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        w.Line($"private void {(dense ? "Dense" : "")}ForwardChunk<T>(in {Chunk}<T> chunk, global::System.Span<double> sums{WeightParameters})");
        w.Line($"    {Constraint}");
        w.Block(() =>
        {
            var program = WritePrologue(w, (dense ? DenseForms(_plan) : IndexForms(_plan)).ToList());
            var (ones, perClass, maps) = (0, 0, 0);
            foreach (var statistic in _plan.Statistics)
            {
                w.Line();
                w.Line($"// {statistic.Name} = {statistic.Description}");
                if (statistic.Kind == StatisticKind.TopKValues)
                {
                    // Not a sum: each pixel's value, for the term's selection over the batch.
                    var value = program.AtPixel(dense ? statistic.Dense : statistic.Pixel!);
                    var map = $"chunk.Map({(maps++).ToString(CultureInfo.InvariantCulture)})";
                    w.Line(value.IsSpan ? $"{value.Code}.CopyTo({map});" : $"{Math}.Fill<T>({map}, {value.Code});");
                    continue;
                }

                var at = Offset(ones, perClass);
                if (!statistic.PerClass)
                {
                    WriteSum(w, program, dense ? statistic.Dense : statistic.Pixel!, $"sums[{at}]");
                    ones++;
                    continue;
                }

                if (dense)
                {
                    program.Hoist(statistic.Dense);
                    program.ClassLoop(() => WriteSum(w, program, statistic.Dense, $"sums[{at} + c]"));
                    perClass++;
                    continue;
                }

                if (statistic.EveryClass is { } everyClass)
                {
                    program.Hoist(everyClass);
                    program.ClassLoop(() => WriteSum(w, program, everyClass, $"sums[{at} + c]"));
                }

                if (statistic.TrueClass is { } trueClass)
                {
                    var value = program.AtPixel(trueClass);
                    w.Line(value.IsSpan
                        ? $"chunk.SumAtTrueClass({value.Code}, sums.Slice({at}, chunk.Classes));"
                        : $"chunk.CountAtTrueClass(sums.Slice({at}, chunk.Classes), {value.Code});");
                }

                perClass++;
            }
        });
    }

    /// <summary>Whether the statistic named <paramref name="name"/> is a per-pixel map (a topk's values, Lovász's errors), not a sum.</summary>
    private bool IsMap(string name) => _plan.Statistics.Any(s => s.Name == name && s.Kind is StatisticKind.TopKValues or StatisticKind.LovaszErrors);

    /// <summary>Where a statistic's sums start: after <paramref name="ones"/> single sums and <paramref name="perClass"/> per-class ones.</summary>
    public static string Offset(int ones, int perClass)
    {
        var classes = perClass switch
        {
            0 => "",
            1 => "chunk.Classes",
            _ => $"{perClass.ToString(CultureInfo.InvariantCulture)} * chunk.Classes",
        };
        return ones == 0 && classes.Length > 0 ? classes : classes.Length == 0 ? ones.ToString(CultureInfo.InvariantCulture) : $"{ones.ToString(CultureInfo.InvariantCulture)} + {classes}";
    }

    private static void WriteSum(SourceWriter w, SpanProgram program, Expr values, string target)
    {
        if (program.SpanProduct(values) is { } product)
        {
            w.Line($"{target} += chunk.SumProduct({product.X.Code}, {product.Y.Code});");
            return;
        }

        var value = program.AtClass(values);
        w.Line(value.IsSpan ? $"{target} += chunk.Sum({value.Code});" : $"{target} += ({value.Code}) * chunk.ValidCount;");
    }

    private void WriteBackwardChunk(SourceWriter w, IReadOnlyList<(string Local, Expr Value)> steps, bool dense)
    {
        w.Line(dense
            ? "/// <summary>One chunk's gradient against a dense target: the adjoints of the quantities, through the activation, written once.</summary>"
            : "/// <summary>One chunk's gradient: the adjoints of the quantities, through the activation, written once.</summary>");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        w.Line($"private void {(dense ? "Dense" : "")}BackwardChunk<T>(in {Chunk}<T> chunk, double[][] gradients{WeightParameters})");
        w.Line($"    {Constraint}");
        w.Block(() =>
        {
            foreach (var (statistic, i) in _backward.Statistics.Where(s => !IsMap(s)).Select((s, i) => (s, i)))
            {
                w.Line($"var {LocalNames.Gradient(statistic)} = gradients[{i.ToString(CultureInfo.InvariantCulture)}];");
            }

            foreach (var (statistic, i) in _backward.Statistics.Where(IsMap).Select((s, i) => (s, i)))
            {
                w.Line($"var {LocalNames.Gradient(statistic)} = chunk.MapGradient({i.ToString(CultureInfo.InvariantCulture)}); // per pixel");
            }

            w.Line("var row = chunk.Sample * chunk.Classes;");
            var program = WritePrologue(w, steps.Select(s => s.Value).ToList());
            foreach (var (local, value) in steps)
            {
                w.Line();
                if (local == "dz")
                {
                    w.Line("// dL/dz, written once (zero at ignored pixels).");
                    program.Hoist(value);
                    program.ClassLoop(() =>
                    {
                        w.Line("var gradient = chunk.Gradient(c);");
                        program.AtClassInto(value, "gradient");
                        w.Line("if (!chunk.Valid.IsEmpty)");
                        w.Block(() => w.Line($"{Math}.Multiply<T>(gradient, chunk.Valid, gradient);"));
                    });
                    continue;
                }

                w.Line($"var {local} = scratch.PerClass(chunk.Classes);");
                var (everyClass, trueClass) = value is ComposeExpr compose ? (compose.EveryClass, compose.TrueClass) : (value, null);
                if (everyClass is null)
                {
                    w.Line("for (var c = 0; c < chunk.Classes; c++)");
                    w.Block(() => w.Line($"{local}[c].Clear();"));
                }
                else
                {
                    program.Hoist(everyClass);
                    program.ClassLoop(() => program.AtClassInto(everyClass, $"{local}[c]"));
                }

                if (trueClass is not null)
                {
                    var atTrue = program.AtPixel(trueClass);
                    w.Line($"chunk.AddAtTrueClass({local}, {atTrue.Code});");
                }
            }
        });
    }

    /// <summary>
    /// The locals every form reads: C, scratch, each activation's rows and the true-class quantities; returns the
    /// program with those bound.
    /// </summary>
    private SpanProgram WritePrologue(SourceWriter w, IReadOnlyList<Expr> forms)
    {
        var used = new HashSet<QuantityExpr>(forms.SelectMany(Algebra.Nodes).OfType<QuantityExpr>());
        w.Line("var scratch = chunk.Scratch;");
        if (used.Any(q => q.Kind == Quantity.ClassCount) || forms.Any(f => Algebra.Any(f, n => n is AggregateExpr)))
        {
            w.Line("var C = (double)chunk.Classes;");
        }

        var program = new SpanProgram(w, _plan.Statistics.Where(s => s.Kind == StatisticKind.TopKValues).Select(s => s.Name));
        Activation Kind(Activation tag) => tag == Activation.Declared ? _plan.Options.Activation : tag;
        var tags = used.Where(q => QuantityFacts.DependsOnActivation(q.Kind)).Select(q => q.Activation).Distinct().OrderBy(t => t == Activation.Declared ? -1 : (int)t);
        foreach (var tag in tags)
        {
            bool Uses(params Quantity[] kinds) => used.Any(q => q.Activation == tag && kinds.Contains(q.Kind));
            var (p, logp, log1mp) = (LocalNames.Full(Quantity.Probability, tag), LocalNames.Full(Quantity.LogProbability, tag), LocalNames.Full(Quantity.LogComplement, tag));
            var needsLog = Uses(Quantity.LogProbability, Quantity.TrueLogProbability, Quantity.LogComplement) || (Kind(tag) == Activation.Softmax && Uses(Quantity.TrueLogComplement));
            w.Line();
            w.Line($"var {p} = scratch.PerClass(chunk.Classes);");
            w.Line($"var {logp} = scratch.PerClass({(needsLog ? "chunk.Classes" : "0")});");
            switch (Kind(tag))
            {
                case Activation.Softmax:
                    w.Line($"chunk.Softmax({p}, {logp}, withLog: {Literals.Bool(needsLog)});");
                    break;
                case Activation.Sigmoid:
                    w.Line("for (var c = 0; c < chunk.Classes; c++)");
                    w.Block(() =>
                    {
                        w.Line($"{Math}.Sigmoid<T>(chunk.Logits(c), {p}[c]);");
                        if (needsLog)
                        {
                            w.Line($"{Math}.LogSigmoid<T>(chunk.Logits(c), {logp}[c]);");
                        }
                    });
                    break;
                default:
                    w.Line("for (var c = 0; c < chunk.Classes; c++)");
                    w.Block(() =>
                    {
                        w.Line($"chunk.Logits(c).CopyTo({p}[c]);");
                        if (needsLog)
                        {
                            w.Line($"{Math}.Log<T>({p}[c], {logp}[c]);");
                        }
                    });
                    break;
            }

            if (Uses(Quantity.LogComplement))
            {
                w.Line($"var {log1mp} = scratch.PerClass(chunk.Classes);");
                w.Line("for (var c = 0; c < chunk.Classes; c++)");
                w.Block(() =>
                {
                    switch (Kind(tag))
                    {
                        case Activation.Softmax:
                            w.Line($"{Math}.LogOneMinusExp<T>({logp}[c], {log1mp}[c]);");
                            break;
                        case Activation.Sigmoid:
                            w.Line($"{Math}.Negate<T>(chunk.Logits(c), {log1mp}[c]);");
                            w.Line($"{Math}.LogSigmoid<T>({log1mp}[c], {log1mp}[c]);");
                            break;
                        default:
                            w.Line($"{Math}.Negate<T>({p}[c], {log1mp}[c]);");
                            w.Line($"{Math}.LogP1<T>({log1mp}[c], {log1mp}[c]);");
                            break;
                    }
                });
            }

            var pt = LocalNames.AtTrueClass(Quantity.TrueProbability, tag);
            var logpt = LocalNames.AtTrueClass(Quantity.TrueLogProbability, tag);
            var log1mpt = LocalNames.AtTrueClass(Quantity.TrueLogComplement, tag);
            if (Uses(Quantity.TrueProbability) || (Uses(Quantity.TrueLogComplement) && Kind(tag) == Activation.None))
            {
                w.Line($"var {pt} = scratch.Pixel();");
                w.Line($"chunk.AtTrueClass({p}, {pt});");
                program.Bind(new QuantityExpr(Quantity.TrueProbability, tag, ""), pt);
            }

            if (Uses(Quantity.TrueLogProbability))
            {
                w.Line($"var {logpt} = scratch.Pixel();");
                w.Line($"chunk.AtTrueClass({logp}, {logpt});");
                program.Bind(new QuantityExpr(Quantity.TrueLogProbability, tag, ""), logpt);
            }

            if (Uses(Quantity.TrueLogComplement))
            {
                w.Line($"var {log1mpt} = scratch.Pixel();");
                switch (Kind(tag))
                {
                    case Activation.Softmax:
                        w.Line($"chunk.LogComplementAtTrueClass({p}, {logp}, {log1mpt});");
                        break;
                    case Activation.Sigmoid:
                        w.Line($"chunk.LogitsAtTrueClass({log1mpt});");
                        w.Line($"{Math}.Negate<T>({log1mpt}, {log1mpt});");
                        w.Line($"{Math}.LogSigmoid<T>({log1mpt}, {log1mpt});");
                        break;
                    default:
                        w.Line($"{Math}.Negate<T>({pt}, {log1mpt});");
                        w.Line($"{Math}.LogP1<T>({log1mpt}, {log1mpt});");
                        break;
                }

                program.Bind(new QuantityExpr(Quantity.TrueLogComplement, tag, ""), log1mpt);
            }
        }

        if (used.Any(q => q.Kind == Quantity.TrueLogit))
        {
            w.Line("var zt = scratch.Pixel();");
            w.Line("chunk.LogitsAtTrueClass(zt);");
            program.Bind(used.First(q => q.Kind == Quantity.TrueLogit), "zt");
        }

        foreach (var weight in used.Where(q => q.Kind == Quantity.ClassWeightAtTrueClass).OrderBy(q => q.WeightSource, System.StringComparer.Ordinal))
        {
            var local = LocalNames.WeightsAtTrueClass(weight.WeightSource);
            w.Line($"var {local} = scratch.Pixel();");
            w.Line($"chunk.AtTrueClass({LocalNames.Weights(weight.WeightSource)}, {local});");
            program.Bind(weight, local);
        }

        return program;
    }
}
