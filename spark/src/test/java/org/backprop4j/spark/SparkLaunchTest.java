package org.backprop4j.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executors' JVM options: the Vector API module always, the huge-page flag where the kernel gives huge
 * pages on request only ({@code [madvise]}), the user's options kept after them and never contradicted.
 */
class SparkLaunchTest {
    @TempDir
    Path dir;

    @Test
    void hugePagesAreAskedForOnlyWhereTheKernelGivesThemOnRequest() throws IOException {
        assertTrue(SparkLaunch.hugePagesOnRequest(mode("always [madvise] never\n")));
        assertFalse(SparkLaunch.hugePagesOnRequest(mode("[always] madvise never\n")), "always: the heap gets them anyway");
        assertFalse(SparkLaunch.hugePagesOnRequest(mode("always madvise [never]\n")), "never: the flag would only warn");
        assertFalse(SparkLaunch.hugePagesOnRequest(dir.resolve("missing")), "no such file (not Linux, a container)");
    }

    @Test
    void executorsGetTheModuleAndTheHugePageFlagBeforeTheUsersOptions() {
        String vector = "--add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=1000";
        String both = vector + " -XX:+UseTransparentHugePages";
        assertEquals(both, SparkLaunch.executorJavaOptions("", true));
        assertEquals(both + " -Xss4m -Dx=1", SparkLaunch.executorJavaOptions("-Xss4m -Dx=1", true));
        assertEquals(vector + " -Xss4m", SparkLaunch.executorJavaOptions("-Xss4m", false));
        // what the user names stays as given, and alone
        assertEquals(vector + " -XX:-UseTransparentHugePages",
                SparkLaunch.executorJavaOptions("-XX:-UseTransparentHugePages", true));
        assertEquals("-XX:PerMethodTrapLimit=1000 -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector -Xss4m",
                SparkLaunch.executorJavaOptions("--add-modules jdk.incubator.vector -Xss4m", true));
        assertEquals("-XX:PerMethodTrapLimit=1000 --add-modules=jdk.incubator.vector -XX:+UseTransparentHugePages",
                SparkLaunch.executorJavaOptions("--add-modules=jdk.incubator.vector -XX:+UseTransparentHugePages", true));
        assertEquals("--add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=200 -Xss4m",
                SparkLaunch.executorJavaOptions("-XX:PerMethodTrapLimit=200 -Xss4m", false));
        // the driver's options: the module and the trap limit only (its JVM runs already, or the cluster starts it with what is given)
        assertEquals(vector + " -Xss4m", SparkLaunch.withVectorModule("-Xss4m"));
    }

    @Test
    void javaNewerThanSparkStartsOnIsOneLineNamingItAndWhatToUse() {
        for (int java : new int[] {17, 21, 22}) assertEquals(null, SparkLaunch.unsupportedJava(java), "Java " + java);
        for (int java : new int[] {23, 25}) {
            String line = SparkLaunch.unsupportedJava(java);
            assertTrue(line.startsWith("nn train --spark: Spark 3.5 runs on Java 17 to 22 and this is Java " + java + " "), line);
            assertTrue(line.contains("Subject.getSubject") && line.contains("JDK 17 or 21"), line);
            assertEquals(1, line.lines().count(), line);
        }
    }

    private Path mode(String text) throws IOException {
        return Files.writeString(dir.resolve("enabled"), text);
    }
}
