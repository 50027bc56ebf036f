using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Emit;

/// <summary>
/// Writes the locals the pixel forms read: the activations of the logits and the quantities at the true class.
/// The forward and the closed-form backward both use them.
/// </summary>
internal static class QuantityEmitter
{
    /// <summary>
    /// <c>C</c> and the class weights <c>[C]</c> (and their pixel view <c>[1, C, 1]</c>) the expressions read; with
    /// <paramref name="pixelOnly"/>, only what pixel expressions read.
    /// </summary>
    public static void WriteConstants(SourceWriter w, QuantityUsage usage, bool pixelOnly = false)
    {
        if (usage.UsesClassCount)
        {
            w.Line("var C = (double)batch.Classes;");
        }

        foreach (var (source, pixel) in usage.WeightSources())
        {
            if (pixelOnly && !pixel && !usage.IndexTarget.Concat(usage.DenseTarget).Any(q => q.Kind == Quantity.ClassWeightAtTrueClass && q.WeightSource == source))
            {
                continue;
            }

            var field = source.Length == 0 ? "_class_weights" : $"_{source}_class_weights";
            w.Line($"var {LocalNames.Weights(source)} = batch.ClassWeights({field}, \"{field.Substring(1)}\");");
            if (pixel)
            {
                w.Line($"var {LocalNames.WeightsPixel(source)} = {LocalNames.Weights(source)}.view(1, -1, 1);");
            }
        }
    }

    /// <summary>
    /// One activation per activation the forms read: p, log p and log(1 - p) as each needs them, of the logits
    /// <paramref name="input"/> (the batch's, or blob loss's at the instances' pixels, whose sigmoids are the runtime's
    /// <c>InstanceActivation</c>).
    /// </summary>
    public static void WriteActivations(SourceWriter w, QuantityUsage usage, Activation declared, string input = "batch.Input")
    {
        var atInstances = input != "batch.Input";
        Activation Kind(Activation tag) => tag == Activation.Declared ? declared : tag;
        foreach (var (tag, probability, logProbability, logComplement) in usage.FullTensors(declared))
        {
            var suffix = LocalNames.ActivationSuffix(tag);
            var (p, logp, log1mp) = ("p" + suffix, "logp" + suffix, "log1mp" + suffix);
            var shared = tag == Activation.Declared ? " for every term" : " for the terms that ask for it";
            w.Line();
            switch (Kind(tag))
            {
                case Activation.Softmax:
                    w.Line($"// Softmax over the classes, once{shared}.");
                    if (logProbability || logComplement)
                    {
                        w.Line($"var {logp} = {KnownSymbols.Functional}.log_softmax({input}, 1);");
                        if (probability)
                        {
                            w.Line($"var {p} = {logp}.exp();");
                        }
                    }
                    else
                    {
                        w.Line($"var {p} = {KnownSymbols.Functional}.softmax({input}, 1);");
                    }

                    if (logComplement)
                    {
                        w.Line($"var {log1mp} = {KnownSymbols.ExpressionOps}.LogOneMinusExp({logp});");
                    }

                    break;

                case Activation.Sigmoid:
                    w.Line($"// Sigmoid of each channel{shared}; log p and log(1 - p) straight from the logits, stable at any magnitude.");
                    if (probability)
                    {
                        w.Line(atInstances ? $"var {p} = {KnownSymbols.InstanceActivation}.Sigmoid({input});" : $"var {p} = {input}.sigmoid();");
                    }

                    if (logProbability)
                    {
                        w.Line(atInstances ? $"var {logp} = {KnownSymbols.InstanceActivation}.LogSigmoid({input});" : $"var {logp} = {KnownSymbols.Functional}.logsigmoid({input});");
                    }

                    if (logComplement)
                    {
                        w.Line(atInstances ? $"var {log1mp} = {KnownSymbols.InstanceActivation}.LogComplement({input});" : $"var {log1mp} = {KnownSymbols.Functional}.logsigmoid(-{input});");
                    }

                    break;

                default:
                    w.Line("// The input already holds probabilities.");
                    w.Line($"var {p} = {input};");
                    if (logProbability)
                    {
                        w.Line($"var {logp} = {p}.log();");
                    }

                    if (logComplement)
                    {
                        w.Line($"var {log1mp} = (-{p}).log1p();");
                    }

                    break;
            }
        }
    }

    /// <summary>The quantities at each pixel's true class the forms read (gathered, or summed with a dense target).</summary>
    public static void WriteTrueClassLocals(SourceWriter w, HashSet<QuantityExpr> used, Activation declared, bool dense)
    {
        Activation Kind(Activation tag) => tag == Activation.Declared ? declared : tag;
        var atTrueClass = used
            .Where(q => q.Kind is Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement)
            .ToList();

        // log(1 - pt) comes from pt where no stabler form exists (dense sigmoid targets, probability inputs).
        atTrueClass.AddRange(atTrueClass
            .Where(q => q.Kind == Quantity.TrueLogComplement && Kind(q.Activation) != Activation.Softmax && (dense || Kind(q.Activation) == Activation.None))
            .Select(q => q with { Kind = Quantity.TrueProbability })
            .ToList());

        foreach (var quantity in atTrueClass.Distinct().OrderBy(q => q.Kind).ThenBy(q => q.Activation))
        {
            var name = LocalNames.AtTrueClass(quantity.Kind, quantity.Activation);
            var full = LocalNames.Full(quantity.Kind, quantity.Activation);
            var pt = LocalNames.AtTrueClass(Quantity.TrueProbability, quantity.Activation);
            var value = (quantity.Kind, Kind(quantity.Activation), dense) switch
            {
                // log(1 - pt) = log of the other classes' probability mass: a logsumexp, exact when pt rounds to 1.
                (Quantity.TrueLogComplement, Activation.Softmax, _) => $"batch.LogComplementAtTrueClass({LocalNames.Full(Quantity.LogProbability, quantity.Activation)})",
                (Quantity.TrueLogComplement, Activation.Sigmoid, false) => $"{KnownSymbols.Functional}.logsigmoid(-batch.AtTrueClass(batch.Input))",
                (Quantity.TrueLogComplement, _, _) => $"(-{pt}).log1p()",
                (_, _, false) => $"batch.AtTrueClass({full})",
                _ => $"(y * {full}).sum(1, keepdim: true)",
            };
            w.Line($"var {name} = {value};");
        }

        if (used.Any(q => q.Kind == Quantity.TrueLogit))
        {
            w.Line(dense ? "var zt = (y * batch.Input).sum(1, keepdim: true);" : "var zt = batch.AtTrueClass(batch.Input);");
        }

        foreach (var source in used.Where(q => q.Kind == Quantity.ClassWeightAtTrueClass).Select(q => q.WeightSource).Distinct().OrderBy(s => s, System.StringComparer.Ordinal))
        {
            w.Line(dense
                ? $"var {LocalNames.WeightsAtTrueClass(source)} = (y * {LocalNames.WeightsPixel(source)}).sum(1, keepdim: true);"
                : $"var {LocalNames.WeightsAtTrueClass(source)} = batch.AtTrueClass({LocalNames.Weights(source)});");
        }
    }
}
