package org.backprop4j.io;

import org.backprop4j.nn.Model;
import org.backprop4j.train.TrainingRecord;

/**
 * Everything a model file holds: the model (what prediction needs) and the record of the training
 * that produced it (what continuing the training needs; {@link TrainingRecord#NONE} when the file
 * has none, as version-1 files).
 */
public record ModelFile(Model model, TrainingRecord training) {
    public ModelFile {
        if (model == null) throw new IllegalArgumentException("model must be given");
        if (training == null) training = TrainingRecord.NONE;
    }
}
