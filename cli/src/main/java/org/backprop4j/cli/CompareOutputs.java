package org.backprop4j.cli;

import org.backprop4j.report.Charts;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.backprop4j.io.AtomicFiles;
import org.jfree.chart.JFreeChart;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code nn compare} shows and writes of its runs: the table (printed), the chart of cost
 * against epochs and against wall time (compare.png, compare.svg), the final figures (compare.csv)
 * and every checkpoint (compare-curves.csv). CSV through commons-csv, quoted where a cell needs it.
 */
final class CompareOutputs {
    static final int PNG_WIDTH = 1200, PNG_HEIGHT = 560;
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();
    /** The files {@link #write} writes into its folder. */
    static final List<String> FILES = List.of("compare.png", "compare.svg", "compare.csv", "compare-curves.csv");

    private CompareOutputs() { }

    /** The result table: one row per run. test: whether a test set was given. */
    static String table(List<BatchSizeExperiment.Run> runs, boolean test) {
        StringBuilder s = new StringBuilder(String.format("%-26s %8s %10s %8s %9s %12s %9s%s  %s%n", "mode", "alpha", "steps",
                "epochs", "seconds", "final cost", "accuracy", test ? "  test acc." : "", "status"));
        for (BatchSizeExperiment.Run r : runs) {
            s.append(String.format("%-26s %8s %,10d %8.3f %9.3f %12.6f %9s%s  %s%n", r.mode().name(), r.mode().alpha(), r.steps(),
                    r.epochs(), r.seconds(), r.last().cost(), percent(r.last().accuracy()),
                    test ? String.format("  %10s", percent(r.testAccuracy())) : "", status(r)));
        }
        return s.toString();
    }

    /** Draws the chart and writes the four files into {@code out} (created if missing), each atomically. */
    static void write(Path out, List<BatchSizeExperiment.Run> runs, boolean test, String subtitle) throws IOException {
        JFreeChart chart = chart(runs, subtitle);
        byte[] png = Charts.png(chart, PNG_WIDTH, PNG_HEIGHT);
        String svg = Charts.svgDocument(chart, PNG_WIDTH, PNG_HEIGHT);
        Files.createDirectories(out);
        AtomicFiles.writeBytes(out.resolve(FILES.get(0)), o -> o.write(png));
        AtomicFiles.write(out.resolve(FILES.get(1)), w -> w.write(svg));
        AtomicFiles.write(out.resolve(FILES.get(2)), w -> w.write(csv(runs, test)));
        AtomicFiles.write(out.resolve(FILES.get(3)), w -> w.write(curvesCsv(runs)));
    }

    private static JFreeChart chart(List<BatchSizeExperiment.Run> runs, String subtitle) {
        List<Charts.Series> byEpoch = new ArrayList<>(), byTime = new ArrayList<>();
        for (BatchSizeExperiment.Run r : runs) {
            String name = r.mode().name() + ", alpha " + r.mode().alpha() + (r.failure() != null ? ", diverged" : "");
            byEpoch.add(new Charts.Series(name, r.column(0), r.column(2)));
            byTime.add(new Charts.Series(name, r.column(1), r.column(2)));
        }
        return Charts.sideBySide("Batch, stochastic and mini-batch gradient descent", subtitle, "cost J", true,
                List.of(new Charts.Panel("epochs (passes over the training data)", byEpoch),
                        new Charts.Panel("wall time (s), checkpoint evaluation excluded", byTime)));
    }

    /** compare.csv: the final figures of each run; an unknown accuracy is an empty cell. */
    static String csv(List<BatchSizeExperiment.Run> runs, boolean test) throws IOException {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSV)) {
            List<Object> header = new ArrayList<>(List.of("mode", "batch_size", "learning_rate", "steps", "epochs", "seconds", "cost",
                    "data_cost", "l2_cost", "accuracy"));
            if (test) header.add("test_accuracy");
            header.add("status");
            p.printRecord(header);
            for (BatchSizeExperiment.Run r : runs) {
                List<Object> row = new ArrayList<>(Arrays.asList(r.mode().name(), r.mode().K(), r.mode().alpha(), r.steps(), r.epochs(),
                        r.seconds(), r.last().cost(), r.last().dataCost(), r.last().l2Cost(), number(r.last().accuracy())));
                if (test) row.add(number(r.testAccuracy()));
                row.add(status(r));
                p.printRecord(row);
            }
        }
        return w.toString();
    }

    /** compare-curves.csv: one row per checkpoint of each run. */
    static String curvesCsv(List<BatchSizeExperiment.Run> runs) throws IOException {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSV)) {
            p.printRecord("mode", "batch_size", "epochs", "seconds", "cost");
            for (BatchSizeExperiment.Run r : runs) {
                for (double[] point : r.points()) p.printRecord(r.mode().name(), r.mode().K(), point[0], point[1], point[2]);
            }
        }
        return w.toString();
    }

    private static String status(BatchSizeExperiment.Run r) {
        return r.failure() == null ? "ok" : r.failure();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f%%", 100 * v);
    }

    /** A number for a CSV cell, or an empty cell (null) when unknown (NaN). */
    private static Double number(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
