using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit;

/// <summary>
/// Writes <c>StatisticsBackward</c>, the closed-form backward of the statistics node: the adjoint of every quantity
/// the prediction enters through (planned by <see cref="BackwardPlanner"/>), each true-class quantity's adjoint put
/// back at the true class, then the chain through each activation in closed form — for a softmax
/// <c>dz = d - p·Σc d</c> with <c>d = dp·p + dlogp</c>, for a sigmoid <c>dz = dp·p(1 - p) + dlogp·(1 - p) - dlog1mp·p</c>.
/// </summary>
internal sealed class BackwardEmitter
{
    private readonly LossPlan _plan;
    private readonly BackwardPlan _backward;

    public BackwardEmitter(LossPlan plan, BackwardPlan backward)
    {
        _plan = plan;
        _backward = backward;
    }

    public void Write(SourceWriter w)
    {
        var index = Chain(_backward.IndexTarget, dense: false);
        var dense = Chain(_backward.DenseTarget, dense: true);
        var usage = new QuantityUsage(index.Select(s => s.Value), dense.Select(s => s.Value));
        var maps = new QuantityUsage(_plan).DistanceMaps.Select(m => $", {KnownSymbols.Tensor} {QuantityFacts.Name(m)}");

        w.Line("/// <summary>");
        w.Line("/// The closed-form backward of <see cref=\"ComputeStatistics\"/>: dL/dinput from <paramref name=\"g\"/>, the gradients of");
        w.Line("/// the statistics it returns. At each pixel, dL/dq for every quantity q the prediction enters through is the sum over");
        w.Line("/// the statistics of dL/dstatistic times the derivative of the statistic's pixel expression (derived at compile time);");
        w.Line("/// quantities at the true class are put back there; then through the activation in closed form.");
        w.Line("/// </summary>");
        w.Line($"private {KnownSymbols.Tensor} StatisticsBackward({KnownSymbols.LossBatch} batch{string.Concat(maps)}, {KnownSymbols.ReadOnlyList}<{KnownSymbols.Tensor}> g)");
        w.Block(() =>
        {
            foreach (var (statistic, i) in _backward.Statistics.Select((s, i) => (s, i)))
            {
                var plan = _plan.Statistics.First(s => s.Name == statistic);
                var position = i.ToString(CultureInfo.InvariantCulture);
                w.Line(plan.Kind == StatisticKind.Sum
                    ? $"var {LocalNames.Gradient(statistic)} = g[{position}].unsqueeze(-1); // dL/d{statistic}, {(plan.PerClass ? "[N, C, 1]" : "[N, 1, 1]")}"
                    : $"var {LocalNames.Gradient(statistic)} = g[{position}]; // dL/d{statistic}, {(plan.PerClass ? "[N, C, X]" : "[N, 1, X]")}");
            }

            QuantityEmitter.WriteConstants(w, usage, pixelOnly: true);
            QuantityEmitter.WriteActivations(w, usage, _plan.Options.Activation);
            w.Line();
            w.Line($"{KnownSymbols.Tensor} dz;");
            w.Line("if (batch.HasClassIndices)");
            w.Block(() =>
            {
                w.Line("// y is one-hot and never built: the adjoints of pt, logpt, ... are added at each pixel's true class.");
                QuantityEmitter.WriteTrueClassLocals(w, usage.IndexTarget, _plan.Options.Activation, dense: false);
                WriteSteps(w, index);
            });
            w.Line("else");
            w.Block(() =>
            {
                w.Line("// One-hot, soft or binary target [N, C, X].");
                w.Line("var y = batch.Target;");
                QuantityEmitter.WriteTrueClassLocals(w, usage.DenseTarget, _plan.Options.Activation, dense: true);
                WriteSteps(w, dense);
            });

            w.Line("return batch.InputGradient(dz);");
        });
    }

    /// <summary>
    /// Writes each step in its own dispose scope (its intermediates are freed at once) and disposes each full-size
    /// adjoint after its last use, so the backward holds a few full-size tensors at a time, not every intermediate.
    /// </summary>
    private static void WriteSteps(SourceWriter w, IReadOnlyList<(string Local, Expr Value)> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var (local, value) = steps[i];
            var dead = steps.Take(i)
                .Select(s => s.Local)
                .Where(name => Reads(value, name) && value is not LocalExpr && !steps.Skip(i + 1).Any(later => Reads(later.Value, name)))
                .ToList();
            // Only a tensor this backward made may be overwritten (a step that is p, y or a gradient is theirs).
            var fused = Fused(value, dead.Where(name => steps.Take(i).Any(s => s.Local == name && MakesNewTensor(s.Value))).ToList());
            var code = $"{KnownSymbols.ScopedResult}.Of(() => {fused?.Code ?? ReusingExprEmitter.Emit(value)})";
            w.Line(local == "dz" ? $"dz = {code};" : $"var {local} = {code};");
            if (fused?.Reused is { } reused)
            {
                // Its memory now holds this step's result.
                dead.Remove(reused);
            }

            if (dead.Count > 0)
            {
                w.Line(string.Concat(dead.Select(name => $"{name}.Dispose(); ")).TrimEnd() + " // not read again");
            }
        }
    }

    /// <summary>
    /// The chain through the activation in place, when a step is one of its plain forms (adjoints and statistic
    /// gradients are tensors; p and a dense y are full-size): <c>dp·p + dlogp</c> (and <c>g·y + h</c>),
    /// <c>d - p·Σc d</c>, <c>dp·p·(1 - p)</c>; the first two write into their adjoint operand when it is
    /// <paramref name="dead"/> after the step (<c>Reused</c>). Null for any other form.
    /// </summary>
    private static (string Code, string? Reused)? Fused(Expr value, IReadOnlyCollection<string> dead)
    {
        string Code(Expr e) => ExprEmitter.Emit(e, PixelScope.Instance);
        static bool IsP(Expr e) => e is QuantityExpr { Kind: Quantity.Probability };
        static bool IsFull(Expr e) => e is QuantityExpr { Kind: Quantity.Probability or Quantity.Target };
        static bool IsTensor(Expr e) => e is LocalExpr or GradientExpr;
        static (Expr X, Expr P)? TimesFull(Expr e) => e switch
        {
            BinaryExpr { Operator: BinaryOperator.Multiply, Left: var x, Right: var p } when IsTensor(x) && IsFull(p) => (x, p),
            BinaryExpr { Operator: BinaryOperator.Multiply, Left: var p, Right: var x } when IsTensor(x) && IsFull(p) => (x, p),
            _ => null,
        };
        static (Expr X, Expr P)? TimesP(Expr e) => TimesFull(e) is { } t && IsP(t.P) ? t : null;

        bool IsDead(Expr e) => e is LocalExpr local && dead.Contains(local.Name);

        // x·p + y (or x·p) with y a tensor of any extent: one fresh full-size tensor.
        (Expr X, Expr P, Expr? Y)? ProductPlusTensor(Expr e) => e switch
        {
            _ when TimesP(e) is { } t => (t.X, t.P, null),
            BinaryExpr { Operator: BinaryOperator.Add, Left: var a, Right: var b } when TimesP(a) is { } t && IsTensorCode(b) => (t.X, t.P, b),
            BinaryExpr { Operator: BinaryOperator.Add, Left: var a, Right: var b } when TimesP(b) is { } t && IsTensorCode(a) => (t.X, t.P, a),
            _ => null,
        };
        static bool IsTensorCode(Expr e) => ExprEmitter.Write(e, PixelScope.Instance).IsTensor;

        switch (value)
        {
            case ComposeExpr { EveryClass: { } everyClass } compose when ProductPlusTensor(everyClass) is { } t:
            {
                // The softmax's d for class indices: dp·p + dlogp over every class in one operation, then the
                // true-class parts added into it. A y this step computes (not a name) is its own, so when it is
                // full-size it takes the result.
                var trueClass = compose.TrueClass is null ? "null" : ReusingExprEmitter.Emit(compose.TrueClass);
                var method = t.Y is null or LocalExpr or GradientExpr or QuantityExpr ? "ProductPlus" : "ProductPlusInto";
                var y = t.Y is null ? "null" : ReusingExprEmitter.Emit(t.Y);
                return ($"batch.ComposeInPlace({KnownSymbols.ActivationChain}.{method}({Code(t.P)}, {Code(t.X)}, {y}), {trueClass})", null);
            }

            case BinaryExpr { Operator: BinaryOperator.Add, Left: var product, Right: var y } when IsTensor(y) && TimesFull(product) is { } t:
                return IsDead(y) && !Reads(t.X, ((LocalExpr)y).Name)
                    ? ($"{KnownSymbols.ActivationChain}.ProductPlusInto({Code(t.P)}, {Code(t.X)}, {Code(y)})", ((LocalExpr)y).Name)
                    : ($"{KnownSymbols.ActivationChain}.ProductPlus({Code(t.P)}, {Code(t.X)}, {Code(y)})", null);
            case BinaryExpr { Operator: BinaryOperator.Subtract, Left: LocalExpr d, Right: BinaryExpr { Operator: BinaryOperator.Multiply, Left: var p, Right: AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum } }
                when IsP(p):
                // Σc d is computed before d is overwritten (an argument, evaluated first).
                return IsDead(d)
                    ? ($"{KnownSymbols.ActivationChain}.MinusProductInto({Code(d)}, {Code(p)}, {Code(sum)})", d.Name)
                    : ($"{KnownSymbols.ActivationChain}.MinusProduct({Code(d)}, {Code(p)}, {Code(sum)})", null);
            case BinaryExpr { Operator: BinaryOperator.Multiply, Left: var product, Right: BinaryExpr { Operator: BinaryOperator.Subtract, Left: NumberExpr { Value: 1 }, Right: var p } }
                when TimesP(product) is { } t && t.P.Equals(p):
                return ($"{KnownSymbols.ActivationChain}.SigmoidSlope({Code(t.X)}, {Code(p)})", null);
            default:
                return null;
        }
    }

    /// <summary>Whether the emitted code of <paramref name="value"/> computes a new tensor (an operation, not a name).</summary>
    private static bool MakesNewTensor(Expr value) => value is BinaryExpr or NegateExpr or ComposeExpr;

    private static bool Reads(Expr expr, string local) => Algebra.Any(expr, node => node is LocalExpr l && l.Name == local);

    /// <summary>
    /// The backward for one target format as named steps: per activation, the adjoints of p, log p and log(1 - p) over
    /// the full <c>[N, C, X]</c>, then <c>dz</c>.
    /// </summary>
    internal List<(string Local, Expr Value)> Chain(IReadOnlyList<LeafAdjoint> leaves, bool dense)
    {
        var adjoints = new ActivationAdjoints(_plan.Options.Activation, dense);
        foreach (var leaf in leaves)
        {
            adjoints.Add(leaf.Leaf, leaf.Adjoint);
        }

        var steps = new List<(string Local, Expr Value)>();
        Expr dz = Algebra.Zero;
        foreach (var tag in adjoints.Tags)
        {
            var suffix = LocalNames.ActivationSuffix(tag);
            var p = new QuantityExpr(Quantity.Probability, tag, "");
            Expr Step(string name, Expr? value)
            {
                if (value is null)
                {
                    return Algebra.Zero;
                }

                if (value is LocalExpr)
                {
                    return value;
                }

                steps.Add((name + suffix, value));
                return new LocalExpr(name + suffix);
            }

            var dpValue = adjoints.Probability(tag);
            var dlogpValue = adjoints.LogProbability(tag);
            if (adjoints.Kind(tag) == Activation.Softmax && (dpValue is ComposeExpr || dlogpValue is ComposeExpr))
            {
                // d = dp·p + dlogp with the true-class parts kept apart, so that neither adjoint is made full-size:
                // p·Compose(E, T) = Compose(p·E, pt·T) (p is pt at the true class), and Composes add part by part.
                var dlog1mpFolded = Step("dlog1mp", adjoints.LogComplement(tag));
                var logp = new QuantityExpr(Quantity.LogProbability, tag, "");
                var d = Step("d", SoftmaxAdjoint(dpValue, JoinLogComplement(dlogpValue, dlog1mpFolded, logp), p, new QuantityExpr(Quantity.TrueProbability, tag, "")));
                dz = Algebra.Add(dz, Algebra.Subtract(d, Algebra.Multiply(p, new AggregateExpr(Aggregation.SumAllClasses, d, null))));
                continue;
            }

            var dp = Step("dp", dpValue);
            var dlogp = Step("dlogp", dlogpValue);
            var dlog1mp = Step("dlog1mp", adjoints.LogComplement(tag));
            switch (adjoints.Kind(tag))
            {
                case Activation.Softmax:
                {
                    var logp = new QuantityExpr(Quantity.LogProbability, tag, "");
                    var d = Step("d", Algebra.Add(Algebra.Multiply(dp, p), JoinLogComplement(dlogp, dlog1mp, logp) ?? Algebra.Zero));
                    dz = Algebra.Add(dz, Algebra.Subtract(d, Algebra.Multiply(p, new AggregateExpr(Aggregation.SumAllClasses, d, null))));
                    break;
                }

                case Activation.Sigmoid:
                {
                    var oneMinusP = Algebra.Subtract(Algebra.One, p);
                    dz = AddIfAny(dz, dp, a => Algebra.Multiply(Algebra.Multiply(a, p), oneMinusP));
                    dz = AddIfAny(dz, dlogp, a => Algebra.Multiply(a, oneMinusP));
                    dz = AddIfAny(dz, dlog1mp, a => Algebra.Simplify(new NegateExpr(Algebra.Multiply(a, p))));
                    break;
                }

                default:
                    // p is the input: log p = log(p), log(1 - p) = log1p(-p).
                    dz = AddIfAny(dz, dp, a => a);
                    dz = AddIfAny(dz, dlogp, a => Algebra.Divide(a, p));
                    dz = AddIfAny(dz, dlog1mp, a => Algebra.Simplify(new NegateExpr(Algebra.Divide(a, Algebra.Subtract(Algebra.One, p)))));
                    break;
            }
        }

        if (adjoints.Logit() is { } logit)
        {
            dz = Algebra.Add(dz, logit);
        }

        steps.Add(("dz", dz));
        return steps;
    }

    /// <summary>
    /// dL/dlog p with the adjoint of log(1 - p) joined: under a softmax, log(1 - p) is log(1 - exp(log p)). Null when
    /// both are absent.
    /// </summary>
    private static Expr? JoinLogComplement(Expr? dlogp, Expr dlog1mp, Expr logp)
    {
        if (dlog1mp is NumberExpr)
        {
            return dlogp is NumberExpr { Value: 0 } ? null : dlogp;
        }

        return Algebra.Add(dlogp ?? Algebra.Zero, Algebra.Multiply(dlog1mp, Call(Function.LogOneMinusExpDerivative, logp)));
    }

    /// <summary>The softmax's <c>d = dp·p + dlogp</c> for class indices, as one Compose of every-class and true-class parts.</summary>
    private static Expr SoftmaxAdjoint(Expr? dp, Expr? dlogp, Expr p, Expr pt)
    {
        static (Expr? EveryClass, Expr? TrueClass) Parts(Expr? adjoint) =>
            adjoint is ComposeExpr compose ? (compose.EveryClass, compose.TrueClass) : (adjoint, null);
        static Expr? Plus(Expr? a, Expr? b) => a is null ? b : b is null ? a : Algebra.Add(a, b);

        var (dpEvery, dpTrue) = Parts(dp);
        var (dlogpEvery, dlogpTrue) = Parts(dlogp);
        var everyClass = Plus(dpEvery is null ? null : Algebra.Multiply(dpEvery, p), dlogpEvery);
        var trueClass = Plus(dpTrue is null ? null : Algebra.Multiply(dpTrue, pt), dlogpTrue);
        return trueClass is null ? everyClass ?? Algebra.Zero : new ComposeExpr(everyClass, trueClass);
    }

    /// <summary>Adds the chain rule's term for an adjoint that is not zero (0 / p would be NaN where p is 0).</summary>
    private static Expr AddIfAny(Expr sum, Expr adjoint, System.Func<Expr, Expr> term) =>
        Algebra.IsNumber(adjoint, 0) ? sum : Algebra.Add(sum, term(adjoint));

    private static Expr Call(Function function, params Expr[] arguments) =>
        new FunctionExpr(function, arguments.ToEquatableArray());
}
