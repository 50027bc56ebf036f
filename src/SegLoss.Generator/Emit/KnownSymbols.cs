namespace SegLoss.Generator.Emit;

/// <summary>Every fully qualified name the generated code uses, in one place.</summary>
internal static class KnownSymbols
{
    public const string Tensor = "global::TorchSharp.torch.Tensor";
    public const string Torch = "global::TorchSharp.torch";
    public const string Functional = "global::TorchSharp.torch.nn.functional";
    public const string LossBase = "global::TorchSharp.Loss<" + Tensor + ", " + Tensor + ", " + Tensor + ">";
    public const string TorchReduction = "global::TorchSharp.torch.nn.Reduction";
    public const string Reduction = "global::SegLoss.Reduction";
    public const string Activation = "global::SegLoss.Activation";
    public const string LossBatch = "global::SegLoss.Runtime.LossBatch";
    public const string LossBatchOptions = "global::SegLoss.Runtime.LossBatchOptions";
    public const string ScopedResult = "global::SegLoss.Runtime.ScopedResult";
    public const string ActivationChain = "global::SegLoss.Runtime.ActivationChain";
    public const string LossTerms = "global::SegLoss.Runtime.LossTerms";
    public const string BlobLayout = "global::SegLoss.Runtime.BlobLayout";
    public const string InstanceActivation = "global::SegLoss.Runtime.InstanceActivation";
    public const string StatisticsNode = "global::SegLoss.Runtime.StatisticsNode";
    public const string StatisticsKernel = "global::SegLoss.Runtime.Kernels.Statistics.StatisticsKernel";
    public const string ReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";
    public const string DistanceConvention = "global::SegLoss.Runtime.Distance.DistanceMapConvention";
    public const string ExpressionOps = "global::SegLoss.Runtime.ExpressionOps";
    public const string Arguments = "global::SegLoss.Runtime.LossArguments";
    public const string Breakdown = "global::SegLoss.Runtime.LossBreakdown";
    public const string BreakdownBuilder = "global::SegLoss.Runtime.LossBreakdownBuilder";
    public const string Math = "global::System.Math";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";
}
