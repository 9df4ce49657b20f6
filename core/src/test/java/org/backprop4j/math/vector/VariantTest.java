package org.backprop4j.math.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a machine's variant is chosen: forced by name, taken from the per-machine cache, measured
 * and cached, or from the table; a corrupt or foreign cache file is ignored and rewritten. The
 * measurement is replaced by a fixed speed table here, so the tests do not depend on the machine.
 */
class VariantTest {

    @TempDir
    Path dir;

    private static final Machine INTEL = machine("GenuineIntel", "Intel(R) Xeon(R) Processor");
    private static final Machine AMD = machine("AuthenticAMD", "AMD EPYC 9R14 96-Core Processor");

    /** Measures 8 × 3 fastest, and counts the calls. */
    private final List<Variant> measured = new ArrayList<>();

    private double speed(Variant v) {
        measured.add(v);
        return v.tile() == Variant.Tile.T8X3 ? 150 : 100;
    }

    @Test
    void labelsParseBackAndUnknownOnesAreNamed() {
        for (Variant v : Variant.all()) assertEquals(v, Variant.parse(v.label()));
        assertEquals(new Variant(Variant.Tile.T12X2, Variant.Split.UNITS), Variant.parse(" 12X2 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("16x1"));
        assertTrue(e.getMessage().contains("16x1") && e.getMessage().contains("12x2-panels"), e.getMessage());
        assertEquals(10, Variant.all().size());
    }

    @Test
    void aForcedVariantIsUsedWithoutMeasuring() {
        VariantChoice c = VariantChoice.choose("4x4-panels", dir, INTEL, 16, this::speed);
        assertEquals(new Variant(Variant.Tile.T4X4, Variant.Split.PANELS), c.variant());
        assertEquals("forced", c.how());
        assertTrue(measured.isEmpty());
        assertFalse(Files.exists(dir.resolve(VariantChoice.FILE)));
        assertThrows(IllegalArgumentException.class, () -> VariantChoice.choose("fastest", dir, INTEL, 16, this::speed));
    }

    /** 4 lanes only where the JIT compiles the Vector API (elsewhere its plain-Java emulation would be far slower). */
    @Test
    void fourLanesAreWorthwhileOnlyOnX86AndAarch64() {
        for (String arch : new String[] {"amd64", "x86_64", "aarch64"}) assertTrue(VectorKernels.worthwhile(4, arch), arch);
        for (String arch : new String[] {"ppc64le", "s390x", "riscv64"}) {
            assertFalse(VectorKernels.worthwhile(4, arch), arch);
            assertTrue(VectorKernels.worthwhile(8, arch), arch + " with 8 lanes, as before");
        }
        assertFalse(VectorKernels.worthwhile(2, "amd64"));
    }

    @Test
    void withTheCacheOffTheTableDecides() {
        assertEquals(Variant.Tile.T12X2, VariantChoice.choose("auto", null, INTEL, 16, this::speed).variant().tile());
        assertEquals(Variant.CLASSIC, VariantChoice.choose(null, null, AMD, 16, this::speed).variant());
        Variant fiveByTwo = new Variant(Variant.Tile.T5X2, Variant.Split.UNITS);
        assertEquals(fiveByTwo, VariantChoice.choose(null, null, INTEL, 8, this::speed).variant());
        assertEquals(fiveByTwo, VariantChoice.choose(null, null, AMD, 8, this::speed).variant());
        assertEquals(new Variant(Variant.Tile.T8X3, Variant.Split.UNITS), VariantChoice.choose(null, null, AMD, 4, this::speed).variant());
        assertTrue(measured.isEmpty());
    }

    @Test
    void theFirstUseMeasuresAndCachesTheNextOnesRead() throws IOException {
        VariantChoice first = VariantChoice.choose(null, dir, INTEL, 16, this::speed);
        assertEquals(Variant.Tile.T8X3, first.variant().tile());
        assertTrue(first.how().startsWith("measured"), first.how());
        assertFalse(measured.isEmpty());
        Properties p = load(dir.resolve(VariantChoice.FILE));
        assertEquals("8x3-units", p.getProperty("variant.0"));
        assertEquals(INTEL.fingerprint(16), p.getProperty("machine.0"));
        assertEquals("150.0", p.getProperty("gflops.0.8x3"));

        measured.clear();
        VariantChoice second = VariantChoice.choose(null, dir, INTEL, 16, this::speed);
        assertEquals(first.variant(), second.variant());
        assertTrue(second.how().startsWith("cached"), second.how());
        assertTrue(measured.isEmpty(), "a valid cache is not measured again");
    }

    @Test
    void aCorruptCacheFileIsIgnoredAndRewritten() throws IOException {
        Path file = dir.resolve(VariantChoice.FILE);
        String us = INTEL.fingerprint(16).replace("=", "\\=");
        for (String garbage : new String[] {"", "\u0000\u00ff\ufffd binary", "format=" + VariantChoice.FORMAT + "\nmachine.0=" + us + "\nvariant.0=99x99\n",
                "format=" + VariantChoice.FORMAT + "\nmachine.0=" + us + "\n", "format=6\nmachine.0=" + us + "\nvariant.0=4x4-units\n",
                "machine.0=\\u00", "x".repeat(1 << 17)}) {
            Files.writeString(file, garbage, StandardCharsets.UTF_8);
            measured.clear();
            VariantChoice c = VariantChoice.choose(null, dir, INTEL, 16, this::speed);
            assertEquals(Variant.Tile.T8X3, c.variant().tile(), garbage);
            assertFalse(measured.isEmpty(), "measured again after: " + garbage);
            assertEquals("8x3-units", load(file).getProperty("variant.0"), "rewritten after: " + garbage);
        }
        Files.delete(file);
        Files.createDirectory(file);                       // not even a file: measured, and no crash writing
        assertEquals(Variant.Tile.T8X3, VariantChoice.choose(null, dir, INTEL, 16, this::speed).variant().tile());
    }

    @Test
    void aCacheOfOlderKernelsIsMeasuredAgain() throws IOException {
        Path file = dir.resolve(VariantChoice.FILE);
        Files.writeString(file, "format=5\nmachine=" + INTEL.fingerprint(16).replace("=", "\\=") + "\nvariant=4x4-units\n");  // the last single-entry revision's
        measured.clear();
        VariantChoice c = VariantChoice.choose(null, dir, INTEL, 16, this::speed);
        assertFalse(measured.isEmpty(), "measured again");
        assertEquals(Variant.Tile.T8X3, c.variant().tile());
        assertEquals(VariantChoice.FORMAT, load(file).getProperty("format"));
    }

    @Test
    void eachMachineAndJvmKeepsItsOwnEntry() throws IOException {
        Path file = dir.resolve(VariantChoice.FILE);
        Map<String, Double> speeds = Map.of("4x4", 80.0);
        VariantChoice.writeCache(file, AMD.fingerprint(16), Variant.CLASSIC, speeds);
        assertNull(VariantChoice.readCache(file, INTEL.fingerprint(16)));
        assertNotEquals(AMD.fingerprint(16), INTEL.fingerprint(16));
        assertNotEquals(INTEL.fingerprint(8), INTEL.fingerprint(16), "the vector width is part of the key");

        VariantChoice c = VariantChoice.choose(null, dir, INTEL, 16, this::speed);   // another machine: measured, added
        assertEquals(Variant.Tile.T8X3, c.variant().tile());
        assertFalse(measured.isEmpty());
        Properties p = load(file);
        assertEquals(INTEL.fingerprint(16), p.getProperty("machine.0"));
        assertEquals(AMD.fingerprint(16), p.getProperty("machine.1"));
        assertEquals("80.0", p.getProperty("gflops.1.4x4"), "the other entry keeps its speeds");

        measured.clear();                                  // switching back and forth measures nothing
        for (int round = 0; round < 3; round++) {
            assertEquals(Variant.CLASSIC, VariantChoice.choose(null, dir, AMD, 16, this::speed).variant());
            assertEquals(Variant.Tile.T8X3, VariantChoice.choose(null, dir, INTEL, 16, this::speed).variant().tile());
        }
        assertTrue(measured.isEmpty(), "both entries read from the cache");

        VariantChoice.writeCache(file, INTEL.fingerprint(16), Variant.CLASSIC, speeds);   // measured again: replaced, not doubled
        p = load(file);
        assertEquals(Variant.CLASSIC.label(), p.getProperty("variant.0"));
        assertEquals(AMD.fingerprint(16), p.getProperty("machine.1"));
        assertNull(p.getProperty("machine.2"));
    }

    @Test
    void theCacheKeepsTheNewestEntries() throws IOException {
        Path file = dir.resolve(VariantChoice.FILE);
        for (int jvm = 0; jvm < VariantChoice.ENTRIES + 3; jvm++) {
            VariantChoice.writeCache(file, "jvm " + jvm, Variant.CLASSIC, Map.of());
        }
        Properties p = load(file);
        for (int i = 0; i < VariantChoice.ENTRIES; i++) {
            assertEquals("jvm " + (VariantChoice.ENTRIES + 2 - i), p.getProperty("machine." + i), "newest first");
        }
        assertNull(p.getProperty("machine." + VariantChoice.ENTRIES));
        assertNull(VariantChoice.readCache(file, "jvm 2"), "the oldest dropped");
        assertEquals(Variant.CLASSIC, VariantChoice.readCache(file, "jvm 3"));
    }

    @Test
    void machineIsReadFromCpuinfoAndSysfsWithFallbacks() throws IOException {
        Machine m = INTEL;
        assertEquals("Intel(R) Xeon(R) Processor", m.model());
        assertEquals(48 << 10, m.l1dBytes());
        assertEquals(2 << 20, m.l2Bytes());
        assertEquals(480L << 20, m.l3Bytes());
        assertTrue(m.cachesMeasured() && m.hasFlag("avx512f") && !m.hasFlag("avx512"));
        Machine none = Machine.read(dir.resolve("missing"), dir.resolve("missing-too"));
        assertFalse(none.cachesMeasured());
        assertEquals(2 << 20, none.l2Bytes());
        assertEquals("unknown", none.vendor());
        assertEquals(491520L << 10, Machine.parseSize("491520K"));
    }

    /**
     * A VM without sysfs cache directories (Firecracker's guests): /proc/cpuinfo's "cache size" is a core's L2 on
     * AMD, the last-level cache on Intel; L1d, and the level cpuinfo does not give, fall back. A malformed size is
     * ignored, and the model and flags after it are still read.
     */
    @Test
    void withoutSysfsCachesTheCpuinfoCacheSizeStandsIn() throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo-vm");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel name\t: AMD EPYC\n"
                + "cache size\t: 1024 KB\nflags\t\t: fpu avx2 avx512f\n\nprocessor\t: 1\ncache size\t: 2048 KB\n");
        Machine amd = Machine.read(cpuinfo, dir.resolve("no-cache-dir"));
        assertEquals(1 << 20, amd.l2Bytes(), "core 0's cache size, the L2 on AMD");
        assertEquals(48 << 10, amd.l1dBytes());
        assertEquals(32 << 20, amd.l3Bytes());
        assertFalse(amd.cachesMeasured(), "L1d is still assumed");
        assertTrue(amd.toString().endsWith("L2 1024 KB, L3 32 MB; L1d, L3 size assumed)"), amd.toString());

        Files.writeString(cpuinfo, "vendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\ncache size\t: 327680 KB\nflags\t\t: avx512f\n");
        Machine intel = Machine.read(cpuinfo, dir.resolve("no-cache-dir"));
        assertEquals(320L << 20, intel.l3Bytes(), "the last-level cache on Intel");
        assertEquals(2 << 20, intel.l2Bytes(), "not the L2: the fallback");

        Files.writeString(cpuinfo, "vendor_id\t: AuthenticAMD\ncache size\t: lots\nmodel name\t: AMD EPYC\nflags\t\t: avx512f\n");
        Machine odd = Machine.read(cpuinfo, dir.resolve("no-cache-dir"));
        assertEquals(2 << 20, odd.l2Bytes());
        assertEquals("AMD EPYC", odd.model());
        assertTrue(odd.hasFlag("avx512f"));

        // aarch64: no model name, vendor or flags; the core's implementer and part, and its Features
        Files.writeString(cpuinfo, "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull crc32 atomics asimddp\n"
                + "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n"
                + "processor\t: 1\nCPU implementer\t: 0x61\nCPU part\t: 0x022\n");
        Machine arm = Machine.read(cpuinfo, dir.resolve("no-cache-dir"));
        assertEquals("ARM core (implementer 0x41, part 0xd0c)", arm.model(), "core 0's");
        assertEquals("ARM implementer 0x41", arm.vendor());
        assertTrue(arm.hasFlag("asimd") && !arm.hasFlag("sve"));
        assertEquals(2 << 20, arm.l2Bytes());

        // sysfs, where present, wins over cpuinfo
        Path root = Files.createTempDirectory(dir, "sysfs");
        Path d = Files.createDirectories(root.resolve("cache/index2"));
        Files.writeString(d.resolve("level"), "2\n");
        Files.writeString(d.resolve("type"), "Unified\n");
        Files.writeString(d.resolve("size"), "512K\n");
        Files.writeString(cpuinfo, "vendor_id\t: AuthenticAMD\ncache size\t: 1024 KB\n");
        assertEquals(512 << 10, Machine.read(cpuinfo, root.resolve("cache")).l2Bytes());
    }

    /** A fake /proc/cpuinfo and sysfs cache directory for a 48 KB / 2 MB / 480 MB machine. */
    private static Machine machine(String vendor, String model) {
        try {
            Path root = Files.createTempDirectory("machine");
            Path cpuinfo = root.resolve("cpuinfo");
            Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: " + vendor + "\nmodel name\t: " + model
                    + "\nflags\t\t: fpu fma avx2 avx512f avx512bw\n\nprocessor\t: 1\nvendor_id\t: " + vendor + "\n");
            String[][] caches = {{"1", "Data", "48K"}, {"1", "Instruction", "32K"}, {"2", "Unified", "2048K"}, {"3", "Unified", "491520K"}};
            for (int i = 0; i < caches.length; i++) {
                Path d = Files.createDirectories(root.resolve("cache/index" + i));
                Files.writeString(d.resolve("level"), caches[i][0] + "\n");
                Files.writeString(d.resolve("type"), caches[i][1] + "\n");
                Files.writeString(d.resolve("size"), caches[i][2] + "\n");
            }
            return Machine.read(cpuinfo, root.resolve("cache"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
