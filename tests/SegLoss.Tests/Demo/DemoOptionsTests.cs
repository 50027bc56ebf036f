using SegLoss.Demo;

namespace SegLoss.Tests.Demo;

/// <summary>The demo's hand-written command-line parsing: values, defaults, help and clear errors.</summary>
public sealed class DemoOptionsTests
{
    [Fact]
    public void No_arguments_give_the_defaults()
    {
        var parsed = OptionsParser.Parse(System.Array.Empty<string>());
        Assert.Same(DemoOptions.Defaults, parsed.Options);
        Assert.Null(parsed.Error);
        Assert.Equal(LossChoices.Names, parsed.Options!.Losses);
    }

    [Fact]
    public void Values_are_read_in_both_forms()
    {
        var parsed = OptionsParser.Parse(new[] { "--epochs", "3", "--size=48", "--losses", "blob-dice, soft-dice", "--output", "out", "--seed=7", "--threads", "1" });
        var o = Assert.IsType<DemoOptions>(parsed.Options);
        Assert.Equal(3, o.Epochs);
        Assert.Equal(48, o.ImageSize);
        Assert.Equal(new[] { "blob-dice", "soft-dice" }, o.Losses);
        Assert.Equal("out", o.OutputFolder);
        Assert.Equal(7, o.Seed);
        Assert.Equal(1, o.Threads);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_is_recognised(string flag)
    {
        var parsed = OptionsParser.Parse(new[] { "--epochs", "2", flag });
        Assert.True(parsed.HelpRequested);
        Assert.Contains("--losses", OptionsParser.HelpText);
    }

    [Theory]
    [InlineData("unknown option '--epoch'", "--epoch", "3")]
    [InlineData("--epochs expects an integer, got 'many'", "--epochs", "many")]
    [InlineData("--epochs must be between 1 and", "--epochs", "0")]
    [InlineData("--size must be a multiple of 4", "--size", "50")]
    [InlineData("unknown loss 'dice'", "--losses", "soft-dice,dice")]
    [InlineData("listed twice", "--losses", "blob-dice,blob-dice")]
    [InlineData("--seed needs a value", "--seed")]
    [InlineData("unexpected argument 'extra'", "extra")]
    public void Invalid_arguments_say_what_is_wrong(string message, params string[] args)
    {
        var parsed = OptionsParser.Parse(args);
        Assert.Null(parsed.Options);
        Assert.False(parsed.HelpRequested);
        Assert.Contains(message, parsed.Error);
    }
}
