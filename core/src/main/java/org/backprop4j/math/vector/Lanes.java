package org.backprop4j.math.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shape every kernel of this package computes with: the JVM's preferred one, or the one
 * the system property {@code backprop4j.vector.bits} names (128, 256 or 512). Forcing 256 on an
 * AVX-512 machine runs the kernels as an AVX2 machine would, 128 as an ARM core's NEON would; the
 * tests use them to show that all give the same bits ({@link org.backprop4j.math.SumOrder}). 512 on
 * a processor without AVX-512 works, but emulated and slowly.
 */
final class Lanes {

    static final VectorSpecies<Float> S = species(System.getProperty("backprop4j.vector.bits"));
    /** Lanes per vector: 16 with AVX-512 (or 512-bit SVE), 8 with AVX2 (or 256-bit SVE), 4 with NEON. */
    static final int VL = S.length();

    private Lanes() {
    }

    private static VectorSpecies<Float> species(String bits) {
        if (bits == null || bits.isBlank()) return FloatVector.SPECIES_PREFERRED;
        return switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("backprop4j.vector.bits must be 128, 256 or 512, got '" + bits + "'");
        };
    }
}
