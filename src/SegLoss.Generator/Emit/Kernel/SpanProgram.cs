using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// Writes an expression as statements of a generated CPU kernel over one chunk: each tensor-valued node becomes a
/// buffer of the chunk's scratch memory filled by one <c>ChunkMath</c> call (vectorized over the pixels); scalar
/// nodes stay <c>double</c> C# expressions. Per-class values are read at the loop variable <c>c</c>; per-pixel parts
/// of a per-class expression are computed once, before its class loop.
/// </summary>
internal sealed class SpanProgram
{
    private const string Math = "global::SegLoss.Runtime.Kernels.Statistics.ChunkMath";

    private readonly SourceWriter _w;
    private readonly Dictionary<Expr, string> _bound = new();
    private readonly HashSet<string> _maps;
    private int _temporaries;

    /// <param name="writer">Where the statements go.</param>
    /// <param name="maps">The statistics that are per-pixel maps (a topk's values): their gradients are spans.</param>
    public SpanProgram(SourceWriter writer, IEnumerable<string> maps)
    {
        _w = writer;
        _maps = new HashSet<string>(maps);
    }

    /// <summary>An operand: a span local (or span-valued C# expression), or a scalar <c>double</c> C# expression.</summary>
    public readonly record struct Operand(string Code, bool IsSpan);

    /// <summary>Binds an expression to a span local for the rest of the program (the true-class quantities).</summary>
    public void Bind(Expr expr, string local) => _bound[expr] = local;

    /// <summary>
    /// Writes the statements computing a per-class expression at class <c>c</c>, to be placed inside a class loop;
    /// call <see cref="Hoist"/> before the loop so that its per-pixel parts are computed once.
    /// </summary>
    public Operand AtClass(Expr expr) => Write(expr);

    /// <summary>Writes the per-pixel parts of a per-class expression (before its class loop) and binds them.</summary>
    public void Hoist(Expr expr)
    {
        foreach (var node in KernelCode.MaximalPixelParts(expr, _bound))
        {
            var operand = Write(node);
            if (operand.IsSpan)
            {
                _bound[node] = operand.Code;
            }
        }
    }

    /// <summary>Writes the statements computing a per-pixel expression.</summary>
    public Operand AtPixel(Expr expr) => Write(expr);

    /// <summary>
    /// Writes the statements computing a per-class expression at class <c>c</c> into the span <paramref name="destination"/>
    /// (which no operand reads): the last operation writes there directly.
    /// </summary>
    public void AtClassInto(Expr expr, string destination)
    {
        var value = Write(expr, destination);
        if (value.Code != destination)
        {
            _w.Line(value.IsSpan ? $"{value.Code}.CopyTo({destination});" : $"{Math}.Fill<T>({destination}, {value.Code});");
        }
    }

    /// <summary>
    /// Writes a loop over the classes around <paramref name="body"/>. Buffers the body takes from the scratch memory
    /// are handed back at the end of each iteration, so a loop needs the same few buffers whatever C is.
    /// </summary>
    public void ClassLoop(System.Action body)
    {
        _w.Line("for (var c = 0; c < chunk.Classes; c++)");
        _w.Block(() =>
        {
            var (before, position) = (_temporaries, _w.Position);
            body();
            if (_temporaries != before)
            {
                _w.InsertLine(position, "using var iteration = scratch.Iteration();");
            }
        });
    }

    /// <summary>Writes <paramref name="expr"/>; a span result of an operation goes to <paramref name="into"/> when given.</summary>
    private Operand Write(Expr expr, string? into = null)
    {
        if (_bound.TryGetValue(expr, out var local))
        {
            return new Operand(local, true);
        }

        switch (expr)
        {
            case NumberExpr number:
                return Scalar(Literals.Double(number.Value));
            case ParamExpr parameter:
                return Scalar("_" + parameter.Name);
            case QuantityExpr quantity:
                return Quantity(quantity);
            case GradientExpr gradient when _maps.Contains(gradient.Statistic):
                return Span(LocalNames.Gradient(gradient.Statistic));
            case GradientExpr gradient:
                return Scalar(gradient.PerClass ? $"{LocalNames.Gradient(gradient.Statistic)}[row + c]" : $"{LocalNames.Gradient(gradient.Statistic)}[chunk.Sample]");
            case GatherExpr { Full: GradientExpr { PerClass: true } gradient }:
            {
                var buffer = Temporary();
                _w.Line($"chunk.AtTrueClass(new global::System.ReadOnlySpan<double>({LocalNames.Gradient(gradient.Statistic)}, row, chunk.Classes), {buffer});");
                return Span(buffer);
            }

            case LocalExpr rows:
                return Span($"{rows.Name}[c]");
            case NegateExpr negate:
                return Unary("Negate", negate.Operand, x => $"-{KernelCode.Parenthesized(x)}", into);
            case BinaryExpr binary:
                return WriteBinary(binary, into);
            case FunctionExpr function:
                return WriteFunction(function, into);
            case AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum:
                return WriteClassSum(sum.Operand);
            case ComposeExpr compose:
                return WriteCompose(compose);
            default:
                throw new System.InvalidOperationException("no kernel form for " + expr);
        }
    }

    private Operand Quantity(QuantityExpr quantity) => quantity.Kind switch
    {
        Model.Quantity.ClassCount => Scalar("C"),
        Model.Quantity.ClassWeight => Scalar($"{LocalNames.Weights(quantity.WeightSource)}[c]"),
        Model.Quantity.Probability or Model.Quantity.LogProbability or Model.Quantity.LogComplement =>
            Span($"{LocalNames.Full(quantity.Kind, quantity.Activation)}[c]"),
        Model.Quantity.Logit => Span("chunk.Logits(c)"),
        Model.Quantity.Target => Span("chunk.Target(c)"),
        _ => throw new System.InvalidOperationException("unbound quantity " + quantity),
    };

    /// <summary>
    /// Whether <paramref name="expr"/> is one value for the whole chunk (a <c>double</c>), not a span: it reads no pixel
    /// quantity, row, map gradient, true-class gather or hoisted part.
    /// </summary>
    public bool IsScalar(Expr expr) => !Algebra.Any(expr, node =>
        _bound.ContainsKey(node) ||
        node is LocalExpr or GatherExpr or ComposeExpr ||
        (node is QuantityExpr quantity && QuantityFacts.IsPixel(quantity.Kind)) ||
        (node is GradientExpr gradient && _maps.Contains(gradient.Statistic)));

    /// <summary>
    /// The operands of <c>x · y</c> when both are spans (a pixel sum of it is one dot product), else null.
    /// </summary>
    public (Operand X, Operand Y)? SpanProduct(Expr expr)
    {
        if (_bound.ContainsKey(expr) || expr is not BinaryExpr { Operator: BinaryOperator.Multiply } product || IsScalar(product.Left) || IsScalar(product.Right))
        {
            return null;
        }

        return (Write(product.Left), Write(product.Right));
    }

    private Operand WriteBinary(BinaryExpr binary, string? into)
    {
        if (WriteFused(binary, into) is { } fused)
        {
            return fused;
        }

        var left = Write(binary.Left);
        var right = Write(binary.Right);
        if (!left.IsSpan && !right.IsSpan)
        {
            return Scalar(KernelCode.ScalarBinary(binary.Operator, left.Code, right.Code));
        }

        var name = binary.Operator switch
        {
            BinaryOperator.Add => "Add",
            BinaryOperator.Subtract => "Subtract",
            BinaryOperator.Multiply => "Multiply",
            BinaryOperator.Divide => "Divide",
            BinaryOperator.Power => "Pow",
            _ => KernelCode.ComparisonName(binary.Operator),
        };
        return Call(name, left, right, into);
    }

    /// <summary>
    /// Two forms of the closed-form backward in one pass instead of two or three: <c>x·a ± b</c> (a and b scalars, an
    /// adjoint from statistic gradients) and <c>a·p·(1 - p)</c> (an adjoint through a sigmoid). Null for other forms.
    /// </summary>
    private Operand? WriteFused(BinaryExpr binary, string? into)
    {
        if (binary.Operator is BinaryOperator.Add or BinaryOperator.Subtract)
        {
            var (product, other, productFirst) = ScaledSpan(binary.Left) is not null && IsScalar(binary.Right)
                ? (binary.Left, binary.Right, true)
                : ScaledSpan(binary.Right) is not null && IsScalar(binary.Left) ? (binary.Right, binary.Left, false) : (null!, null!, false);
            if (product is not null)
            {
                var (x, a) = ScaledSpan(product)!.Value;
                var span = Write(x);
                var scale = Write(a).Code;
                var offset = Write(other).Code;
                if (binary.Operator == BinaryOperator.Subtract)
                {
                    // x·a - b, or b - x·a = x·(-a) + b.
                    (scale, offset) = productFirst ? (scale, $"-{KernelCode.Parenthesized(offset)}") : ($"-{KernelCode.Parenthesized(scale)}", offset);
                }

                var buffer = into ?? Temporary();
                _w.Line($"{Math}.MultiplyAdd<T>({span.Code}, {scale}, {offset}, {buffer});");
                return Span(buffer);
            }
        }

        if (binary.Operator == BinaryOperator.Multiply)
        {
            foreach (var (scaled, complement) in new[] { (binary.Left, binary.Right), (binary.Right, binary.Left) })
            {
                if (complement is BinaryExpr { Operator: BinaryOperator.Subtract, Left: NumberExpr { Value: 1 }, Right: var p }
                    && scaled is BinaryExpr { Operator: BinaryOperator.Multiply } product
                    && !IsScalar(p)
                    && (product.Right.Equals(p) || product.Left.Equals(p)))
                {
                    var adjoint = product.Right.Equals(p) ? product.Left : product.Right;
                    if (IsScalar(adjoint))
                    {
                        continue;
                    }

                    var a = Write(adjoint);
                    var probability = Write(p);
                    var buffer = into ?? Temporary();
                    _w.Line($"{Math}.SigmoidSlope<T>({a.Code}, {probability.Code}, {buffer});");
                    return Span(buffer);
                }
            }
        }

        return null;
    }

    /// <summary>A span times a scalar (<c>x·a</c> or <c>a·x</c>) as (x, a), else null.</summary>
    private (Expr X, Expr A)? ScaledSpan(Expr expr) => expr switch
    {
        _ when _bound.ContainsKey(expr) => null,
        BinaryExpr { Operator: BinaryOperator.Multiply, Left: var x, Right: var a } when IsScalar(a) && !IsScalar(x) => (x, a),
        BinaryExpr { Operator: BinaryOperator.Multiply, Left: var a, Right: var x } when IsScalar(a) && !IsScalar(x) => (x, a),
        _ => null,
    };

    private Operand WriteFunction(FunctionExpr function, string? into)
    {
        var arguments = function.Arguments;
        switch (function.Function)
        {
            case Function.Log:
                return Unary("Log", arguments[0], x => $"{KnownSymbols.Math}.Log({x})", into);
            case Function.Exp:
                return Unary("Exp", arguments[0], x => $"{KnownSymbols.Math}.Exp({x})", into);
            case Function.Sqrt:
                return Unary("Sqrt", arguments[0], x => $"{KnownSymbols.Math}.Sqrt({x})", into);
            case Function.Abs:
                return Unary("Abs", arguments[0], x => $"{KnownSymbols.Math}.Abs({x})", into);
            case Function.Cosh:
                return Unary("Cosh", arguments[0], x => $"{KnownSymbols.Math}.Cosh({x})", into);
            case Function.Sinh:
                return Unary("Sinh", arguments[0], x => $"{KnownSymbols.Math}.Sinh({x})", into);
            case Function.Sign:
                return Unary("Sign", arguments[0], x => $"{KnownSymbols.Math}.Sign({x})", into);
            case Function.Float32:
                return Unary("RoundToFloat32", arguments[0], x => $"(double)(float)({x})", into);
            case Function.LogOneMinusExpDerivative:
                return Unary("LogOneMinusExpDerivative", arguments[0], x => $"-{KnownSymbols.Math}.Exp({x}) / (1 - {KnownSymbols.Math}.Exp({x}))", into);
            case Function.ExpNonPositive:
                return Unary("ExpNonPositive", arguments[0], x => $"{KnownSymbols.Math}.Exp({KnownSymbols.Math}.Min({x}, 0.0))", into);
            case Function.Min or Function.Max:
            {
                var left = Write(arguments[0]);
                var right = Write(arguments[1]);
                var name = function.Function == Function.Min ? "Min" : "Max";
                return left.IsSpan || right.IsSpan ? Call(name, left, right, into) : Scalar($"{KnownSymbols.Math}.{name}({left.Code}, {right.Code})");
            }

            case Function.Clamp:
            {
                var inner = new FunctionExpr(Function.Min, new[] { arguments[0], arguments[2] }.ToEquatableArray());
                return WriteFunction(new FunctionExpr(Function.Max, new Expr[] { inner, arguments[1] }.ToEquatableArray()), into);
            }

            case Function.PowDerivative or Function.MaxDerivative or Function.MinDerivative:
            {
                var x = Write(arguments[0]);
                var y = Write(arguments[1]);
                var name = function.Function.ToString();
                return x.IsSpan
                    ? Call(name, x, y, into)
                    : Scalar($"{KnownSymbols.ExpressionOps}.{name}({x.Code}, {y.Code})");
            }

            default:
                throw new System.InvalidOperationException("no kernel form for " + function);
        }
    }

    /// <summary>At class c: the every-class part, plus the true-class part at the pixels of class c.</summary>
    private Operand WriteCompose(ComposeExpr compose)
    {
        var buffer = Temporary();
        if (compose.EveryClass is null)
        {
            _w.Line($"{buffer}.Clear();");
        }
        else
        {
            var everyClass = Write(compose.EveryClass);
            _w.Line(everyClass.IsSpan ? $"{everyClass.Code}.CopyTo({buffer});" : $"{Math}.Fill<T>({buffer}, {everyClass.Code});");
        }

        if (compose.TrueClass is not null)
        {
            var trueClass = Write(compose.TrueClass);
            _w.Line(trueClass.IsSpan ? $"chunk.AddWhereClass(c, {buffer}, {trueClass.Code});" : $"chunk.AddWhereClass(c, {buffer}, {trueClass.Code});");
        }

        return Span(buffer);
    }

    /// <summary>Σ over the classes of a per-class expression at each pixel (a class loop into one buffer).</summary>
    private Operand WriteClassSum(Expr operand)
    {
        var level = Binder.LevelOf(operand);
        if (!level.PerClass)
        {
            // The same value at every class.
            var same = Write(operand);
            return same.IsSpan ? Call("Multiply", same, Scalar("C")) : Scalar($"C * {KernelCode.Parenthesized(same.Code)}");
        }

        if (level.Level != Level.Pixel)
        {
            // Per class but not per pixel (class weights): a scalar sum.
            var total = Temporary(declare: false);
            _w.Line($"var {total} = 0.0;");
            _w.Line("for (var c = 0; c < chunk.Classes; c++)");
            _w.Block(() => _w.Line($"{total} += {Write(operand).Code};"));
            return Scalar(total);
        }

        Hoist(operand);
        var buffer = Temporary();
        _w.Line($"{buffer}.Clear();");
        ClassLoop(() =>
        {
            var value = Write(operand);
            _w.Line($"{Math}.Add<T>({buffer}, {value.Code}, {buffer});");
        });
        return Span(buffer);
    }

    private Operand Unary(string name, Expr argument, System.Func<string, string> scalar, string? into)
    {
        var x = Write(argument);
        if (!x.IsSpan)
        {
            return Scalar(scalar(x.Code));
        }

        var buffer = into ?? Temporary();
        _w.Line($"{Math}.{name}<T>({x.Code}, {buffer});");
        return Span(buffer);
    }

    private Operand Call(string name, Operand x, Operand y, string? into = null)
    {
        var buffer = into ?? Temporary();
        _w.Line($"{Math}.{name}<T>({x.Code}, {y.Code}, {buffer});");
        return Span(buffer);
    }

    private string Temporary(bool declare = true)
    {
        var name = "t" + (++_temporaries).ToString(CultureInfo.InvariantCulture);
        if (declare)
        {
            _w.Line($"var {name} = scratch.Pixel();");
        }

        return name;
    }

    private static Operand Scalar(string code) => new(code, false);

    private static Operand Span(string code) => new(code, true);
}
