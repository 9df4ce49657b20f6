package org.backprop4j.spark;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * How {@code nn train --spark} and {@code spark-submit} start Spark for this application, so that it
 * works on a cluster as it does in local mode: the application jar is shipped to the executors
 * (they load our classes from it), the executors (and a driver started by the cluster) get the
 * Vector API module, or they would run the plain-Java kernels, and the executors get their heap on
 * transparent huge pages as the launchers give the driver's; and Spark's log goes to a file.
 */
final class SparkLaunch {
    /** The JVM option that gives a JVM the fast kernels. */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /** The JVM option that asks for transparent huge pages for the heap (see {@link #hugePagesOnRequest}). */
    static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
    /**
     * The JIT flag the Vector API kernels need besides the module, as the launchers give it
     * ({@code vector_jit} in cli/src/dist/bin/nn-run.sh): without it, C2 on JDK 17 sometimes reaches
     * its limit of class-check traps partway through a kernel and boxes a vector (docs/PERFORMANCE.md).
     */
    static final String TRAP_LIMIT = "-XX:PerMethodTrapLimit=1000";
    /** The kernel's transparent-huge-page mode: "always [madvise] never", the one in brackets in force. */
    static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions", DRIVER_OPTIONS = "spark.driver.extraJavaOptions";

    private SparkLaunch() { }

    /**
     * Settings for a session on {@code master} (null: what spark-submit set), on top of those already
     * given (spark-submit's, or -Dspark.* system properties), which win: the application jar as
     * spark.jars, the Vector API module added to spark.executor/driver.extraJavaOptions, and the
     * huge-page flag to spark.executor.extraJavaOptions (see {@link #executorJavaOptions}).
     */
    static void configure(SparkSession.Builder builder, String master) {
        SparkConf given = new SparkConf();   // spark.* system properties: what spark-submit or -D set
        String target = master != null ? master : given.get("spark.master", "local[*]");
        String jar = applicationJar();
        if (!target.startsWith("local") && !given.contains("spark.jars") && jar != null) builder.config("spark.jars", jar);
        String executor = given.get(EXECUTOR_OPTIONS, ""), driver = given.get(DRIVER_OPTIONS, "");
        String executorOptions = executorJavaOptions(executor, hugePagesOnRequest(THP_MODE)), driverOptions = withVectorModule(driver);
        if (!executorOptions.equals(executor)) builder.config(EXECUTOR_OPTIONS, executorOptions);
        if (!driverOptions.equals(driver)) builder.config(DRIVER_OPTIONS, driverOptions);
    }

    /**
     * The executors' JVM options: those given, after the Vector API module and, where the kernel gives
     * huge pages on request only ({@code hugePagesOnRequest}), {@value #HUGE_PAGES} — each added
     * unless the given options name it already (so a user's {@code -XX:-UseTransparentHugePages}
     * stays, alone). The same rule as the launchers' {@code huge_pages} for the driver
     * (cli/src/dist/bin/nn-run.sh): a W2 step ran 6-17 % faster with huge pages on a KVM guest
     * (docs/PERFORMANCE.md).
     *
     * <p>Decided by the driver's machine, for nothing can look at an executor's machine before its
     * JVM starts: the option string is fixed when the application starts and handed to every
     * executor's java command as it is (the standalone worker splits it into arguments, YARN quotes
     * it for its shell; no shell expands anything). Executors on the driver's machine, or on machines
     * of the same image, see the same mode. Where an executor's kernel says {@code never} its JVM runs
     * on without huge pages (a JVM that checks the mode prints a warning in the executor's log);
     * where it says {@code always} the heap gets them anyway. So the driver's view costs at worst
     * that line.
     */
    static String executorJavaOptions(String given, boolean hugePagesOnRequest) {
        boolean add = hugePagesOnRequest && !given.contains("UseTransparentHugePages");
        return withVectorModule(add ? (HUGE_PAGES + " " + given).strip() : given);
    }

    /**
     * JVM options with the Vector API module and {@value #TRAP_LIMIT} ahead of those given, each unless
     * they name it already.
     */
    static String withVectorModule(String given) {
        String options = given.contains("PerMethodTrapLimit") ? given : (TRAP_LIMIT + " " + given).strip();
        return given.contains("jdk.incubator.vector") ? options : (VECTOR_MODULE + " " + options).strip();
    }

    /**
     * Whether the kernel gives transparent huge pages only to memory that asks for them ({@code
     * [madvise]}, Debian's default), as the file {@code mode} says: then a JVM needs {@value
     * #HUGE_PAGES} to get them. Not with {@code always} (the heap gets them anyway), nor {@code never}
     * or a missing file (the flag would only make the JVM print a warning).
     */
    static boolean hugePagesOnRequest(Path mode) {
        try {
            return Files.readString(mode).contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * What a driver JVM that Spark's launcher does not start itself (spark-submit {@code --deploy-mode
     * cluster}: the cluster starts it) must be given in {@code spark.driver.extraJavaOptions}: the
     * {@code --add-opens} flags Spark 3.5 needs on Java 17, as Spark's own launcher passes them
     * ({@code JavaModuleOptions}), and the Vector API module.
     */
    static String driverJavaOptions() {
        return org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions() + " " + VECTOR_MODULE + " " + TRAP_LIMIT;
    }

    /**
     * Whether this JVM opens java.base to Spark as Spark's launcher does ({@code --add-opens
     * java.base/sun.nio.ch=ALL-UNNAMED} and the others): without them no SparkContext can start (an
     * IllegalAccessError for sun.nio.ch.DirectBuffer).
     */
    static boolean opensJavaBase() {
        Module base = Object.class.getModule(), us = SparkLaunch.class.getModule();
        return base.isOpen("sun.nio.ch", us) && base.isOpen("java.nio", us) && base.isOpen("java.lang.invoke", us);
    }

    /**
     * One line saying how to give this JVM what Spark needs, when it lacks it (else null): in a driver
     * the cluster started ({@code spark.submit.deployMode=cluster}), through spark.driver.extraJavaOptions.
     */
    static String missingJvmFlags() {
        if (opensJavaBase()) return null;
        boolean cluster = "cluster".equals(System.getProperty("spark.submit.deployMode"));
        return "nn train --spark: this JVM lacks the --add-opens flags Spark 3.5 needs on Java 17, so Spark cannot start; "
                + (cluster ? "with --deploy-mode cluster the cluster starts the driver, so give them to spark-submit: --conf "
                        + "spark.driver.extraJavaOptions=\"" + driverJavaOptions() + "\""
                        : "start java with them (the ./nn script and spark-submit in client mode do): " + driverJavaOptions());
    }

    /**
     * The newest Java that Spark 3.5 starts on. Every SparkContext asks Hadoop (3.3's client) who the user is, and
     * Hadoop asks {@code Subject.getSubject}, which throws from Java 23 on ({@code UnsupportedOperationException:
     * getSubject is not supported} on Java 25: no SparkContext, in local mode or on a cluster). The tests that start
     * Spark run up to it ({@code @EnabledForJreRange(maxVersion = NEWEST_JAVA)}).
     */
    static final int NEWEST_JAVA = 22;

    /** One line saying that Java {@code feature} cannot start Spark 3.5 and what to run instead; null if it can. */
    static String unsupportedJava(int feature) {
        if (feature <= NEWEST_JAVA) return null;
        return "nn train --spark: Spark 3.5 runs on Java 17 to " + NEWEST_JAVA + " and this is Java " + feature
                + " (Hadoop's login, which starts every Spark application, calls Subject.getSubject, which Java 23 took away);"
                + " run it with a JDK 17 or 21 (JAVA_HOME=... or java on PATH); training without --spark runs on this Java";
    }

    /** The jar this class was loaded from, or null when it came from a folder (tests, an IDE). */
    static String applicationJar() {
        CodeSource source = SparkLaunch.class.getProtectionDomain().getCodeSource();
        if (source == null) return null;
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path.toString() : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Sends Spark's log to a new file in the temporary folder (our log4j2.properties beside this class)
     * and returns its path; null, changing nothing, when a log4j2 configuration was named
     * (-Dlog4j2.configurationFile). Applied to the logging context of Spark's own classes, which is
     * not the application's under spark-submit (the jar has a class loader of its own there).
     */
    static Path quietLogs() {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null) return null;
        try {
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "nn-train-spark-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid() + ".log");
            System.setProperty("backprop4j.spark.log", log.toString());
            LoggerContext context = LoggerContext.getContext(SparkContext.class.getClassLoader(), false, null);
            context.setConfigLocation(SparkLaunch.class.getResource("log4j2.properties").toURI());
            return log;
        } catch (URISyntaxException | RuntimeException e) {
            return null;   // Spark's default logging, then
        }
    }
}
