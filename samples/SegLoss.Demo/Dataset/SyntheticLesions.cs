using System;
using System.Collections.Generic;

namespace SegLoss.Demo.Dataset;

/// <summary>
/// Makes a multi-instance lesion dataset in code: square images with one large and several small lesions (ellipses of
/// varied size, shape and contrast, never touching each other), a gentle illumination gradient and Gaussian noise.
/// The same seed gives the same images on every machine (<see cref="Random"/> with a seed is a fixed algorithm).
/// </summary>
/// <remarks>
/// Sizes are given for 64×64 images and scale with the image side. The small lesions are what instance metrics are
/// about: a few pixels each, some barely above the noise, they hardly move a whole-image Dice.
/// </remarks>
public static class SyntheticLesions
{
    /// <summary>Standard deviation of the Gaussian noise.</summary>
    public const double NoiseSigma = 0.3;

    private const double LargeMinSemiAxis = 6.0;
    private const double LargeMaxSemiAxis = 11.0;
    private const double SmallMinSemiAxis = 1.0;
    private const double SmallMaxSemiAxis = 2.5;
    private const int SmallMinCount = 4;
    private const int SmallMaxCount = 10;
    private const double LargeMinContrast = 0.4;
    private const double SmallMinContrast = 0.2;
    private const double LargeMaxContrast = 1.0;
    private const double SmallMaxContrast = 0.9;
    private const double GradientAmplitude = 0.15;
    private const double Gap = 2.0;
    private const int PlacementAttempts = 200;

    /// <summary>What every image holds, in words.</summary>
    public static string Description =>
        $"one large lesion and {SmallMinCount}-{SmallMaxCount} small ones per image, noise sigma {NoiseSigma}";

    /// <summary>The training and validation splits of one seed (different images, same distribution).</summary>
    public static (LesionImages Train, LesionImages Validation) Splits(int trainCount, int validationCount, int size, int seed) =>
        (Generate(trainCount, size, DeriveSeed(seed, 1)), Generate(validationCount, size, DeriveSeed(seed, 2)));

    /// <summary>Makes <paramref name="count"/> images of <paramref name="size"/>² pixels from <paramref name="seed"/>.</summary>
    public static LesionImages Generate(int count, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var random = new Random(seed);
        var pixels = new float[count * size * size];
        var masks = new byte[count * size * size];
        var lesions = new List<IReadOnlyList<Lesion>>(count);
        for (var n = 0; n < count; n++)
        {
            var image = PlaceLesions(random, size);
            Draw(random, size, image, pixels.AsSpan(n * size * size, size * size), masks.AsSpan(n * size * size, size * size));
            lesions.Add(image);
        }

        return new LesionImages(size, pixels, masks, lesions);
    }

    private static int DeriveSeed(int seed, int split) => unchecked((seed * 7919) + split);

    private static List<Lesion> PlaceLesions(Random random, int size)
    {
        var scale = size / 64.0;
        var placed = new List<Lesion>();
        TryPlace(random, size, placed, LargeMinSemiAxis * scale, LargeMaxSemiAxis * scale, LargeMinContrast, LargeMaxContrast);
        var small = random.Next(SmallMinCount, SmallMaxCount + 1);
        for (var i = 0; i < small; i++)
        {
            TryPlace(random, size, placed, SmallMinSemiAxis * scale, SmallMaxSemiAxis * scale, SmallMinContrast, SmallMaxContrast);
        }

        return placed;
    }

    private static void TryPlace(Random random, int size, List<Lesion> placed, double minAxis, double maxAxis, double minContrast, double maxContrast)
    {
        var a = Uniform(random, minAxis, maxAxis);
        var b = Uniform(random, Math.Max(minAxis, a * 0.5), a);
        var angle = Uniform(random, 0, Math.PI);
        var contrast = Uniform(random, minContrast, maxContrast);
        var margin = a + 1;
        for (var attempt = 0; attempt < PlacementAttempts; attempt++)
        {
            // Centres on pixel centres, so even the smallest ellipse covers its centre pixel and its 4 neighbours.
            var x = Math.Floor(Uniform(random, margin, size - margin)) + 0.5;
            var y = Math.Floor(Uniform(random, margin, size - margin)) + 0.5;
            var candidate = new Lesion(x, y, a, b, angle, contrast);
            if (placed.TrueForAll(other => Distance(candidate, other) > candidate.Radius + other.Radius + Gap))
            {
                placed.Add(candidate);
                return;
            }
        }
    }

    private static void Draw(Random random, int size, List<Lesion> lesions, Span<float> pixels, Span<byte> mask)
    {
        // A linear illumination gradient in a random direction, lesions with partial-volume edges (2×2 samples per
        // pixel), then noise. The mask is the set of pixel centres inside a lesion.
        var direction = Uniform(random, 0, 2 * Math.PI);
        var (gx, gy) = (Math.Cos(direction) * GradientAmplitude / size, Math.Sin(direction) * GradientAmplitude / size);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var value = ((x - size / 2.0) * gx) + ((y - size / 2.0) * gy);
                foreach (var lesion in lesions)
                {
                    if (Distance(lesion, x + 0.5, y + 0.5) > lesion.Radius + 1)
                    {
                        continue;
                    }

                    var covered = 0;
                    for (var s = 0; s < 4; s++)
                    {
                        covered += lesion.Contains(x + 0.25 + (0.5 * (s & 1)), y + 0.25 + (0.5 * (s >> 1))) ? 1 : 0;
                    }

                    value += lesion.Contrast * covered / 4.0;
                    if (lesion.Contains(x + 0.5, y + 0.5))
                    {
                        mask[(y * size) + x] = 1;
                    }
                }

                pixels[(y * size) + x] = (float)(value + (NoiseSigma * Gaussian(random)));
            }
        }
    }

    private static double Distance(Lesion a, Lesion b) => Distance(a, b.CenterX, b.CenterY);

    private static double Distance(Lesion lesion, double x, double y) =>
        Math.Sqrt(((lesion.CenterX - x) * (lesion.CenterX - x)) + ((lesion.CenterY - y) * (lesion.CenterY - y)));

    private static double Uniform(Random random, double min, double max) => min + ((max - min) * random.NextDouble());

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 - u keeps the logarithm finite.
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
