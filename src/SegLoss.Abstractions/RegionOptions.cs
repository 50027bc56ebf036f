namespace SegLoss;

/// <summary>Where the focal Tversky loss applies its exponent γ (the references disagree).</summary>
public enum FocalTverskyExponent
{
    /// <summary><c>mean_c (1 - TI_c)^γ</c>: per class, as in the paper (Abraham and Khan, 2019).</summary>
    PerClass = 0,

    /// <summary>
    /// <c>(mean over samples and classes of (1 - TI))^γ</c>: after the mean, as SegLossOdyssey's FocalTversky_loss and
    /// smp's TverskyLoss(gamma) compute it.
    /// </summary>
    AfterMean = 1,
}

/// <summary>The class weights of the generalized Dice loss, from the target volume G of each class.</summary>
public enum GeneralizedDiceWeighting
{
    /// <summary><c>1 / G²</c> (Sudre et al., MONAI's default).</summary>
    Square = 0,

    /// <summary><c>1 / G</c>.</summary>
    Simple = 1,

    /// <summary>1 for every class.</summary>
    Uniform = 2,
}

/// <summary>The generalized Dice weight of a class absent from the target (where 1/G is infinite).</summary>
public enum GeneralizedDiceEmptyClass
{
    /// <summary>The largest weight of the classes present in the same sample (batch), 0 if none: MONAI's rule.</summary>
    MaxOfPresent = 0,

    /// <summary>0: an absent class does not count.</summary>
    Zero = 1,
}

/// <summary>Which classes the Lovász-Softmax loss averages over.</summary>
public enum LovaszClasses
{
    /// <summary>Only classes present in the target (of the sample, or of the batch with batch statistics): smp's default.</summary>
    Present = 0,

    /// <summary>Every class of the term's class set.</summary>
    All = 1,
}
