using System;
using SegLoss.Demo;
using static TorchSharp.torch;

// A synthetic batch: 2 samples, 3 classes, 32x32 pixels.
manual_seed(7);
var logits = randn(2, 3, 32, 32, requires_grad: true);
var target = randint(0, 3, new long[] { 2, 32, 32 }, dtype: ScalarType.Int64);

using var diceCe = new DiceCE();
using var myDiceFocal = new MyDiceFocal(gamma: 2.0);

foreach (var (name, loss) in new (string, TorchSharp.Loss<Tensor, Tensor, Tensor>)[] { ("DiceCE", diceCe), ("MyDiceFocal", myDiceFocal) })
{
    using var scope = NewDisposeScope();
    var value = loss.call(logits, target);
    value.backward();
    Console.WriteLine($"{name,-12} loss = {value.item<float>():F6}   |grad| = {logits.grad!.norm().item<float>():F6}");
    logits.grad.zero_();
}

Console.WriteLine(diceCe.breakdown(logits, target));
Console.WriteLine(myDiceFocal.breakdown(logits, target));
