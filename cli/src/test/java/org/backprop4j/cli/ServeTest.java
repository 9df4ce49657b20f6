package org.backprop4j.cli;

import org.backprop4j.cli.serve.PredictionServer;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nn serve}: the endpoints, the answers against {@code nn predict}, the limits and every kind
 * of bad request with its status and one-line JSON message, concurrent clients against
 * single-threaded prediction, 503 when the queue is full, and a graceful stop on SIGTERM.
 */
class ServeTest {
    @TempDir
    Path dir;
    Path iris, modelFile;
    Model model;
    PredictionServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void trainIris() throws Exception {
        iris = Cli.copyIris(dir);
        modelFile = dir.resolve("iris.json");
        Cli.run("train", "--data", iris.toString(), "--label", "species", "--layers", "6", "--activation", "tanh",
                "--loss", "cross-entropy", "--scale", "standard", "--epochs", "20", "--learning-rate", "0.1",
                "--out", modelFile.toString(), "--quiet").ok();
        model = ModelJson.read(modelFile);
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private PredictionServer start(int threads, int queue, int maxRows, int maxBody, int readTimeout) throws IOException {
        server = PredictionServer.start(ModelJson.readFile(modelFile), modelFile,
                new PredictionServer.Config("127.0.0.1", 0, threads, queue, maxRows, maxBody, readTimeout));
        return server;
    }

    private HttpResponse<String> post(String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first n data rows of iris.csv, without the label, as CSV lines and as JSON arrays. */
    private List<String> irisRows(int n) throws IOException {
        return Files.readAllLines(iris).stream().skip(1).limit(n).map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    private static String json(List<String> csvRows) {
        return "{\"rows\": [" + String.join(", ", csvRows.stream().map(r -> "[" + r + "]").toList()) + "]}";
    }

    @Test
    void predictAnswersWhatNnPredictPrints() throws Exception {
        start(2, 8, 200, 1 << 20, 5);
        List<String> rows = irisRows(150);
        HttpResponse<String> r = post("application/json", json(rows));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> answer = JsonTree.object(r.body());
        assertEquals(150.0, answer.get("rows"));
        // nn predict on the same file: class, then p_CLASS columns, as floats printed the same way
        List<String> predicted = Cli.run("predict", "--model", modelFile.toString(), "--data", iris.toString(), "--label", "species",
                "--probabilities").ok().out().lines().skip(1).toList();
        List<?> labels = (List<?>) answer.get("labels"), probabilities = (List<?>) answer.get("probabilities");
        String raw = r.body();
        for (int i = 0; i < 150; i++) {
            String[] cells = predicted.get(i).split(",");
            assertEquals(cells[0], labels.get(i), "row " + i);
            List<?> p = (List<?>) probabilities.get(i);
            for (int j = 0; j < 3; j++) assertEquals(Float.parseFloat(cells[1 + j]), ((Double) p.get(j)).floatValue(), 0f, "row " + i);
        }
        assertTrue(raw.contains("[" + predicted.get(0).substring(predicted.get(0).indexOf(',') + 1) + "]"),
                "the floats are written as nn predict writes them: " + predicted.get(0) + " in " + raw.substring(0, 200));
        assertEquals(List.of("setosa", "versicolor", "virginica"), answer.get("classes"));

        // a CSV body (with a header line) gives the same answer
        HttpResponse<String> csv = post("text/csv", "sepal_length,sepal_width,petal_length,petal_width\n" + String.join("\n", rows) + "\n");
        assertEquals(200, csv.statusCode(), csv.body());
        assertEquals(r.body(), csv.body());
    }

    @Test
    void modelAndHealthDescribeTheServer() throws Exception {
        start(2, 8, 100, 1 << 20, 5);
        HttpResponse<String> m = get("/model");
        assertEquals(200, m.statusCode());
        Map<String, Object> d = JsonTree.object(m.body());
        assertEquals(List.of(4.0, 6.0, 3.0), d.get("sizes"));
        assertEquals(List.of("tanh", "softmax"), d.get("activations"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.get("classes"));
        assertEquals("cross-entropy", d.get("loss"));
        Map<String, Object> scaling = JsonTree.child(d, "scaling");
        assertEquals("standard", scaling.get("method"));
        assertEquals(4, ((List<?>) scaling.get("shift")).size());
        assertEquals(20.0, JsonTree.number(JsonTree.child(d, "training"), "stopped_epoch"));

        post("application/json", json(irisRows(2)));
        Map<String, Object> h = JsonTree.object(get("/health").body());
        assertEquals("ok", h.get("status"));
        assertEquals(1.0, h.get("answered"));

        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<form id=\"inputs\">") && page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                "a form for a model that is not MNIST-shaped");
    }

    /** The provenance object of a model file, if it has one, is shown as it stands. */
    @Test
    void modelShowsTheFilesProvenance() throws Exception {
        String text = Files.readString(modelFile);
        // nn train wrote the section (docs/MODEL-FORMAT.md); a field of someone else's added to it is shown too
        assertTrue(text.contains("\"provenance\": {"), text);
        Files.writeString(modelFile, text.replaceFirst("\"provenance\": \\{", "\"provenance\": {\"commit\": \"abc\","));
        start(1, 1, 10, 1 << 20, 5);
        Map<String, Object> d = JsonTree.object(get("/model").body());
        @SuppressWarnings("unchecked") Map<String, Object> provenance = (Map<String, Object>) d.get("provenance");
        assertEquals("abc", provenance.get("commit"));
        assertTrue(String.valueOf(provenance.get("written_by")).startsWith("Backprop4j "), provenance::toString);
    }

    @Test
    void badRequestsGetTheirStatusAndOneLineNamingTheField() throws Exception {
        start(2, 8, 5, 2000, 1);
        assertRefused(post("application/json", "{\"rows\": [[1, 2, 3, 4],"), 400, "body", "malformed JSON at line 1, column");
        assertRefused(post("application/json", "{\"rows\": [[1, 2, 3, 4], [1, 2, 3]]}"), 400, "rows[1]", "rows[1] has 3 numbers, the model takes 4");
        assertRefused(post("application/json", "{\"rows\": [[1, 2, 3, 4, 5]]}"), 400, "rows[0]", "more than the model's 4 inputs");
        assertRefused(post("application/json", "{\"rows\": [[1, 2, \"x\", 4]]}"), 400, "rows[0][2]", "rows[0][2] is not a number: \"x\"");
        assertRefused(post("application/json", "{\"rows\": [[1, 2, 1e999, 4]]}"), 400, "rows[0][2]", "not a finite float");
        assertRefused(post("application/json", "{\"data\": [[1, 2, 3, 4]]}"), 400, "data", "unknown field 'data'");
        assertRefused(post("application/json", "{}"), 400, "rows", "no field 'rows'");
        assertRefused(post("application/json", "{\"rows\": []}"), 400, "rows", "rows is empty");
        assertRefused(post("application/json", json(List.of("1,2,3,4", "1,2,3,4", "1,2,3,4", "1,2,3,4", "1,2,3,4", "1,2,3,4"))), 413, "rows",
                "more than 5 rows in one request (--max-rows)");
        assertRefused(post("text/csv", "1,2,3,4\n1,2,x,4\n"), 400, "line 2, column 3", "line 2, column 3 is not a number: 'x'");
        assertRefused(post("text/csv", "1,2,3,4\n1,2,3\n"), 400, "line 2", "line 2 has 3 values, the model takes 4");
        assertRefused(post("text/plain", "1,2,3,4"), 415, "Content-Type", "send application/json or text/csv");
        assertRefused(get("/predict"), 405, "method", "method GET not allowed here; use POST");
        assertRefused(get("/nothing"), 404, "path", "no such path: /nothing");
        // a huge body: refused from its Content-Length, before it is read
        assertRefused(post("application/json", "{\"rows\": [[" + "1,".repeat(2000) + "1]]}"), 413, "body", "larger than the limit of 2000 bytes (--max-body)");

        // a huge body without a length (chunked): refused once 2000 bytes have come
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String chunk = "1,".repeat(600);
            for (int i = 0; i < 4; i++) out.write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] answer = readResponse(s.getInputStream());
            assertRefused(answer[0], answer[1], 413, "body", "more than 2000 bytes");
        }

        // a slow client: headers and part of the body, then nothing; answered 408 after --read-timeout 1
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            s.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"rows\": [[1,")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String[] answer = readResponse(s.getInputStream());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertRefused(answer[0], answer[1], 408, "body", "request body not received within 1 s (--read-timeout)");
            assertTrue(seconds >= 0.9 && seconds < 8, "answered after the timeout: " + seconds + " s");
        }
        // the server still answers
        assertEquals(200, post("application/json", json(irisRows(5))).statusCode());
    }

    /** Many clients at once get exactly what single-threaded prediction gives. */
    @Test
    void concurrentRequestsEqualSingleThreadedPrediction() throws Exception {
        start(4, 256, 64, 1 << 20, 5);
        Random random = new Random(3);
        List<float[][]> requests = new ArrayList<>();
        for (int r = 0; r < 200; r++) {
            float[][] rows = new float[1 + random.nextInt(64)][4];
            for (float[] row : rows) for (int j = 0; j < 4; j++) row[j] = (float) (5 * random.nextDouble());
            requests.add(rows);
        }
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (float[][] rows : requests) {
                StringBuilder body = new StringBuilder("{\"rows\":[");
                for (int i = 0; i < rows.length; i++) {
                    body.append(i == 0 ? "[" : ",[");
                    for (int j = 0; j < 4; j++) body.append(j == 0 ? "" : ",").append(rows[i][j]);
                    body.append(']');
                }
                String b = body.append("]}").toString();
                answers.add(clients.submit(() -> {
                    HttpResponse<String> r = post("application/json", b);
                    assertEquals(200, r.statusCode(), r.body());
                    return r.body();
                }));
            }
            for (int r = 0; r < requests.size(); r++) {
                float[][] rows = requests.get(r);
                Matrix expected = model.predict(Matrix.of(rows));              // one thread, one call
                List<?> p = (List<?>) JsonTree.object(answers.get(r).get(60, TimeUnit.SECONDS)).get("probabilities");
                assertEquals(rows.length, p.size());
                for (int i = 0; i < rows.length; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertEquals(expected.get(i, j), ((Double) ((List<?>) p.get(i)).get(j)).floatValue(), 0f, "request " + r + ", row " + i);
                    }
                }
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(200, server.counts()[0]);
    }

    /** With one worker and a queue of one both taken by slow bodies, a third request is answered 503 at once; the two finish. */
    @Test
    void aFullQueueIsAnswered503AndNothingIsLost() throws Exception {
        start(1, 1, 10, 1 << 20, 20);
        String row = "{\"rows\": [[5.1, 3.5, 1.4, 0.2]]}";
        byte[] bytes = row.getBytes(StandardCharsets.US_ASCII);
        String head = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        try (Socket a = new Socket("127.0.0.1", server.port()); Socket b = new Socket("127.0.0.1", server.port())) {
            for (Socket s : List.of(a, b)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(bytes, 0, 10);                       // the worker waits for the rest
                s.getOutputStream().flush();
                Thread.sleep(200);
            }
            HttpResponse<String> busy = post("application/json", row);
            assertRefused(busy, 503, "queue", "server busy: 1 workers and a queue of 1 requests are full");
            assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
            for (Socket s : List.of(a, b)) {
                s.getOutputStream().write(bytes, 10, bytes.length - 10);
                s.getOutputStream().flush();
                String[] answer = readResponse(s.getInputStream());
                assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0] + " " + answer[1]);
                assertTrue(answer[1].contains("\"labels\":[\"setosa\"]"), answer[1]);
            }
        }
        assertEquals(2, server.counts()[0]);
        assertEquals(1, server.counts()[1]);
    }

    /** SIGTERM: the listener closes, the request in flight is answered, then the process ends. */
    @Test
    void sigtermLetsTheRequestInFlightFinish() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.backprop4j.cli.Main", "serve", "--model", modelFile.toString(),
                "--port", "0", "--threads", "1", "--grace", "20").redirectErrorStream(false).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("nn serve: "), "first line: " + line);
            int port = Integer.parseInt(line.replaceAll(".*http://127\\.0\\.0\\.1:(\\d+)/.*", "$1"));
            byte[] body = "{\"rows\": [[6.3, 3.3, 6.0, 2.5]]}".getBytes(StandardCharsets.US_ASCII);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body, 0, 12);
                s.getOutputStream().flush();
                Thread.sleep(500);                                  // the worker is reading the body
                p.toHandle().destroy();                             // SIGTERM (Process.destroy would also close our pipes)
                Thread.sleep(500);
                assertTrue(p.isAlive(), "the server waits for the request in flight");
                // a request that comes now is refused: the server is stopping
                HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertRefused(late, 503, "server", "server stopping");
                s.getOutputStream().write(body, 12, body.length - 12);
                s.getOutputStream().flush();
                String[] answer = readResponse(s.getInputStream());
                assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0] + " " + answer[1]);
                assertTrue(answer[1].contains("\"labels\":[\"virginica\"]"), answer[1]);
            }
            long t0 = System.nanoTime();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the server ends after the request in flight");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "at once, not after the 20 s of --grace");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(err.contains("stopped; 1 requests answered, 1 refused as busy or stopping (503)"), err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badOptionsAreRefusedOnOneLine() throws Exception {
        Cli.assertRejected(dir, new String[] {"serve", "--model", modelFile.toString(), "--threads", "0"}, "--threads");
        Cli.assertRejected(dir, new String[] {"serve", "--model", modelFile.toString(), "--port", "70000"}, "--port");
        Cli.assertRejected(dir, new String[] {"serve", "--model", dir.resolve("missing.json").toString()}, "missing.json");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.assertRejected(dir, new String[] {"serve", "--model", modelFile.toString(), "--port", String.valueOf(taken.getLocalPort())},
                    "--port " + taken.getLocalPort());
        }
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field, String message) {
        assertRefused("HTTP/1.1 " + r.statusCode(), r.body(), status, field, message);
    }

    /** The status line has the status; the body is one line of JSON {"error": ..., "field": ...}. */
    private static void assertRefused(String statusLine, String body, int status, String field, String message) {
        assertTrue(statusLine.startsWith("HTTP/1.1 " + status), () -> "expected " + status + ", got " + statusLine + ": " + body);
        assertEquals(1, body.strip().lines().count(), () -> "one line: " + body);
        Map<String, Object> e = JsonTree.object(body);
        assertEquals(field, e.get("field"), body);
        assertTrue(((String) e.get("error")).contains(message), () -> "the message should contain '" + message + "': " + body);
        assertFalse(body.contains("Exception"), body);
    }

    /** Reads one HTTP/1.1 response with a Content-Length: {status line, body}. */
    static String[] readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed after: " + head);
            head.append((char) c);
        }
        String headers = head.toString();
        int length = Integer.parseInt(headers.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
        byte[] body = in.readNBytes(length);
        return new String[] {headers.substring(0, headers.indexOf("\r\n")), new String(body, StandardCharsets.UTF_8)};
    }
}
