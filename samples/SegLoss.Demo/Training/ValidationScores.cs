using SegLoss.Runtime.Metrics;

namespace SegLoss.Demo.Training;

/// <summary>How well thresholded predictions (probability &gt; 0.5) match the validation masks.</summary>
/// <param name="PixelDice">Dice of the predicted and target pixels, per image, averaged over the images.</param>
/// <param name="Instances">Instance detection counts pooled over the images (connected components, 8-connectivity, any overlap).</param>
public sealed record ValidationScores(double PixelDice, InstanceScores Instances);
