package org.backprop4j.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's help exits 0 and documents its options. */
class HelpTest {
    private static final List<String> DATA = List.of("--data", "--labels", "--targets", "--label");

    @Test
    void rootHelpListsTheCommands() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
            Cli.Result r = Cli.run(args).ok();
            assertEquals("", r.err());
            for (String command : List.of("train", "evaluate", "predict", "demo")) {
                assertTrue(r.out().contains("  " + command + " "), () -> "nn " + args[0] + " should list " + command + ":\n" + r.out());
            }
        }
    }

    @Test
    void versionIsThePomsVersion() {
        String pom = System.getProperty("backprop4j.pom.version");
        assertTrue(pom != null && !pom.isBlank(), "surefire passes the POM's version");
        Cli.Result r = Cli.run("--version").ok();
        assertTrue(r.out().startsWith("nn (Backprop4j) " + pom + System.lineSeparator()), r.out());
        assertTrue(r.out().contains("Java " + System.getProperty("java.version")), r.out());
    }

    @Test
    void trainHelp() {
        List<String> options = List.of("--layers", "--activation", "--output-activation", "--loss", "--init", "--batch-size",
                "--epochs", "--learning-rate", "--l2", "--seed", "--no-shuffle", "--scale", "--test-data", "--test-labels",
                "--quiet", "--out");
        assertMentions(Cli.run("train", "--help").ok(), DATA, options);
        assertMentions(Cli.run("help", "train").ok(), DATA, options);
    }

    @Test
    void evaluateHelp() {
        assertMentions(Cli.run("evaluate", "--help").ok(), DATA, List.of("--model", "--l2", "--json"));
    }

    @Test
    void predictHelp() {
        assertMentions(Cli.run("predict", "--help").ok(), DATA, List.of("--model", "--probabilities", "--outputs", "--out"));
    }

    @Test
    void demoHelp() {
        assertMentions(Cli.run("demo", "--help").ok(), List.of(), List.of("--out", "--epochs", "--quiet"));
    }

    private static void assertMentions(Cli.Result r, List<String> common, List<String> own) {
        assertEquals("", r.err());
        for (List<String> options : List.of(common, own)) {
            for (String o : options) {
                // as an option heading ("--epochs=E" or "--quiet "), not only as part of a longer name
                assertTrue(r.out().matches("(?s).*\\s" + o + "[=,\\s].*"),
                        () -> "nn " + String.join(" ", r.args()) + " should document " + o + ":\n" + r.out());
            }
        }
    }
}
