package org.backprop4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.backprop4j.io.AtomicFiles;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a model as an ONNX graph (opset 17), so that ONNX Runtime and other ONNX tools compute the
 * same h_{W,b}(x) as {@link Model#predict}: input "input" (N × s_1 float32, N free), output "output"
 * (N × s_{n_l}). The graph is the model's own arithmetic, node for node:
 * <pre>
 *   x' = (x − shift) / divide                 Sub, Div        (only if the model has input scaling)
 *   z  = a Wᵀ + b                             Gemm transB=1   E1, per layer, samples as rows
 *   a  = f(z)                                 Sigmoid | Tanh | Relu | LeakyRelu | Elu | Softplus | Softmax
 *                                             (identity: no node; GELU's tanh form: Mul/Add/Tanh nodes)
 * </pre>
 * Class names, the loss and any categorical encoding go into the model's metadata; the graph itself
 * takes the numeric inputs after one-hot encoding (categorical columns already expanded).
 *
 * <p>The protobuf messages are the generated ONNX classes Tribuo publishes ({@code ai.onnx.proto.OnnxMl}).
 */
public final class OnnxExport {
    /** The ONNX operator set the graph uses (widely supported; Gelu only came in 20, so it is spelled out). */
    public static final int OPSET = 17;
    /** The IR version that goes with opset 17. */
    public static final int IR_VERSION = 8;
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private OnnxExport() {
    }

    /** Writes {@code model} to {@code file} as ONNX, atomically (a temporary file, then a rename). */
    public static void write(Model model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        AtomicFiles.writeBytes(file, out -> out.write(bytes));
    }

    /** The serialized ONNX ModelProto of {@code model}. */
    public static byte[] toBytes(Model model) {
        return toProto(model).toByteArray();
    }

    /**
     * The ONNX ModelProto of {@code model}.
     *
     * @throws IllegalArgumentException if a layer's activation has no ONNX form here
     */
    public static ModelProto toProto(Model model) {
        GraphBuilder g = new GraphBuilder();
        String a = INPUT;
        if (!model.scaler().isNone()) {
            float[] shift = model.scaler().shift(), divide = model.scaler().divide();
            g.initializer("scaling_shift", new long[] {shift.length}, shift);
            g.initializer("scaling_divide", new long[] {divide.length}, divide);
            a = g.node("Sub", "scaled_shifted", a, "scaling_shift");
            a = g.node("Div", "scaled", a, "scaling_divide");
        }
        List<Dense> layers = model.network().layers();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            String w = "W" + l, b = "b" + l;
            g.initializer(w, new long[] {d.outputs(), d.inputs()}, d.weights().data); // s_{l+1} × s_l, row-major as in Matrix
            g.initializer(b, new long[] {d.outputs()}, d.bias());
            String z = g.node("Gemm", "z" + l, List.of(intAttribute("transB", 1)), a, w, b);   // E1: z = a Wᵀ + b
            a = activation(g, d.activation(), z, "a" + l);                                        // E2: a = f(z)
        }
        g.graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName("to_output").addInput(a).addOutput(OUTPUT));
        g.graph.setName("backprop4j").addInput(tensor(INPUT, model.network().inputs())).addOutput(tensor(OUTPUT, model.network().outputs()));

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("backprop4j")
                .setProducerVersion("0.1.0")
                .setModelVersion(1)
                .setDocString("Fully connected network " + model.network() + " trained by backpropagation (Backprop4j).")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g.graph);
        m.addMetadataProps(meta("loss", model.loss().id()));
        if (model.isClassifier()) m.addMetadataProps(meta("classes", jsonArray(model.classes())));
        if (!model.categorical().isNone()) {
            m.addMetadataProps(meta("categorical", model.categorical().columns().stream()
                    .map(c -> "{\"column\":" + jsonString(c.column()) + ",\"categories\":" + jsonArray(c.categories()) + "}")
                    .collect(Collectors.joining(",", "[", "]"))));
        }
        return m.build();
    }

    /** The node(s) computing a = f(z); returns the name of a. */
    private static String activation(GraphBuilder g, Activation f, String z, String a) {
        return switch (f) {
            case SIGMOID -> g.node("Sigmoid", a, z);
            case TANH -> g.node("Tanh", a, z);
            case RELU -> g.node("Relu", a, z);
            case IDENTITY -> z;
            case LEAKY_RELU -> g.node("LeakyRelu", a, List.of(floatAttribute("alpha", (float) Activation.LEAK)), z);
            case ELU -> g.node("Elu", a, List.of(floatAttribute("alpha", 1f)), z);
            case SOFTPLUS -> g.node("Softplus", a, z);
            case SOFTMAX -> g.node("Softmax", a, List.of(intAttribute("axis", -1)), z);
            case GELU -> gelu(g, z, a);
            default -> throw new IllegalArgumentException("activation " + f + " has no ONNX form in this exporter");
        };
    }

    /**
     * GELU's tanh form ½ z (1 + tanh(√(2/π)(z + 0.044715 z³))), as Activation.GELU computes it. Opset 17
     * has no Gelu operator (it came in opset 20), so it is spelled out with Mul, Add and Tanh.
     */
    private static String gelu(GraphBuilder g, String z, String a) {
        g.scalar(a + "_k", 0.044715f);
        g.scalar(a + "_c", (float) Math.sqrt(2 / Math.PI));
        g.scalar(a + "_one", 1f);
        g.scalar(a + "_half", 0.5f);
        String z2 = g.node("Mul", a + "_z2", z, z);
        String z3 = g.node("Mul", a + "_z3", z2, z);
        String kz3 = g.node("Mul", a + "_kz3", z3, a + "_k");
        String inner = g.node("Add", a + "_inner", z, kz3);
        String u = g.node("Mul", a + "_u", inner, a + "_c");
        String t = g.node("Tanh", a + "_tanh", u);
        String onePlus = g.node("Add", a + "_1p", t, a + "_one");
        String half = g.node("Mul", a + "_halfz", z, a + "_half");
        return g.node("Mul", a, half, onePlus);
    }

    /** Accumulates nodes and initializers; every node's name is its one output's name. */
    private static final class GraphBuilder {
        final GraphProto.Builder graph = GraphProto.newBuilder();

        String node(String op, String output, String... inputs) {
            return node(op, output, List.of(), inputs);
        }

        String node(String op, String output, List<AttributeProto> attributes, String... inputs) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
            for (String in : inputs) n.addInput(in);
            n.addAllAttribute(attributes);
            graph.addNode(n);
            return output;
        }

        void initializer(String name, long[] dims, float[] values) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
            for (long d : dims) t.addDims(d);
            for (float v : values) t.addFloatData(v);
            graph.addInitializer(t);
        }

        void scalar(String name, float value) {
            initializer(name, new long[0], new float[] {value});
        }
    }

    private static ValueInfoProto tensor(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        TypeProto type = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static StringStringEntryProto meta(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(OnnxExport::jsonString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
