package org.backprop4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exported graph, run by ONNX Runtime (an independent implementation), gives our outputs to 1e-5
 * on random inputs, for networks with every activation, with and without input scaling.
 */
class OnnxExportTest {
    private static final double TOLERANCE = 1e-5;
    private static OrtEnvironment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        env = OrtEnvironment.getEnvironment();
    }

    @Test
    void seedNetworkSigmoidMse() throws Exception {
        Model m = new Model(Network.create(new int[] {6, 9, 3}, Activation.SIGMOID, Activation.SIGMOID, 1), Loss.MSE);
        assertSameOutputs(m, 3);
    }

    @Test
    void tanhSoftmaxClassifierWithStandardScaling() throws Exception {
        Matrix x = random(50, 4, 3.0, 11);
        Network net = Network.create(new int[] {4, 10, 3}, Activation.TANH, Activation.SOFTMAX, 2);
        Model m = new Model(net, Loss.CROSS_ENTROPY, List.of("setosa", "versicolor", "virginica"), Scaler.fit("standard", x), 0.001);
        assertSameOutputs(m, 5);
    }

    @Test
    void reluIdentityRegressionWithMinmaxScalingAndTwoHiddenLayers() throws Exception {
        Matrix x = random(30, 5, 10.0, 12);
        Network net = Network.create(new int[] {5, 8, 7, 2}, Activation.RELU, Activation.IDENTITY, 3);
        assertSameOutputs(new Model(net, Loss.MSE, List.of(), Scaler.fit("minmax", x), 0), 6);
    }

    @Test
    void everyActivationAsHiddenAndAsOutput() throws Exception {
        for (Activation f : Activation.values()) {
            if (f != Activation.SOFTMAX) {
                Network hidden = Network.create(new int[] {3, 6, 6, 4}, f, Activation.IDENTITY, 4);
                assertSameOutputs(new Model(hidden, Loss.MSE), 7);
            }
            Network output = Network.create(new int[] {3, 5, 4}, Activation.TANH, f, 5);
            assertSameOutputs(new Model(output, f == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.MSE), 8);
        }
    }

    @Test
    void noHiddenLayer() throws Exception {
        assertSameOutputs(new Model(Network.create(new int[] {7, 2}, Activation.SIGMOID, Activation.SOFTMAX, 6), Loss.CROSS_ENTROPY), 9);
    }

    @Test
    void fileHasTheDeclaredShapeAndMetadata() throws Exception {
        Network net = Network.create(new int[] {4, 3, 2}, Activation.TANH, Activation.SOFTMAX, 7);
        CategoricalEncoding enc = new CategoricalEncoding(List.of(new CategoricalEncoding.Column("colour", List.of("blue", "red"))));
        Model m = new Model(net, Loss.CROSS_ENTROPY, List.of("no", "yes \"quoted\""), Scaler.NONE, 0).withCategorical(enc);
        Path file = dir.resolve("m.onnx");
        OnnxExport.write(m, file);
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertEquals(List.of(OnnxExport.INPUT), List.copyOf(s.getInputNames()));
            assertEquals(List.of(OnnxExport.OUTPUT), List.copyOf(s.getOutputNames()));
            NodeInfo in = s.getInputInfo().get(OnnxExport.INPUT);
            assertArrayEquals(new long[] {-1, 4}, ((TensorInfo) in.getInfo()).getShape());
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("[\"no\",\"yes \\\"quoted\\\"\"]", meta.get("classes"));
            assertEquals("cross-entropy", meta.get("loss"));
            assertEquals("[{\"column\":\"colour\",\"categories\":[\"blue\",\"red\"]}]", meta.get("categorical"));
            assertEquals("backprop4j", s.getMetadata().getProducerName());
        }
        assertEquals(OnnxExport.toBytes(m).length, Files.size(file));
    }

    /** Runs the exported model in ONNX Runtime on random inputs (one batch of 64, and one row) and compares. */
    private static void assertSameOutputs(Model model, long seed) throws OrtException {
        byte[] onnx = OnnxExport.toBytes(model);
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions())) {
            for (int rows : new int[] {64, 1}) {
                Matrix x = random(rows, model.network().inputs(), 3.0, seed + rows);
                Matrix ours = model.predict(x);
                float[][] theirs;
                try (OnnxTensor in = OnnxTensor.createTensor(env, x.toArray());
                     OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, in))) {
                    theirs = (float[][]) r.get(0).getValue();
                }
                assertEquals(rows, theirs.length);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < ours.cols; j++) {
                        double a = ours.get(i, j), b = theirs[i][j];
                        if (!(Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a)))) {
                            fail(model.network() + ": row " + i + " output " + j + ": ours " + a + ", ONNX Runtime " + b);
                        }
                    }
                }
            }
        }
    }

    private static Matrix random(int rows, int cols, double scale, long seed) {
        Random r = new Random(seed);
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = (float) ((2 * r.nextDouble() - 1) * scale);
        return m;
    }
}
