using System;
using System.Collections.Generic;
using SegLoss.Generator.Diagnostics;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>
/// Resolves a parsed expression: identifiers to quantities, parameters and expanded shorthands; checks that pixel
/// quantities meet statistics only through an aggregation, and that each aggregation gets what it needs.
/// </summary>
internal sealed class Binder
{
    private readonly BindingScope _scope;
    private readonly List<BindingError> _errors = new();

    private Binder(BindingScope scope) => _scope = scope;

    /// <summary>Binds a whole term; returns null (and errors) when it is invalid.</summary>
    public static Expr? BindTerm(ParsedExpr parsed, BindingScope scope, string termName, out IReadOnlyList<BindingError> errors)
    {
        var binder = new Binder(scope);
        var (expr, info) = binder.Bind(parsed);
        if (binder._errors.Count == 0 && info.Level <= Level.Class)
        {
            binder._errors.Add(new BindingError(DiagnosticDescriptors.ConstantTerm, parsed.Start, parsed.Length, new[] { termName }));
        }
        else if (binder._errors.Count == 0 && info.Level == Level.Batch && info.PerClass)
        {
            binder._errors.Add(new BindingError(
                DiagnosticDescriptors.InvalidAggregation, parsed.Start, parsed.Length, new[] { "a term over meanb(...) must not be per class: multiply class weights in before meanb" }));
        }

        errors = binder._errors;
        return binder._errors.Count == 0 ? expr : null;
    }

    /// <summary>The level of a bound expression (the planner uses it too).</summary>
    public static LevelInfo LevelOf(Expr expr) => expr switch
    {
        NumberExpr or ParamExpr => new LevelInfo(Level.Constant, false),
        StatisticExpr statistic => new LevelInfo(Level.Statistic, statistic.PerClass),
        QuantityExpr q => new LevelInfo(
            QuantityFacts.IsPixel(q.Kind) ? Level.Pixel : q.Kind == Quantity.ClassWeight ? Level.Class : Level.Constant,
            QuantityFacts.IsPerClass(q.Kind)),
        NegateExpr n => LevelOf(n.Operand),
        BinaryExpr b => Combine(LevelOf(b.Left), LevelOf(b.Right)),
        FunctionExpr f => CombineAll(f.Arguments),
        AggregateExpr { Aggregation: Aggregation.SumClasses or Aggregation.MeanClasses or Aggregation.MaxClasses or Aggregation.MinClasses or Aggregation.SumAllClasses } a =>
            LevelOf(a.Operand) is var inner && inner.Level <= Level.Class ? new LevelInfo(Level.Constant, false) : new LevelInfo(inner.Level, false),
        AggregateExpr { Aggregation: Aggregation.MeanBatch or Aggregation.SinglePrecisionMean } => new LevelInfo(Level.Batch, false),
        AggregateExpr a => new LevelInfo(Level.Statistic, a.Aggregation == Aggregation.Lovasz || (a.Aggregation != Aggregation.TopK && LevelOf(a.Operand).PerClass)),
        ComposeExpr => new LevelInfo(Level.Pixel, true),
        GatherExpr => new LevelInfo(Level.Pixel, false),
        LocalExpr => new LevelInfo(Level.Pixel, true),
        GradientExpr gradient => new LevelInfo(Level.Pixel, gradient.PerClass),
        _ => throw new InvalidOperationException(expr.GetType().Name),
    };

    private static LevelInfo CombineAll(EquatableArray<Expr> arguments)
    {
        var info = new LevelInfo(Level.Constant, false);
        foreach (var argument in arguments)
        {
            info = Combine(info, LevelOf(argument));
        }

        return info;
    }

    private static LevelInfo Combine(LevelInfo a, LevelInfo b) =>
        new((Level)Math.Max((int)a.Level, (int)b.Level), a.PerClass || b.PerClass);

    private (Expr Expr, LevelInfo Info) Bind(ParsedExpr parsed)
    {
        switch (parsed)
        {
            case ParsedNumber number:
                return (new NumberExpr(number.Value), new LevelInfo(Level.Constant, false));

            case ParsedIdentifier identifier:
                return BindIdentifier(identifier);

            case ParsedUnary unary:
                var (operand, operandInfo) = Bind(unary.Operand);
                return (new NegateExpr(operand), operandInfo);

            case ParsedBinary binary:
                return BindBinary(binary);

            case ParsedCall call:
                return BindCall(call);

            default:
                throw new InvalidOperationException(parsed.GetType().Name);
        }
    }

    private (Expr, LevelInfo) BindIdentifier(ParsedIdentifier identifier)
    {
        var name = identifier.Name;
        if (_scope.Parameters.TryGetValue(name, out var parameter))
        {
            return (new ParamExpr(parameter), new LevelInfo(Level.Constant, false));
        }

        if (LanguageNames.Quantities.TryGetValue(name, out var quantity))
        {
            var expr = new QuantityExpr(
                quantity,
                QuantityFacts.DependsOnActivation(quantity) ? _scope.Activation : Activation.Declared,
                quantity == Quantity.ClassWeight ? _scope.WeightSource : "");
            return (expr, LevelOf(expr));
        }

        if (LanguageNames.Shorthands.TryGetValue(name, out var expansion))
        {
            return Bind(Shorthand(expansion));
        }

        if (LanguageNames.Functions.ContainsKey(name) || LanguageNames.Aggregations.ContainsKey(name) || name == "pow")
        {
            Error(DiagnosticDescriptors.InvalidAggregation, identifier, $"'{name}' is a function: call it as {name}(...)");
        }
        else
        {
            Error(DiagnosticDescriptors.UnknownIdentifier, identifier, name);
        }

        return (new NumberExpr(0), new LevelInfo(Level.Constant, false));
    }

    private (Expr, LevelInfo) BindBinary(ParsedBinary binary)
    {
        var (left, leftInfo) = Bind(binary.Left);
        var (right, rightInfo) = Bind(binary.Right);
        var op = binary.Operator switch
        {
            "+" => BinaryOperator.Add,
            "-" => BinaryOperator.Subtract,
            "*" => BinaryOperator.Multiply,
            "/" => BinaryOperator.Divide,
            "^" => BinaryOperator.Power,
            ">" => BinaryOperator.Greater,
            "<" => BinaryOperator.Less,
            ">=" => BinaryOperator.GreaterOrEqual,
            _ => BinaryOperator.LessOrEqual,
        };
        CheckMix(binary.Left, leftInfo, binary.Right, rightInfo);
        return (new BinaryExpr(op, left, right), Combine(leftInfo, rightInfo));
    }

    private (Expr, LevelInfo) BindCall(ParsedCall call)
    {
        if (LanguageNames.Aggregations.TryGetValue(call.Name, out var aggregation))
        {
            return BindAggregation(call, aggregation);
        }

        if (call.Name == "pow")
        {
            if (!CheckArity(call, 2))
            {
                return (new NumberExpr(0), new LevelInfo(Level.Constant, false));
            }

            return BindBinary(new ParsedBinary("^", call.Arguments[0], call.Arguments[1], call.Start, call.Length));
        }

        if (!LanguageNames.Functions.TryGetValue(call.Name, out var function))
        {
            Error(DiagnosticDescriptors.UnknownIdentifier, call.Start, call.NameLength, call.Name);
            return (new NumberExpr(0), new LevelInfo(Level.Constant, false));
        }

        if (!CheckArity(call, FunctionFacts.Arity(function)))
        {
            return (new NumberExpr(0), new LevelInfo(Level.Constant, false));
        }

        var arguments = new List<Expr>();
        var info = new LevelInfo(Level.Constant, false);
        ParsedExpr? previous = null;
        var previousInfo = info;
        foreach (var argument in call.Arguments)
        {
            var (bound, argumentInfo) = Bind(argument);
            if (previous is not null)
            {
                CheckMix(previous, previousInfo, argument, argumentInfo);
            }

            arguments.Add(bound);
            info = Combine(info, argumentInfo);
            previous = argument;
            previousInfo = info;
        }

        if (SpatialFunctions.IsSpatial(function))
        {
            for (var i = 1; i < arguments.Count; i++)
            {
                if (Binder.LevelOf(arguments[i]).Level != Level.Constant)
                {
                    Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[i], $"the arguments of {call.Name}(...) after the map must be numbers or parameters");
                }
            }

            if (!(Binder.LevelOf(arguments[0]) is { Level: Level.Pixel, PerClass: true }))
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], $"{call.Name}(...) transforms a per-class pixel map such as p, y or (p - y)^2");
            }
        }

        return (new FunctionExpr(function, arguments.ToEquatableArray()), info);
    }

    private (Expr, LevelInfo) BindAggregation(ParsedCall call, Aggregation aggregation)
    {
        var name = AggregationFacts.Name(aggregation);
        // topk(e, percent); lovasz(e) or lovasz(e, bits), bits = 32 computing the Jaccard increments in float32 as the references do.
        var arity = aggregation == Aggregation.TopK || (aggregation == Aggregation.Lovasz && call.Arguments.Count == 2) ? 2 : 1;
        if (!CheckArity(call, arity))
        {
            return (new NumberExpr(0), new LevelInfo(Level.Statistic, false));
        }

        var (operand, info) = Bind(call.Arguments[0]);
        Expr? percent = null;
        if (arity == 2)
        {
            var (boundPercent, percentInfo) = Bind(call.Arguments[1]);
            if (percentInfo.Level != Level.Constant)
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[1], $"the second argument of {name}(...) must be a number or a parameter");
            }

            percent = boundPercent;
        }

        var result = new AggregateExpr(aggregation, operand, percent);
        if (AggregationFacts.IsOverPixels(aggregation))
        {
            if (info.Level >= Level.Statistic)
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], $"{name}(...) sums over pixels, but its argument is already a statistic");
            }
            else if (aggregation == Aggregation.TopK && info.PerClass)
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], "topk(e, percent) needs one value per pixel: reduce per-class values with sumc(...) first");
            }
            else if (aggregation == Aggregation.Lovasz && !(info.Level == Level.Pixel && info.PerClass))
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], "lovasz(e) sorts per-class errors of each pixel: its argument must depend on the pixel and the class (e.g. abs(y - p))");
            }
        }
        else if (aggregation == Aggregation.SinglePrecisionMean)
        {
            if (!(info.Level == Level.Pixel && info.PerClass))
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], "mean32(e) averages a per-class pixel map over the batch: its argument must depend on the pixel and the class");
            }
        }
        else if (aggregation == Aggregation.MeanBatch)
        {
            if (info.Level != Level.Statistic || info.PerClass)
            {
                Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], "meanb(...) averages one value per sample over the batch: its argument must be a statistic expression reduced over classes (meanc, sumc)");
            }
        }
        else if (!info.PerClass)
        {
            Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], $"{name}(...) aggregates over classes, but its argument has no per-class value");
        }
        else if (aggregation is Aggregation.MaxClasses or Aggregation.MinClasses && info.Level == Level.Pixel)
        {
            Error(DiagnosticDescriptors.InvalidAggregation, call.Arguments[0], $"{name}(...) runs over the classes of statistics, not of pixels");
        }

        return (result, LevelOf(result));
    }

    private bool CheckArity(ParsedCall call, int arity)
    {
        if (call.Arguments.Count == arity)
        {
            return true;
        }

        Error(DiagnosticDescriptors.InvalidAggregation, call, $"{call.Name} takes {arity} argument{(arity == 1 ? "" : "s")}, not {call.Arguments.Count}");
        return false;
    }

    private void CheckMix(ParsedExpr left, LevelInfo leftInfo, ParsedExpr right, LevelInfo rightInfo)
    {
        if ((leftInfo.Level == Level.Batch && rightInfo.Level is Level.Statistic or Level.Pixel) ||
            (rightInfo.Level == Level.Batch && leftInfo.Level is Level.Statistic or Level.Pixel))
        {
            var inner = leftInfo.Level == Level.Batch ? right : left;
            Error(DiagnosticDescriptors.InvalidAggregation, inner, $"{Describe(inner)} varies per sample but is combined with meanb(...), a value of the whole batch; move it inside meanb(...)");
            return;
        }

        if (leftInfo.Level == Level.Pixel && rightInfo.Level == Level.Statistic)
        {
            Error(DiagnosticDescriptors.PixelOutsideAggregation, left, Describe(left));
        }
        else if (leftInfo.Level == Level.Statistic && rightInfo.Level == Level.Pixel)
        {
            Error(DiagnosticDescriptors.PixelOutsideAggregation, right, Describe(right));
        }
    }

    private string Describe(ParsedExpr parsed) => parsed switch
    {
        ParsedIdentifier identifier => identifier.Name,
        ParsedCall call => call.Name + "(...)",
        _ => "this sub-expression",
    };

    private void Error(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, ParsedExpr at, params string[] arguments) =>
        Error(descriptor, at.Start, at.Length, arguments);

    private void Error(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int start, int length, params string[] arguments)
    {
        // Errors inside an expanded shorthand carry the shorthand's offsets; they cannot happen for valid shorthands.
        _errors.Add(new BindingError(descriptor, start, length, arguments));
    }

    private static readonly Dictionary<string, ParsedExpr> ShorthandCache = new();

    private static ParsedExpr Shorthand(string expansion)
    {
        lock (ShorthandCache)
        {
            if (!ShorthandCache.TryGetValue(expansion, out var parsed))
            {
                parsed = ExpressionParser.Parse(expansion);
                ShorthandCache[expansion] = parsed;
            }

            return parsed;
        }
    }
}
