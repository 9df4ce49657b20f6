package org.backprop4j.data;

/**
 * Decimal text to float32 without making a String of it: the value {@link Float#parseFloat} gives, or
 * NaN where this parser cannot be sure of that value (then the caller asks {@code Float.parseFloat}).
 * The data and model readers call it once per number, so it is the inner loop of loading a file.
 *
 * <p>Text: {@code [+-] digits [. digits] [(e|E) [+-] digits]}, digits on at least one side of the dot:
 * the numbers of {@link CsvReader}'s NUMBER pattern (no "NaN", "Infinity", hex, "1f" or spaces).
 *
 * <p>Exactness. The digits give an integer m and the exponent a power of ten t: the value is m · 10^t.
 * With m ≤ 2^53 and |t| ≤ 22 both m and 10^|t| are doubles without rounding, so one IEEE product or
 * quotient is the double nearest m · 10^t (Clinger's fast path, 1990). Rounding that double to float
 * gives the float nearest m · 10^t unless the double lies exactly halfway between two floats: the
 * rounding is monotonic, so the double falls on the same side of every float halfway point as the
 * decimal does, except when it lands on one. That case (the low 29 of its 53 significand bits are
 * 1 followed by zeros) is handed back as NaN. Float results here are never subnormal (|value| ≥ 10^-22),
 * so the 29 bits are the right ones. Everything else — more than 2^53 in m once leading and trailing
 * zeros are dropped, |t| > 22 — is NaN too. The digits are read in one plain loop (m · 10 + d) while
 * there are at most 18 of them; a longer text (numpy's default "%.18e" writes 19) is read again without
 * its leading and trailing zeros. {@code DecimalsTest} compares this with Float.parseFloat.
 */
public final class Decimals {
    private static final double[] POWERS = new double[23];
    private static final long MAX_M = 1L << 53;

    static {
        double p = 1;
        for (int i = 0; i < POWERS.length; i++, p *= 10) POWERS[i] = p;          // exact up to 10^22
    }

    private final byte[] scratch = new byte[64];   // a text given as chars, copied as bytes (numbers are ASCII)
    private int end;

    /** Where the number that the last {@link #parse(byte[], int, int)} read ends (one past its last byte). */
    public int end() {
        return end;
    }

    /**
     * Reads the decimal number that starts at {@code b[from]}, looking no further than {@code to}: its
     * float32 value, or NaN when there is no number there or its value is not certain (see the class
     * comment). On a value, {@link #end()} is where the number stopped: the caller checks what follows.
     */
    public float parse(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+')) negative = b[i++] == '-';
        // the digits as one integer m, the value being m · 10^t; up to 18 digits m fits a long
        int start = i, dot = -1;
        long m = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d >= 0 && d <= 9) m = m * 10 + d;
            else if (d == '.' - '0' && dot < 0) dot = i;
            else break;
        }
        int digits = i - start - (dot < 0 ? 0 : 1);
        if (digits == 0) return Float.NaN;
        int t = dot < 0 ? 0 : dot + 1 - i;
        if (digits > 18) {                      // m overflowed: without its leading and trailing zeros it may be short (1.000000000000000000)
            int first = start, last = i - 1, intEnd = dot < 0 ? i : dot;
            while (first < i && (b[first] == '0' || b[first] == '.')) first++;
            while (last > first && (b[last] == '0' || b[last] == '.')) last--;
            m = 0;
            for (int k = first, n = 0; k <= last && first < i; k++) {
                if (b[k] == '.') continue;
                if (++n > 18) return Float.NaN;
                m = m * 10 + (b[k] - '0');
            }
            t = first >= i ? 0 : last < intEnd ? intEnd - 1 - last : dot - last;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (b[i] == '-' || b[i] == '+')) negativeExponent = b[i++] == '-';
            int exponentStart = i, e = 0;
            for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
                if (e < 100_000) e = e * 10 + (b[i] - '0');                // beyond that only "0e-99999…" can be read, as 0
            }
            if (i == exponentStart) return Float.NaN;
            t += negativeExponent ? -e : e;
        }
        end = i;
        if (m == 0) return negative ? -0f : 0f;
        while ((m > MAX_M || t < -22) && m % 10 == 0) {    // trailing zeros in the way: 16 to 18 digits, or 10e-23
            m /= 10;
            t++;
        }
        if (m > MAX_M) return Float.NaN;
        if (t == 0 && m <= 1 << 24) return negative ? -(float) m : (float) m;     // a whole number a float holds exactly
        if (t < -22 || t > 22) return Float.NaN;
        double d = t >= 0 ? m * POWERS[t] : m / POWERS[-t];                     // the double nearest m · 10^t
        if ((Double.doubleToRawLongBits(d) & 0x1FFF_FFFFL) == 0x1000_0000L) return Float.NaN;  // halfway between two floats
        float f = (float) d;
        return negative ? -f : f;
    }

    /** The whole of {@code chars[from, from + length)} as a number ({@link #parse(byte[], int, int)}), else NaN (also for more than 64 chars). */
    public float parse(char[] chars, int from, int length) {
        if (length > scratch.length) return Float.NaN;              // a long text is rare: left to Float.parseFloat
        for (int i = 0; i < length; i++) {
            char c = chars[from + i];
            if (c > 0x7f) return Float.NaN;
            scratch[i] = (byte) c;
        }
        float v = parse(scratch, 0, length);
        return end == length ? v : Float.NaN;
    }

    /** The whole of {@code s[from, to)} as a number ({@link #parse(byte[], int, int)}), else NaN (also for more than 64 chars). */
    public float parse(String s, int from, int to) {
        int length = to - from;
        if (length > scratch.length) return Float.NaN;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(from + i);
            if (c > 0x7f) return Float.NaN;
            scratch[i] = (byte) c;
        }
        float v = parse(scratch, 0, length);
        return end == length ? v : Float.NaN;
    }
}
