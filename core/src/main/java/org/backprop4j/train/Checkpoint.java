package org.backprop4j.train;

import org.backprop4j.nn.Network;

/**
 * Everything needed to continue a run exactly where it stopped, between two steps: resuming from
 * it ({@link Trainer#fit(Network, TrainingRecord, org.backprop4j.data.Dataset, org.backprop4j.data.Dataset,
 * Checkpoint, Checkpoints)}) gives the network, bit for bit, that the uninterrupted run gives.
 * Saved in the model file format with a "checkpoint" section (docs/MODEL-FORMAT.md).
 *
 * <p>Epochs are numbered as in {@link TrainingRecord}: counted from the first run. The random
 * generators are not stored as internal state but as positions in reproducible streams: the
 * shuffling generator {@code Random(seed)} has made {@code shuffles} Fisher–Yates shuffles, and the
 * dropout generator, reseeded from (seed, epoch) at each epoch's start, has drawn
 * {@code dropoutDraws} numbers in the current epoch; the trainer replays both.
 *
 * @param network        the weights after the last step
 * @param optimizer      the update rule's state after the last step (its step count t included)
 * @param seed           the run's seed (shuffling and dropout)
 * @param firstEpoch     the first epoch of the run (1, or one after the model it continued)
 * @param lastEpoch      the last epoch planned (schedules that depend on the total T use it)
 * @param epoch          epochs completed
 * @param nextSample     samples of epoch {@code epoch + 1} already trained, in shuffled order; 0 at an epoch boundary
 * @param shuffles       shuffles drawn from {@code Random(seed)} so far
 * @param dropoutDraws   numbers drawn by dropout in epoch {@code epoch + 1} so far
 * @param samples        the number of training samples
 * @param dataHash       a hash of the training data's inputs and targets ({@link #hash}): resuming on other data is refused
 * @param costSum        the current epoch's sum of batch costs so far
 * @param correct        the current epoch's correctly classified samples so far
 * @param steps          the current epoch's steps so far
 * @param firstEpochCost the cost of the run's first epoch (the divergence guard's reference), NaN before it ends
 * @param schedule       the learning-rate schedule's own state ({@link LearningRateSchedule.Run#state()})
 * @param best           early stopping's best epoch so far, or null (early stopping off, or no epoch ended yet)
 * @param command        how the run was started, so that it can be resumed with nothing else (a command line's
 *                       arguments; empty when not known)
 * @param directory      the folder relative to which {@code command}'s paths are meant, or null
 */
public record Checkpoint(Network network, OptimizerState optimizer, long seed, int firstEpoch, int lastEpoch, int epoch,
                         int nextSample, long shuffles, long dropoutDraws, int samples, long dataHash, double costSum,
                         int correct, int steps, double firstEpochCost, double[] schedule, Best best,
                         java.util.List<String> command, String directory) {

    /** A checkpoint as the trainer makes it: without the command that started the run. */
    public Checkpoint(Network network, OptimizerState optimizer, long seed, int firstEpoch, int lastEpoch, int epoch,
                      int nextSample, long shuffles, long dropoutDraws, int samples, long dataHash, double costSum,
                      int correct, int steps, double firstEpochCost, double[] schedule, Best best) {
        this(network, optimizer, seed, firstEpoch, lastEpoch, epoch, nextSample, shuffles, dropoutDraws, samples, dataHash, costSum,
                correct, steps, firstEpochCost, schedule, best, java.util.List.of(), null);
    }

    /** This checkpoint, saying how its run was started. */
    public Checkpoint withCommand(java.util.List<String> arguments, String folder) {
        return new Checkpoint(network, optimizer, seed, firstEpoch, lastEpoch, epoch, nextSample, shuffles, dropoutDraws, samples,
                dataHash, costSum, correct, steps, firstEpochCost, schedule, best, arguments, folder);
    }

    /** Early stopping's memory: the best monitored cost, its epoch, and that epoch's weights and optimizer state. */
    public record Best(double cost, int epoch, Network network, OptimizerState optimizer) {
        public Best {
            if (epoch < 1 || network == null || optimizer == null) {
                throw new IllegalArgumentException("early stopping's best epoch must be >= 1 with its network and optimizer state, got epoch " + epoch);
            }
        }
    }

    public Checkpoint {
        if (network == null || optimizer == null) throw new IllegalArgumentException("a checkpoint needs the network and the optimizer state");
        if (!optimizer.fits(network)) throw new IllegalArgumentException("the optimizer state does not have the network's shapes");
        if (firstEpoch < 1 || lastEpoch < firstEpoch - 1 || epoch < firstEpoch - 1 || epoch > lastEpoch) {
            throw new IllegalArgumentException("epochs: first " + firstEpoch + ", last " + lastEpoch + ", completed " + epoch
                    + " must satisfy 1 <= first, first - 1 <= completed <= last");
        }
        if (samples < 1 || nextSample < 0 || nextSample >= samples || (nextSample > 0 && epoch == lastEpoch)) {
            throw new IllegalArgumentException("position: sample " + nextSample + " of " + samples + " after epoch " + epoch
                    + " of " + lastEpoch + " is not inside the run");
        }
        if (shuffles < 0 || dropoutDraws < 0 || correct < 0 || correct > nextSample || steps < 0 || steps > nextSample) {
            throw new IllegalArgumentException("counters must be >= 0 and the epoch's correct and steps at most its samples so far");
        }
        if (!Double.isFinite(costSum) || costSum < 0) throw new IllegalArgumentException("the epoch's cost sum must be finite and >= 0, got " + costSum);
        if (best != null && !best.optimizer().fits(best.network())) {
            throw new IllegalArgumentException("early stopping's optimizer state does not have its network's shapes");
        }
        if (best != null && best.epoch() > epoch) throw new IllegalArgumentException("early stopping's best epoch " + best.epoch() + " is after epoch " + epoch);
        schedule = schedule.clone();
        command = command == null ? java.util.List.of() : java.util.List.copyOf(command);
    }

    /** The record a model file keeps beside the checkpoint's weights (they are those after epoch {@link #epoch}, or mid-epoch). */
    public TrainingRecord record() {
        return new TrainingRecord(epoch, epoch, optimizer);
    }

    /** A 64-bit hash of the raw bits of x and y (row-major) and their shapes, to recognise the same training data. */
    public static long hash(org.backprop4j.data.Dataset data) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, data.x().rows);
        h = mix(h, data.x().cols);
        h = mix(h, data.y().cols);
        for (float v : data.x().data) h = mix(h, Float.floatToRawIntBits(v));
        for (float v : data.y().data) h = mix(h, Float.floatToRawIntBits(v));
        return h;
    }

    private static long mix(long h, int v) {
        return (h ^ v) * 0x100000001b3L;   // FNV-1a, one int at a time
    }
}
