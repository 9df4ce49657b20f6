package org.backprop4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the model file (format documented in docs/MODEL-FORMAT.md):
 * <pre>{"layers": [ {"activation": "sigmoid", "weights": [[...], ...], "bias": [...]}, ... ]}</pre>
 * plus optional "format", "version", "loss", "classes", "scaling" and "training" fields. A file with
 * only "layers" loads. Floats are written in the shortest decimal form that reads back to the same
 * float32 and read with {@link Float#parseFloat} from the literal text, so they round-trip exactly.
 * Every problem is reported as one line naming the file and the place in it.
 */
public final class ModelJson {
    public static final String FORMAT = "backprop4j-model";
    public static final int VERSION = 1;
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private ModelJson() {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code model} to {@code file} atomically (a temporary file, then a rename). */
    public static void write(Model model, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(model, out));
    }

    public static String toJson(Model model) {
        StringWriter s = new StringWriter();
        try {
            write(model, s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return s.toString();
    }

    /** One weight row per line, so a person can read and edit the file. */
    public static void write(Model model, Writer out) throws IOException {
        for (Dense d : model.network().layers()) {
            for (float w : d.weights().data) checkFinite(w);
            for (float b : d.bias()) checkFinite(b);
        }
        JsonGenerator g = JSON.createGenerator(out);
        g.writeStartObject();
        g.writeRaw("\n  ");
        g.writeStringField("format", FORMAT);
        g.writeRaw("\n  ");
        g.writeNumberField("version", VERSION);
        g.writeRaw("\n  ");
        g.writeStringField("loss", model.loss().id());
        if (model.isClassifier()) {
            g.writeRaw("\n  ");
            g.writeArrayFieldStart("classes");
            for (String c : model.classes()) g.writeString(c);
            g.writeEndArray();
        }
        if (!model.scaler().isNone()) {
            g.writeRaw("\n  ");
            g.writeObjectFieldStart("scaling");
            g.writeStringField("method", model.scaler().method());
            writeFloats(g, "shift", model.scaler().shift());
            writeFloats(g, "divide", model.scaler().divide());
            g.writeEndObject();
        }
        g.writeRaw("\n  ");
        g.writeObjectFieldStart("training");
        g.writeNumberField("l2", model.l2());
        g.writeEndObject();
        g.writeRaw("\n  ");
        g.writeArrayFieldStart("layers");
        List<Dense> layers = model.network().layers();
        for (Dense d : layers) {
            g.writeRaw("\n    ");
            g.writeStartObject();
            g.writeStringField("activation", d.activation().id());
            g.writeRaw("\n     ");
            g.writeArrayFieldStart("weights");
            for (int i = 0; i < d.outputs(); i++) {
                g.writeRaw("\n      ");
                g.writeStartArray();
                for (int j = 0; j < d.inputs(); j++) g.writeNumber(d.weights().get(i, j));
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeRaw("\n     ");
            writeFloats(g, "bias", d.bias());
            g.writeEndObject();
        }
        g.writeRaw("\n  ");
        g.writeEndArray();
        g.writeRaw("\n");
        g.writeEndObject();
        g.writeRaw("\n");
        g.flush();
    }

    private static void writeFloats(JsonGenerator g, String name, float[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (float v : values) g.writeNumber(v);
        g.writeEndArray();
    }

    private static void checkFinite(float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("the model holds a non-finite parameter (" + v + ")");
    }

    // ---------------------------------------------------------------- reading

    /** Reads a model file; any problem is a {@link DataException} naming the file and the place. */
    public static Model read(Path file) {
        String name = file.toString();
        Object root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = parse(in);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new DataException(name + ": invalid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage());
        }
        return fromTree(root, name);
    }

    /** Reads a model from JSON text; {@code source} names it in messages. */
    public static Model parse(String json, String source) {
        try {
            return fromTree(parse(new java.io.StringReader(json)), source);
        } catch (JsonProcessingException e) {
            throw new DataException(source + ": invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DataException(source + ": " + e.getMessage());
        }
    }

    /** JSON text as maps, lists, strings, booleans, null and {@link Num} (the number's literal text). */
    private static Object parse(Reader in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new com.fasterxml.jackson.core.JsonParseException(p, "the file is empty");
            Object value = value(p, t);
            if (p.nextToken() != null) throw new com.fasterxml.jackson.core.JsonParseException(p, "text after the end of the model object");
            return value;
        }
    }

    private record Num(String text) { }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    m.put(key, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) list.add(value(p, e));
                return list;
            }
            case VALUE_STRING -> { return p.getText(); }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> { return new Num(p.getText()); }
            case VALUE_TRUE -> { return Boolean.TRUE; }
            case VALUE_FALSE -> { return Boolean.FALSE; }
            case VALUE_NULL -> { return null; }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
        }
    }

    private static Model fromTree(Object root, String file) {
        Map<String, Object> top = object(root, file, "the top level");
        if (top.containsKey("format") && !FORMAT.equals(top.get("format"))) {
            throw new DataException(file + ": \"format\" is " + top.get("format") + ", expected \"" + FORMAT + "\"");
        }
        if (top.containsKey("version")) {
            float v = number(top.get("version"), file, "version");
            if (v > VERSION) throw new DataException(file + ": model format version " + (int) v + " is newer than this program's " + VERSION);
        }
        List<Object> layerList = array(top.get("layers"), file, "layers");
        if (layerList.isEmpty()) throw new DataException(file + ": \"layers\" is empty");
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l < layerList.size(); l++) {
            String at = "layers[" + l + "]";
            Map<String, Object> layer = object(layerList.get(l), file, at);
            Activation f;
            try {
                f = Activation.of(string(layer.get("activation"), file, at + ".activation"));
            } catch (IllegalArgumentException e) {
                throw new DataException(file + ": " + at + ".activation: " + e.getMessage());
            }
            List<Object> rows = array(layer.get("weights"), file, at + ".weights");
            if (rows.isEmpty()) throw new DataException(file + ": " + at + ".weights is empty");
            float[] first = floats(rows.get(0), file, at + ".weights[0]");
            if (first.length == 0) throw new DataException(file + ": " + at + ".weights[0] is empty");
            Matrix w = new Matrix(rows.size(), first.length);
            for (int i = 0; i < rows.size(); i++) {
                float[] row = i == 0 ? first : floats(rows.get(i), file, at + ".weights[" + i + "]");
                if (row.length != first.length) {
                    throw new DataException(file + ": " + at + ".weights[" + i + "] has " + row.length
                            + " numbers, but weights[0] has " + first.length);
                }
                System.arraycopy(row, 0, w.data, i * first.length, first.length);
            }
            float[] bias = floats(layer.get("bias"), file, at + ".bias");
            if (bias.length != w.rows) {
                throw new DataException(file + ": " + at + ".bias has " + bias.length + " numbers, but weights has " + w.rows + " rows");
            }
            if (l > 0 && w.cols != layers.get(l - 1).outputs()) {
                throw new DataException(file + ": " + at + " takes " + w.cols + " inputs (weights have " + w.cols
                        + " columns), but layers[" + (l - 1) + "] has " + layers.get(l - 1).outputs() + " outputs");
            }
            layers.add(new Dense(w, bias, f));
        }
        Network net;
        try {
            net = new Network(layers);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
        Activation out = layers.get(layers.size() - 1).activation();
        Loss loss = out == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.MSE;
        if (top.get("loss") != null) {
            try {
                loss = Loss.of(string(top.get("loss"), file, "loss"));
            } catch (IllegalArgumentException e) {
                throw new DataException(file + ": loss: " + e.getMessage());
            }
        }
        List<String> classes = new ArrayList<>();
        if (top.get("classes") != null) {
            List<Object> list = array(top.get("classes"), file, "classes");
            for (int i = 0; i < list.size(); i++) {
                Object c = list.get(i);
                classes.add(c instanceof Num n ? n.text() : string(c, file, "classes[" + i + "]"));
            }
        }
        Scaler scaler = Scaler.NONE;
        if (top.get("scaling") != null) {
            Map<String, Object> s = object(top.get("scaling"), file, "scaling");
            String method = string(s.get("method"), file, "scaling.method");
            if (!method.equals("none")) {
                try {
                    scaler = new Scaler(method, floats(s.get("shift"), file, "scaling.shift"), floats(s.get("divide"), file, "scaling.divide"));
                } catch (IllegalArgumentException e) {
                    throw new DataException(file + ": scaling: " + e.getMessage());
                }
            }
        }
        double l2 = 0;
        Map<String, Object> training = top.get("training") == null ? Map.of() : object(top.get("training"), file, "\"training\"");
        if (training.get("l2") != null) {
            l2 = number(training.get("l2"), file, "training.l2");
            l2 = Double.parseDouble(((Num) training.get("l2")).text()); // lambda is a double setting, not a float32 parameter
        }
        try {
            return new Model(net, loss, classes, scaler, l2);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String file, String at) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new DataException(file + ": " + at + " must be a JSON object" + (v == null ? " (missing)" : ""));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object v, String file, String at) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw new DataException(file + ": \"" + at + "\" must be an array" + (v == null ? " (missing)" : ""));
    }

    private static String string(Object v, String file, String at) {
        if (v instanceof String s) return s;
        throw new DataException(file + ": \"" + at + "\" must be a string" + (v == null ? " (missing)" : ""));
    }

    private static float number(Object v, String file, String at) {
        if (!(v instanceof Num n)) {
            throw new DataException(file + ": " + at + " must be a number" + (v == null ? " (missing)" : ", got " + v));
        }
        float f = Float.parseFloat(n.text()); // from the literal text: exact float32 rounding, no detour through double
        if (!Float.isFinite(f)) throw new DataException(file + ": " + at + ": " + n.text() + " is outside the float32 range");
        return f;
    }

    private static float[] floats(Object v, String file, String at) {
        List<Object> list = array(v, file, at);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(list.get(i), file, at + "[" + i + "]");
        return out;
    }
}
