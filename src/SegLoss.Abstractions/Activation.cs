namespace SegLoss;

/// <summary>The map from the network's raw output to the probabilities <c>p</c> that every term reads.</summary>
public enum Activation
{
    /// <summary>Softmax over the channel axis: classes are mutually exclusive (multi-class segmentation).</summary>
    Softmax = 0,

    /// <summary>Sigmoid of each channel on its own: binary or multi-label segmentation.</summary>
    Sigmoid = 1,

    /// <summary>The input already holds probabilities; nothing is applied.</summary>
    None = 2,
}
