package org.backprop4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Backprop4j this code was built as (the POM's project.version, e.g. "0.1.0"), read from
 * version.properties, which the build writes: one source for {@code nn --version} and for the model file's
 * "written_by", so neither can drift from the artifact a user depends on.
 */
public final class ProjectVersion {
    private static final String VERSION = load();

    private ProjectVersion() {
    }

    /** The version string; never null ("unknown" only if the resource is missing, as in a broken build). */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v; // an unfiltered copy (run from sources without Maven)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
