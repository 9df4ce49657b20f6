package org.backprop4j.cli;

import org.backprop4j.options.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nn demo} (and {@code nn} alone): the seed's network, 784-100-10 with sigmoid units and the
 * half-squared-error cost, trained by mini-batch gradient descent on the MNIST subset shipped in
 * data/, then evaluated on the 2,000 test images. It is exactly an {@code nn train} command, which
 * it prints so the user can vary it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Trains the seed's 784-100-10 sigmoid network (mse, mini-batch 10, learning rate 3.0, 10 epochs) "
                + "on the shipped MNIST subset (8,000 train / 2,000 test images) and saves it.")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "MODEL.json", defaultValue = "demo-model.json",
            description = "Where to save the model. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--quiet", description = "Print nothing but the test result and errors.")
    boolean quiet;

    @Override
    public Integer call() {
        Path data = dataDir();
        List<String> args = new ArrayList<>(List.of("train",
                "--data", data.resolve("mnist10k-train-images-idx3-ubyte.gz").toString(),
                "--labels", data.resolve("mnist10k-train-labels-idx1-ubyte.gz").toString(),
                "--test-data", data.resolve("mnist10k-test-images-idx3-ubyte.gz").toString(),
                "--test-labels", data.resolve("mnist10k-test-labels-idx1-ubyte.gz").toString(),
                "--layers", "100", "--activation", "sigmoid", "--output-activation", "sigmoid", "--loss", "mse",
                "--batch-size", "10", "--learning-rate", "3.0", "--epochs", Integer.toString(epochs),
                "--seed", "1", "--out", out.toString()));
        if (quiet) args.add("--quiet");
        if (!quiet) spec.commandLine().getErr().println("demo: nn " + String.join(" ", args));
        CommandLine root = spec.commandLine().getParent();
        return root.execute(args.toArray(new String[0]));
    }

    /** data/ of the project: from -Dnn.home (set by ./nn), else beside the jar, else the working folder. */
    static Path dataDir() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty("nn.home");
        if (home != null) candidates.add(Path.of(home, "data"));
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent()) candidates.add(p.resolve("data"));
        } catch (Exception e) {
            // no code source: fall through to the working folder
        }
        candidates.add(Path.of("data"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c.resolve("mnist10k-train-images-idx3-ubyte.gz"))) return c;
        }
        throw new UserException("cannot find the demo data (data/mnist10k-*.gz); run ./nn from the project folder");
    }
}
