package org.backprop4j.spark;

import org.apache.logging.log4j.core.LoggerContext;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

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
 * Vector API module, or they would run the plain-Java kernels; and Spark's log goes to a file.
 */
final class SparkLaunch {
    /** The JVM option that gives a JVM the fast kernels. */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    private SparkLaunch() { }

    /**
     * Settings for a session on {@code master} (null: what spark-submit set), on top of those already
     * given (spark-submit's, or -Dspark.* system properties), which win: the application jar as
     * spark.jars, and the Vector API module added to spark.executor/driver.extraJavaOptions.
     */
    static void configure(SparkSession.Builder builder, String master) {
        SparkConf given = new SparkConf();   // spark.* system properties: what spark-submit or -D set
        String target = master != null ? master : given.get("spark.master", "local[*]");
        String jar = applicationJar();
        if (!target.startsWith("local") && !given.contains("spark.jars") && jar != null) builder.config("spark.jars", jar);
        for (String key : new String[] {"spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions"}) {
            String options = given.get(key, "");
            if (!options.contains("jdk.incubator.vector")) builder.config(key, (VECTOR_MODULE + " " + options).strip());
        }
    }

    /**
     * What a driver JVM that Spark's launcher does not start itself (spark-submit {@code --deploy-mode
     * cluster}: the cluster starts it) must be given in {@code spark.driver.extraJavaOptions}: the
     * {@code --add-opens} flags Spark 3.5 needs on Java 17, as Spark's own launcher passes them
     * ({@code JavaModuleOptions}), and the Vector API module.
     */
    static String driverJavaOptions() {
        return org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions() + " " + VECTOR_MODULE;
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
