using SegLoss.Generator.Model;

namespace SegLoss.Generator.Emit;

/// <summary>
/// Writes one step of a closed-form backward (run without autograd) so that its full-size intermediates are reused:
/// an operation whose operand is a tensor the step itself just made, of the result's whole shape, writes into it
/// (<c>t.mul_(u)</c>, <c>t.exp_()</c>) instead of making another. A step such as the focal loss's adjoint of log p then
/// holds one full-size tensor, not one per operation. The values are those of <see cref="ExprEmitter"/>'s code
/// exactly: the same operations in the same order (a product or sum may swap its operands, which IEEE arithmetic
/// allows; <c>a - b</c> on a fresh <c>b</c> is <c>-b + a</c>).
/// </summary>
internal static class ReusingExprEmitter
{
    private const int Additive = 1;
    private const int Unary = 3;
    private const int Primary = 4;

    public static string Emit(Expr expr) => Write(expr).Code.Text;

    /// <summary>Which of the dimensions N, C and X a value spans (a scalar none); unknown for names whose shape varies.</summary>
    private readonly record struct Extent(bool Known, bool Batch, bool Classes, bool Pixels)
    {
        public static readonly Extent Unknown = new(false, false, false, false);

        public static readonly Extent Scalar = new(true, false, false, false);

        public static readonly Extent Full = new(true, true, true, true);

        public static readonly Extent PerPixel = new(true, true, false, true);

        public static Extent Union(Extent a, Extent b) =>
            a.Known && b.Known ? new Extent(true, a.Batch || b.Batch, a.Classes || b.Classes, a.Pixels || b.Pixels) : Unknown;

        /// <summary>Whether a tensor of this extent can hold the result of an operation with <paramref name="other"/>.</summary>
        public bool Covers(Extent other) =>
            Known && other.Known && (Batch || !other.Batch) && (Classes || !other.Classes) && (Pixels || !other.Pixels);
    }

    /// <param name="Fresh">The code makes a new tensor that nothing else refers to.</param>
    private readonly record struct Value(ExprEmitter.Code Code, bool Fresh, Extent Extent);

    private static Value Write(Expr expr)
    {
        switch (expr)
        {
            case QuantityExpr quantity:
                return Named(expr, ExtentOf(quantity.Kind));
            case GradientExpr gradient:
                return Named(expr, new Extent(true, true, gradient.PerClass, false));
            case ComposeExpr { EveryClass: not null } compose:
            {
                // The every-class part, when this step made it full-size, takes the true-class part in place.
                var everyClass = Write(compose.EveryClass);
                var trueClass = compose.TrueClass is null ? "null" : Write(compose.TrueClass).Code.Text;
                var method = everyClass.Fresh && everyClass.Extent.Covers(Extent.Full) ? "ComposeInPlace" : "Compose";
                return Fresh($"batch.{method}({everyClass.Code.Text}, {trueClass})", Extent.Full);
            }

            case ComposeExpr:
                return Made(expr, Extent.Full);
            case GatherExpr:
                return Made(expr, Extent.PerPixel);
            case NegateExpr negate:
            {
                var operand = Write(negate.Operand);
                return !operand.Code.IsTensor
                    ? Other(expr)
                    : operand.Fresh
                        ? Fresh($"{operand.Code.At(Primary)}.neg_()", operand.Extent)
                        : new Value(new ExprEmitter.Code("-" + operand.Code.At(Unary + 1), true, Unary), true, operand.Extent);
            }

            case FunctionExpr { Function: Function.Log or Function.Exp or Function.Sqrt or Function.Abs or Function.Cosh or Function.Sign or Function.Sinh } function:
            {
                var argument = Write(function.Arguments[0]);
                var name = FunctionFacts.Name(function.Function);
                return !argument.Code.IsTensor
                    ? Other(expr)
                    : Fresh($"{argument.Code.At(Primary)}.{name}{(argument.Fresh ? "_" : "")}()", argument.Extent);
            }

            case FunctionExpr { Function: Function.ExpNonPositive } function:
            {
                var argument = Write(function.Arguments[0]);
                return argument.Code.IsTensor && argument.Fresh
                    ? Fresh($"{argument.Code.At(Primary)}.clamp_max_(0).exp_()", argument.Extent)
                    : Made(expr, argument.Code.IsTensor ? argument.Extent : Extent.Unknown);
            }

            case AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum:
            {
                var operand = Write(sum.Operand);
                return operand.Code.IsTensor
                    ? Fresh($"{operand.Code.At(Primary)}.sum(1, keepdim: true)", operand.Extent with { Classes = false })
                    : Other(expr);
            }

            case BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide } binary:
                return WriteArithmetic(binary);
            default:
                return Other(expr);
        }
    }

    private static Value WriteArithmetic(BinaryExpr binary)
    {
        var left = Write(binary.Left);
        var right = Write(binary.Right);
        if (!left.Code.IsTensor && !right.Code.IsTensor)
        {
            return Other(binary);
        }

        var extent = Extent.Union(ExtentOf(left), ExtentOf(right));
        var leftTakes = left.Fresh && left.Extent.Covers(ExtentOf(right));
        var rightTakes = right.Fresh && right.Extent.Covers(ExtentOf(left));
        switch (binary.Operator)
        {
            case BinaryOperator.Add when leftTakes:
                return Fresh($"{left.Code.At(Primary)}.add_({right.Code.Text})", extent);
            case BinaryOperator.Add when rightTakes:
                return Fresh($"{right.Code.At(Primary)}.add_({left.Code.Text})", extent);
            case BinaryOperator.Multiply when leftTakes:
                return Fresh($"{left.Code.At(Primary)}.mul_({right.Code.Text})", extent);
            case BinaryOperator.Multiply when rightTakes:
                return Fresh($"{right.Code.At(Primary)}.mul_({left.Code.Text})", extent);
            case BinaryOperator.Subtract when leftTakes:
                return Fresh($"{left.Code.At(Primary)}.sub_({right.Code.Text})", extent);
            case BinaryOperator.Subtract when rightTakes:
                return Fresh($"{right.Code.At(Primary)}.neg_().add_({left.Code.Text})", extent);
            case BinaryOperator.Divide when leftTakes:
                return Fresh($"{left.Code.At(Primary)}.div_({right.Code.Text})", extent);
            default:
                // A new tensor from the operator, written from the operands as they are.
                var op = binary.Operator switch
                {
                    BinaryOperator.Add => " + ",
                    BinaryOperator.Subtract => " - ",
                    BinaryOperator.Multiply => " * ",
                    _ => " / ",
                };
                var precedence = binary.Operator is BinaryOperator.Add or BinaryOperator.Subtract ? Additive : Additive + 1;
                return new Value(new ExprEmitter.Code(left.Code.At(precedence) + op + right.Code.At(precedence + 1), true, precedence), true, extent);
        }
    }

    private static Extent ExtentOf(Value value) => value.Code.IsTensor ? value.Extent : Extent.Scalar;

    private static Extent ExtentOf(Quantity kind) => kind switch
    {
        Quantity.ClassCount => Extent.Scalar,
        Quantity.ClassWeight => new Extent(true, false, true, false),
        Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement or Quantity.ClassWeightAtTrueClass or Quantity.TrueLogit => Extent.PerPixel,
        _ => Extent.Full,
    };

    private static Value Fresh(string text, Extent extent) => new(new ExprEmitter.Code(text, true, Primary), true, extent);

    /// <summary>A name (p, y, a gradient): never written into.</summary>
    private static Value Named(Expr expr, Extent extent)
    {
        var code = ExprEmitter.Write(expr, PixelScope.Instance);
        return new Value(code, false, code.IsTensor ? extent : Extent.Scalar);
    }

    /// <summary>A call that makes a new tensor (Compose, a gather, a helper), written as <see cref="ExprEmitter"/> writes it.</summary>
    private static Value Made(Expr expr, Extent extent)
    {
        var code = ExprEmitter.Write(expr, PixelScope.Instance);
        return new Value(code, code.IsTensor, code.IsTensor ? extent : Extent.Scalar);
    }

    /// <summary>Anything else, as <see cref="ExprEmitter"/> writes it, never written into and of unknown extent.</summary>
    private static Value Other(Expr expr)
    {
        var code = ExprEmitter.Write(expr, PixelScope.Instance);
        return new Value(code, false, code.IsTensor ? Extent.Unknown : Extent.Scalar);
    }
}
