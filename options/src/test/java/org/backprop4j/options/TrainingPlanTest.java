package org.backprop4j.options;

import org.backprop4j.data.Dataset;
import org.backprop4j.data.Scaler;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Init;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Network;
import org.backprop4j.train.BatchSize;
import org.backprop4j.train.Trainer;
import org.backprop4j.train.TrainingConfig;
import org.backprop4j.train.TrainingRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plan built from the option groups is the library's own training, written out by hand. */
class TrainingPlanTest {
    @TempDir
    Path dir;

    @Command(name = "plan")
    static final class Groups extends PlanOptions {
    }

    private Path iris() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,c,species\n");
        for (int i = 0; i < 60; i++) {
            csv.append(i % 7 * 0.3).append(',').append(i % 5 * 1.5).append(',').append(i % 3).append(',')
                    .append(List.of("x", "y", "z").get(i % 3)).append('\n');
        }
        return Files.writeString(dir.resolve("small.csv"), csv.toString());
    }

    private static TrainingPlan plan(String... args) {
        Groups g = new Groups();
        CommandLine cmd = new CommandLine(g);
        cmd.parseArgs(args);
        return g.plan(cmd.getParseResult(), 2);
    }

    private static String[] args(Path data, String... extra) {
        List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--label", "species"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void fitIsTheTrainerOnTheScaledDataFromTheSeededNetwork() throws Exception {
        Path data = iris();
        TrainingPlan plan = plan(args(data, "--layers", "4", "--activation", "tanh", "--loss", "cross-entropy", "--batch-size", "8",
                "--epochs", "5", "--learning-rate", "0.2", "--scale", "standard", "--seed", "7", "--init-weights", "xavier-uniform"));
        Dataset raw = plan.load();
        ModelFile fitted = plan.fit(raw);

        Scaler scaler = Scaler.fit("standard", raw.x());
        Network start = Network.create(new int[] {3, 4, 3}, Activation.TANH, Activation.SOFTMAX, Init.of("xavier-uniform"), 7);
        TrainingConfig config = TrainingConfig.builder().loss(Loss.CROSS_ENTROPY).batchSize(BatchSize.of(8)).epochs(5)
                .learningRate(0.2).seed(7).threads(2).build();
        Network byHand = new Trainer(config).train(start, raw.scaled(scaler));
        assertEquals(ModelJson.toJson(new org.backprop4j.nn.Model(byHand, Loss.CROSS_ENTROPY, raw.classes(), scaler, 0)),
                ModelJson.toJson(fitted.model()));
        assertEquals(5, fitted.training().stoppedEpoch());
    }

    @Test
    void initContinuesTheSavedRunAndItsOptionsMayOnlyRepeatTheFile() throws Exception {
        Path data = iris();
        TrainingPlan first = plan(args(data, "--layers", "4", "--epochs", "3", "--optimizer", "adam", "--learning-rate", "0.01"));
        Path saved = dir.resolve("m.json");
        ModelJson.write(first.fit(first.load()), saved);

        TrainingPlan next = plan(args(data, "--init", saved.toString(), "--layers", "4", "--epochs", "2", "--optimizer", "adam",
                "--learning-rate", "0.01"));
        TrainingRecord previous = next.previous();
        assertEquals(3, previous.stoppedEpoch());
        assertEquals(5, next.fit(next.load()).training().stoppedEpoch(), "epochs are counted on from the file");

        UserException layers = assertThrows(UserException.class, () -> plan(args(data, "--init", saved.toString(), "--layers", "5")));
        assertTrue(layers.getMessage().startsWith("--layers 5 disagrees with --init"), layers.getMessage());
        UserException weights = assertThrows(UserException.class,
                () -> plan(args(data, "--init", saved.toString(), "--init-weights", "he-normal")));
        assertTrue(weights.getMessage().startsWith("--init-weights cannot be combined with --init"), weights.getMessage());
    }

    @Command(name = "weighted")
    static final class Weighted extends PlanOptions {
        @Mixin WeightOptions weights;
    }

    /** --validation-data takes the weight column too, which is not an input there either; held-out rows carry no weights. */
    @Test
    void validationDataDropsItsWeightColumn() throws Exception {
        Path train = Files.writeString(dir.resolve("train.csv"), "a,b,w,species\n1,2,0.5,x\n3,4,2,y\n5,6,1,x\n7,8,1,y\n");
        Path valid = Files.writeString(dir.resolve("valid.csv"), "a,b,w,species\n1,1,3,y\n2,2,0.25,x\n");
        Weighted g = new Weighted();
        CommandLine cmd = new CommandLine(g);
        cmd.parseArgs("--data", train.toString(), "--label", "species", "--sample-weights", "w", "--class-weights", "x=1,y=4",
                "--validation-data", valid.toString(), "--layers", "3");
        TrainingPlan plan = g.plan(cmd.getParseResult(), 1);
        TrainingPlan.Start run = plan.prepare(g.weights.apply(plan.load(), g.data), g.weights);
        assertArrayEquals(new float[] {0.5f, 8f, 1f, 4f}, run.data().weights());
        assertEquals(null, run.validation().weights(), "the validation cost measures the model: unweighted");
        assertArrayEquals(new float[] {1, 1, 2, 2}, run.validation().x().data, "the weight column is not an input");

        cmd.parseArgs("--data", train.toString(), "--label", "species", "--sample-weights", "w", "--validation-split", "0.5",
                "--layers", "3");
        TrainingPlan split = g.plan(cmd.getParseResult(), 1);
        assertEquals(null, split.prepare(g.weights.apply(split.load(), g.data), g.weights).validation().weights(), "held-out rows too");
    }

    @Test
    void everyRefusalNamesItsOption() throws Exception {
        Path data = iris();
        for (String[] bad : List.of(new String[] {"--loss", "hinge"}, new String[] {"--activation", "softmax"},
                new String[] {"--layers", "3,0"}, new String[] {"--batch-size", "0"}, new String[] {"--scale", "log"},
                new String[] {"--init-weights", "zeros"}, new String[] {"--optimizer", "lbfgs"})) {
            UserException e = assertThrows(UserException.class, () -> plan(args(data, bad)));
            assertTrue(e.getMessage().startsWith(bad[0]), bad[0] + ": " + e.getMessage());
        }
    }

    @Test
    void theLibrarysParametersAreToldAsTheirOptions() throws Exception {
        Path data = iris();
        for (String[] bad : List.of(new String[] {"--epochs", "0"}, new String[] {"--learning-rate", "0"}, new String[] {"--l2", "-1"},
                new String[] {"--threads", "0"}, new String[] {"--l1", "-1"}, new String[] {"--clip-norm", "-1"},
                new String[] {"--dropout", "1.5"}, new String[] {"--patience", "0"},
                new String[] {"--early-stopping", "--min-delta", "-1"},
                new String[] {"--optimizer", "momentum", "--momentum", "1.5"}, new String[] {"--optimizer", "rmsprop", "--rho", "1"},
                new String[] {"--optimizer", "adam", "--beta2", "1"}, new String[] {"--optimizer", "adagrad", "--epsilon", "0"},
                new String[] {"--optimizer", "adamw", "--weight-decay", "0"},
                new String[] {"--schedule", "step", "--step-every", "0"}, new String[] {"--schedule", "exponential", "--gamma", "2"},
                new String[] {"--schedule", "invscaling", "--power", "0"}, new String[] {"--schedule", "plateau", "--plateau-factor", "1"},
                new String[] {"--schedule", "plateau", "--plateau-patience", "0"},
                new String[] {"--schedule", "cosine", "--min-learning-rate", "0.5"})) {
            String option = bad[bad.length - 2].startsWith("--") ? bad[bad.length - 2] : bad[0];
            UserException e = assertThrows(UserException.class, () -> plan(args(data, bad)), String.join(" ", bad));
            assertTrue(e.getMessage().startsWith(option + " "), String.join(" ", bad) + ": " + e.getMessage());
        }
    }
}
