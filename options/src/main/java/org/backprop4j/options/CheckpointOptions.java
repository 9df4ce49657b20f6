package org.backprop4j.options;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.Checkpoints;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The checkpoint group of {@code nn train}: save the run's exact position now and then
 * (docs/MODEL-FORMAT.md, "Checkpoints"), and continue a run from such a file.
 */
public final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "FILE", order = 45,
            description = "Save checkpoints of the run to FILE (atomically): weights, optimizer, schedule, early stopping, random "
                    + "positions, epoch and batch, and this command line. On SIGTERM or Ctrl-C a last checkpoint is saved and nn exits "
                    + "with code 75. Continue with --resume FILE. Default period: every epoch.")
    public Path checkpoint;

    @Option(names = "--checkpoint-every", paramLabel = "N", order = 46,
            description = "With --checkpoint: save after every N epochs.")
    public Integer every;

    @Option(names = "--checkpoint-seconds", paramLabel = "S", order = 47,
            description = "With --checkpoint: save after the first step at least S seconds after the last save (also mid-epoch).")
    public Double seconds;

    @Option(names = "--resume", paramLabel = "FILE", order = 48,
            description = "Continue the run that saved this checkpoint, with its own command line (give no other option); "
                    + "the final model is bit for bit the one the uninterrupted run would have saved.")
    public Path resume;

    /** Exit code of a run stopped by SIGTERM or Ctrl-C after saving its last checkpoint. */
    public static final int EXIT_INTERRUPTED = 75;

    /** Refuses periods without a file and periods that are not positive. */
    public void check() {
        if (checkpoint == null && (every != null || seconds != null)) {
            throw new UserException((every != null ? "--checkpoint-every" : "--checkpoint-seconds") + " needs --checkpoint FILE");
        }
        if (every != null && every < 1) throw new UserException("--checkpoint-every must be at least 1 epoch, got " + every);
        if (seconds != null && !(seconds > 0 && Double.isFinite(seconds))) {
            throw new UserException("--checkpoint-seconds must be a number of seconds > 0, got " + seconds);
        }
        if (checkpoint != null) Checks.writable("--checkpoint", checkpoint);
    }

    /**
     * The checkpoints of a run: saved to --checkpoint every --checkpoint-every epochs (every epoch
     * when no period is given), after --checkpoint-seconds, and whenever {@code stop} says the run
     * must stop (a signal). Each holds {@code model}'s loss, classes and scaling, and the command line.
     */
    public Saver saver(Model model, List<String> command, BooleanSupplier stop) {
        return new Saver(model, command, stop);
    }

    /** Saves checkpoints to --checkpoint when they are due. */
    public final class Saver implements Checkpoints {
        private final Model model;
        private final List<String> command;
        private final BooleanSupplier stop;
        private long lastSave = System.nanoTime();
        private boolean savedOnStop;

        private Saver(Model model, List<String> command, BooleanSupplier stop) {
            this.model = model;
            this.command = List.copyOf(command);
            this.stop = stop;
        }

        @Override public boolean due(int epoch, boolean endOfEpoch) {
            if (checkpoint == null) return false;
            if (stop.getAsBoolean()) return true;
            if (seconds != null && System.nanoTime() - lastSave >= seconds * 1e9) return true;
            int period = every != null ? every : seconds == null ? 1 : 0;
            return endOfEpoch && period > 0 && epoch % period == 0;
        }

        @Override public void save(Checkpoint c) {
            try {
                ModelJson.writeCheckpoint(model, c.withCommand(command, Path.of("").toAbsolutePath().toString()), checkpoint);
            } catch (IOException e) {
                throw new UncheckedIOException("--checkpoint " + checkpoint + ": cannot write: " + e.getMessage(), e);
            }
            savedOnStop = stop.getAsBoolean();
            lastSave = System.nanoTime();
        }

        /** Whether the last save was made because the run had to stop. */
        public boolean savedOnStop() {
            return savedOnStop;
        }

        public Path file() {
            return checkpoint;
        }
    }
}
