using System.Collections.Generic;

namespace SegLoss.Demo.Training;

/// <summary>The result of training the network with one loss.</summary>
/// <param name="Loss">The loss trained with.</param>
/// <param name="History">One record per epoch.</param>
/// <param name="Final">Validation scores of the final network.</param>
/// <param name="Predictions">The final network's thresholded masks of the validation images, row-major per image (1 = lesion).</param>
/// <param name="Seconds">Wall time of the training, validation included.</param>
public sealed record TrainingRun(
    LossChoice Loss, IReadOnlyList<EpochRecord> History, ValidationScores Final, byte[] Predictions, double Seconds);
