using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Gathers the adjoints of the quantities into full per-class adjoints of p, log p and log(1 - p) for each activation
/// (and of the logits), the form the chain through the activation takes. A quantity at the true class goes back to its
/// class: with class indices its adjoint is added at the true class (a <see cref="ComposeExpr"/>, no one-hot), with a
/// dense target it is spread by y. <c>log(1 - pt)</c> follows the forward's own formula: a logsumexp of the other
/// classes' log p under a softmax, <c>logsigmoid(-zt)</c> under a sigmoid with class indices, <c>log1p(-pt)</c> otherwise.
/// </summary>
internal sealed class ActivationAdjoints
{
    private static readonly QuantityExpr Target = new(Quantity.Target, Activation.Declared, "");

    private readonly Activation _declared;
    private readonly bool _dense;
    private readonly SortedDictionary<Activation, Parts> _byTag = new();
    private readonly Parts _logits = new();

    public ActivationAdjoints(Activation declared, bool dense)
    {
        _declared = declared;
        _dense = dense;
    }

    /// <summary>The activations whose quantities received an adjoint, the declaration's own first.</summary>
    public IEnumerable<Activation> Tags => _byTag.Keys.OrderBy(t => t == Activation.Declared ? -1 : (int)t);

    public Activation Kind(Activation tag) => tag == Activation.Declared ? _declared : tag;

    public void Add(QuantityExpr leaf, Expr adjoint)
    {
        var tag = leaf.Activation;
        switch (leaf.Kind)
        {
            case Quantity.Probability:
                Of(tag).EveryClass.Add(adjoint);
                return;
            case Quantity.LogProbability:
                Of(tag).LogEveryClass.Add(adjoint);
                return;
            case Quantity.LogComplement:
                Of(tag).LogComplement.Add(adjoint);
                return;
            case Quantity.Logit:
                _logits.EveryClass.Add(adjoint);
                return;
            case Quantity.TrueProbability:
                AtTrueClass(Of(tag).EveryClass, Of(tag).TrueClass, adjoint);
                return;
            case Quantity.TrueLogProbability:
                AtTrueClass(Of(tag).LogEveryClass, Of(tag).LogTrueClass, adjoint);
                return;
            case Quantity.TrueLogit:
                AtTrueClass(_logits.EveryClass, _logits.TrueClass, adjoint);
                return;
            default:
                AddLogComplementAtTrueClass(tag, adjoint);
                return;
        }
    }

    /// <summary>dL/dp over <c>[N, C, X]</c> for one activation, or null.</summary>
    public Expr? Probability(Activation tag) => Compose(Of(tag).EveryClass, Of(tag).TrueClass);

    /// <summary>dL/dlog p over <c>[N, C, X]</c> for one activation, or null.</summary>
    public Expr? LogProbability(Activation tag) => Compose(Of(tag).LogEveryClass, Of(tag).LogTrueClass);

    /// <summary>dL/dlog(1 - p) for one activation, or null.</summary>
    public Expr? LogComplement(Activation tag) => Of(tag).LogComplement.Value;

    /// <summary>dL/dz through the logits read directly (<c>z</c>, <c>zt</c>), or null.</summary>
    public Expr? Logit() => Compose(_logits.EveryClass, _logits.TrueClass);

    private void AddLogComplementAtTrueClass(Activation tag, Expr adjoint)
    {
        var log1mpt = new QuantityExpr(Quantity.TrueLogComplement, tag, "");
        var pt = new QuantityExpr(Quantity.TrueProbability, tag, "");
        switch (Kind(tag), _dense)
        {
            case (Activation.Softmax, false):
            {
                // log(1 - pt) = logsumexp of log p over the other classes: weight exp(log p - log(1 - pt)) each, 0 at
                // the true class (the every-class term is cancelled there exactly, by the same clamped value).
                var logp = new QuantityExpr(Quantity.LogProbability, tag, "");
                var logpt = new QuantityExpr(Quantity.TrueLogProbability, tag, "");
                Of(tag).LogEveryClass.Add(Algebra.Multiply(adjoint, Call(Function.ExpNonPositive, Algebra.Subtract(logp, log1mpt))));
                Of(tag).LogTrueClass.Add(Algebra.Simplify(new NegateExpr(Algebra.Multiply(adjoint, Call(Function.ExpNonPositive, Algebra.Subtract(logpt, log1mpt))))));
                return;
            }

            case (Activation.Softmax, true):
            {
                // log(1 - pt) = logsumexp(log p + log(1 - y)).
                var logp = new QuantityExpr(Quantity.LogProbability, tag, "");
                var logOneMinusY = new FunctionExpr(Function.Log, new Expr[] { Algebra.Subtract(Algebra.One, Target) }.ToEquatableArray());
                var exponent = Algebra.Subtract(Algebra.Add(logp, logOneMinusY), log1mpt);
                Of(tag).LogEveryClass.Add(Algebra.Multiply(adjoint, Call(Function.ExpNonPositive, exponent)));
                return;
            }

            case (Activation.Sigmoid, false):
                // log(1 - pt) = logsigmoid(-zt): d/dzt = -sigmoid(zt) = -pt.
                _logits.TrueClass.Add(Algebra.Simplify(new NegateExpr(Algebra.Multiply(adjoint, pt))));
                return;

            default:
                // log(1 - pt) = log1p(-pt).
                Add(pt, Algebra.Simplify(new NegateExpr(Algebra.Divide(adjoint, Algebra.Subtract(Algebra.One, pt)))));
                return;
        }
    }

    private void AtTrueClass(Sum everyClass, Sum trueClass, Expr adjoint)
    {
        if (_dense)
        {
            everyClass.Add(Algebra.Multiply(Target, adjoint));
        }
        else
        {
            trueClass.Add(adjoint);
        }
    }

    private Parts Of(Activation tag)
    {
        if (!_byTag.TryGetValue(tag, out var parts))
        {
            parts = new Parts();
            _byTag[tag] = parts;
        }

        return parts;
    }

    private static Expr? Compose(Sum everyClass, Sum trueClass) =>
        trueClass.Value is null ? everyClass.Value : new ComposeExpr(everyClass.Value, trueClass.Value);

    private static Expr Call(Function function, params Expr[] arguments) =>
        new FunctionExpr(function, arguments.ToEquatableArray());

    /// <summary>A sum of adjoint contributions; null while empty.</summary>
    private sealed class Sum
    {
        public Expr? Value { get; private set; }

        public void Add(Expr contribution) => Value = Value is null ? contribution : Algebra.Add(Value, contribution);
    }

    private sealed class Parts
    {
        public Sum EveryClass { get; } = new();

        public Sum TrueClass { get; } = new();

        public Sum LogEveryClass { get; } = new();

        public Sum LogTrueClass { get; } = new();

        public Sum LogComplement { get; } = new();
    }
}
