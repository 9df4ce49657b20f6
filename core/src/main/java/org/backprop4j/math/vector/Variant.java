package org.backprop4j.math.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way of running the vector kernels on a processor: the register tile of the main engine
 * ({@link MicroKernels}) and how a product's tiles are split among threads. The cache blocking is
 * not part of a variant: it comes from the machine's own cache sizes ({@link Machine}).
 *
 * <p>No variant changes a result: every output of the main engine is the same chain
 * acc = fma(X(r,p), Y(p,l), acc), p = 0 … k−1, whatever tile or thread computes it, and which
 * engine (main, dot, one-sample) runs depends on the shape alone, never on the variant. So a model
 * trained with one variant is bit-identical to one trained with any other (KernelsTest and
 * VariantTest force every variant on any machine).
 *
 * @param tile  the main engine's register tile: rows of X × vectors of lanes
 * @param split how the tiles of a product are shared among threads
 */
public record Variant(Tile tile, Split split) {

    /** Register tiles of the main engine: rows × vectors of accumulators held across the k loop. */
    public enum Tile {
        /** 16 accumulators, 4 panel loads per 16 FMAs: enough where one 512-bit FMA issues per cycle (Zen 4). */
        T4X4(4, 4),
        /** 24 accumulators, 3 panel loads per 24 FMAs. */
        T8X3(8, 3),
        /** 24 accumulators, 2 panel loads per 24 FMAs: for two 512-bit FMA units fed from L2 (Xeon). */
        T12X2(12, 2),
        /** 12 accumulators, 2 panel loads per 12 FMAs: fits AVX2's 16 registers (Zen 3, Haswell). */
        T6X2(6, 2),
        /**
         * 10 accumulators, 2 panel loads per 10 FMAs: AVX2 on a JVM whose compiler spills the 6 × 2 tile
         * (JDK 25: see {@link MicroKernels#kernel5x2}).
         */
        T5X2(5, 2);

        final int rows, vectors;

        Tile(int rows, int vectors) {
            this.rows = rows;
            this.vectors = vectors;
        }

        /** "4x4", "8x3", "12x2", "6x2", "5x2". */
        public String label() {
            return rows + "x" + vectors;
        }
    }

    /** How a product's tiles are shared among threads. */
    public enum Split {
        /**
         * Each thread owns a contiguous block of the layer's units (rows of W) in every call of a
         * step, while its share of W fits its core's L2; larger layers fall back to whole panels.
         */
        UNITS,
        /** Each thread takes whole panels (each packed once, by one thread), whatever the layer. */
        PANELS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Today's engine before variants existed: 4 × 4 tiles, units owned per thread. */
    public static final Variant CLASSIC = new Variant(Tile.T4X4, Split.UNITS);

    public Variant {
        if (tile == null || split == null) throw new IllegalArgumentException("a variant needs a tile and a split");
    }

    /** Every variant, in a fixed order. */
    public static List<Variant> all() {
        List<Variant> all = new ArrayList<>();
        for (Tile t : Tile.values()) for (Split s : Split.values()) all.add(new Variant(t, s));
        return all;
    }

    /** The name used to force a variant, e.g. "12x2-units". */
    public String label() {
        return tile.label() + "-" + split.label();
    }

    @Override
    public String toString() {
        return label();
    }

    /**
     * Parses a label such as "12x2-units", or a tile alone ("8x3": split by units).
     *
     * @throws IllegalArgumentException naming the accepted labels when {@code text} is none of them
     */
    public static Variant parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Variant v : all()) {
            if (v.label().equals(t) || (v.split == Split.UNITS && v.tile.label().equals(t))) return v;
        }
        List<String> labels = new ArrayList<>();
        for (Variant v : all()) labels.add(v.label());
        throw new IllegalArgumentException("unknown kernel variant '" + text + "'; expected auto or one of " + String.join(", ", labels));
    }
}
