package org.backprop4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.OptimizerState;
import org.backprop4j.train.TrainingRecord;

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
 * plus optional "format", "version", "loss", "classes", "scaling", "categorical" and "training" fields. A file with
 * only "layers" loads. Floats are written in the shortest decimal form that reads back to the same
 * float32 and read with {@link Float#parseFloat} from the literal text, so they round-trip exactly.
 * Every problem is reported as one line naming the file and the place in it.
 *
 * <p>Version 2 added the training record ("training.stopped_epoch", "training.best_epoch" and the
 * update rule's state, "optimizer", written last because it is as large as the weights or twice
 * that); files of version 1, and files with only "layers", load as before.
 */
public final class ModelJson {
    public static final String FORMAT = "backprop4j-model";
    public static final int VERSION = 2;
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private ModelJson() {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code model} to {@code file} atomically (a temporary file, then a rename). */
    public static void write(Model model, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(model, out));
    }

    /** Writes {@code model} and its training record to {@code file} atomically. */
    public static void write(ModelFile saved, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(saved.model(), saved.training(), out));
    }

    /** The text of {@link #write(ModelFile, Path)}. */
    public static String toJson(ModelFile saved) {
        StringWriter s = new StringWriter();
        try {
            write(saved.model(), saved.training(), s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return s.toString();
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
        write(model, TrainingRecord.NONE, out);
    }

    /** The model, then (version 2) its training record: epochs in "training", the optimizer's state last. */
    public static void write(Model model, TrainingRecord record, Writer out) throws IOException {
        OptimizerState optimizer = record.optimizer();
        if (optimizer != null && !optimizer.fits(model.network())) {
            throw new IllegalArgumentException("the optimizer state does not have the network's shapes");
        }
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
        if (!model.categorical().isNone()) {
            g.writeRaw("\n  ");
            g.writeArrayFieldStart("categorical");
            for (CategoricalEncoding.Column c : model.categorical().columns()) {
                g.writeStartObject();
                g.writeStringField("column", c.column());
                g.writeArrayFieldStart("categories");
                for (String category : c.categories()) g.writeString(category);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeRaw("\n  ");
        g.writeObjectFieldStart("training");
        g.writeNumberField("l2", model.l2());
        if (record.stoppedEpoch() > 0) {
            g.writeNumberField("stopped_epoch", record.stoppedEpoch());
            g.writeNumberField("best_epoch", record.bestEpoch());
        }
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
        if (optimizer != null) writeOptimizer(g, optimizer, model.network());
        g.writeRaw("\n");
        g.writeEndObject();
        g.writeRaw("\n");
        g.flush();
    }

    /** "optimizer": {"name", "step", "state": [{"weights": {name: rows}, "bias": {name: [...]}} per layer]}. */
    private static void writeOptimizer(JsonGenerator g, OptimizerState state, Network net) throws IOException {
        g.writeRaw("\n  ");
        g.writeObjectFieldStart("optimizer");
        g.writeStringField("name", state.rule());
        g.writeNumberField("step", state.step());
        g.writeArrayFieldStart("state");
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            g.writeRaw("\n    ");
            g.writeStartObject();
            g.writeObjectFieldStart("weights");
            for (int k = 0; k < state.names().size(); k++) {
                float[] v = state.weights()[l][k];
                for (float x : v) checkFinite(x);
                g.writeRaw("\n     ");
                g.writeArrayFieldStart(state.names().get(k));
                for (int i = 0; i < d.outputs(); i++) {
                    g.writeRaw("\n      ");
                    g.writeStartArray();
                    for (int j = 0; j < d.inputs(); j++) g.writeNumber(v[i * d.inputs() + j]);
                    g.writeEndArray();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeRaw("\n     ");
            g.writeObjectFieldStart("bias");
            for (int k = 0; k < state.names().size(); k++) {
                for (float x : state.bias()[l][k]) checkFinite(x);
                writeFloats(g, state.names().get(k), state.bias()[l][k]);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeRaw("\n  ");
        g.writeEndArray();
        g.writeEndObject();
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
        return readFile(file).model();
    }

    /** Reads a model file with its training record (empty for files without one). */
    public static ModelFile readFile(Path file) {
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
        return fileFromTree(root, name);
    }

    /** Reads a model from JSON text; {@code source} names it in messages. */
    public static Model parse(String json, String source) {
        return parseFile(json, source).model();
    }

    /** Reads a model and its training record from JSON text; {@code source} names it in messages. */
    public static ModelFile parseFile(String json, String source) {
        try {
            return fileFromTree(parse(new java.io.StringReader(json)), source);
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

    private static ModelFile fileFromTree(Object root, String file) {
        Model model = fromTree(root, file);
        Map<String, Object> top = object(root, file, "the top level");
        return new ModelFile(model, trainingRecord(top, model.network(), file));
    }

    /** Version 2's "training.stopped_epoch", "training.best_epoch" and "optimizer"; none: an empty record. */
    private static TrainingRecord trainingRecord(Map<String, Object> top, Network net, String file) {
        Map<String, Object> training = top.get("training") == null ? Map.of() : object(top.get("training"), file, "\"training\"");
        int stopped = training.get("stopped_epoch") == null ? 0 : (int) integer(training.get("stopped_epoch"), file, "training.stopped_epoch");
        int best = training.get("best_epoch") == null ? stopped : (int) integer(training.get("best_epoch"), file, "training.best_epoch");
        OptimizerState optimizer = top.get("optimizer") == null ? null : optimizerState(object(top.get("optimizer"), file, "\"optimizer\""), net, file);
        try {
            return new TrainingRecord(stopped, best, optimizer);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": training: " + e.getMessage());
        }
    }

    private static OptimizerState optimizerState(Map<String, Object> o, Network net, String file) {
        String rule = string(o.get("name"), file, "optimizer.name");
        long step = integer(o.get("step"), file, "optimizer.step");
        List<Object> layers = array(o.get("state"), file, "optimizer.state");
        if (layers.size() != net.layers().size()) {
            throw new DataException(file + ": optimizer.state has " + layers.size() + " layers, the network " + net.layers().size());
        }
        List<String> names = null;
        float[][][] w = new float[layers.size()][][], b = new float[layers.size()][][];
        for (int l = 0; l < layers.size(); l++) {
            String at = "optimizer.state[" + l + "]";
            Dense d = net.layer(l);
            Map<String, Object> layer = object(layers.get(l), file, at);
            Map<String, Object> weights = object(layer.get("weights"), file, at + ".weights");
            Map<String, Object> bias = object(layer.get("bias"), file, at + ".bias");
            if (names == null) names = List.copyOf(weights.keySet());
            if (!weights.keySet().equals(new java.util.HashSet<>(names)) || !bias.keySet().equals(new java.util.HashSet<>(names))) {
                throw new DataException(file + ": " + at + " must hold the arrays " + names + " for both weights and bias");
            }
            w[l] = new float[names.size()][];
            b[l] = new float[names.size()][];
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(k), where = at + ".weights." + name;
                List<Object> rows = array(weights.get(name), file, where);
                if (rows.size() != d.outputs()) {
                    throw new DataException(file + ": " + where + " has " + rows.size() + " rows, the layer's weights " + d.outputs());
                }
                w[l][k] = new float[d.outputs() * d.inputs()];
                for (int i = 0; i < rows.size(); i++) {
                    float[] row = floats(rows.get(i), file, where + "[" + i + "]");
                    if (row.length != d.inputs()) {
                        throw new DataException(file + ": " + where + "[" + i + "] has " + row.length + " numbers, the layer takes " + d.inputs());
                    }
                    System.arraycopy(row, 0, w[l][k], i * d.inputs(), row.length);
                }
                b[l][k] = floats(bias.get(name), file, at + ".bias." + name);
                if (b[l][k].length != d.outputs()) {
                    throw new DataException(file + ": " + at + ".bias." + name + " has " + b[l][k].length + " numbers, the layer has "
                            + d.outputs() + " outputs");
                }
            }
        }
        try {
            return new OptimizerState(rule, step, names == null ? List.of() : names, w, b);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": optimizer: " + e.getMessage());
        }
    }

    /** A whole number ≥ 0, from the literal text. */
    private static long integer(Object v, String file, String at) {
        if (v instanceof Num n) {
            try {
                long value = Long.parseLong(n.text());
                if (value >= 0) return value;
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new DataException(file + ": " + at + " must be a whole number >= 0" + (v == null ? " (missing)" : ", got " + (v instanceof Num n ? n.text() : v)));
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
            return new Model(net, loss, classes, scaler, l2).withCategorical(categorical(top.get("categorical"), file));
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    /** The optional "categorical" field: [{"column": name, "categories": [...]}, ...]. */
    private static CategoricalEncoding categorical(Object v, String file) {
        if (v == null) return CategoricalEncoding.NONE;
        List<Object> list = array(v, file, "categorical");
        List<CategoricalEncoding.Column> columns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "categorical[" + i + "]";
            Map<String, Object> c = object(list.get(i), file, at);
            List<Object> values = array(c.get("categories"), file, at + ".categories");
            List<String> categories = new ArrayList<>();
            for (int k = 0; k < values.size(); k++) {
                Object value = values.get(k);
                categories.add(value instanceof Num n ? n.text() : string(value, file, at + ".categories[" + k + "]"));
            }
            if (categories.isEmpty()) throw new DataException(file + ": " + at + ".categories is empty");
            Object column = c.get("column");
            try {
                columns.add(new CategoricalEncoding.Column(column instanceof Num n ? n.text() : string(column, file, at + ".column"), categories));
            } catch (IllegalArgumentException e) {
                throw new DataException(file + ": " + at + ": " + e.getMessage());
            }
        }
        try {
            return new CategoricalEncoding(columns);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": categorical: " + e.getMessage());
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
