package org.backprop4j.cli;

import org.backprop4j.data.DataException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Core is the library: it speaks of its own parameters ({@code label}, {@code learningRate}) and the
 * options module names the option that sets each ({@code Checks}). So no string in core's compiled
 * classes — every literal, and the constant parts of every message built by concatenation — names an
 * option of {@code nn}. Read from the class files' constant pools, which hold exactly those strings.
 */
class CoreNamesNoOptionTest {
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    @Test
    void noStringOfCoreNamesAnOptionOfNn() throws Exception {
        Set<String> options = new TreeSet<>();
        collect(new CommandLine(new Main()), options);
        assertTrue(options.containsAll(List.of("--label", "--targets", "--categorical", "--features", "--epochs", "--spark")), options::toString);

        Path core = Path.of(DataException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offending = new ArrayList<>();
        Set<String> flagsSeen = new TreeSet<>();
        int classes = 0;
        try (FileSystem jar = Files.isDirectory(core) ? null : FileSystems.newFileSystem(core);
             Stream<Path> files = Files.walk(jar == null ? core : jar.getPath("/"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                classes++;
                try (InputStream in = Files.newInputStream(f)) {
                    for (String s : strings(in)) {
                        Matcher m = FLAG.matcher(s);
                        while (m.find()) {
                            flagsSeen.add(m.group());
                            if (options.contains(m.group())) offending.add(f.getFileName() + ": \"" + s + "\"");
                        }
                    }
                }
            }
        }
        assertTrue(classes > 50, "read core's classes from " + core + ": " + classes);
        // the scan sees the constant parts of messages: SlowPath's fix names the JVM's own flag
        assertTrue(flagsSeen.contains("--add-modules"), flagsSeen::toString);
        assertEquals(List.of(), offending, "core names options of nn; name the library's parameter instead");
    }

    private static void collect(CommandLine command, Set<String> options) {
        for (OptionSpec o : command.getCommandSpec().options()) options.addAll(List.of(o.names()));
        for (CommandLine sub : command.getSubcommands().values()) collect(sub, options);
    }

    /** Every UTF-8 constant of a class file (JVMS 4.4): the strings of its literals and string-concatenation recipes, and its names. */
    private static List<String> strings(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        in.skipBytes(8);                                      // magic, minor and major version
        int count = in.readUnsignedShort();
        List<String> utf8 = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.add(in.readUTF());                                   // Utf8: u2 length, modified UTF-8
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);                           // Class, String, MethodType, Module, Package
                case 15 -> in.skipBytes(3);                                         // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);                // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> {                                                      // Long, Double: two slots
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " at entry " + i);
            }
        }
        return utf8;
    }
}
