package org.backprop4j.math.vector;

import jdk.incubator.vector.FloatVector;
import org.backprop4j.math.FloatExp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sigmoid's e^x: close to the exact value, and the vector lanes equal the scalar twin bit for bit. */
class VectorExpTest {

    private static final float[] SPECIAL = {0f, -87f, 88f, 1e-30f, -1e-30f};

    @Test
    void withinTwoUlpOfTheExactValueAndLanesEqualTheScalarTwin() {
        Random r = new Random(2);
        int lanes = Lanes.VL;
        float[] x = new float[lanes], y = new float[lanes];
        double worstUlps = 0;
        for (int i = 0; i < 200_000; i++) {
            for (int l = 0; l < lanes; l++) x[l] = (float) (r.nextDouble() * 175 - 87);   // the clamp-free range
            if (i < SPECIAL.length) x[0] = SPECIAL[i];                                   // one per round: 4 lanes have room for fewer
            Elementwise.exp(FloatVector.fromArray(Lanes.S, x, 0)).intoArray(y, 0);
            for (int l = 0; l < lanes; l++) {
                assertEquals(Float.floatToIntBits(FloatExp.exp(x[l])), Float.floatToIntBits(y[l]), "lane of e^" + x[l]);
                double exact = Math.exp(x[l]);
                worstUlps = Math.max(worstUlps, Math.abs(y[l] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worstUlps <= 2, "worst error " + worstUlps + " ulp");
        assertEquals(Float.floatToIntBits(FloatExp.exp(88f)), Float.floatToIntBits(FloatExp.exp(1000f)), "clamped above");
        assertEquals(Float.floatToIntBits(FloatExp.exp(-87f)), Float.floatToIntBits(FloatExp.exp(-1000f)), "clamped below");
        assertTrue(Float.isFinite(FloatExp.exp(88f)) && FloatExp.exp(-87f) > 0f);
    }
}
