using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// What a per-pixel kernel computes before its statistics or steps: the rows it takes from the scratch memory, and at
/// each vector of pixels the validity, the class masks, each activation and the true-class quantities.
/// </summary>
internal sealed partial class VectorKernelEmitter
{
    private Activation Kind(Activation tag) => tag == Activation.Declared ? _plan.Options.Activation : tag;

    private static HashSet<QuantityExpr> Used(IReadOnlyList<Expr> forms) =>
        new(forms.SelectMany(Algebra.Nodes).OfType<QuantityExpr>());

    private static IEnumerable<Activation> Tags(HashSet<QuantityExpr> used) =>
        used.Where(q => QuantityFacts.DependsOnActivation(q.Kind)).Select(q => q.Activation).Distinct().OrderBy(t => t == Activation.Declared ? -1 : (int)t);

    private bool NeedsLog(HashSet<QuantityExpr> used, Activation tag) =>
        used.Any(q => q.Activation == tag && q.Kind is Quantity.LogProbability or Quantity.TrueLogProbability or Quantity.LogComplement)
        || (Kind(tag) == Activation.Softmax && used.Any(q => q.Activation == tag && q.Kind == Quantity.TrueLogComplement));

    /// <summary>
    /// The class masks (class indices) and each activation's per-class vectors, taken from the scratch memory once,
    /// before the loop; none with the classes as the outer loop, where each is a local of the loop body.
    /// </summary>
    private void WriteRows(SourceWriter w, IReadOnlyList<Expr> forms, bool dense, bool classOuter = false)
    {
        var used = Used(forms);
        if (!dense)
        {
            w.Line("var isClass = scratch.Vectors(chunk.Classes); // per class: the lanes of its pixels");
        }

        if (classOuter)
        {
            return;
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

        // A per-class value: class c's row of a table, or a local of its own with the classes as the outer loop.
        string At(string row) => classOuter ? $"var {row}" : $"{row}[c]";
        string Read(string row) => classOuter ? row : $"{row}[c]";

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
                        w.Line($"{At(p)} = {Math}.Sigmoid(chunk.LogitsAt(c, i));");
                        if (needsLog)
                        {
                            w.Line($"{At(logp)} = {Math}.LogSigmoid(chunk.LogitsAt(c, i));");
                        }
                    });
                    break;
                default:
                    EachClass(() =>
                    {
                        w.Line($"{At(p)} = chunk.LogitsAt(c, i);");
                        if (needsLog)
                        {
                            w.Line($"{At(logp)} = {Math}.Log({Read(p)});");
                        }
                    });
                    break;
            }

            if (Uses(Quantity.LogComplement))
            {
                EachClass(() => w.Line(Kind(tag) switch
                {
                    Activation.Softmax => $"{At(log1mp)} = {Math}.LogOneMinusExp({Read(logp)});",
                    Activation.Sigmoid => $"{At(log1mp)} = {Math}.LogSigmoid(-chunk.LogitsAt(c, i));",
                    _ => $"{At(log1mp)} = {Math}.LogP1(-{Read(p)});",
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
