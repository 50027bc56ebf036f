using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Conformance;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Generator;

/// <summary>
/// The catalog and the language across options: every declaration is generated, compiled in memory with warnings as
/// errors, loaded and run on class-index and one-hot targets; values and gradients must be finite.
/// </summary>
public sealed class CompileAndRunTests
{
    private static readonly string[] Expressions =
    {
        "1 - (2*TP + 1) / (P + G + 1)",
        "1 - (TP + s) / (TP + 0.3*FP + 0.7*FN + s)",
        "(FP + FN) / (TN + TP + FP + FN)",
        "1 - sqrt(max(TP, 0) / (P2 + G2 + 1))",
        "log(cosh(1 - (2*TP + 1) / (P + G + 1)))",
        "abs(P - G) / V + clamp(TP / (G + 1), 0.1, 0.9)",
        "pow(1 - (2*TP + 1) / (P + G + 1), 0.75) * (G > 0) + min(FP, FN) / (V + 1) * (P >= G)",
        "meanc(1 - (2*TP + 1) / (P + G + 1)) + sumc(w * TP) / sumc(w * (G + 1))",
        "topk(-logpt, 25) + meanx(exp(-pt) * (pt < 0.5)) + meanx(float32(p) * (1 - y))",
        "-meanx(sumc(y * logp) * (1 - pt)^s) + meanx(meanc(p^2 <= 0.25))",
        "-(y * logp) * w + (1 - y) * p^s",
    };

    public static IEnumerable<(string Name, string Declaration)> Declarations()
    {
        var index = 0;
        string Next() => "Case" + index++.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var activation in new[] { "Softmax", "Sigmoid", "None" })
        {
            foreach (var options in new[] { "", ", IncludeBackground = false", ", BatchStatistics = true, IgnoreIndex = 9", ", ClassWeights = new[] { 0.5, 1.0, 2.0 }, Reduction = Reduction.None" })
            {
                var head = $"[SegLoss(Activation.{activation}{options})]";
                yield return (Next(), $"{head} [Dice] [Dice(Squared = true, Weight = 0.5)]");
                yield return (Next(), $"{head} [Focal(Gamma = 1.5)]");
                if (activation == "Sigmoid")
                {
                    yield return (Next(), $"{head} [Focal(Alpha = 0.75, Gamma = 0.5)] [Dice(IncludeBackground = true)]");
                }
                else
                {
                    yield return (Next(), $"{head} [CrossEntropy(LabelSmoothing = 0.2)] [Dice(BatchStatistics = true)]");
                }

                if (activation == "Softmax")
                {
                    yield return (Next(), $"{head} [Dice] [Focal(Activation = Activation.Sigmoid, Alpha = 0.25, ClassWeights = new[] {{ 1.0, 2.0, 3.0 }})]");
                }

                yield return (Next(), $"{head} [Dice] [Blob]");
                yield return (Next(), $"{head} [Tversky(Alpha = 0.3, Beta = 0.7)] [Blob(Masking = BlobMasking.Logits, MainWeight = 2)]");

                foreach (var expression in Expressions)
                {
                    var parameter = System.Text.RegularExpressions.Regex.IsMatch(expression, @"\bs\b") ? " [Param(\"s\", 1.5)]" : "";
                    yield return (Next(), $"{head} [Term(\"{expression}\")]{parameter}");
                }
            }
        }
    }

    [Fact]
    public void Every_declaration_compiles_without_warnings_and_runs()
    {
        var declarations = Declarations().ToList();
        var compiled = DeclarationCompiler.Compile(declarations.ToDictionary(d => d.Name, d => $"{d.Declaration}\npublic partial class {d.Name} {{ }}"));
        Assert.Empty(compiled.Errors.Select(e => $"{e.Key}: {e.Value}"));

        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 2, 8, 8 }, 3, seed: 9);
        labels[0, 0, 0] = tensor(9L);
        var logits = LossHarness.Logits(labels.clamp_max(2), 3, seed: 10);
        var oneHot = LossHarness.OneHot(labels.clamp_max(2), 3);
        foreach (var (name, declaration) in declarations)
        {
            using var loss = DeclarationCompiler.Instantiate(compiled.Types[name]);
            var input = declaration.Contains("Activation.None", StringComparison.Ordinal) ? logits.softmax(1) : logits;
            var target = declaration.Contains("IgnoreIndex", StringComparison.Ordinal) ? labels : labels.clamp_max(2);
            foreach (var t in new[] { target, oneHot })
            {
                var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, t).sum(), input);
                Assert.True(double.IsFinite(value), $"{declaration}: value {value}");
                Assert.True(gradient.All(double.IsFinite), $"{declaration}: gradient not finite");
            }
        }
    }
}
