package org.backprop4j.io;

import org.backprop4j.nn.Model;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.TrainingRecord;

/**
 * Everything a model file holds: the model (what prediction needs), the record of the training
 * that produced it (what continuing the training needs; {@link TrainingRecord#NONE} when the file
 * has none, as version-1 files) and, in a checkpoint file, the position of the interrupted run
 * (null otherwise).
 */
public record ModelFile(Model model, TrainingRecord training, Checkpoint checkpoint) {
    public ModelFile {
        if (model == null) throw new IllegalArgumentException("model must be given");
        if (training == null) training = TrainingRecord.NONE;
    }

    public ModelFile(Model model, TrainingRecord training) {
        this(model, training, null);
    }
}
