package org.backprop4j.io;

import org.backprop4j.nn.Model;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.TrainingRecord;

/**
 * Everything a model file holds: the model (what prediction needs), the record of the training
 * that produced it (what continuing the training needs; {@link TrainingRecord#NONE} when the file
 * has none, as version-1 files), in a checkpoint file the position of the interrupted run
 * (null otherwise), and where the model came from ({@link Provenance}, null when not recorded).
 */
public record ModelFile(Model model, TrainingRecord training, Checkpoint checkpoint, Provenance provenance) {
    public ModelFile {
        if (model == null) throw new IllegalArgumentException("model must be given");
        if (training == null) training = TrainingRecord.NONE;
    }

    public ModelFile(Model model, TrainingRecord training, Checkpoint checkpoint) {
        this(model, training, checkpoint, null);
    }

    public ModelFile(Model model, TrainingRecord training) {
        this(model, training, null, null);
    }

    /** This file with {@code origin} recorded as its provenance. */
    public ModelFile withProvenance(Provenance origin) {
        return new ModelFile(model, training, checkpoint, origin);
    }
}
