package org.backprop4j.options;

import picocli.CommandLine.Option;

/** --quiet, the same for every command that reports progress. */
public final class QuietOption {
    @Option(names = "--quiet", order = 41, description = "Print nothing but results and errors.")
    public boolean quiet;
}
