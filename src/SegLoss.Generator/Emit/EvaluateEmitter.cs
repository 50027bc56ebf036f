using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit;

/// <summary>
/// Writes <c>Evaluate</c>: validate and flatten the batch, one activation per activation used, every statistic once
/// (from class indices without a one-hot tensor, or from a dense target), then each term over the statistics.
/// Everything runs in a dispose scope; only the loss leaves it. With a closed-form backward, the activations and
/// statistics move into <c>ComputeStatistics</c>, run as one autograd node whose backward is <c>StatisticsBackward</c>.
/// </summary>
internal sealed class EvaluateEmitter
{
    private readonly LossPlan _plan;
    private readonly QuantityUsage _usage;

    /// <summary>The closed-form backward's steps for class-index targets (what the CPU kernel evaluates).</summary>
    private readonly IReadOnlyList<(string Local, Expr Value)>? _indexSteps;

    /// <summary>The closed-form backward's steps for dense targets (what the CPU kernel evaluates for them).</summary>
    private readonly IReadOnlyList<(string Local, Expr Value)>? _denseSteps;

    /// <summary>Why there is no CPU kernel, or null when there is one.</summary>
    private readonly string? _kernelUnsupported;

    /// <summary>Why the CPU kernel does not read dense targets, or null when it does.</summary>
    private readonly string? _denseKernelUnsupported;

    public EvaluateEmitter(LossPlan plan)
    {
        _plan = plan;
        _usage = new QuantityUsage(plan);
        if (plan.Backward is { } backward)
        {
            var chain = new BackwardEmitter(plan, backward);
            _indexSteps = chain.Chain(backward.IndexTarget, dense: false);
            _denseSteps = chain.Chain(backward.DenseTarget, dense: true);
        }

        _kernelUnsupported = Kernel.KernelEmitter.Unsupported(plan, _indexSteps ?? new List<(string, Expr)>());
        _denseKernelUnsupported = Kernel.KernelEmitter.DenseUnsupported(plan, _denseSteps ?? new List<(string, Expr)>());
    }

    public void Write(SourceWriter w)
    {
        var blob = _plan.Options.Blob;
        var instances = blob is not null ? $", {KnownSymbols.Tensor}? instances" : _usage.UsesTargetDistances ? $", {KnownSymbols.Tensor}? distances" : "";
        w.Line($"private {KnownSymbols.Tensor} Evaluate({KnownSymbols.Tensor} input, {KnownSymbols.Tensor} target{instances}, {KnownSymbols.BreakdownBuilder}? breakdown)");
        w.Block(() =>
        {
            w.Line($"using var scope = {KnownSymbols.Torch}.NewDisposeScope();");
            var activation = _plan.Options.Activation switch
            {
                Activation.Sigmoid => "Sigmoid",
                Activation.None => "None",
                _ => "Softmax",
            };
            var softmaxAnywhere = _plan.Options.Activation == Activation.Softmax || _usage.Everything.Any(q => q.Activation == Activation.Softmax);
            w.Line($"var batch = {KnownSymbols.LossBatch}.Create(input, target, new {KnownSymbols.LossBatchOptions}({KnownSymbols.Activation}.{activation}, _ignore_index, RequiresSeveralClasses: {Literals.Bool(softmaxAnywhere)}));");
            QuantityEmitter.WriteConstants(w, _usage);
            if (blob is not null)
            {
                w.Line();
                w.Line("// Blob loss: every instance scored on its own, the other instances of its class masked out.");
                w.Line($"var blob = {KnownSymbols.BlobLayout}.Create(batch, instances, connectivityRank: {blob.ConnectivityRank.ToString(System.Globalization.CultureInfo.InvariantCulture)});");
            }

            if (_plan.Backward is null)
            {
                w.Line();
                w.Line($"// The gradient is TorchSharp autograd's: {_plan.AutogradReason}.");
                QuantityEmitter.WriteActivations(w, _usage, _plan.Options.Activation);
                WriteDistanceMaps(w);
                w.Line();
                WriteStatistics(w);
            }
            else
            {
                WriteDistanceMaps(w);
                w.Line();
                WriteStatisticsNode(w);
            }

            w.Line();
            if (blob is not null)
            {
                WriteBlobStatistics(w);
                w.Line();
            }

            w.Line("Statistics? pooledStatistics = null;");
            w.Line("Statistics StatisticsFor(bool batchStatistics) =>");
            w.Line($"    batchStatistics && _reduction != {KnownSymbols.Reduction}.None ? pooledStatistics ??= statistics.Pooled() : statistics;");
            foreach (var term in _plan.Terms)
            {
                w.Line();
                WriteTerm(w, term);
            }

            w.Line();
            var sum = string.Join("\n    + ", _plan.Terms.Select(t =>
                $"_{t.WeightParameter} * {KnownSymbols.LossTerms}.Reduce({LocalNames.Term(t.Name)}, _reduction, batch.Samples)"));
            if (blob is not null)
            {
                // Blob loss: main_weight times the loss on the whole target plus blob_weight times its mean over instances.
                var blobSum = string.Join("\n    + ", _plan.Terms.Select(t => $"_{t.WeightParameter} * {LocalNames.Term(t.Name)}Blob"));
                sum = $"_main_weight * ({sum})\n    + _blob_weight * ({blobSum})";
            }

            var lines = ("var loss = " + sum + ";").Split('\n');
            foreach (var line in lines)
            {
                w.Line(line);
            }

            w.Line("breakdown?.SetTotal(loss);");
            w.Line($"{KnownSymbols.LossTerms}.EnsureFinite(loss, input);");
            w.Line("return loss.MoveToOuterDisposeScope();");
        });

        if (blob is not null)
        {
            w.Line();
            WriteBlobStatisticsMethod(w);
        }

        if (_plan.Backward is { } backward)
        {
            w.Line();
            WriteComputeStatistics(w);
            w.Line();
            new BackwardEmitter(_plan, backward).Write(w);
            if (_kernelUnsupported is null)
            {
                w.Line();
                new Kernel.KernelEmitter(_plan, backward, _indexSteps!, _denseKernelUnsupported is null ? _denseSteps : null).Write(w);
            }
        }
    }

    private IReadOnlyList<string> MapNames => _usage.DistanceMaps.Select(QuantityFacts.Name).ToList();

    private string MapParameters => string.Concat(MapNames.Select(m => $", {KnownSymbols.Tensor} {m}"));

    private void WriteStatisticsNode(SourceWriter w)
    {
        var maps = MapNames;
        var constants = maps.Count == 0 ? $"global::System.Array.Empty<{KnownSymbols.Tensor}?>()" : $"new {KnownSymbols.Tensor}?[] {{ {string.Join(", ", maps)} }}";
        var passed = string.Concat(maps.Select(m => ", " + m));
        var restored = string.Concat(maps.Select((_, i) => $", constants[{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}]!"));
        w.Line("// The statistics that depend on the prediction form one autograd node. Its backward, StatisticsBackward, is");
        w.Line("// derived in closed form: nothing full-size is kept for it but the input and the target.");
        var forward = $"ComputeStatistics(batch{passed})";
        var backward = $"StatisticsBackward(saved{restored}, g)";
        if (_kernelUnsupported is null && _denseKernelUnsupported is null)
        {
            w.Line("// On float32/float64 CPU logits, a CPU kernel computes both in one pass each.");
            w.Line($"var kernel = {KnownSymbols.StatisticsKernel}.Applies(batch, denseTargets: true);");
            forward = $"(kernel ? KernelStatistics(batch) : {forward})";
            backward = $"kernel ? KernelGradient(saved, g) : {backward}";
        }
        else if (_kernelUnsupported is null)
        {
            w.Line("// On float32/float64 CPU logits with class indices, a CPU kernel computes both in one pass each");
            w.Line($"// (a dense target takes the tensor path: {_denseKernelUnsupported}).");
            w.Line($"var kernel = {KnownSymbols.StatisticsKernel}.Applies(batch);");
            forward = $"(kernel ? KernelStatistics(batch) : {forward})";
            backward = $"kernel ? KernelGradient(saved, g) : {backward}";
        }
        else
        {
            w.Line($"// No CPU kernel: {_kernelUnsupported}.");
        }

        w.Line("Statistics statistics = null!;");
        w.Line($"var differentiable = {KnownSymbols.StatisticsNode}.Apply(batch, {constants},");
        w.Line($"    () => (statistics = {forward}).Differentiable(),");
        w.Line($"    (saved, constants, g) => {backward}{(_plan.Options.Blob is null ? ");" : ",")}");
        if (_plan.Options.Blob is not null)
        {
            w.Line("    picks: blob.InputIndex);");
        }

        w.Line("statistics = statistics.WithDifferentiable(differentiable);");
    }

    private void WriteComputeStatistics(SourceWriter w)
    {
        w.Line("/// <summary>Every statistic of the batch: the forward of the statistics node (run without autograd).</summary>");
        w.Line($"private Statistics ComputeStatistics({KnownSymbols.LossBatch} batch{MapParameters})");
        w.Block(() =>
        {
            QuantityEmitter.WriteConstants(w, _usage, pixelOnly: true);
            QuantityEmitter.WriteActivations(w, _usage, _plan.Options.Activation);
            w.Line();
            WriteStatistics(w);
            w.Line("return statistics;");
        });
    }

    /// <summary>Distance maps of the target (or of the thresholded prediction): constants for autograd.</summary>
    private void WriteDistanceMaps(SourceWriter w)
    {
        if (_usage.DistanceMaps.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line("// Distance maps (no gradient flows through them).");
        var field = _plan.Options.DistanceField == 1 ? "SegLossOdysseyHausdorff" : "MonaiHausdorff";
        foreach (var kind in _usage.DistanceMaps)
        {
            var convention = kind switch
            {
                Quantity.SignedDistance => "KervadecSigned",
                Quantity.Penalty => "SegLossOdysseyPenalized",
                _ => field,
            };
            var value = kind == Quantity.PredictionDistance
                ? $"batch.PredictionDistanceMap(p, {KnownSymbols.DistanceConvention}.{convention}, _spacing)"
                : $"batch.DistanceMap({KnownSymbols.DistanceConvention}.{convention}, _spacing, distances)";
            w.Line($"var {QuantityFacts.Name(kind)} = {value};");
        }
    }

    private void WriteStatistics(SourceWriter w)
    {
        w.Line("Statistics statistics;");
        w.Line("if (batch.HasClassIndices)");
        w.Block(() =>
        {
            w.Line("// y is one-hot and never built: sum f(p, y) = sum f(p, 0) + the sum at each pixel's true class of f(pt, 1) - f(pt, 0).");
            QuantityEmitter.WriteTrueClassLocals(w, _usage.IndexTarget, _plan.Options.Activation, dense: false);
            var shared = WriteSharedSkeletons(w, _plan.Statistics.SelectMany(s => new[] { s.EveryClass, s.TrueClass, s.Pixel }));
            WriteConstruction(w, s => IndexForm(Share(s, shared)));
        });
        w.Line("else");
        w.Block(() =>
        {
            w.Line("// One-hot, soft or binary target [N, C, X].");
            w.Line("var y = batch.Target;");
            QuantityEmitter.WriteTrueClassLocals(w, _usage.DenseTarget, _plan.Options.Activation, dense: true);
            var shared = WriteSharedSkeletons(w, _plan.Statistics.Select(s => s.Dense));
            WriteConstruction(w, s => DenseForm(Share(s, shared)));
        });
    }

    /// <summary>
    /// Blob loss's statistics per instance, from the logits at the instances' pixels: with a closed-form backward, an
    /// output of the statistics node (its backward adds their gradient at those pixels), else a gather through autograd.
    /// </summary>
    private void WriteBlobStatistics(SourceWriter w)
    {
        var logits = _plan.Backward is null ? "blob.Logits(batch.Input)" : "differentiable[^1]";
        w.Line("var blobClasses = batch.ClassIndices(true, \"include_background\");");
        w.Line($"var blobStatistics = BlobStatistics(batch, blob, {logits}, statistics);");
    }

    /// <summary>
    /// <c>BlobStatistics</c>: one row per instance, one segmented sum per statistic. An instance's statistic is the
    /// whole image's with y = 0 (a statistic of the whole target), minus its class's instance voxels with y = 0, plus
    /// this instance's voxels with y = 1, plus the masked value at the voxels of the class's other instances; only the
    /// instances' pixels are evaluated.
    /// </summary>
    private void WriteBlobStatisticsMethod(SourceWriter w)
    {
        var perClass = _plan.Statistics.Where(s => s.Name != "V").ToList();
        var usage = new QuantityUsage(
            perClass.SelectMany(s => new[] { s.EveryClass, s.BlobAtOne, s.BlobMasked, s.BlobWhole }).Where(e => e is not null)!,
            System.Array.Empty<Expr>());
        w.Line("/// <summary>");
        w.Line("/// Blob loss's statistics, one row per instance: the whole image's statistic with y = 0, minus the values with y = 0 at");
        w.Line("/// the instance voxels of the instance's class, plus the values with y = 1 at the instance's own voxels, plus the");
        w.Line("/// masked value at the class's other instance voxels. The values are computed at the instances' pixels alone, from");
        w.Line("/// <paramref name=\"logits\"/> <c>[1, C, M]</c>; <paramref name=\"statistics\"/> are the whole target's.");
        w.Line("/// </summary>");
        w.Line($"private Statistics BlobStatistics({KnownSymbols.LossBatch} batch, {KnownSymbols.BlobLayout} blob, {KnownSymbols.Tensor} logits, Statistics statistics)");
        w.Block(() =>
        {
            QuantityEmitter.WriteConstants(w, usage);
            QuantityEmitter.WriteActivations(w, usage, _plan.Options.Activation, input: "logits");
            w.Line();
            w.Line("return new Statistics(");
            w.Indent();
            for (var i = 0; i < _plan.Statistics.Count; i++)
            {
                var statistic = _plan.Statistics[i];
                var whole = statistic.BlobWhole is null ? "null" : ExprEmitter.Emit(statistic.BlobWhole, StatisticScope.Whole);
                var value = statistic.Name == "V"
                    ? "blob.PerInstance(batch.ValidCount)"
                    : $"blob.Sum({whole}, {Argument(statistic.EveryClass)}, {Argument(statistic.BlobAtOne)}, {Argument(statistic.BlobMasked)})";
                w.Line($"{statistic.Name}: {value}{(i + 1 < _plan.Statistics.Count ? "," : ");")}");
            }

            w.Outdent();
        });
    }

    private static string Argument(Expr? expression) =>
        expression is null ? "0.0" : ExprEmitter.Emit(expression, PixelScope.Instance);

    /// <summary>Spatial operators (soft skeletons, local statistics) are costly and several statistics read the same one: each is computed once, into a local.</summary>
    private static Dictionary<Expr, LocalExpr> WriteSharedSkeletons(SourceWriter w, IEnumerable<Expr?> forms)
    {
        var shared = new Dictionary<Expr, LocalExpr>();
        foreach (var form in forms.Where(f => f is not null))
        {
            foreach (var node in Algebra.Nodes(form!).Where(n => n is FunctionExpr f && SpatialFunctions.IsSpatial(f.Function)).Reverse())
            {
                if (!shared.ContainsKey(node))
                {
                    var prefix = ((FunctionExpr)node).Function switch
                    {
                        Function.Skeleton => "skeleton",
                        Function.HausdorffErosion => "erosion",
                        Function.LocalMean => "localMean",
                        Function.LocalDeviation => "localDeviation",
                        Function.Contour => "contour",
                        _ => "selected",
                    };
                    var local = new LocalExpr(prefix + (shared.Count(p => p.Value.Name.StartsWith(prefix, System.StringComparison.Ordinal)) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.Line($"var {local.Name} = {ExprEmitter.Emit(Replace(node, shared, skipRoot: true), PixelScope.Instance)};");
                    shared[node] = local;
                }
            }
        }

        return shared;
    }

    private static Expr Replace(Expr expr, Dictionary<Expr, LocalExpr> shared, bool skipRoot = false) =>
        Algebra.Rewrite(expr, node => !(skipRoot && ReferenceEquals(node, expr)) && shared.TryGetValue(node, out var local) ? local : null);

    private static StatisticPlan Share(StatisticPlan statistic, Dictionary<Expr, LocalExpr> shared) =>
        shared.Count == 0
            ? statistic
            : statistic with
            {
                EveryClass = statistic.EveryClass is null ? null : Replace(statistic.EveryClass, shared),
                TrueClass = statistic.TrueClass is null ? null : Replace(statistic.TrueClass, shared),
                Pixel = statistic.Pixel is null ? null : Replace(statistic.Pixel, shared),
                Dense = Replace(statistic.Dense, shared),
            };

    private void WriteConstruction(SourceWriter w, System.Func<StatisticPlan, string> form)
    {
        w.Line("statistics = new Statistics(");
        w.Indent();
        for (var i = 0; i < _plan.Statistics.Count; i++)
        {
            var statistic = _plan.Statistics[i];
            w.Line($"{statistic.Name}: {Scoped(form(statistic))}{(i + 1 < _plan.Statistics.Count ? "," : ");")}");
        }

        w.Outdent();
    }

    /// <summary>
    /// A statistic's code, evaluated in its own dispose scope when it computes anything: its full-size intermediates
    /// are freed before the next statistic is computed.
    /// </summary>
    private static string Scoped(string code) =>
        code.StartsWith("batch.", System.StringComparison.Ordinal) && code.IndexOf('(') < 0
            ? code
            : $"{KnownSymbols.ScopedResult}.Of(() => {code})";

    private static string IndexForm(StatisticPlan statistic)
    {
        if (statistic.Kind == StatisticKind.TopKValues)
        {
            return PixelValues(statistic.Pixel!);
        }

        if (statistic.Kind == StatisticKind.LovaszErrors)
        {
            return ExprEmitter.Emit(statistic.Pixel!, PixelScope.Instance);
        }

        if (!statistic.PerClass)
        {
            return statistic.Pixel is NumberExpr { Value: 1 } ? "batch.ValidCount" : SumPixels(statistic.Pixel!, perClass: false);
        }

        var parts = new List<string>();
        if (statistic.EveryClass is { } everyClass)
        {
            parts.Add(SumPixels(everyClass, perClass: true));
        }

        if (statistic.TrueClass is NumberExpr number)
        {
            parts.Add(number.Value == 1 ? "batch.CountAtTrueClass()" : $"{Literals.Double(number.Value)} * batch.CountAtTrueClass()");
        }
        else if (statistic.TrueClass is { } trueClass)
        {
            parts.Add($"batch.SumAtTrueClass({ExprEmitter.Emit(trueClass, PixelScope.Instance)})");
        }

        return parts.Count == 0 ? "batch.ZeroPerClass()" : string.Join(" + ", parts);
    }

    private static string DenseForm(StatisticPlan statistic)
    {
        if (statistic.Kind == StatisticKind.TopKValues)
        {
            return PixelValues(statistic.Dense);
        }

        if (statistic.Kind == StatisticKind.LovaszErrors)
        {
            return $"batch.PerClass({ExprEmitter.Emit(statistic.Dense, PixelScope.Instance)})";
        }

        return statistic.Dense is NumberExpr { Value: 1 } && !statistic.PerClass ? "batch.ValidCount" : SumPixels(statistic.Dense, statistic.PerClass);
    }

    /// <summary>
    /// The sum over the valid pixels of a pixel expression, term by term where that saves a full-size tensor: a sum of
    /// two pixel maps is the sum of their sums, and a sum over the classes of per-class factors times a map
    /// (<c>Σc w·k·log p</c>) is the factors times the map's per-class sums, so neither the sum nor the product is formed
    /// at every pixel.
    /// </summary>
    private static string SumPixels(Expr values, bool perClass)
    {
        if (IsSplit(values) is { } sum)
        {
            var right = SumPixels(sum.Right, perClass);
            return sum.Operator == BinaryOperator.Add
                ? $"{SumPixels(sum.Left, perClass)} + {right}"
                : $"{SumPixels(sum.Left, perClass)} - {(IsSplit(sum.Right) is null ? right : $"({right})")}";
        }

        if (values is AggregateExpr { Aggregation: Aggregation.SumAllClasses, Operand: BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } inner }
            && IsPixel(inner.Left) && IsPixel(inner.Right))
        {
            // Σc (a ± b) = Σc a ± Σc b, each summed as below.
            return SumPixels(new BinaryExpr(inner.Operator, OverClasses(inner.Left), OverClasses(inner.Right)), perClass);
        }

        if (values is AggregateExpr { Aggregation: Aggregation.SumAllClasses } overClasses && Parsing.Binder.LevelOf(overClasses.Operand).PerClass)
        {
            var factors = Factors(overClasses.Operand).ToList();
            var constant = factors.Where(f => !IsPixel(f)).ToList();
            var pixel = factors.Where(IsPixel).ToList();
            if (constant.Count > 0 && pixel.Count > 0)
            {
                var map = ExprEmitter.Emit(pixel.Aggregate(Algebra.Multiply), PixelScope.Instance);
                var factor = ExprEmitter.Write(constant.Aggregate(Algebra.Multiply), PixelScope.Instance);
                return factor.IsTensor
                    ? $"batch.SumPixelsOverClasses({map}, {factor.Text})"
                    : $"{factor.At(ExprEmitter.MultiplicativeOperand)} * batch.SumPixels({map}).sum(1, keepdim: true)";
            }
        }

        var code = ExprEmitter.Write(values, PixelScope.Instance);
        return code.IsTensor
            ? $"batch.SumPixels({code.Text})"
            : $"batch.SumPixels({code.Text}, perClass: {Literals.Bool(perClass)})";
    }

    /// <summary>A sum or difference of two pixel maps, which <see cref="SumPixels"/> sums part by part; else null.</summary>
    private static BinaryExpr? IsSplit(Expr values) =>
        values is BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract } sum && IsPixel(sum.Left) && IsPixel(sum.Right)
            ? sum
            : null;

    private static bool IsPixel(Expr expr) => Parsing.Binder.LevelOf(expr).Level == Parsing.Level.Pixel;

    private static Expr OverClasses(Expr operand) => new AggregateExpr(Aggregation.SumAllClasses, operand, null);

    /// <summary>The factors of a product, in order.</summary>
    private static IEnumerable<Expr> Factors(Expr expr) =>
        expr is BinaryExpr { Operator: BinaryOperator.Multiply } product
            ? Factors(product.Left).Concat(Factors(product.Right))
            : new[] { expr };

    private static string PixelValues(Expr values) => $"batch.PerPixel({ExprEmitter.Emit(values, PixelScope.Instance)})";

    private void WriteTerm(SourceWriter w, TermPlan term)
    {
        var local = LocalNames.Term(term.Name);
        w.Line($"// Term '{term.Name}' = {term.Formula}{(term.PerClass ? ", per class, averaged over the classes" : "")}.");
        w.Line(_plan.Options.Blob is null ? $"{KnownSymbols.Tensor} {local};" : $"{KnownSymbols.Tensor} {local}, {local}Blob;");
        w.Block(() =>
        {
            var batchStatistics = term.BatchStatistics is null ? "_batch_statistics" : $"_{term.Name}_batch_statistics";
            var includeBackground = term.IncludeBackground is null ? "_include_background" : $"_{term.Name}_include_background";
            w.Line($"var s = StatisticsFor({batchStatistics});");
            var usesClassSet = term.PerClass || Algebra.Any(term.Expression, n => n is AggregateExpr a && (AggregationFacts.IsOverClasses(a.Aggregation) || a.Aggregation == Aggregation.SinglePrecisionMean));
            if (usesClassSet)
            {
                w.Line($"var classes = batch.ClassIndices({includeBackground}, \"{includeBackground.Substring(1)}\");");
            }

            var expression = ExprEmitter.Emit(term.Expression, StatisticScope.Instance);
            if (term.PerClass)
            {
                w.Line($"var perClass = {expression};");
                w.Line($"{local} = {KnownSymbols.LossTerms}.Finish({KnownSymbols.LossTerms}.MeanOverClasses(perClass, classes), s.V);");
                w.Line($"breakdown?.Add(\"{term.Name}\", _{term.WeightParameter}, {local}, perClass, classes);");
                if (_plan.Options.Blob is not null)
                {
                    // The same expression on every instance, taken at the instance's class.
                    w.Line($"{local}Blob = blob.Reduce({ExprEmitter.Emit(term.Expression, StatisticScope.Blob)}, _reduction);");
                    w.Line($"breakdown?.Add(\"{term.Name}_blob\", _blob_weight * _{term.WeightParameter}, {local}Blob);");
                }
            }
            else if (term.IsBatchLevel)
            {
                // meanb(...) has already averaged over the samples: one value for the batch (per sample under Reduction.None).
                w.Line($"{local} = {KnownSymbols.LossTerms}.Finish({expression}, {KnownSymbols.LossTerms}.MeanOverBatch(s.V, _reduction));");
                w.Line($"breakdown?.Add(\"{term.Name}\", _{term.WeightParameter}, {local});");
            }
            else
            {
                w.Line($"{local} = {KnownSymbols.LossTerms}.Finish({expression}, s.V);");
                w.Line($"breakdown?.Add(\"{term.Name}\", _{term.WeightParameter}, {local});");
            }
        });
    }
}
