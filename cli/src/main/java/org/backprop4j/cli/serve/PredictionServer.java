package org.backprop4j.cli.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.backprop4j.math.Kernels;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Predictor;
import org.backprop4j.io.ModelFile;

import java.util.Locale;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trained model behind HTTP on the JDK's own server ({@code com.sun.net.httpserver}, no framework):
 * {@code POST /predict}, {@code GET /model}, {@code GET /health} and {@code GET /} (a page to try the
 * model). Requests run on {@code threads} workers, each with its own {@link Predictor} (allocated
 * once per thread); up to {@code queue} more wait; beyond that a request is answered 503 at once,
 * so nothing is dropped. Every refusal is one line of JSON naming the field at fault.
 */
public final class PredictionServer {
    /** Limits and sizes of one server. */
    public record Config(String host, int port, int threads, int queue, int maxRows, int maxBodyBytes, int readTimeoutSeconds) {
        public Config {
            if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            if (queue < 0) throw new IllegalArgumentException("--queue must be at least 0, got " + queue);
            if (maxRows < 1) throw new IllegalArgumentException("--max-rows must be at least 1, got " + maxRows);
            if (maxBodyBytes < 1) throw new IllegalArgumentException("--max-body must be at least 1, got " + maxBodyBytes);
            if (readTimeoutSeconds < 1) throw new IllegalArgumentException("--read-timeout must be at least 1 second, got " + readTimeoutSeconds);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    /** Why the refusals thread answers a request without serving it: the queue is full, or the server is stopping. */
    private enum Refusal { NONE, BUSY, STOPPING }

    /** Set on the refusals thread while it answers a request it will not serve. */
    private static final ThreadLocal<Refusal> REFUSING = ThreadLocal.withInitial(() -> Refusal.NONE);

    private final Model model;
    private final Config config;
    private final String modelJson;
    private final byte[] page;
    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ExecutorService refusals;
    private final ScheduledExecutorService timer;
    private final ThreadLocal<Predictor> predictor;
    private final AtomicLong answered = new AtomicLong(), refused = new AtomicLong(), failed = new AtomicLong();
    private final long started = System.nanoTime();
    /** Requests handed to the workers and not yet finished: what a graceful stop waits for. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    static {
        // The JDK server writes a response's headers and body in two writes; with Nagle's algorithm on, the
        // second waits for the client's delayed ACK of the first (40 ms a response on Linux). Read once by
        // the server's configuration, before the first server of this JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private PredictionServer(ModelFile file, Path source, Config config) throws IOException {
        this.model = file.model();
        this.config = config;
        this.modelJson = describe(file, source);
        this.page = Pages.page(model).getBytes(StandardCharsets.UTF_8);
        this.predictor = ThreadLocal.withInitial(() -> new Predictor(model.network(), config.maxRows(), Kernels.fast(1)));
        this.workers = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.SECONDS,
                config.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(config.queue()), daemons("nn-serve-worker"));
        this.refusals = Executors.newSingleThreadExecutor(daemons("nn-serve-refusals"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemons("nn-serve-timer"));
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        server.setExecutor(new Executor() {
            @Override
            public void execute(Runnable exchange) {
                if (stopping) {
                    refuse(exchange, Refusal.STOPPING);
                    return;
                }
                inFlight.incrementAndGet();
                try {
                    workers.execute(() -> {
                        try {
                            exchange.run();
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
                } catch (RejectedExecutionException full) {
                    inFlight.decrementAndGet();
                    refuse(exchange, Refusal.BUSY);       // answered 503 rather than dropped
                }
            }
        });
        server.createContext("/", this::handle);
    }

    /** Runs the exchange on the refusals thread, where {@link #handle} answers 503 at once. */
    private void refuse(Runnable exchange, Refusal why) {
        try {
            refusals.execute(() -> {
                REFUSING.set(why);
                try {
                    exchange.run();
                } finally {
                    REFUSING.set(Refusal.NONE);
                }
            });
        } catch (RejectedExecutionException stopped) {
            // the server is gone: the connection closes with it
        }
    }

    /** Starts serving {@code file} (read from {@code source}); returns once the port is open. */
    public static PredictionServer start(ModelFile file, Path source, Config config) throws IOException {
        if (!file.model().categorical().isNone()) {
            throw new IllegalArgumentException("model " + source + " one-hot encodes categorical columns " + file.model().categorical().names()
                    + "; nn serve takes numeric inputs only");
        }
        PredictionServer s = new PredictionServer(file, source, config);
        s.server.start();
        return s;
    }

    /** The port it listens on (the one chosen by the system for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops gracefully: requests received from now on are answered 503, those already received finish
     * (for at most {@code graceSeconds}); then the server closes its port and connections.
     * The waiting is ours, not {@code HttpServer.stop(delay)}'s: on JDK 17 that waits out the whole
     * delay when no exchange happens to finish after it is called (JDK-8304065).
     */
    public void stop(int graceSeconds) {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        workers.shutdownNow();
        refusals.shutdownNow();
        timer.shutdownNow();
    }

    /** Requests answered with 200, refused as busy (503), and refused as bad (4xx), so far. */
    public long[] counts() {
        return new long[] {answered.get(), refused.get(), failed.get()};
    }

    private void handle(HttpExchange ex) throws IOException {
        AtomicBoolean responded = new AtomicBoolean();
        try {
            if (REFUSING.get() != Refusal.NONE) {
                refused.incrementAndGet();
                ex.getResponseHeaders().set("Retry-After", "1");
                error(ex, responded, REFUSING.get() == Refusal.BUSY
                        ? new Rows.BadRequest(503, "queue", "server busy: " + config.threads() + " workers and a queue of "
                                + config.queue() + " requests are full; try again")
                        : new Rows.BadRequest(503, "server", "server stopping: it finishes the requests it has and takes no more"));
                return;
            }
            String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
            switch (path) {
                case "/predict" -> {
                    require(method, "POST");
                    predict(ex, responded);
                }
                case "/model" -> {
                    require(method, "GET");
                    send(ex, responded, 200, "application/json", modelJson.getBytes(StandardCharsets.UTF_8));
                }
                case "/health" -> {
                    require(method, "GET");
                    send(ex, responded, 200, "application/json", health().getBytes(StandardCharsets.UTF_8));
                }
                case "/" -> {
                    require(method, "GET");
                    send(ex, responded, 200, "text/html; charset=utf-8", page);
                }
                default -> throw new Rows.BadRequest(404, "path", "no such path: " + path + " (POST /predict, GET /model, GET /health, GET /)");
            }
        } catch (Rows.BadRequest bad) {
            failed.incrementAndGet();
            error(ex, responded, bad);
        } catch (IOException | RuntimeException e) {
            // the client went away, or the body timed out (then the 408 is already sent); otherwise a 500
            if (!responded.get()) {
                failed.incrementAndGet();
                error(ex, responded, new Rows.BadRequest(500, "server", "internal error: " + e.getClass().getSimpleName()));
            }
        } finally {
            ex.close();                        // after the answer, also an error's (a try-with-resources would close first)
        }
    }

    private static void require(String method, String expected) throws Rows.BadRequest {
        if (!method.equals(expected)) throw new Rows.BadRequest(405, "method", "method " + method + " not allowed here; use " + expected);
    }

    private void predict(HttpExchange ex, AtomicBoolean responded) throws IOException, Rows.BadRequest {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String mediaType = type == null ? "application/json" : (type.indexOf(';') < 0 ? type : type.substring(0, type.indexOf(';'))).trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.equals("text/csv")) {
            throw new Rows.BadRequest(415, "Content-Type", "Content-Type " + type + " not supported: send application/json or text/csv");
        }
        byte[] body = body(ex, responded);
        int width = model.network().inputs();
        float[][] rows = mediaType.equals("text/csv") ? Rows.csv(body, width, config.maxRows()) : Rows.json(body, width, config.maxRows());
        Matrix x = new Matrix(rows.length, width);
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, x.data, i * width, width);
        Matrix scaled = model.scaler().transform(x);                  // as nn predict: the model's scaling, then E1-E2
        float[] out = new float[rows.length * model.network().outputs()];
        predictor.get().predict(scaled.data, rows.length, out);
        byte[] answer = answer(rows.length, out).getBytes(StandardCharsets.UTF_8);
        answered.incrementAndGet();                                    // counted before the client can see it
        send(ex, responded, 200, "application/json", answer);
    }

    /**
     * The request body, at most maxBodyBytes (413 beyond), received within the read timeout: a client
     * that has not sent it all by then is answered 408 from the timer thread, which also ends the read.
     */
    private byte[] body(HttpExchange ex, AtomicBoolean responded) throws IOException, Rows.BadRequest {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new Rows.BadRequest(400, "Content-Length", "Content-Length is not a number: " + length);
            }
            if (declared > config.maxBodyBytes()) throw tooLarge(declared + " bytes");
        }
        ScheduledFuture<?> deadline = timer.schedule(() -> error(ex, responded, new Rows.BadRequest(408, "body",
                "request body not received within " + config.readTimeoutSeconds() + " s (--read-timeout)")), config.readTimeoutSeconds(), TimeUnit.SECONDS);
        // not closed here: closing reads the rest of the body, which a refused request may never send
        try {
            InputStream in = ex.getRequestBody();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[16384];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                buffer.write(chunk, 0, n);
                if (buffer.size() > config.maxBodyBytes()) throw tooLarge("more than " + config.maxBodyBytes() + " bytes");
            }
            return buffer.toByteArray();
        } finally {
            deadline.cancel(false);
        }
    }

    private Rows.BadRequest tooLarge(String what) {
        return new Rows.BadRequest(413, "body", "request body of " + what + " is larger than the limit of " + config.maxBodyBytes()
                + " bytes (--max-body)");
    }

    /** {"rows": n, "outputs": [...], "probabilities": [...] (softmax output), "labels": [...], "classes": [...] (classifiers)}. */
    private String answer(int rows, float[] out) throws IOException {
        int k = model.network().outputs();
        boolean softmax = last(model).activation() == Activation.SOFTMAX;
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("rows", rows);
            g.writeArrayFieldStart(softmax ? "probabilities" : "outputs");
            for (int i = 0; i < rows; i++) {
                g.writeStartArray();
                for (int j = 0; j < k; j++) g.writeNumber(out[i * k + j]);
                g.writeEndArray();
            }
            g.writeEndArray();
            if (model.isClassifier()) {
                g.writeArrayFieldStart("labels");
                for (int i = 0; i < rows; i++) {
                    int best = 0;                                              // the first largest, as nn predict's argmax
                    for (int j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
                    g.writeString(model.classes().get(best));
                }
                g.writeEndArray();
                g.writeArrayFieldStart("classes");
                for (String c : model.classes()) g.writeString(c);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        return w.toString();
    }

    private String health() {
        return String.format("{\"status\":\"ok\",\"uptime_seconds\":%.1f,\"threads\":%d,\"queue\":%d,\"queued\":%d,\"answered\":%d,"
                        + "\"refused_busy\":%d,\"refused_bad\":%d}", (System.nanoTime() - started) / 1e9, config.threads(), config.queue(),
                workers.getQueue().size(), answered.get(), refused.get(), failed.get());
    }

    private static Dense last(Model m) {
        return m.network().layer(m.network().layers().size() - 1);
    }

    /** GET /model: sizes, activations, loss, classes, scaling, the training record, and the file's provenance if it has one. */
    private static String describe(ModelFile file, Path source) throws IOException {
        Model m = file.model();
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("file", source.getFileName().toString());
            g.writeNumberField("inputs", m.network().inputs());
            g.writeNumberField("outputs", m.network().outputs());
            g.writeArrayFieldStart("sizes");
            for (int s : m.network().sizes()) g.writeNumber(s);
            g.writeEndArray();
            g.writeArrayFieldStart("activations");
            for (Dense d : m.network().layers()) g.writeString(d.activation().id());
            g.writeEndArray();
            g.writeStringField("loss", m.loss().id());
            g.writeNumberField("parameters", m.network().parameterCount());
            g.writeArrayFieldStart("classes");
            for (String c : m.classes()) g.writeString(c);
            g.writeEndArray();
            g.writeObjectFieldStart("scaling");
            g.writeStringField("method", m.scaler().method());
            g.writeArrayFieldStart("shift");
            for (float v : m.scaler().shift()) g.writeNumber(v);
            g.writeEndArray();
            g.writeArrayFieldStart("divide");
            for (float v : m.scaler().divide()) g.writeNumber(v);
            g.writeEndArray();
            g.writeEndObject();
            if (file.training() != null && file.training().stoppedEpoch() > 0) {
                g.writeObjectFieldStart("training");
                g.writeNumberField("stopped_epoch", file.training().stoppedEpoch());
                g.writeNumberField("best_epoch", file.training().bestEpoch());
                g.writeEndObject();
            }
            copyProvenance(source, g);
            g.writeEndObject();
        }
        return w.toString();
    }

    /** Copies the model file's top-level "provenance" object, if it has one, as it stands. */
    private static void copyProvenance(Path source, JsonGenerator g) throws IOException {
        try (InputStream in = Files.newInputStream(source); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("provenance")) {
                    g.writeFieldName("provenance");
                    g.copyCurrentStructure(p);
                    return;
                }
                p.skipChildren();
            }
        }
    }

    private void send(HttpExchange ex, AtomicBoolean responded, int status, String type, byte[] body) throws IOException {
        if (!responded.compareAndSet(false, true)) return;
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Answers {"error": message, "field": field} with the request's status; at most once per exchange. */
    private void error(HttpExchange ex, AtomicBoolean responded, Rows.BadRequest bad) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("error", bad.getMessage());
            g.writeStringField("field", bad.field);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (bad.status >= 500 || bad.status == 408 || bad.status == 413) ex.getResponseHeaders().set("Connection", "close");
            send(ex, responded, bad.status, "application/json", (w + "\n").getBytes(StandardCharsets.UTF_8));
            if (bad.status == 408) ex.close();                     // ends the worker's blocked read
        } catch (IOException ignored) {
            // the client is gone: nothing to answer
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
