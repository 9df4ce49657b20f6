package org.backprop4j.data;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Decimals} against its oracle, {@link Float#parseFloat}: on every text it gives either NaN
 * ("ask Float.parseFloat") or exactly Float.parseFloat's bits, and only for texts of CsvReader's number
 * pattern. Texts come from a grammar of decimals (signs, leading and trailing zeros, up to 30 digits,
 * exponents), from floats written out, from halfway points between floats, and from arbitrary bytes.
 */
class DecimalsTest {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** The parser's answer for the whole of {@code text}: the value, or NaN. All three entry points must agree. */
    private static float parse(String text) {
        Decimals d = new Decimals();
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        float fromBytes = d.parse(b, 0, b.length);
        if (d.end() != b.length) fromBytes = Float.NaN;
        float fromString = new Decimals().parse(text, 0, text.length());
        float fromChars = new Decimals().parse(("x" + text + "y").toCharArray(), 1, text.length());
        if (text.length() > 64) {                  // chars are copied to 64 bytes at most; a longer text is left to Float.parseFloat
            assertTrue(Float.isNaN(fromString) && Float.isNaN(fromChars), text);
        } else {
            assertEquals(Float.floatToRawIntBits(fromBytes), Float.floatToRawIntBits(fromString), text);
            assertEquals(Float.floatToRawIntBits(fromBytes), Float.floatToRawIntBits(fromChars), text);
        }
        return fromBytes;
    }

    /** NaN, or Float.parseFloat's bits for a text of the number pattern. */
    private static void assertAgrees(String text) {
        float v = parse(text);
        if (Float.isNaN(v)) return;
        assertTrue(NUMBER.matcher(text).matches(), "a value for a text outside the number pattern: " + text);
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), Float.floatToRawIntBits(v), text);
    }

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> sign = Arbitraries.of("", "", "-", "+");
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(30);
        Arbitrary<String> zeros = Arbitraries.strings().withChars("0").ofMaxLength(25);
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"), Arbitraries.integers().between(0, 60))
                        .as((e, s, n) -> e + s + n));
        Arbitrary<String> mantissa = Combinators.combine(zeros, digits, Arbitraries.of("", ".", "."), digits, zeros)
                .as((lead, a, dot, b, trail) -> lead + a + dot + b + trail);
        return Combinators.combine(sign, mantissa, exponent).as((s, m, e) -> s + m + e);
    }

    @Property(tries = 20_000)
    void decimalsGiveParseFloatsBitsOrDeclineThem(@ForAll("decimals") String text) {
        assertAgrees(text);
    }

    /** Where Clinger's fast path holds (m ≤ 2^53, |t| ≤ 22 once zeros are dropped) and the double is no halfway point, there is a value. */
    @Property(tries = 20_000)
    void theFastPathIsTakenWhereverItIsExact(@ForAll("decimals") String text) {
        if (!NUMBER.matcher(text).matches()) return;
        java.math.BigDecimal v = new java.math.BigDecimal(text);
        if (v.signum() == 0) {
            assertFalse(Float.isNaN(parse(text)), "declined: " + text);
            return;
        }
        v = v.stripTrailingZeros();
        boolean clinger = v.unscaledValue().abs().bitLength() <= 53 && Math.abs(v.scale()) <= 22;
        boolean halfway = (Double.doubleToRawLongBits(Double.parseDouble(text)) & 0x1FFF_FFFFL) == 0x1000_0000L;
        if (clinger && !halfway) assertFalse(Float.isNaN(parse(text)), "declined: " + text);
    }

    @Property(tries = 20_000)
    void floatsWrittenOutReadBackToThemselves(@ForAll int bits) {
        float f = Float.intBitsToFloat(bits);
        if (!Float.isFinite(f)) return;
        for (String text : List.of(Float.toString(f), String.format(Locale.ROOT, "%.9g", f), String.format(Locale.ROOT, "%.6e", f),
                new java.math.BigDecimal(f).toPlainString())) {
            assertAgrees(text);
        }
    }

    @Property(tries = 10_000)
    void anyTextIsAValueOnlyWhenItIsParseFloats(@ForAll("ascii") String text) {
        assertAgrees(text);
    }

    @Provide
    Arbitrary<String> ascii() {
        return Arbitraries.strings().withChars("0123456789.eE+-, NaInfty\t").ofMaxLength(24);
    }

    /**
     * The decimals nearest the points halfway between two floats, where rounding twice (to double, then
     * to float) could go wrong: the exact halfway point and its neighbours in the last digits.
     */
    @Test
    void halfwayPointsBetweenFloatsAndTheirNeighbours() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt(0x7f000000));
            if (!Float.isFinite(f) || f == 0) continue;
            java.math.BigDecimal mid = new java.math.BigDecimal(f).add(new java.math.BigDecimal(Math.nextUp(f))).divide(java.math.BigDecimal.valueOf(2));
            for (int precision : new int[] {6, 8, 9, 12, 15, 16, 17}) {
                java.math.BigDecimal near = mid.round(new java.math.MathContext(precision));
                String text = near.toString();
                assertAgrees(text);
                assertAgrees(near.toPlainString());
                assertAgrees(near.add(near.ulp()).toString());
                assertAgrees(near.subtract(near.ulp()).toString());
            }
            assertAgrees(mid.toString());
        }
        for (String s : List.of("16777217", "16777219", "33554434", "33554438", "0.5", "1.00000005960464477539062", "3.4028235e38",
                "3.4028236e38", "1e39", "1.4e-45", "1e-22", "1e22", "9007199254740993", "9007199254740992", "0e99999999", "-0", "-0.0e-5",
                "+.5", "5.", ".5e-3", "1e", "1e+", ".", "-", "", "+-1", "1..2", "1e5.5", "NaN", "Infinity", "-Infinity", "0x1p3", "1f",
                "00000000000000000000000000001", "1.000000000000000000000000000000", "123456789012345678901234567890e-30", "10e-23",
                "100000000000000000", "1000000000000000000000", "0.000000000000000000000000100", "12345678901234567", "9007199254740992.0")) {
            assertAgrees(s);
        }
    }

    @Test
    void commonCellsAreTakenByTheFastPath() {
        for (String s : List.of("0", "255", "-3.25", "0.1", "0.0039215689", "1.5e-3", "6.02E23", "1.000000000000000000e+00", "-0.30000001", "10e-23",
                "100000000000000000", "0.00000000000000000000100")) {
            assertFalse(Float.isNaN(parse(s)), s);
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(s)), Float.floatToRawIntBits(parse(s)), s);
        }
    }

    @Test
    void aNumberEndsWhereItsTextDoes() {
        Decimals d = new Decimals();
        byte[] b = "12.5e3,7".getBytes(StandardCharsets.US_ASCII);
        assertEquals(12500f, d.parse(b, 0, b.length));
        assertEquals(6, d.end());
        assertEquals(7f, d.parse(b, 7, b.length));
        assertEquals(8, d.end());
    }
}
