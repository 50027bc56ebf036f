using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>
/// Writes an expression as statements of a per-pixel kernel: inside a loop over the chunk a vector of pixels at a
/// time (<c>i</c>), each pixel value is a <c>Vector&lt;T&gt;</c> local, so a declaration's activation, statistics and
/// gradient are computed in registers without a pass over memory per operation. Scalars stay <c>double</c> C#
/// expressions; where they meet a vector they become vector constants (per class, a table indexed by <c>c</c>),
/// written once before the loop into <see cref="Constants"/>. Per-class values are read at the loop variable
/// <c>c</c>; per-pixel values are computed once per vector of pixels and shared by every statistic.
/// </summary>
internal sealed class VectorProgram
{
    private const string Math = "global::SegLoss.Runtime.Kernels.Statistics.PixelMath";

    private readonly SourceWriter _w;
    private readonly Dictionary<Expr, string> _bound = new();

    /// <summary>Per-class values written in the current class loop's body, shared within it.</summary>
    private readonly Dictionary<Expr, string> _inClassLoop = new();
    private readonly Dictionary<(string Code, bool PerClass), string> _constants = new();
    private readonly bool _classIndices;
    private readonly string[] _maps;
    private int _temporaries;
    private int _classLoops;
    private int _classSums;
    private bool _classOuter;

    /// <param name="body">Where the loop body's statements go.</param>
    /// <param name="classIndices">Whether the target is class indices (the class masks <c>isClass</c> in scope), not dense.</param>
    /// <param name="maps">The statistics whose gradients are per-pixel maps (a topk's), in the kernel's order.</param>
    public VectorProgram(SourceWriter body, bool classIndices, IReadOnlyList<string>? maps = null)
    {
        _w = body;
        _classIndices = classIndices;
        _maps = maps?.ToArray() ?? System.Array.Empty<string>();
    }

    /// <summary>The statements before the loop: the vector constants the body reads.</summary>
    public SourceWriter Constants { get; } = new();

    /// <summary>
    /// With the classes as the outer loop (<see cref="EnterClassLoop"/>): the statements at the start of each class's
    /// iteration, the vector constants of that class (locals, not tables read at <c>c</c> in the loop).
    /// </summary>
    public SourceWriter ClassConstants { get; } = new();

    /// <summary>Whether the classes are the outer loop: per-class values are then plain locals, not rows read at <c>c</c>.</summary>
    public bool ClassOuter => _classOuter;

    /// <summary>An operand: a vector local (or vector-valued C# expression), or a scalar <c>double</c> C# expression.</summary>
    public readonly record struct Operand(string Code, bool IsVector);

    /// <summary>Binds an expression to a vector local for the rest of the body (the true-class quantities).</summary>
    public void Bind(Expr expr, string local) => _bound[expr] = local;

    /// <summary>
    /// A table of per-class vector constants, <paramref name="code"/> (a <c>double</c> expression of <c>c</c>) at
    /// each class; returns its name.
    /// </summary>
    public string ClassTable(string code) => ConstantName(code, perClass: true);

    /// <summary>Whether <paramref name="expr"/> is one value for the whole chunk (a <c>double</c>), not a vector.</summary>
    public bool IsScalar(Expr expr) => !Algebra.Any(expr, node =>
        _bound.ContainsKey(node) ||
        node is LocalExpr or GatherExpr or ComposeExpr ||
        (node is QuantityExpr quantity && QuantityFacts.IsPixel(quantity.Kind)) ||
        (node is GradientExpr gradient && _maps.Contains(gradient.Statistic)));

    /// <summary>Writes the statements computing an expression (per class inside a class loop); returns its value.</summary>
    public Operand Value(Expr expr) => Write(expr);

    /// <summary>The value of an expression as a vector (a scalar becomes a constant).</summary>
    public string VectorValue(Expr expr) => AsVector(Write(expr), expr);

    /// <summary>Writes the per-pixel parts of a per-class expression (before its class loop) and binds them.</summary>
    public void Hoist(Expr expr)
    {
        foreach (var node in KernelCode.MaximalPixelParts(expr, _bound))
        {
            var operand = Write(node);
            if (operand.IsVector && _classLoops == 0)
            {
                _bound[node] = operand.Code;
            }
        }
    }

    /// <summary>Whether a per-pixel part of <paramref name="expr"/> (hoisted before its class loop) reads a step's rows.</summary>
    public bool PixelPartsReadRows(Expr expr) => KernelCode.MaximalPixelParts(expr, _bound).Any(part => Algebra.Any(part, node => node is LocalExpr));

    /// <summary>
    /// Writes the rest of the body inside a loop over the classes that the caller writes around it (class <c>c</c>):
    /// <see cref="ClassLoop"/> then writes its body as it is, in the same scope.
    /// </summary>
    public void EnterClassLoop()
    {
        _classLoops++;
        _classOuter = true;
    }

    /// <summary>Writes a loop over the classes around <paramref name="body"/>.</summary>
    public void ClassLoop(System.Action body)
    {
        if (_classOuter)
        {
            body();
            return;
        }

        _w.Line("for (var c = 0; c < chunk.Classes; c++)");
        _classLoops++;
        _w.Block(body);
        _classLoops--;
        _inClassLoop.Clear();
    }

    private Operand Write(Expr expr)
    {
        if (_bound.TryGetValue(expr, out var local) || (_classLoops > 0 && _inClassLoop.TryGetValue(expr, out local)))
        {
            return Vector(local);
        }

        var operand = WriteNode(expr);
        if (operand.IsVector && _classLoops > 0 && IsLocal(operand.Code))
        {
            _inClassLoop[expr] = operand.Code;
        }

        // A per-pixel value written outside any class loop is kept for the rest of the vector of pixels.
        if (operand.IsVector && _classLoops == 0 && !Binder.LevelOf(expr).PerClass && IsLocal(operand.Code))
        {
            _bound[expr] = operand.Code;
        }

        return operand;
    }

    private Operand WriteNode(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr number:
                return Scalar(Literals.Double(number.Value));
            case ParamExpr parameter:
                return Scalar("_" + parameter.Name);
            case QuantityExpr quantity:
                return Quantity(quantity);
            case GradientExpr gradient when _maps.Contains(gradient.Statistic):
            {
                var k = System.Array.IndexOf(_maps, gradient.Statistic).ToString(CultureInfo.InvariantCulture);
                return Local(gradient.PerClass ? $"chunk.ClassMapGradientAt({k}, c, i)" : $"chunk.MapGradientAt({k}, i)");
            }

            case GatherExpr { Full: GradientExpr { PerClass: true } gradient } when _classIndices && _maps.Contains(gradient.Statistic):
                return Local($"chunk.MapGradientAtClass({System.Array.IndexOf(_maps, gradient.Statistic).ToString(CultureInfo.InvariantCulture)}, isClass, i)");
            case GradientExpr gradient:
                return Scalar(gradient.PerClass ? $"{LocalNames.Gradient(gradient.Statistic)}[row + c]" : $"{LocalNames.Gradient(gradient.Statistic)}[chunk.Sample]");
            case GatherExpr { Full: GradientExpr { PerClass: true } gradient } when _classIndices:
                return Local($"{Math}.AtClass(isClass, {ClassTable($"{LocalNames.Gradient(gradient.Statistic)}[row + c]")})");
            case LocalExpr rows:
                return Vector(_classOuter ? rows.Name : $"{rows.Name}[c]");
            case NegateExpr negate:
            {
                var x = Write(negate.Operand);
                return x.IsVector ? Local($"-{x.Code}") : Scalar($"-{KernelCode.Parenthesized(x.Code)}");
            }

            case BinaryExpr binary:
                return WriteBinary(binary);
            case FunctionExpr function:
                return WriteFunction(function);
            case AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum:
                return WriteClassSum(sum.Operand);
            case ComposeExpr compose when _classIndices:
                return WriteCompose(compose);
            default:
                throw new UnsupportedFormException("no per-pixel form for " + expr);
        }
    }

    private Operand Quantity(QuantityExpr quantity) => quantity.Kind switch
    {
        Model.Quantity.ClassCount => Scalar("C"),
        Model.Quantity.ClassWeight => Scalar($"{LocalNames.Weights(quantity.WeightSource)}[c]"),
        Model.Quantity.Probability or Model.Quantity.LogProbability or Model.Quantity.LogComplement =>
            Vector(LocalNames.Full(quantity.Kind, quantity.Activation) + (_classOuter ? "" : "[c]")),
        Model.Quantity.Logit => Local("chunk.LogitsAt(c, i)"),
        Model.Quantity.Target when !_classIndices => Local("chunk.TargetAt(c, i)"),
        _ => throw new UnsupportedFormException("no per-pixel form for " + quantity),
    };

    private Operand WriteBinary(BinaryExpr binary)
    {
        var left = Write(binary.Left);
        var right = Write(binary.Right);
        if (!left.IsVector && !right.IsVector)
        {
            return Scalar(KernelCode.ScalarBinary(binary.Operator, left.Code, right.Code));
        }

        if (binary.Operator == BinaryOperator.Power)
        {
            // A scalar exponent or base stays a double: x·x for 2 is decided at run time, as ChunkMath.Pow does.
            return Local($"{Math}.Pow({left.Code}, {right.Code})");
        }

        var (x, y) = (AsVector(left, binary.Left), AsVector(right, binary.Right));
        return Local(binary.Operator switch
        {
            BinaryOperator.Add => $"{x} + {y}",
            BinaryOperator.Subtract => $"{x} - {y}",
            BinaryOperator.Multiply => $"{x} * {y}",
            BinaryOperator.Divide => $"{x} / {y}",
            _ => $"{Math}.{KernelCode.ComparisonName(binary.Operator)}({x}, {y})",
        });
    }

    private Operand WriteFunction(FunctionExpr function)
    {
        var arguments = function.Arguments;
        switch (function.Function)
        {
            case Function.Log:
                return Unary("Log", arguments[0], x => $"{KnownSymbols.Math}.Log({x})");
            case Function.Exp:
                return Unary("Exp", arguments[0], x => $"{KnownSymbols.Math}.Exp({x})");
            case Function.Sqrt:
                return Unary("Sqrt", arguments[0], x => $"{KnownSymbols.Math}.Sqrt({x})");
            case Function.Abs:
                return Unary("Abs", arguments[0], x => $"{KnownSymbols.Math}.Abs({x})");
            case Function.Cosh:
                return Unary("Cosh", arguments[0], x => $"{KnownSymbols.Math}.Cosh({x})");
            case Function.Sinh:
                return Unary("Sinh", arguments[0], x => $"{KnownSymbols.Math}.Sinh({x})");
            case Function.Sign:
                return Unary("Sign", arguments[0], x => $"{KnownSymbols.Math}.Sign({x})");
            case Function.Float32:
                return Unary("RoundToFloat32", arguments[0], x => $"(double)(float)({x})");
            case Function.LogOneMinusExpDerivative:
                return Unary("LogOneMinusExpDerivative", arguments[0], x => $"-{KnownSymbols.Math}.Exp({x}) / (1 - {KnownSymbols.Math}.Exp({x}))");
            case Function.ExpNonPositive:
                return Unary("ExpNonPositive", arguments[0], x => $"{KnownSymbols.Math}.Exp({KnownSymbols.Math}.Min({x}, 0.0))");
            case Function.Min or Function.Max:
            {
                var left = Write(arguments[0]);
                var right = Write(arguments[1]);
                var name = function.Function == Function.Min ? "Min" : "Max";
                return left.IsVector || right.IsVector
                    ? Local($"{Math}.{name}({AsVector(left, arguments[0])}, {AsVector(right, arguments[1])})")
                    : Scalar($"{KnownSymbols.Math}.{name}({left.Code}, {right.Code})");
            }

            case Function.Clamp:
            {
                var inner = new FunctionExpr(Function.Min, new[] { arguments[0], arguments[2] }.ToEquatableArray());
                return WriteFunction(new FunctionExpr(Function.Max, new Expr[] { inner, arguments[1] }.ToEquatableArray()));
            }

            case Function.PowDerivative:
            {
                var x = Write(arguments[0]);
                var e = Write(arguments[1]);
                if (!x.IsVector && !e.IsVector)
                {
                    return Scalar($"{KnownSymbols.ExpressionOps}.PowDerivative({x.Code}, {e.Code})");
                }

                return !e.IsVector ? Local($"{Math}.PowDerivative({x.Code}, {e.Code})") : throw new UnsupportedFormException("a power with a pixel exponent");
            }

            case Function.MaxDerivative or Function.MinDerivative:
            {
                var x = Write(arguments[0]);
                var y = Write(arguments[1]);
                var name = function.Function.ToString();
                if (!x.IsVector)
                {
                    return !y.IsVector ? Scalar($"{KnownSymbols.ExpressionOps}.{name}({x.Code}, {y.Code})") : throw new UnsupportedFormException("a derivative of a scalar against a pixel value");
                }

                // Against a scalar bound the derivative is a comparison (clamp_min, clamp_max: 1 at the bound), as ChunkMath has it.
                return y.IsVector
                    ? Local($"{Math}.{name}({x.Code}, {y.Code})")
                    : Local($"{Math}.{(function.Function == Function.MaxDerivative ? "GreaterOrEqual" : "LessOrEqual")}({x.Code}, {AsVector(y, arguments[1])})");
            }

            default:
                throw new UnsupportedFormException("no per-pixel form for " + function);
        }
    }

    /// <summary>At class c: the every-class part, plus the true-class part at the pixels of class c.</summary>
    private Operand WriteCompose(ComposeExpr compose)
    {
        var everyClass = compose.EveryClass is null ? null : AsVector(Write(compose.EveryClass), compose.EveryClass);
        var trueClass = compose.TrueClass is null ? null : AsVector(Write(compose.TrueClass), compose.TrueClass);
        var atClass = trueClass is null ? null : $"{Math}.WhereClass(isClass[c], {trueClass})";
        return Local(everyClass is null ? atClass ?? $"global::System.Numerics.Vector<T>.Zero" : atClass is null ? everyClass : $"{everyClass} + {atClass}");
    }

    /// <summary>Σ over the classes of a per-class expression at each pixel (a class loop into one vector).</summary>
    private Operand WriteClassSum(Expr operand)
    {
        var level = Binder.LevelOf(operand);
        if (!level.PerClass)
        {
            // The same value at every class.
            var same = Write(operand);
            return same.IsVector ? Local($"{same.Code} * {Constant("C", perClass: false)}") : Scalar($"C * {KernelCode.Parenthesized(same.Code)}");
        }

        if (level.Level != Level.Pixel)
        {
            // Per class but not per pixel (class weights): a scalar sum, before the loop.
            var total = "sum" + (++_classSums).ToString(CultureInfo.InvariantCulture);
            var value = Write(operand);
            Constants.Line($"var {total} = 0.0;");
            Constants.Line("for (var c = 0; c < chunk.Classes; c++)");
            Constants.Block(() => Constants.Line($"{total} += {value.Code};"));
            return Scalar(total);
        }

        if (_classLoops > 0)
        {
            throw new UnsupportedFormException("a sum over the classes inside a class loop");
        }

        Hoist(operand);
        var sum = Temporary();
        _w.Line($"var {sum} = global::System.Numerics.Vector<T>.Zero;");
        ClassLoop(() => _w.Line($"{sum} += {AsVector(Write(operand), operand)};"));
        return Vector(sum);
    }

    private Operand Unary(string name, Expr argument, System.Func<string, string> scalar)
    {
        var x = Write(argument);
        return x.IsVector ? Local($"{Math}.{name}({x.Code})") : Scalar(scalar(x.Code));
    }

    /// <summary>A vector operand's code; a scalar's vector constant.</summary>
    private string AsVector(Operand operand, Expr expr) =>
        operand.IsVector ? operand.Code : Constant(operand.Code, Binder.LevelOf(expr).PerClass);

    /// <summary>
    /// The vector constant of a scalar (a table read at <c>c</c> when it depends on the class), written before the loop
    /// once; with the classes as the outer loop, a per-class one is a local written once per class.
    /// </summary>
    private string Constant(string code, bool perClass)
    {
        if (!perClass || !_classOuter)
        {
            return ConstantName(code, perClass) + (perClass ? "[c]" : "");
        }

        if (!_constants.TryGetValue((code, true), out var name))
        {
            name = "k" + (_constants.Count + 1).ToString(CultureInfo.InvariantCulture);
            _constants[(code, true)] = name;
            ClassConstants.Line($"var {name} = {Math}.Broadcast<T>({code});");
        }

        return name;
    }

    /// <summary>The name of a scalar's vector constant, or of its table when it depends on the class.</summary>
    private string ConstantName(string code, bool perClass)
    {
        if (!_constants.TryGetValue((code, perClass), out var name))
        {
            name = "k" + (_constants.Count + 1).ToString(CultureInfo.InvariantCulture);
            _constants[(code, perClass)] = name;
            if (perClass)
            {
                Constants.Line($"var {name} = scratch.Vectors(chunk.Classes);");
                Constants.Line("for (var c = 0; c < chunk.Classes; c++)");
                Constants.Block(() => Constants.Line($"{name}[c] = {Math}.Broadcast<T>({code});"));
            }
            else
            {
                Constants.Line($"var {name} = {Math}.Broadcast<T>({code});");
            }
        }

        return name;
    }

    /// <summary>A vector-valued C# expression, assigned to a new local.</summary>
    private Operand Local(string code)
    {
        var name = Temporary();
        _w.Line($"var {name} = {code};");
        return Vector(name);
    }

    private string Temporary() => "v" + (++_temporaries).ToString(CultureInfo.InvariantCulture);

    private static bool IsLocal(string code) => code.All(ch => char.IsLetterOrDigit(ch) || ch == '_');

    private static Operand Scalar(string code) => new(code, false);

    private static Operand Vector(string code) => new(code, true);
}

/// <summary>A form the per-pixel kernel does not write; the declaration's kernel keeps the span program.</summary>
internal sealed class UnsupportedFormException : System.Exception
{
    public UnsupportedFormException(string reason)
        : base(reason)
    {
    }
}
