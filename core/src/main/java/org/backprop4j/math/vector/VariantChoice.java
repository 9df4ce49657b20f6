package org.backprop4j.math.vector;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Which {@link Variant} this machine runs, decided once per JVM on first use:
 * <ol>
 *   <li><b>forced</b>: the system property {@code backprop4j.kernel} (or the environment variable
 *       {@code BACKPROP4J_KERNEL}) names a variant, e.g. {@code -Dbackprop4j.kernel=4x4-units};
 *       {@code auto} (the default) goes on;
 *   <li><b>cached</b>: the choice measured before on this machine, in
 *       {@code kernel-variant.properties} under the cache directory — {@code backprop4j.kernel.cache}
 *       (or {@code BACKPROP4J_KERNEL_CACHE}), else {@code $XDG_CACHE_HOME/backprop4j}, else
 *       {@code ~/.cache/backprop4j}. The file keeps one entry per processor, cache layout and JVM
 *       ({@link Machine#fingerprint}; up to {@link #ENTRIES}), so switching JDKs or machines over one
 *       home directory does not measure again; a file that does not parse is ignored and rewritten;
 *   <li><b>measured</b>: each register tile times a training-sized product on one thread (about
 *       half a second in all), the fastest is kept and written to the cache;
 *   <li><b>table</b>: with the cache turned off ({@code backprop4j.kernel.cache=off}), or when
 *       nothing can be measured, a choice keyed on what the processor reports: 5 × 2 with AVX2's
 *       8-lane vectors, 12 × 2 on Intel cores with AVX-512 (two FMA units fed from L2), 4 × 4 elsewhere.
 * </ol>
 * The choice never changes a result, only its speed (see {@link Variant}).
 *
 * @param variant the variant chosen
 * @param how     how it was chosen: "forced", "cached", "measured" or "table", with details
 */
public record VariantChoice(Variant variant, String how) {

    /**
     * The cache's format, and the kernels' revision: bumped when a change to the kernels may change
     * which variant is fastest, so that a choice measured on older kernels is measured again (2: the
     * packing by gathers and the panels at 64-byte boundaries, 2026-11-30, made 8x3 and 12x2 equal on
     * the Intel Xeon where 12x2 had been chosen before; 3: X's row blocks, and small panels split by units,
     * packed once per product and shared by the threads, 2026-11-30; 4: the 6 × 2 tile for AVX2's 16
     * registers, 2026-12-01; 5: the 5 × 2 tile, which JDK 25 compiles without a spill, 2026-12-02; 6: one entry per machine
     * and JVM, 2026-12-02, so a file of format 5 is measured once more; 7: X's row blocks packed as rows for the
     * 12 × 2, 6 × 2 and 5 × 2 tiles' NN and NT products, which the measurement's product is, 2026-12-03).
     */
    static final String FORMAT = "7";
    static final String FILE = "kernel-variant.properties";
    private static final System.Logger LOG = System.getLogger("org.backprop4j.kernels");

    private static final class Holder {
        static final VariantChoice CHOICE = decide();
    }

    /** The variant of this JVM (decided on the first call). */
    public static VariantChoice get() {
        return Holder.CHOICE;
    }

    private static VariantChoice decide() {
        String forced = setting("backprop4j.kernel", "BACKPROP4J_KERNEL");
        String cache = setting("backprop4j.kernel.cache", "BACKPROP4J_KERNEL_CACHE");
        Path dir;
        if (cache != null && cache.equalsIgnoreCase("off")) {
            dir = null;
        } else if (cache != null && !cache.isBlank()) {
            dir = Path.of(cache);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            dir = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("backprop4j");
        }
        return choose(forced, dir, Machine.current(), VectorKernels.lanes(), VariantChoice::measure);
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }

    /**
     * The decision itself, with everything it depends on passed in (for tests).
     *
     * @param forced  a variant label, "auto" or null
     * @param dir     the cache directory, or null for no cache (and no measurement)
     * @param measure GFLOP/s of a variant on this machine
     */
    static VariantChoice choose(String forced, Path dir, Machine machine, int lanes, ToDoubleFunction<Variant> measure) {
        if (forced != null && !forced.isBlank() && !forced.trim().equalsIgnoreCase("auto")) {
            return new VariantChoice(Variant.parse(forced), "forced");
        }
        if (dir == null) return new VariantChoice(table(machine, lanes), "table (cache off)");
        String fingerprint = machine.fingerprint(lanes);
        Path file = dir.resolve(FILE);
        Variant cached = readCache(file, fingerprint);
        if (cached != null) return new VariantChoice(cached, "cached in " + file);
        Map<String, Double> speeds = new TreeMap<>();
        Variant best = null;
        double bestSpeed = 0;
        for (int round = 0; round < 2; round++) {           // two rounds: the first also warms up the JIT
            for (Variant.Tile tile : Variant.Tile.values()) {
                Variant v = new Variant(tile, Variant.Split.UNITS);
                double speed = Math.max(measure.applyAsDouble(v), speeds.getOrDefault(tile.label(), 0.0));
                speeds.put(tile.label(), Math.round(speed * 10) / 10.0);
                if (speed > bestSpeed) {
                    best = v;
                    bestSpeed = speed;
                }
            }
        }
        if (best == null) return new VariantChoice(table(machine, lanes), "table (nothing measured)");
        writeCache(file, fingerprint, best, speeds);
        LOG.log(System.Logger.Level.DEBUG, "kernel variant {0} measured fastest on {1} (GFLOP/s by tile: {2}); kept in {3}",
                best, machine.model(), speeds, file);
        return new VariantChoice(best, "measured " + speeds + ", kept in " + file);
    }

    /**
     * The choice without measuring: 5 × 2 with 8-lane vectors (AVX2: 16 registers, where the larger
     * tiles spill; 6 × 2 spills too on JDK 25, and on JDK 17 the two are level: W2's steps alternating
     * between them in one JVM, 5 × 2's over 6 × 2's 0.98–1.03 on AMD's Zen 3, 2026-12-02), 12 × 2 for Intel
     * with 16-lane vectors, 4 × 4 elsewhere; with 4 lanes (ARM's NEON, whose 32 registers hold the larger tiles)
     * 8 × 3, the fewest loads a multiply-add of the tiles (11 for 24) — unmeasured on ARM hardware.
     */
    static Variant table(Machine machine, int lanes) {
        if (lanes <= 4) return new Variant(Variant.Tile.T8X3, Variant.Split.UNITS);
        if (lanes <= 8) return new Variant(Variant.Tile.T5X2, Variant.Split.UNITS);
        if (machine.vendor().equals("GenuineIntel")) return new Variant(Variant.Tile.T12X2, Variant.Split.UNITS);
        return Variant.CLASSIC;
    }

    /**
     * The most entries the cache keeps: one per machine and JVM that shares the directory (a user
     * switching between JDK 17 and 25, or a home directory mounted on several machines) — each
     * keeps its own choice instead of measuring again at every switch. The oldest goes first.
     */
    static final int ENTRIES = 8;

    /** The cached variant, or null if the file is missing, does not parse, or has no entry for this machine. */
    static Variant readCache(Path file, String fingerprint) {
        Properties p = load(file);
        if (p == null) return null;
        for (int i = 0; i < ENTRIES; i++) {
            if (!fingerprint.equals(p.getProperty("machine." + i))) continue;
            String v = p.getProperty("variant." + i);
            try {
                return v == null ? null : Variant.parse(v);
            } catch (IllegalArgumentException e) {
                return null;                    // an unknown label: measure again and rewrite the entry
            }
        }
        return null;
    }

    /** The file's properties if it is a cache of this format, else null (missing, too big, corrupt, older kernels). */
    private static Properties load(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 1 << 16) return null;
            Properties p = new Properties();
            try (Reader in = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
                p.load(in);
            }
            return FORMAT.equals(p.getProperty("format")) ? p : null;
        } catch (IOException | RuntimeException e) {
            return null;                        // unreadable or corrupt: measure again and rewrite it
        }
    }

    /**
     * Writes the choice as the file's first entry, keeps the other machines' entries after it (up
     * to {@link #ENTRIES} in all), through a temporary file and a rename, so a reader never sees half
     * a file. Two JVMs measuring at the same moment may each write the file without the other's
     * entry; the one lost is measured again on its next first use, never read wrong.
     */
    static void writeCache(Path file, String fingerprint, Variant best, Map<String, Double> speeds) {
        try {
            Files.createDirectories(file.getParent());
            Properties old = load(file);
            Properties p = new Properties();
            p.setProperty("format", FORMAT);
            p.setProperty("machine.0", fingerprint);
            p.setProperty("variant.0", best.label());
            speeds.forEach((tile, gflops) -> p.setProperty("gflops.0." + tile, String.format(java.util.Locale.ROOT, "%.1f", gflops)));
            int kept = 1;
            for (int i = 0; old != null && i < ENTRIES && kept < ENTRIES; i++) {
                String machine = old.getProperty("machine." + i), variant = old.getProperty("variant." + i);
                if (machine == null || variant == null || machine.equals(fingerprint)) continue;
                p.setProperty("machine." + kept, machine);
                p.setProperty("variant." + kept, variant);
                String prefix = "gflops." + i + ".";
                for (String key : old.stringPropertyNames()) {
                    if (key.startsWith(prefix)) p.setProperty("gflops." + kept + "." + key.substring(prefix.length()), old.getProperty(key));
                }
                kept++;
            }
            StringWriter text = new StringWriter();
            p.store(text, "Backprop4j's kernel variant for each machine and JVM, measured on first use; delete to measure again");
            Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            try {
                Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not keep the kernel variant in {0}: {1}", file, e);
        }
    }

    /**
     * GFLOP/s of a variant on one thread: the best of several timed calls of a product shaped like
     * a training step's (192 × 768 × 512, NN), after enough calls for the JIT to compile the tile.
     * Timed by the thread's CPU time where the JVM offers it, so that other processes taking turns
     * on the core (a busy machine) do not decide the choice.
     */
    static double measure(Variant variant) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpuTime = cpu.isCurrentThreadCpuTimeSupported();
        int m = 192, n = 768, k = 512;
        Random random = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() - 0.5f;
        VectorKernels kernels = new VectorKernels(1, variant);
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < 200 && (i < 12 || System.nanoTime() < end); i++) {
            long t0 = cpuTime ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
            kernels.gemmNN(m, n, k, a, b, c);
            long t = (cpuTime ? cpu.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
            if (i >= 6) best = Math.min(best, t);       // the first calls run before the JIT has compiled the tile
        }
        return best > 0 ? 2.0 * m * n * k / best : 0;
    }
}
