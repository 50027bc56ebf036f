using System;
using SegLoss.Tests.Declarations;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>Misuse gets an exception that names the argument and says what was expected; nothing crashes natively.</summary>
public sealed class InputValidationTests
{
    private static ArgumentException Misuse(Func<Tensor> call, string parameter, string fragment)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => call());
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(fragment, error.Message);
        return error;
    }

    [Fact]
    public void Wrong_input_rank()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(2, 3), zeros(2, ScalarType.Int64)), "input", "[N, C, *spatial]");
    }

    [Fact]
    public void Integer_input()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(new long[] { 2, 3, 4 }, ScalarType.Int64), zeros(new long[] { 2, 4 }, ScalarType.Int64)), "input", "floating-point");
    }

    [Fact]
    public void Channel_count_mismatch_of_a_dense_target()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(2, 3, 4, 4), zeros(2, 2, 4, 4)), "target", "target has 2 channels but input has 3");
    }

    [Fact]
    public void Float_target_where_indices_are_expected()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(2, 3, 4, 4), zeros(2, 4, 4)), "target", "integer tensor");
    }

    [Fact]
    public void Label_outside_the_classes()
    {
        using var loss = new DiceCE();
        var target = zeros(new long[] { 2, 4, 4 }, ScalarType.Int64);
        target[1, 2, 3] = tensor(7L);
        Misuse(() => loss.call(zeros(2, 3, 4, 4), target), "target", "label 7, outside [0, 3) (or the ignore index 255)");
        target[1, 2, 3] = tensor(-1L);
        Misuse(() => loss.call(zeros(2, 3, 4, 4), target), "target", "label -1");
    }

    [Fact]
    public void Spatial_shape_mismatch()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(2, 3, 4, 4), zeros(new long[] { 2, 4, 5 }, ScalarType.Int64)), "target", "does not match input shape [2, 3, 4, 4]");
        Misuse(() => loss.call(zeros(2, 3, 4, 4), zeros(new long[] { 3, 4, 4 }, ScalarType.Int64)), "target", "N = 2");
    }

    [Fact]
    public void NaN_in_the_input()
    {
        using var loss = new DiceCE();
        var input = zeros(2, 3, 4, 4);
        input[0, 1, 2, 2] = tensor(float.NaN);
        Misuse(() => loss.call(input, zeros(new long[] { 2, 4, 4 }, ScalarType.Int64)), "input", "NaN");
    }

    [Fact]
    public void Softmax_over_a_single_channel()
    {
        using var loss = new DiceCE();
        Misuse(() => loss.call(zeros(2, 1, 4, 4), zeros(2, 1, 4, 4)), "input", "Activation.Sigmoid");
    }

    [Fact]
    public void Excluding_the_background_of_a_single_channel()
    {
        using var loss = new SigmoidDice(include_background: false);
        Misuse(() => loss.call(zeros(2, 1, 4, 4), zeros(2, 1, 4, 4)), "include_background", "single channel");
    }

    [Fact]
    public void Class_weights_of_the_wrong_length()
    {
        using var loss = new SoftmaxDice(class_weights: new[] { 1.0, 2.0 });
        Misuse(() => loss.call(zeros(2, 3, 4, 4), zeros(new long[] { 2, 4, 4 }, ScalarType.Int64)), "class_weights", "2 entries but the input has 3 channels");
    }

    [Fact]
    public void Constructor_arguments_out_of_range()
    {
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxFocal(gamma: -1)).ParamName);
        Assert.Equal("label_smoothing", Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(label_smoothing: 2)).ParamName);
        Assert.Equal("dice_weight", Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxDice(dice_weight: double.NaN)).ParamName);
        Assert.Equal("class_weights", Assert.Throws<ArgumentException>(() => new SoftmaxDice(class_weights: new[] { -1.0 })).ParamName);
    }

    [Fact]
    public void Target_on_another_device_is_named()
    {
        using var loss = new DiceCE();
        var target = zeros(new long[] { 2, 4, 4 }, ScalarType.Int64).to(new Device(TorchSharp.DeviceType.META));
        Misuse(() => loss.call(zeros(2, 3, 4, 4), target), "target", "move both to one device");
    }
}
