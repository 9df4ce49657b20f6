package org.backprop4j.math;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one warning of a fallback to the plain-Java kernels ({@link Kernels#fast(int)}), logged once
 * per JVM through {@link System.Logger} (logger "org.backprop4j.kernels", level WARNING): a library
 * user who forgot the JVM option should not get kernels several times slower without a word.
 */
final class SlowPath {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SlowPath() {
    }

    static void warn(String why) {
        if (WARNED.compareAndSet(false, true)) {
            System.getLogger("org.backprop4j.kernels").log(System.Logger.Level.WARNING,
                    "Backprop4j runs its plain-Java kernels, several times slower than its vector kernels: " + why
                    + ". Fix: start java with --add-modules jdk.incubator.vector (JDK 17 to 25; for Maven tests put it in"
                    + " surefire's argLine).");
        }
    }

    /** The setting a vector class's initialisation refused first; later attempts to use the class see only NoClassDefFoundError. */
    private static volatile String refused;

    /**
     * The refusal inside {@code e}, as an IllegalArgumentException, if the vector kernels failed to load because a
     * {@code backprop4j.*} setting was named wrongly (backprop4j.vector.bits=64, say): that is the user's error to
     * hear about, not a reason to run several times slower. Null if {@code e} is about something else.
     */
    static IllegalArgumentException refusedSetting(LinkageError e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) refused = t.getMessage();
        }
        String message = refused;
        return message == null ? null : new IllegalArgumentException(message);
    }
}
