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
internal sealed class VectorKernelEmitter
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

    /// <summary>Whether a statistic of the declaration is a per-pixel map (a topk's values): those keep the span program.</summary>
    private bool HasMaps => _plan.Statistics.Any(s => s.Kind == StatisticKind.TopKValues);

    /// <summary>The forward chunk as a per-pixel loop, or null (with the reason) when a form has no vector code.</summary>
    public (SourceWriter? Code, string? Reason) Forward(bool dense) => Attempt(w => WriteForward(w, dense));

    /// <summary>The backward chunk as a per-pixel loop, or null (with the reason) when a form has no vector code.</summary>
    public (SourceWriter? Code, string? Reason) Backward(IReadOnlyList<(string Local, Expr Value)> steps, IReadOnlyList<string> gradients, bool dense) =>
        Attempt(w => WriteBackward(w, steps, gradients, dense));

    private (SourceWriter? Code, string? Reason) Attempt(System.Action<SourceWriter> write)
    {
        if (HasMaps)
        {
            return (null, "a topk's per-pixel values are written by the span program");
        }

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
    /// Whether every form reads one class at a time: an activation per class (not a softmax) and no sum over the
    /// classes. Each statistic is then per class, and the classes can be the outer loop.
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
        WriteRows(w, forms, dense: true);
        w.Line($"var totals = new {Sums}<T>(scratch, sums.Length);");
        WritePrologue(body, program, forms, dense: true, classOuter: true);

        // Statistics that are one value per pixel (a count) are that value times the number of valid pixels.
        var after = new SourceWriter();
        var running = new List<(string Local, string At)>();
        var (ones, perClass) = (0, 0);
        foreach (var statistic in _plan.Statistics)
        {
            var comment = $"// {statistic.Name} = {statistic.Description}";
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

    /// <summary>
    /// Each statistic's running sum in the loop <paramref name="body"/>; statistics that are one value per pixel (a
    /// count) go to <paramref name="after"/> the loop, as that value times the number of valid pixels.
    /// </summary>
    private void WriteSums(SourceWriter body, SourceWriter after, VectorProgram program, bool dense)
    {
        var perClassParts = new List<(string Comment, string At, Expr Value)>();
        var (ones, perClass) = (0, 0);
        foreach (var statistic in _plan.Statistics)
        {
            var comment = $"// {statistic.Name} = {statistic.Description}";
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
            for (var k = 0; k < gradients.Count; k++)
            {
                w.Line($"var {LocalNames.Gradient(gradients[k])} = gradients[{k.ToString(System.Globalization.CultureInfo.InvariantCulture)}];");
            }

            w.Line("var row = chunk.Sample * chunk.Classes;");
            var forms = steps.Select(s => s.Value).ToList();
            var body = new SourceWriter();
            var program = new VectorProgram(body, classIndices: !dense);
            WriteHeader(w, forms);
            WriteRows(w, forms, dense);
            foreach (var (local, _) in steps.Where(s => s.Local != "dz"))
            {
                w.Line($"var {local} = scratch.Vectors(chunk.Classes);");
            }

            var classOuter = dense && FormsApart(forms);
            if (classOuter)
            {
                program.EnterClassLoop();
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
                    body.Line($"{local}[c] = {program.VectorValue(value)};");
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

    private Activation Kind(Activation tag) => tag == Activation.Declared ? _plan.Options.Activation : tag;

    private static HashSet<QuantityExpr> Used(IReadOnlyList<Expr> forms) =>
        new(forms.SelectMany(Algebra.Nodes).OfType<QuantityExpr>());

    private static IEnumerable<Activation> Tags(HashSet<QuantityExpr> used) =>
        used.Where(q => QuantityFacts.DependsOnActivation(q.Kind)).Select(q => q.Activation).Distinct().OrderBy(t => t == Activation.Declared ? -1 : (int)t);

    private bool NeedsLog(HashSet<QuantityExpr> used, Activation tag) =>
        used.Any(q => q.Activation == tag && q.Kind is Quantity.LogProbability or Quantity.TrueLogProbability or Quantity.LogComplement)
        || (Kind(tag) == Activation.Softmax && used.Any(q => q.Activation == tag && q.Kind == Quantity.TrueLogComplement));

    /// <summary>The class masks (class indices) and each activation's per-class vectors, taken from the scratch memory once, before the loop.</summary>
    private void WriteRows(SourceWriter w, IReadOnlyList<Expr> forms, bool dense)
    {
        var used = Used(forms);
        if (!dense)
        {
            w.Line("var isClass = scratch.Vectors(chunk.Classes); // per class: the lanes of its pixels");
        }

        foreach (var tag in Tags(used))
        {
            w.Line($"var {LocalNames.Full(Quantity.Probability, tag)} = scratch.Vectors(chunk.Classes);");
            if (NeedsLog(used, tag))
            {
                w.Line($"var {LocalNames.Full(Quantity.LogProbability, tag)} = scratch.Vectors(chunk.Classes);");
            }

            if (used.Any(q => q.Activation == tag && q.Kind == Quantity.LogComplement))
            {
                w.Line($"var {LocalNames.Full(Quantity.LogComplement, tag)} = scratch.Vectors(chunk.Classes);");
            }
        }
    }

    /// <summary>
    /// The start of the loop body: the vector of pixels' validity and class masks, each activation, and the true-class
    /// quantities the forms read, bound in <paramref name="program"/>.
    /// </summary>
    private void WritePrologue(SourceWriter w, VectorProgram program, IReadOnlyList<Expr> forms, bool dense, bool classOuter = false)
    {
        var used = Used(forms);

        // Per-class statements: in a loop over the classes, or as they are when the class is the outer loop's.
        void EachClass(System.Action statements)
        {
            if (classOuter)
            {
                statements();
                return;
            }

            w.Line("for (var c = 0; c < chunk.Classes; c++)");
            w.Block(statements);
        }

        w.Line("var valid = chunk.ValidAt(i);");
        if (!dense)
        {
            w.Line("chunk.ClassMasksAt(i, isClass);");
        }

        foreach (var tag in Tags(used))
        {
            bool Uses(Quantity kind) => used.Any(q => q.Activation == tag && q.Kind == kind);
            var (p, logp, log1mp) = (LocalNames.Full(Quantity.Probability, tag), LocalNames.Full(Quantity.LogProbability, tag), LocalNames.Full(Quantity.LogComplement, tag));
            var needsLog = NeedsLog(used, tag);
            switch (Kind(tag))
            {
                case Activation.Softmax:
                    w.Line($"chunk.SoftmaxAt(i, {p}, {(needsLog ? logp : "default")});");
                    break;
                case Activation.Sigmoid:
                    EachClass(() =>
                    {
                        w.Line($"{p}[c] = {Math}.Sigmoid(chunk.LogitsAt(c, i));");
                        if (needsLog)
                        {
                            w.Line($"{logp}[c] = {Math}.LogSigmoid(chunk.LogitsAt(c, i));");
                        }
                    });
                    break;
                default:
                    EachClass(() =>
                    {
                        w.Line($"{p}[c] = chunk.LogitsAt(c, i);");
                        if (needsLog)
                        {
                            w.Line($"{logp}[c] = {Math}.Log({p}[c]);");
                        }
                    });
                    break;
            }

            if (Uses(Quantity.LogComplement))
            {
                EachClass(() => w.Line(Kind(tag) switch
                {
                    Activation.Softmax => $"{log1mp}[c] = {Math}.LogOneMinusExp({logp}[c]);",
                    Activation.Sigmoid => $"{log1mp}[c] = {Math}.LogSigmoid(-chunk.LogitsAt(c, i));",
                    _ => $"{log1mp}[c] = {Math}.LogP1(-{p}[c]);",
                }));
            }

            var (pt, logpt, log1mpt) = (LocalNames.AtTrueClass(Quantity.TrueProbability, tag), LocalNames.AtTrueClass(Quantity.TrueLogProbability, tag), LocalNames.AtTrueClass(Quantity.TrueLogComplement, tag));
            if (Uses(Quantity.TrueProbability) || (Uses(Quantity.TrueLogComplement) && Kind(tag) == Activation.None))
            {
                w.Line($"var {pt} = {Math}.AtClass(isClass, {p});");
                program.Bind(new QuantityExpr(Quantity.TrueProbability, tag, ""), pt);
            }

            if (Uses(Quantity.TrueLogProbability))
            {
                w.Line($"var {logpt} = {Math}.AtClass(isClass, {logp});");
                program.Bind(new QuantityExpr(Quantity.TrueLogProbability, tag, ""), logpt);
            }

            if (Uses(Quantity.TrueLogComplement))
            {
                w.Line(Kind(tag) switch
                {
                    Activation.Softmax => $"var {log1mpt} = {Math}.LogComplementAtClass(isClass, {p}, {logp});",
                    Activation.Sigmoid => $"var {log1mpt} = {Math}.LogSigmoid(-chunk.LogitsAtTrueClass(isClass, i));",
                    _ => $"var {log1mpt} = {Math}.LogP1(-{pt});",
                });
                program.Bind(new QuantityExpr(Quantity.TrueLogComplement, tag, ""), log1mpt);
            }
        }

        if (used.FirstOrDefault(q => q.Kind == Quantity.TrueLogit) is { } logit)
        {
            w.Line("var zt = chunk.LogitsAtTrueClass(isClass, i);");
            program.Bind(logit, "zt");
        }

        foreach (var weight in used.Where(q => q.Kind == Quantity.ClassWeightAtTrueClass).OrderBy(q => q.WeightSource, System.StringComparer.Ordinal))
        {
            var local = LocalNames.WeightsAtTrueClass(weight.WeightSource);
            w.Line($"var {local} = {Math}.AtClass(isClass, {program.ClassTable($"{LocalNames.Weights(weight.WeightSource)}[c]")});");
            program.Bind(weight, local);
        }
    }
}
