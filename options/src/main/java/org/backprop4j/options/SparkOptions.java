package org.backprop4j.options;

import picocli.CommandLine.Option;

/**
 * The Spark group: where and how {@code nn train --spark} trains. Declared here, beside the other
 * groups, so that {@code nn train --help} documents them; nn.jar itself has no Spark, and the
 * {@code ./nn} script hands a command with --spark to the launcher of the spark module.
 */
public final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER", order = 90,
            description = "Train on Apache Spark instead: the master, local[N], local[N,F] (F tries per task), spark://host:7077, "
                    + "yarn, ... (the ./nn script hands the command to the Spark launcher of the spark module; spark-submit sets "
                    + "it itself); see docs/SCALING.md.")
    public String master;

    @Option(names = "--strategy", paramLabel = "sync|average", defaultValue = "sync", order = 91,
            description = "--spark: sync: gradients summed over the cluster each step (full batch = the single-machine model); "
                    + "average: local steps on each partition, then the weights and optimizer state averaged. Default: ${DEFAULT-VALUE}.")
    public String strategy;

    @Option(names = "--average-every", paramLabel = "STEPS", defaultValue = "10", order = 92,
            description = "--spark with average: local mini-batch steps between averages. Default: ${DEFAULT-VALUE}.")
    public int averageEvery;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0", order = 93,
            description = "--spark: partitions of the data (tasks per step). Default: Spark's default parallelism.")
    public int partitions;

    @Option(names = "--tree-depth", paramLabel = "D", defaultValue = "2", order = 94,
            description = "--spark with sync: depth of the tree aggregation. Default: ${DEFAULT-VALUE}.")
    public int treeDepth;

    /** The Spark options given on the command line without --spark, for a command that trains on one machine. */
    public static final java.util.List<String> CLUSTER_ONLY = java.util.List.of("--strategy", "--average-every", "--partitions", "--tree-depth");
}
