package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives one page of Debian's headless Chromium through the Chrome DevTools Protocol, over the
 * JDK's own WebSocket client: no driver, no Selenium, nothing beyond the chromium package that
 * .ci/run installs. Tests load a page, click and hover with real input events, read the DOM by
 * evaluating JavaScript, and collect every console message and uncaught exception.
 */
final class DevTools implements AutoCloseable {
    private final Process chromium;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    /** Every URL the page asked for (file: and data: included). */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Console messages and exceptions of the page, as "type: text". */
    final List<String> console = new CopyOnWriteArrayList<>();
    private volatile boolean loaded;

    private final Path profile;

    private DevTools(Process chromium, WebSocket socket, Path profile) {
        this.chromium = chromium;
        this.socket = socket;
        this.profile = profile;
    }

    /** Starts headless Chromium (offline: no background networking) with a window of width × height. */
    static DevTools start(Path scratch, int width, int height) throws Exception {
        Chromium.require();
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        Process p = new ProcessBuilder(Chromium.BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "--hide-scrollbars", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
        int port = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        for (String line; port < 0 && System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = listening.matcher(line);
            if (m.find()) port = Integer.parseInt(m.group(1));
        }
        if (port < 0) {
            p.destroyForcibly();
            fail("chromium did not open its DevTools port: " + seen);
        }
        Thread drain = new Thread(() -> {                       // keep reading, or Chromium blocks on a full pipe
            try {
                while (err.readLine() != null) { /* discard */ }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();

        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher page = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/devtools/page/[^\"]+)\"").matcher(list);
        if (!page.find()) {
            p.destroyForcibly();
            fail("no page target in " + list);
        }
        DevTools[] self = new DevTools[1];
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(page.group(1)), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    String text = message.toString();
                    message.setLength(0);
                    while (self[0] == null) Thread.onSpinWait();
                    self[0].received(JsonTree.object(text));
                }
                socket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        DevTools d = new DevTools(p, ws, profile);
        self[0] = d;
        d.call("Page.enable", Map.of());
        d.call("Runtime.enable", Map.of());
        d.call("Log.enable", Map.of());
        d.call("Network.enable", Map.of());
        return d;
    }

    @SuppressWarnings("unchecked")
    private void received(Map<String, Object> msg) {
        Object id = msg.get("id");
        if (id != null) {
            CompletableFuture<Map<String, Object>> f = pending.remove(((Double) id).intValue());
            if (f != null) f.complete(msg);
            return;
        }
        String method = (String) msg.get("method");
        Map<String, Object> params = (Map<String, Object>) msg.get("params");
        switch (method) {
            case "Page.loadEventFired" -> loaded = true;
            case "Network.requestWillBeSent" -> requests.add((String) ((Map<String, Object>) params.get("request")).get("url"));
            case "Runtime.consoleAPICalled" -> {
                StringBuilder s = new StringBuilder(params.get("type") + ":");
                for (Object arg : (List<Object>) params.get("args")) s.append(' ').append(((Map<String, Object>) arg).get("value"));
                console.add(s.toString());
            }
            case "Runtime.exceptionThrown" -> console.add("exception: " + params.get("exceptionDetails"));
            case "Log.entryAdded" -> {
                Map<String, Object> entry = (Map<String, Object>) params.get("entry");
                console.add("log " + entry.get("level") + ": " + entry.get("text") + " " + entry.getOrDefault("url", ""));
            }
            default -> { }
        }
    }

    /** Sends one command and waits for its result; fails the test on a protocol error. */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("id", id);
            g.writeStringField("method", method);
            g.writeFieldName("params");
            write(g, params);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        socket.sendText(w.toString(), true).join();
        try {
            Map<String, Object> reply = f.get(60, TimeUnit.SECONDS);
            if (reply.containsKey("error")) fail(method + ": " + reply.get("error"));
            return (Map<String, Object>) reply.get("result");
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer", e);
        }
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) write(g, o);
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            throw new IllegalArgumentException("cannot write " + v);
        }
    }

    /** Loads url and waits for its load event. */
    void open(String url) {
        loaded = false;
        call("Page.navigate", Map.of("url", url));
        waitFor(() -> loaded, "the load event of " + url);
    }

    /** The value of a JavaScript expression (a string, number or boolean; use JSON.stringify for more); awaits promises. */
    @SuppressWarnings("unchecked")
    Object eval(String expression) {
        Map<String, Object> r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.containsKey("exceptionDetails")) fail("evaluating " + expression + ": " + r.get("exceptionDetails"));
        return ((Map<String, Object>) r.get("result")).get("value");
    }

    String text(String expression) {
        return (String) eval(expression);
    }

    /** A mouse event at page coordinates (type: mousePressed, mouseMoved, mouseReleased). */
    void mouse(String type, double x, double y) {
        call("Input.dispatchMouseEvent", Map.of("type", type, "x", x, "y", y, "button", "left",
                "buttons", type.equals("mouseReleased") ? 0 : 1, "clickCount", 1));
    }

    /** Moves the mouse onto the centre of the element that the CSS selector finds (hovers over it). */
    void hover(String selector) {
        double[] c = centre(selector);
        call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", c[0], "y", c[1]));
    }

    /** A left click (press and release) at the centre of the element. */
    void click(String selector) {
        double[] c = centre(selector);
        mouse("mousePressed", c[0], c[1]);
        mouse("mouseReleased", c[0], c[1]);
    }

    @SuppressWarnings("unchecked")
    double[] centre(String selector) {
        String json = text("(() => { const e = document.querySelector(" + quote(selector) + "); if (!e) return 'null';"
                + " e.scrollIntoView({block: 'center', inline: 'center'}); const r = e.getBoundingClientRect();"
                + " return JSON.stringify([r.left + r.width / 2, r.top + r.height / 2]); })()");
        if (json.equals("null")) fail("no element " + selector);
        List<Object> xy = (List<Object>) JsonTree.object("{\"v\":" + json + "}").get("v");
        return new double[] {(Double) xy.get(0), (Double) xy.get(1)};
    }

    /** Waits up to 30 s for the condition. */
    void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A PNG screenshot of the viewport. */
    byte[] screenshot() {
        String data = (String) call("Page.captureScreenshot", Map.of("format", "png")).get("data");
        return java.util.Base64.getDecoder().decode(data);
    }

    static String quote(String s) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    @Override
    public void close() throws InterruptedException {
        socket.abort();
        List<ProcessHandle> children = new ArrayList<>(chromium.descendants().toList());   // before the parent is gone
        chromium.destroy();
        if (!chromium.waitFor(10, TimeUnit.SECONDS)) chromium.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        // the profile holds a lock symlink pointing outside it; remove the profile ourselves, quietly
        try (var files = Files.walk(profile)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a leftover in the test's temporary folder is harmless
        }
    }
}
