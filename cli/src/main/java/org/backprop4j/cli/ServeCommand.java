package org.backprop4j.cli;

import org.backprop4j.cli.serve.PredictionServer;
import org.backprop4j.io.ModelFile;
import org.backprop4j.io.ModelJson;
import org.backprop4j.options.Checks;
import org.backprop4j.options.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code nn serve}: a trained model behind HTTP until SIGTERM or Ctrl-C (see {@link PredictionServer}). */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a model over HTTP (the JDK's own server): POST /predict (JSON {\"rows\": [[...], ...]} or a CSV body; "
                + "answers outputs or probabilities and class labels), GET /model (sizes, activations, classes, scaling), GET /health, "
                + "and GET /: a page to try the model (a canvas to draw a digit for a 784-input, 10-class model; a form otherwise).",
                "Each worker thread has its own predictor; when all are busy and the queue is full a request is answered 503. "
                        + "SIGTERM or Ctrl-C stops accepting and lets the requests in flight finish."})
final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", order = 2, description = "TCP port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", order = 3,
            description = "Address to listen on (0.0.0.0 for all interfaces). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--threads", paramLabel = "N", order = 4, description = "Worker threads, each with its own predictor. Default: the number of cores.")
    Integer threads;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64", order = 5,
            description = "Requests that may wait for a worker; beyond them a request is answered 503. Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "1024", order = 6, description = "Rows per request at most (413 beyond). Default: ${DEFAULT-VALUE}.")
    int maxRows;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "16777216", order = 7,
            description = "Request body size at most (413 beyond). Default: ${DEFAULT-VALUE} (16 MiB).")
    int maxBody;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "10", order = 8,
            description = "A request body not received within this time is answered 408. Default: ${DEFAULT-VALUE}.")
    int readTimeout;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30", order = 9,
            description = "On SIGTERM, how long requests in flight may take to finish. Default: ${DEFAULT-VALUE}.")
    int grace;

    @Override
    public Integer call() throws Exception {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        PredictionServer.Config config = Checks.parse(null, () -> new PredictionServer.Config(host, port, n, queue, maxRows, maxBody, readTimeout));
        if (grace < 0) throw new UserException("--grace must be at least 0, got " + grace);
        // The JDK server's own limit on receiving a request (headers and body), read once when it starts:
        // it closes the connections of clients that stall even before or after our --read-timeout applies
        // (a slow header, or the rest of a refused body), so that they cannot hold a worker for ever.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(Math.max(30, 3 * readTimeout)));
        }
        ModelFile file = ModelJson.readFile(model);
        PredictionServer server;
        try {
            server = PredictionServer.start(file, model, config);
        } catch (BindException e) {
            throw new UserException("--port " + port + ": " + e.getMessage() + " (" + host + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("nn serve: %s on http://%s:%d/ (POST /predict, GET /model, GET /health, GET /); %d workers, queue %d; "
                + "SIGTERM or Ctrl-C stops after the requests in flight%n", file.model().network(), host, server.port(), n, queue);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        PrintWriter err = spec.commandLine().getErr();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(grace);
            long[] c = server.counts();
            err.printf("nn serve: stopped; %d requests answered, %d refused as busy or stopping (503), %d refused as bad (4xx)%n", c[0], c[1], c[2]);
            err.flush();
            stopped.countDown();
        }, "nn-serve-shutdown"));
        stopped.await();
        return 0;
    }
}
