package org.backprop4j.report;

import org.backprop4j.nn.Network;
import org.backprop4j.train.TrainingConfig;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The settings of a training run as the report's configuration table shows them, for people. */
public final class RunSettings {
    private RunSettings() {
    }

    /**
     * Rows of (setting, value): the network, the configuration, the scaling, the data.
     *
     * @param scaling      the input scaling's name
     * @param trainingData the training data and its size, "iris.csv (150 samples)"
     * @param curves       what the validation curves are drawn from, "x.csv (--validation-data)", or "none"
     * @param extra        further rows (where the run ran), after the data
     */
    public static List<String[]> rows(TrainingConfig config, Network start, String scaling, String trainingData, String curves,
                                      List<String[]> extra) {
        List<String[]> rows = new ArrayList<>(List.of(
                new String[] {"network", start.toString()},
                new String[] {"parameters", String.format("%,d", start.parameterCount())},
                new String[] {"loss", config.loss().id()},
                new String[] {"batch size K", config.batchSize().toString()},
                new String[] {"epochs", Integer.toString(config.epochs())},
                new String[] {"learning rate alpha", Double.toString(config.learningRate())},
                new String[] {"L2 lambda", Double.toString(config.l2())},
                new String[] {"update rule", describe(config.updateRule().id(), (Record) config.updateRule())},
                new String[] {"learning-rate schedule", describe(config.schedule().id(), (Record) config.schedule())},
                new String[] {"L1, clip norm, dropout", config.l1() + ", " + (config.clipNorm() == 0 ? "none" : config.clipNorm())
                        + ", " + (config.dropout().isEmpty() ? "none" : config.dropout().toString())},
                new String[] {"early stopping", config.earlyStopping().isOn() ? "patience " + config.earlyStopping().patience()
                        + ", min delta " + config.earlyStopping().minDelta() : "off"},
                new String[] {"seed", Long.toString(config.seed())},
                new String[] {"shuffle", Boolean.toString(config.shuffle())},
                new String[] {"input scaling", scaling},
                new String[] {"training data", trainingData},
                new String[] {"validation data (curves)", curves}));
        rows.addAll(extra);
        rows.add(new String[] {"Java", System.getProperty("java.version")});
        return rows;
    }

    /**
     * A rule's or schedule's name with its settings, "adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8, decay 0.0)" or
     * "sgd", for people: not the record's own toString ("Sgd[]").
     */
    public static String describe(String id, Record settings) {
        RecordComponent[] parts = settings.getClass().getRecordComponents();
        if (parts.length == 0) return id;
        StringJoiner text = new StringJoiner(", ", id + " (", ")");
        for (RecordComponent part : parts) {
            try {
                text.add(part.getName() + " " + part.getAccessor().invoke(settings));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return text.toString();
    }
}
