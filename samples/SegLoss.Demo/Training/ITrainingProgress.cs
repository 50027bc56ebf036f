namespace SegLoss.Demo.Training;

/// <summary>Receives the progress of one training run (one loss), for a live display or a log.</summary>
public interface ITrainingProgress
{
    /// <summary>Training starts: <paramref name="totalSteps"/> optimizer steps over <paramref name="epochs"/> epochs.</summary>
    void Started(int epochs, int totalSteps);

    /// <summary>One optimizer step is done.</summary>
    void StepDone();

    /// <summary>An epoch and its validation are done.</summary>
    void EpochDone(EpochRecord record, int epochs);

    /// <summary>Training is over.</summary>
    void Finished(TrainingRun run);
}
