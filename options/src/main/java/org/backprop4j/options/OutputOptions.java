package org.backprop4j.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The output group of a command that trains one model: the model file and what else is written about the run. */
public final class OutputOptions {
    @Option(names = "--out", paramLabel = "MODEL.json", defaultValue = "model.json", order = 40,
            description = "Where to save the trained model (written atomically). Default: ${DEFAULT-VALUE}.")
    public Path out;

    @Option(names = "--report", paramLabel = "FILE.html", order = 42,
            description = "Also write one self-contained HTML page about the run: configuration, cost and accuracy curves "
                    + "(training, and validation = --test-data), confusion matrix, per-layer weight and gradient norms, "
                    + "saturated/dead units, timings. Needs no network access to open.")
    public Path report;

    @Option(names = "--metrics", paramLabel = "FILE", order = 43,
            description = "Also write one row per epoch (cost, accuracy, validation, timings, per-layer norms and saturation): "
                    + "CSV if FILE ends in .csv, JSON lines if in .jsonl or .json.")
    public Path metrics;

    /** Fails before training when a file could not be written. */
    public void check() {
        Checks.writable("--out", out);
        if (report != null) Checks.writable("--report", report);
        if (metrics != null) Checks.writable("--metrics", metrics);
    }
}
