namespace SegLoss.Demo.Training;

/// <summary>What one epoch gave: the mean training loss of its steps and the validation scores after it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean of the loss over the epoch's steps.</param>
/// <param name="Validation">Scores on the validation split after the epoch.</param>
/// <param name="Seconds">Wall time since training started, in seconds.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, ValidationScores Validation, double Seconds);
