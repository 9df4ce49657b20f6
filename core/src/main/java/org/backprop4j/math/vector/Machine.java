package org.backprop4j.math.vector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the kernels need to know about the processor they run on, read once from what Linux and the
 * JVM report: the model name and vendor ({@code /proc/cpuinfo}), the data cache sizes of core 0
 * ({@code /sys/devices/system/cpu/cpu0/cache}), the vector width the JVM prefers. Where sysfs has no
 * cache directory (Firecracker guests have none: the AMD EPYC family 26 VMs of docs/PERFORMANCE.md),
 * the one size {@code /proc/cpuinfo} gives stands in: its "cache size" is the L2 of a core on AMD
 * (1024 KB there, where the fallback said 2 MB) and the last-level cache on Intel (Linux fills it so).
 * What neither gives falls back to common values — 48 KB L1d, 2 MB L2, 32 MB L3 — and
 * {@link #cachesMeasured()} says so.
 */
public final class Machine {

    private static final long FALLBACK_L1D = 48 << 10, FALLBACK_L2 = 2 << 20, FALLBACK_L3 = 32 << 20;
    private static final Machine THIS = read(Path.of("/proc/cpuinfo"), Path.of("/sys/devices/system/cpu/cpu0/cache"));

    private final String model, vendor, flags;
    private final long l1d, l2, l3;
    /** The cache levels whose sizes are the fallback values ("L1d", "L1d, L3"), or "". */
    private final String assumed;

    private Machine(String model, String vendor, String flags, long l1d, long l2, long l3, String assumed) {
        this.model = model;
        this.vendor = vendor;
        this.flags = flags;
        this.l1d = l1d;
        this.l2 = l2;
        this.l3 = l3;
        this.assumed = assumed;
    }

    /** The processor this JVM runs on. */
    public static Machine current() {
        return THIS;
    }

    /**
     * "Intel(R) Xeon(R) Processor", "AMD EPYC 9R14 96-Core Processor", on ARM "ARM core (implementer 0x41, part
     * 0xd0c)", or os.arch when unknown.
     */
    public String model() {
        return model;
    }

    /** "GenuineIntel", "AuthenticAMD", "ARM implementer 0x41", or "unknown". */
    public String vendor() {
        return vendor;
    }

    /** True if /proc/cpuinfo lists this flag (e.g. "avx512f", "fma"; on ARM a feature: "asimd", "sve"). */
    public boolean hasFlag(String flag) {
        return (" " + flags + " ").contains(" " + flag + " ");
    }

    public long l1dBytes() {
        return l1d;
    }

    /** Core 0's L2 size in bytes (the split of {@link Panels} uses it). */
    public long l2Bytes() {
        return l2;
    }

    public long l3Bytes() {
        return l3;
    }

    /** False if the L1d or L2 size is a fallback value, not read from the machine. */
    public boolean cachesMeasured() {
        return !assumed.contains("L1d") && !assumed.contains("L2");
    }

    /** The cache levels whose sizes are fallback values, not read from the machine ("L1d", "L1d, L3"), or "". */
    public String assumedCaches() {
        return assumed;
    }

    /** A short key for caches of per-machine choices: model, vendor, caches, cores, lanes and JVM. */
    public String fingerprint(int lanes) {
        return String.join("|", model, vendor, "L1d=" + l1d, "L2=" + l2, "L3=" + l3,
                "cores=" + Runtime.getRuntime().availableProcessors(), "lanes=" + lanes,
                "java=" + System.getProperty("java.vm.version", "?"));
    }

    /** Reads a machine description from a cpuinfo file and a sysfs cache directory (either may be missing). */
    static Machine read(Path cpuinfo, Path cacheDir) {
        String model = System.getProperty("os.arch", "unknown"), vendor = "unknown", flags = "";
        String cpuinfoCache = "";               // "cache size" of core 0: "1024 KB"
        String implementer = "", part = "";     // an ARM core's MIDR fields, where Linux gives no model name
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals(System.getProperty("os.arch", "unknown"))) model = value;
                else if (key.equals("vendor_id") && vendor.equals("unknown")) vendor = value;
                else if (key.equals("flags") && flags.isEmpty()) flags = value;
                else if (key.equals("cache size") && cpuinfoCache.isEmpty()) cpuinfoCache = value;
                else if (key.equals("Features") && flags.isEmpty()) flags = value;                  // aarch64: "fp asimd … sve"
                else if (key.equals("CPU implementer") && implementer.isEmpty()) implementer = value;
                else if (key.equals("CPU part") && part.isEmpty()) part = value;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: keep the defaults
        }
        if (!implementer.isEmpty()) {
            // aarch64 Linux names no model: the implementer (0x41 Arm, 0x61 Apple, 0xc0 Ampere, …) and part number
            // identify the core, which is what the cache of measured choices needs to tell processors apart.
            if (vendor.equals("unknown")) vendor = "ARM implementer " + implementer;
            if (model.equals(System.getProperty("os.arch", "unknown"))) model = "ARM core (implementer " + implementer + ", part " + part + ")";
        }
        long l1d = -1, l2 = -1, l3 = -1;
        for (int index = 0; index < 8; index++) {
            Path dir = cacheDir.resolve("index" + index);
            try {
                int level = Integer.parseInt(Files.readString(dir.resolve("level")).trim());
                String type = Files.readString(dir.resolve("type")).trim();
                long size = parseSize(Files.readString(dir.resolve("size")).trim());
                if (level == 1 && type.equals("Data")) l1d = size;
                else if (level == 2 && !type.equals("Instruction")) l2 = size;
                else if (level == 3) l3 = size;
            } catch (IOException | RuntimeException e) {
                // this index is absent or unreadable
            }
        }
        long cached = -1;
        try {
            if (!cpuinfoCache.isEmpty()) cached = parseSize(cpuinfoCache.replace("B", "").trim());
        } catch (RuntimeException e) {
            // not a size: ignored
        }
        if (cached > 0) {
            boolean amd = vendor.equals("AuthenticAMD") || vendor.equals("HygonGenuine");
            if (amd && l2 < 0) l2 = cached;
            else if (vendor.equals("GenuineIntel") && l3 < 0) l3 = cached;
        }
        java.util.StringJoiner assumed = new java.util.StringJoiner(", ");
        if (l1d <= 0) assumed.add("L1d");
        if (l2 <= 0) assumed.add("L2");
        if (l3 <= 0) assumed.add("L3");
        return new Machine(model, vendor, flags, l1d > 0 ? l1d : FALLBACK_L1D, l2 > 0 ? l2 : FALLBACK_L2,
                l3 > 0 ? l3 : FALLBACK_L3, assumed.toString());
    }

    /** "48K", "2048K", "480M" → bytes. */
    static long parseSize(String text) {
        String t = text.toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1 << 10;
        else if (t.endsWith("M")) unit = 1 << 20;
        else if (t.endsWith("G")) unit = 1 << 30;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t.trim()) * unit;
    }

    @Override
    public String toString() {
        return model + " (" + vendor + "; L1d " + (l1d >> 10) + " KB, L2 " + (l2 >> 10) + " KB, L3 " + (l3 >> 20) + " MB"
                + (assumed.isEmpty() ? "" : "; " + assumed + " size assumed") + ")";
    }
}
