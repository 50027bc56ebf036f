using System;
using System.Threading;

namespace SegLoss.Runtime;

/// <summary>
/// A switch that is on for the current thread while a scope from <see cref="Enter"/> is not yet disposed (scopes nest):
/// how tests and benchmarks force one implementation of a kernel on their own thread.
/// </summary>
internal sealed class ThreadSwitch
{
    private readonly ThreadLocal<int> _depth = new(() => 0);

    /// <summary>Whether a scope is open on this thread.</summary>
    public bool IsOn => _depth.Value > 0;

    /// <summary>Turns the switch on for this thread until the result is disposed (once; later disposals do nothing).</summary>
    public IDisposable Enter()
    {
        _depth.Value++;
        return new Scope(this);
    }

    private sealed class Scope : IDisposable
    {
        private ThreadSwitch? _switch;

        public Scope(ThreadSwitch owner) => _switch = owner;

        public void Dispose()
        {
            if (_switch is { } owner)
            {
                _switch = null;
                owner._depth.Value--;
            }
        }
    }
}
