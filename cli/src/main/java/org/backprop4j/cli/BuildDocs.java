package org.backprop4j.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Run by the build (exec-maven-plugin, in cli's prepare-package phase), not by users: writes the man page
 * {@code nn.1} and the bash/zsh completion script {@code nn_completion} from the picocli model of
 * {@link Main}, so both always list exactly the options the jar has. The completion script is picocli's
 * own ({@link AutoComplete#bash}); the man page is troff written here from the same model, one page with
 * a section per command (picocli-codegen's ManPageGenerator writes AsciiDoc, which would need Asciidoctor
 * and a Ruby runtime in the build to become a man page).
 */
public final class BuildDocs {
    private BuildDocs() {
    }

    /** {@code BuildDocs DIR VERSION}: writes DIR/nn.1 and DIR/nn_completion (DIR is created). */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: BuildDocs OUTPUT_DIR VERSION");
        Path dir = Files.createDirectories(Path.of(args[0]));
        CommandLine nn = new CommandLine(new Main());
        Files.writeString(dir.resolve("nn_completion"), AutoComplete.bash("nn", nn), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("nn.1"), manPage(nn, args[1]), StandardCharsets.UTF_8);
    }

    /** The troff text of nn(1): NAME, SYNOPSIS, DESCRIPTION, OPTIONS, then one section per command. */
    static String manPage(CommandLine nn, String version) {
        StringBuilder m = new StringBuilder();
        CommandSpec root = nn.getCommandSpec();
        m.append(".TH NN 1 \"\" \"Backprop4j ").append(version).append("\" \"Backprop4j manual\"\n");
        m.append(".SH NAME\nnn \\- train, evaluate and use fully connected neural networks (Backprop4j)\n");
        m.append(".SH SYNOPSIS\n");
        for (String name : root.subcommands().keySet()) {
            m.append(".B nn ").append(name).append("\n.RI [ OPTIONS ]\n.br\n");
        }
        m.append(".SH DESCRIPTION\n");
        paragraphs(m, String.join("\n", root.usageMessage().description()));
        m.append(".PP\nEach command's options follow; \\fBnn COMMAND \\-\\-help\\fR prints the same. ")
                .append("Exit status: 0 on success, 2 for bad input or options (one line on standard error), 1 for an internal error.\n");
        m.append(".SH OPTIONS\n");
        options(m, root);
        for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
            CommandSpec spec = e.getValue().getCommandSpec();
            if (spec.usageMessage().hidden()) continue;
            m.append(".SH \"NN ").append(e.getKey().toUpperCase(Locale.ROOT)).append("\"\n");
            String synopsis = spec.commandLine().getHelp().synopsis(0).strip();
            m.append(".nf\n").append(escape(synopsis)).append("\n.fi\n");
            paragraphs(m, String.join("\n", spec.usageMessage().description()));
            options(m, spec);
        }
        m.append(".SH FILES\n.TP\n.I data/\nthe MNIST subset and Iris data that \\fBnn demo\\fR and the examples use\n");
        m.append(".SH SEE ALSO\nThe README, docs/SPEC.md (equations E1\\-E12) and docs/MODEL-FORMAT.md of Backprop4j.\n");
        return m.toString();
    }

    private static void options(StringBuilder m, CommandSpec spec) {
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) continue;
            m.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n');
            m.append(escape(text(p.description()))).append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            m.append(".TP\n");
            StringBuilder names = new StringBuilder();
            for (String n : o.names()) {
                if (names.length() > 0) names.append(", ");
                names.append("\\fB").append(escape(n)).append("\\fR");
            }
            if (o.arity().max() > 0) names.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            m.append(names).append('\n');
            m.append(escape(text(o.description()))).append('\n');
        }
    }

    private static void paragraphs(StringBuilder m, String text) {
        for (String para : (Iterable<String>) format(text).lines()::iterator) {
            if (para.isBlank()) continue;
            m.append(".PP\n").append(escape(para.strip())).append('\n');
        }
    }

    private static String text(String[] description) {
        return format(String.join(" ", description)).replace('\n', ' ').strip();
    }

    /** picocli's description strings use %n for a line break and %% for a percent sign. */
    private static String format(String s) {
        return s.replace("%n", "\n").replace("%%", "%");
    }

    /** troff: a backslash is \e, a minus is \-, and a line may not begin with a control character. */
    static String escape(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (out.length() > 0) out.append('\n');
            if (line.startsWith(".") || line.startsWith("'")) out.append("\\&");
            out.append(line);
        }
        return out.toString();
    }
}
