package org.backprop4j.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.DataException;
import org.backprop4j.data.Decimals;
import org.backprop4j.data.Scaler;
import org.backprop4j.math.Matrix;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.backprop4j.train.Checkpoint;
import org.backprop4j.train.OptimizerState;
import org.backprop4j.train.TrainingRecord;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the model file (format documented in docs/MODEL-FORMAT.md):
 * <pre>{"layers": [ {"activation": "sigmoid", "weights": [[...], ...], "bias": [...]}, ... ]}</pre>
 * plus optional "format", "version", "loss", "classes", "scaling", "categorical", "training",
 * "optimizer" and (checkpoint files) "checkpoint" fields. A file with only "layers" loads. Floats are
 * written in the shortest decimal form that reads back to the same float32 and read as float32 from
 * the literal text, so they round-trip exactly.
 *
 * <p>The file is untrusted input: it is read as a stream of tokens straight into float arrays (no
 * object per number, so memory stays near the size of the weights), and every problem — duplicate
 * keys, wrong types, shapes that do not chain, counters out of range, negative second moments — is
 * one line naming the file and the place in it.
 */
public final class ModelJson {
    public static final String FORMAT = "backprop4j-model";
    public static final int VERSION = 2;
    /** Epoch counters above this are refused: continuing a run replays one shuffle per earlier epoch. */
    public static final int MAX_EPOCHS = 1_000_000;
    /** Optimizer step counters above this (10^12 steps) are refused as absurd. */
    public static final long MAX_STEPS = 1_000_000_000_000L;
    /** Optimizer state that is a sum or mean of squares, so never negative. */
    private static final Set<String> SQUARES = Set.of("sum_squares", "mean_square", "v");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private ModelJson() {
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code model} to {@code file} atomically (a temporary file, then a rename). */
    public static void write(Model model, Path file) throws IOException {
        write(new ModelFile(model, TrainingRecord.NONE), file);
    }

    /** Writes {@code saved} (model, training record, checkpoint if any) to {@code file} atomically. */
    public static void write(ModelFile saved, Path file) throws IOException {
        check(saved);
        AtomicFiles.write(file, out -> write(saved, out));
    }

    /** Writes a checkpoint: {@code model}'s loss, classes and scaling with the checkpoint's weights and state, atomically. */
    public static void writeCheckpoint(Model model, Checkpoint checkpoint, Path file) throws IOException {
        write(new ModelFile(model.withNetwork(checkpoint.network()), checkpoint.record(), checkpoint), file);
    }

    /** The text of {@link #write(ModelFile, Path)}. */
    public static String toJson(ModelFile saved) {
        StringWriter s = new StringWriter();
        try {
            write(saved, s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return s.toString();
    }

    public static String toJson(Model model) {
        return toJson(new ModelFile(model, TrainingRecord.NONE));
    }

    /** One weight row per line, so a person can read and edit the file. */
    public static void write(Model model, Writer out) throws IOException {
        write(new ModelFile(model, TrainingRecord.NONE), out);
    }

    /** The model, then (version 2) its training record: epochs in "training", the optimizer's state, the checkpoint last. */
    public static void write(Model model, TrainingRecord record, Writer out) throws IOException {
        write(new ModelFile(model, record), out);
    }

    private static void check(ModelFile saved) {
        Network net = saved.model().network();
        OptimizerState optimizer = saved.training().optimizer();
        if (optimizer != null && !optimizer.fits(net)) {
            throw new IllegalArgumentException("the optimizer state does not have the network's shapes");
        }
        Checkpoint c = saved.checkpoint();
        if (c != null && (c.network() != net || c.optimizer() != optimizer)) {
            throw new IllegalArgumentException("a checkpoint is written with its own network and optimizer state");
        }
        checkFinite(net);
        if (optimizer != null) checkFinite(optimizer);
        if (c != null && c.best() != null) {
            checkFinite(c.best().network());
            checkFinite(c.best().optimizer());
        }
    }

    private static void write(ModelFile saved, Writer out) throws IOException {
        check(saved);
        Model model = saved.model();
        TrainingRecord record = saved.training();
        JsonGenerator g = JSON.createGenerator(out);
        g.setPrettyPrinter(new Layout());
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("version", VERSION);
        g.writeStringField("loss", model.loss().id());
        if (model.isClassifier()) writeStrings(g, "classes", model.classes());
        if (!model.scaler().isNone()) {
            g.writeObjectFieldStart("scaling");
            g.writeStringField("method", model.scaler().method());
            writeFloats(g, "shift", model.scaler().shift());
            writeFloats(g, "divide", model.scaler().divide());
            g.writeEndObject();
        }
        if (!model.categorical().isNone()) {
            g.writeArrayFieldStart("categorical");
            for (CategoricalEncoding.Column c : model.categorical().columns()) {
                g.writeStartObject();
                g.writeStringField("column", c.column());
                writeStrings(g, "categories", c.categories());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("training");
        g.writeNumberField("l2", model.l2());
        if (record.stoppedEpoch() > 0) {
            g.writeNumberField("stopped_epoch", record.stoppedEpoch());
            g.writeNumberField("best_epoch", record.bestEpoch());
        }
        g.writeEndObject();
        if (saved.provenance() != null) writeProvenance(g, saved.provenance());
        writeLayers(g, model.network());
        if (record.optimizer() != null) writeOptimizer(g, record.optimizer(), model.network());
        if (saved.checkpoint() != null) writeCheckpoint(g, saved.checkpoint());
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
    }

    /** "provenance": {"written_by", "command": [...], "seed", "data": [{"file", "sha256"}, ...]}. */
    private static void writeProvenance(JsonGenerator g, Provenance origin) throws IOException {
        g.writeObjectFieldStart("provenance");
        g.writeStringField("written_by", origin.writtenBy());
        writeStrings(g, "command", origin.command());
        g.writeNumberField("seed", origin.seed());
        g.writeArrayFieldStart("data");
        for (Provenance.DataFile f : origin.data()) {
            g.writeStartObject();
            g.writeStringField("file", f.file());
            g.writeStringField("sha256", f.sha256());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** "layers": [{"activation", "weights": rows, "bias"} per layer]. */
    private static void writeLayers(JsonGenerator g, Network net) throws IOException {
        g.writeArrayFieldStart("layers");
        for (Dense d : net.layers()) {
            g.writeStartObject();
            g.writeStringField("activation", d.activation().id());
            writeRows(g, "weights", d.weights().data, d.outputs(), d.inputs());
            writeFloats(g, "bias", d.bias());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** "optimizer": {"name", "step", "state": [{"weights": {name: rows}, "bias": {name: [...]}} per layer]}. */
    private static void writeOptimizer(JsonGenerator g, OptimizerState state, Network net) throws IOException {
        g.writeObjectFieldStart("optimizer");
        g.writeStringField("name", state.rule());
        g.writeNumberField("step", state.step());
        g.writeArrayFieldStart("state");
        for (int l = 0; l < net.layers().size(); l++) {
            Dense d = net.layer(l);
            g.writeStartObject();
            g.writeObjectFieldStart("weights");
            for (int k = 0; k < state.names().size(); k++) {
                writeRows(g, state.names().get(k), state.weights()[l][k], d.outputs(), d.inputs());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("bias");
            for (int k = 0; k < state.names().size(); k++) writeFloats(g, state.names().get(k), state.bias()[l][k]);
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** "checkpoint": the run's position; early stopping's best network last, since it is as large as the weights. */
    private static void writeCheckpoint(JsonGenerator g, Checkpoint c) throws IOException {
        g.writeObjectFieldStart("checkpoint");
        g.writeNumberField("seed", c.seed());
        g.writeNumberField("first_epoch", c.firstEpoch());
        g.writeNumberField("last_epoch", c.lastEpoch());
        g.writeNumberField("epoch", c.epoch());
        g.writeNumberField("next_sample", c.nextSample());
        g.writeObjectFieldStart("random");
        g.writeNumberField("shuffles", c.shuffles());
        g.writeNumberField("dropout_draws", c.dropoutDraws());
        g.writeEndObject();
        g.writeObjectFieldStart("data");
        g.writeNumberField("samples", c.samples());
        g.writeStringField("hash", String.format("%016x", c.dataHash()));
        g.writeEndObject();
        g.writeObjectFieldStart("epoch_so_far");
        writeDouble(g, "cost_sum", c.costSum());
        g.writeNumberField("correct", c.correct());
        g.writeNumberField("steps", c.steps());
        g.writeEndObject();
        writeDouble(g, "first_epoch_cost", c.firstEpochCost());
        g.writeArrayFieldStart("schedule");
        for (double v : c.schedule()) writeDouble(g, null, v);
        g.writeEndArray();
        if (c.best() != null) {
            g.writeObjectFieldStart("best");
            writeDouble(g, "cost", c.best().cost());
            g.writeNumberField("epoch", c.best().epoch());
            writeLayers(g, c.best().network());
            writeOptimizer(g, c.best().optimizer(), c.best().network());
            g.writeEndObject();
        }
        if (!c.command().isEmpty()) writeStrings(g, "command", c.command());
        if (c.directory() != null) g.writeStringField("directory", c.directory());
        g.writeEndObject();
    }

    private static void writeRows(JsonGenerator g, String name, float[] values, int rows, int cols) throws IOException {
        g.writeArrayFieldStart(name);
        for (int i = 0; i < rows; i++) {
            g.writeStartArray();
            for (int j = 0; j < cols; j++) g.writeNumber(values[i * cols + j]);
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    private static void writeFloats(JsonGenerator g, String name, float[] values) throws IOException {
        g.writeArrayFieldStart(name);
        for (float v : values) g.writeNumber(v);
        g.writeEndArray();
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    /** A double in its shortest exact form; NaN and the infinities, which JSON lacks, as the strings Java writes. */
    private static void writeDouble(JsonGenerator g, String name, double v) throws IOException {
        if (name != null) g.writeFieldName(name);
        if (Double.isFinite(v)) g.writeNumber(v);
        else g.writeString(Double.toString(v));
    }

    private static void checkFinite(Network net) {
        for (Dense d : net.layers()) {
            for (float w : d.weights().data) checkFinite(w);
            for (float b : d.bias()) checkFinite(b);
        }
    }

    private static void checkFinite(OptimizerState state) {
        for (float[][] layer : state.weights()) for (float[] v : layer) for (float x : v) checkFinite(x);
        for (float[][] layer : state.bias()) for (float[] v : layer) for (float x : v) checkFinite(x);
    }

    private static void checkFinite(float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("the model holds a non-finite parameter (" + v + ")");
    }

    /**
     * The file's layout: each object entry on a line of its own, indented by depth; an array's
     * elements on one line when they are numbers or strings, one per line when they are arrays or
     * objects (so a weight matrix is one row per line). The line break before a container inside an
     * array is written when that container starts: the generator has written the comma by then.
     */
    private static final class Layout implements PrettyPrinter {
        private final Deque<boolean[]> arrays = new ArrayDeque<>();   // per open container: {is array, holds containers}

        private void newLine(JsonGenerator g, int depth) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < depth; i++) g.writeRaw("  ");
        }

        private void startContainer(JsonGenerator g, char c, boolean array) throws IOException {
            boolean[] parent = arrays.peek();
            if (parent != null && parent[0]) {
                parent[1] = true;
                newLine(g, arrays.size());
            }
            g.writeRaw(c);
            arrays.push(new boolean[] {array, false});
        }

        @Override public void writeRootValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override public void writeStartObject(JsonGenerator g) throws IOException {
            startContainer(g, '{', false);
        }

        @Override public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newLine(g, arrays.size());
        }

        @Override public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newLine(g, arrays.size());
        }

        @Override public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            arrays.pop();
            if (entries > 0) newLine(g, arrays.size());
            g.writeRaw('}');
        }

        @Override public void writeStartArray(JsonGenerator g) throws IOException {
            startContainer(g, '[', true);
        }

        @Override public void beforeArrayValues(JsonGenerator g) {
        }

        @Override public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(arrays.peek()[1] ? "," : ", ");
        }

        @Override public void writeEndArray(JsonGenerator g, int values) throws IOException {
            boolean[] a = arrays.pop();
            if (a[1]) newLine(g, arrays.size());
            g.writeRaw(']');
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads a model file; any problem is a {@link DataException} naming the file and the place. */
    public static Model read(Path file) {
        return readFile(file).model();
    }

    /** Reads a model file with its training record (empty for files without one) and checkpoint (null if none). */
    public static ModelFile readFile(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) throw new DataException(name + ": is a folder, not a model file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** Reads a model from JSON text; {@code source} names it in messages. */
    public static Model parse(String json, String source) {
        return parseFile(json, source).model();
    }

    /** Reads a model and its training record from JSON text; {@code source} names it in messages. */
    public static ModelFile parseFile(String json, String source) {
        try {
            return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), source);
        } catch (IOException e) {
            throw new DataException(source + ": " + e.getMessage());
        }
    }

    /** Reads from bytes (Jackson decodes UTF-8 itself, so a bad byte is reported with its line). */
    private static ModelFile read(InputStream in, String name) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            return new Reader(p, name).file();
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new DataException(name + ": invalid JSON" + where + ": " + DataException.quote(oneLine(e.getOriginalMessage()), 160));
        } catch (java.io.CharConversionException e) {
            throw new DataException(name + ": not UTF-8 text: " + DataException.quote(oneLine(e.getMessage()), 160));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }

    /** A layer as read, before the shapes are checked against its neighbours. */
    private record LayerText(Activation f, List<float[]> rows, float[] bias) { }

    /** An optimizer section as read: per layer, each state name's weight rows and bias. */
    private record OptimizerText(String rule, long step, List<Map<String, List<float[]>>> weights, List<Map<String, float[]>> bias) { }

    /**
     * A recursive-descent reader over the token stream: one method per part of the format, each
     * leaving the parser on the last token of its value. Messages name the place as a path
     * ("layers[1].weights[0][3]").
     */
    private static final class Reader {
        private final JsonParser p;
        private final String file;
        private final Decimals decimals = new Decimals();
        // what the top level held; absent fields stay null
        private String format, lossName;
        private List<String> classes;
        private Scaler scaler;
        private CategoricalEncoding categorical;
        private Double l2;
        private Integer stopped, best;
        private List<LayerText> layers;
        private OptimizerText optimizer;
        private CheckpointText checkpoint;
        private Provenance provenance;

        Reader(JsonParser p, String file) {
            this.p = p;
            this.file = file;
        }

        private DataException error(String what) {
            return new DataException(file + ": " + what);
        }

        /** The current token's text for a message, at most ~80 characters. */
        private String shown() throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_OBJECT) return "an object";
            if (t == JsonToken.START_ARRAY) return "an array";
            if (t == JsonToken.VALUE_STRING) return "\"" + DataException.quote(p.getText(), 80) + "\"";
            return DataException.quote(p.getText(), 80);
        }

        private JsonToken next() throws IOException {
            JsonToken t = p.nextToken();
            if (t == null) throw new com.fasterxml.jackson.core.JsonParseException(p, "the file ends inside the model object");
            return t;
        }

        ModelFile file() throws IOException {
            JsonToken t = p.nextToken();
            if (t == null) throw new com.fasterxml.jackson.core.JsonParseException(p, "the file is empty");
            if (t != JsonToken.START_OBJECT) throw error("the top level must be a JSON object, got " + shown());
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (next() == JsonToken.VALUE_NULL) continue;        // an optional field given as null is absent
                switch (key) {
                    case "format" -> format = string("format");
                    case "version" -> version();
                    case "loss" -> lossName = string("loss");
                    case "classes" -> classes = strings("classes");
                    case "scaling" -> scaling();
                    case "categorical" -> categorical = categorical();
                    case "training" -> training();
                    case "layers" -> layers = layers("layers");
                    case "optimizer" -> optimizer = optimizer("optimizer");
                    case "checkpoint" -> checkpoint = checkpoint();
                    case "provenance" -> provenance = provenance();
                    default -> p.skipChildren();                    // fields of a later minor addition are ignored
                }
            }
            if (p.nextToken() != null) throw new com.fasterxml.jackson.core.JsonParseException(p, "text after the end of the model object");
            return build();
        }

        private void version() throws IOException {
            long v = whole("version", 1, Long.MAX_VALUE);
            if (v > VERSION) throw error("model format version " + v + " is newer than this program's " + VERSION);
        }

        private void training() throws IOException {
            expectObject("training");
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                next();
                switch (key) {
                    case "l2" -> {
                        double v = doubleValue("training.l2");
                        if (v < 0) throw error("training.l2 must be >= 0, got " + shown());
                        l2 = v;
                    }
                    case "stopped_epoch" -> stopped = (int) whole("training.stopped_epoch", 0, MAX_EPOCHS);
                    case "best_epoch" -> best = (int) whole("training.best_epoch", 0, MAX_EPOCHS);
                    default -> p.skipChildren();
                }
            }
        }

        private void scaling() throws IOException {
            expectObject("scaling");
            String method = null;
            float[] shift = null, divide = null;
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                next();
                switch (key) {
                    case "method" -> method = string("scaling.method");
                    case "shift" -> shift = floats("scaling.shift");
                    case "divide" -> divide = floats("scaling.divide");
                    default -> p.skipChildren();
                }
            }
            if (method == null) throw error("\"scaling.method\" must be a string (missing)");
            if (method.equals("none")) {
                scaler = Scaler.NONE;
                return;
            }
            if (shift == null) throw error("\"scaling.shift\" must be an array (missing)");
            if (divide == null) throw error("\"scaling.divide\" must be an array (missing)");
            try {
                scaler = new Scaler(method, shift, divide);
            } catch (IllegalArgumentException e) {
                throw error("scaling: " + e.getMessage());
            }
        }

        /** The optional "provenance" section (see {@link Provenance}). */
        private Provenance provenance() throws IOException {
            expectObject("provenance");
            String writtenBy = null;
            List<String> command = List.of();
            long seed = 0;
            List<Provenance.DataFile> files = new ArrayList<>();
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                next();
                switch (key) {
                    case "written_by" -> writtenBy = string("provenance.written_by");
                    case "command" -> command = strings("provenance.command");
                    case "seed" -> seed = longValue("provenance.seed");
                    case "data" -> {
                        expectArray("provenance.data");
                        for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                            String at = "provenance.data[" + i + "]";
                            expectObject(at);
                            String file = null, sha = null;
                            while (next() == JsonToken.FIELD_NAME) {
                                String k = p.currentName();
                                next();
                                switch (k) {
                                    case "file" -> file = string(at + ".file");
                                    case "sha256" -> sha = string(at + ".sha256");
                                    default -> p.skipChildren();
                                }
                            }
                            try {
                                files.add(new Provenance.DataFile(file, sha));
                            } catch (IllegalArgumentException e) {
                                throw error(at + ": " + DataException.quote(e.getMessage(), 120));
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return new Provenance(writtenBy == null ? "unknown" : writtenBy, command, seed, files);
        }

        /** The optional "categorical" field: [{"column": name, "categories": [...]}, ...]. */
        private CategoricalEncoding categorical() throws IOException {
            expectArray("categorical");
            List<CategoricalEncoding.Column> columns = new ArrayList<>();
            for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                String at = "categorical[" + i + "]";
                expectObject(at);
                String column = null;
                List<String> categories = null;
                while (next() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    next();
                    switch (key) {
                        case "column" -> column = nameOrNumber(at + ".column");
                        case "categories" -> categories = strings(at + ".categories");
                        default -> p.skipChildren();
                    }
                }
                if (column == null) throw error("\"" + at + ".column\" must be a string (missing)");
                if (categories == null) throw error("\"" + at + ".categories\" must be an array (missing)");
                if (categories.isEmpty()) throw error(at + ".categories is empty");
                try {
                    columns.add(new CategoricalEncoding.Column(column, categories));
                } catch (IllegalArgumentException e) {
                    throw error(at + ": " + e.getMessage());
                }
            }
            try {
                return new CategoricalEncoding(columns);
            } catch (IllegalArgumentException e) {
                throw error("categorical: " + e.getMessage());
            }
        }

        private List<LayerText> layers(String at) throws IOException {
            expectArray(at);
            List<LayerText> out = new ArrayList<>();
            for (int l = 0; next() != JsonToken.END_ARRAY; l++) {
                String here = at + "[" + l + "]";
                expectObject(here);
                Activation f = null;
                List<float[]> rows = null;
                float[] bias = null;
                while (next() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    next();
                    switch (key) {
                        case "activation" -> {
                            String id = string(here + ".activation");
                            try {
                                f = Activation.of(id);
                            } catch (IllegalArgumentException e) {
                                throw error(here + ".activation: " + DataException.quote(e.getMessage(), 200));
                            }
                        }
                        case "weights" -> rows = rows(here + ".weights");
                        case "bias" -> bias = floats(here + ".bias");
                        default -> p.skipChildren();
                    }
                }
                if (f == null) throw error("\"" + here + ".activation\" must be a string (missing)");
                if (rows == null) throw error("\"" + here + ".weights\" must be an array (missing)");
                if (bias == null) throw error("\"" + here + ".bias\" must be an array (missing)");
                out.add(new LayerText(f, rows, bias));
            }
            return out;
        }

        /** Rows of equal length, each straight into a float array. */
        private List<float[]> rows(String at) throws IOException {
            expectArray(at);
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                float[] row = i == 0 ? floats(at + "[0]") : floats(at + "[" + i + "]", rows.get(0).length);
                if (i == 0 && row.length == 0) throw error(at + "[0] is empty");
                if (i > 0 && row.length != rows.get(0).length) {
                    throw error(at + "[" + i + "] has " + row.length + " numbers, but " + lastName(at) + "[0] has " + rows.get(0).length);
                }
                rows.add(row);
            }
            if (rows.isEmpty()) throw error(at + " is empty");
            return rows;
        }

        private static String lastName(String at) {
            return at.substring(at.lastIndexOf('.') + 1);
        }

        private OptimizerText optimizer(String at) throws IOException {
            expectObject(at);
            String rule = null;
            Long step = null;
            List<Map<String, List<float[]>>> weights = null;
            List<Map<String, float[]>> bias = null;
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                next();
                switch (key) {
                    case "name" -> rule = string(at + ".name");
                    case "step" -> step = whole(at + ".step", 0, MAX_STEPS);
                    case "state" -> {
                        expectArray(at + ".state");
                        weights = new ArrayList<>();
                        bias = new ArrayList<>();
                        for (int l = 0; next() != JsonToken.END_ARRAY; l++) {
                            String here = at + ".state[" + l + "]";
                            expectObject(here);
                            Map<String, List<float[]>> w = null;
                            Map<String, float[]> b = null;
                            while (next() == JsonToken.FIELD_NAME) {
                                String part = p.currentName();
                                next();
                                switch (part) {
                                    case "weights" -> w = named(here + ".weights", true).w;
                                    case "bias" -> b = named(here + ".bias", false).b;
                                    default -> p.skipChildren();
                                }
                            }
                            if (w == null) throw error(here + ".weights must be a JSON object (missing)");
                            if (b == null) throw error(here + ".bias must be a JSON object (missing)");
                            weights.add(w);
                            bias.add(b);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (rule == null) throw error("\"" + at + ".name\" must be a string (missing)");
            if (step == null) throw error(at + ".step must be a whole number from 0 to " + MAX_STEPS + " (missing)");
            if (weights == null) throw error("\"" + at + ".state\" must be an array (missing)");
            return new OptimizerText(rule, step, weights, bias);
        }

        private record Named(Map<String, List<float[]>> w, Map<String, float[]> b) { }

        /** {name: rows} (weights) or {name: numbers} (bias); a sum of squares must not be negative. */
        private Named named(String at, boolean rows) throws IOException {
            expectObject(at);
            Map<String, List<float[]>> w = new LinkedHashMap<>();
            Map<String, float[]> b = new LinkedHashMap<>();
            while (next() == JsonToken.FIELD_NAME) {
                String name = p.currentName(), here = at + "." + name;
                next();
                if (rows) w.put(name, rows(here));
                else b.put(name, floats(here));
                if (SQUARES.contains(name)) {
                    for (float[] v : rows ? w.get(name) : List.of(b.get(name))) {
                        for (float x : v) {
                            if (x < 0) throw error(here + " holds " + x + ", but " + name + " is a mean or sum of squares (>= 0)");
                        }
                    }
                }
            }
            return new Named(w, b);
        }

        /** The part of a checkpoint section that is not yet checked against the network. */
        private record CheckpointText(long seed, int firstEpoch, int lastEpoch, int epoch, int nextSample, long shuffles,
                                      long dropoutDraws, int samples, long hash, double costSum, int correct, int steps,
                                      double firstEpochCost, double[] schedule, Double bestCost, Integer bestEpoch,
                                      List<LayerText> bestLayers, OptimizerText bestOptimizer, List<String> command, String directory) { }

        private CheckpointText checkpoint() throws IOException {
            String at = "checkpoint";
            expectObject(at);
            Map<String, Object> v = new LinkedHashMap<>();
            while (next() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                next();
                switch (key) {
                    case "seed" -> v.put(key, longValue(at + ".seed"));
                    case "first_epoch", "last_epoch", "epoch" -> v.put(key, (int) whole(at + "." + key, key.equals("first_epoch") ? 1 : 0, MAX_EPOCHS));
                    case "next_sample" -> v.put(key, (int) whole(at + ".next_sample", 0, Integer.MAX_VALUE));
                    case "random", "data", "epoch_so_far", "best" -> {
                        expectObject(at + "." + key);
                        while (next() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName(), here = at + "." + key + "." + inner;
                            next();
                            switch (key + "." + inner) {
                                case "random.shuffles", "random.dropout_draws" -> v.put(key + "." + inner, whole(here, 0, Long.MAX_VALUE));
                                case "data.samples" -> v.put("data.samples", (int) whole(here, 1, Integer.MAX_VALUE));
                                case "data.hash" -> {
                                    String h = string(here);
                                    if (!h.matches("[0-9a-f]{16}")) throw error(here + " must be 16 hex digits, got \"" + DataException.quote(h, 80) + "\"");
                                    v.put("data.hash", Long.parseUnsignedLong(h, 16));
                                }
                                case "epoch_so_far.cost_sum", "best.cost" -> v.put(key + "." + inner, doubleValue(here));
                                case "epoch_so_far.correct", "epoch_so_far.steps" -> v.put(key + "." + inner, (int) whole(here, 0, Integer.MAX_VALUE));
                                case "best.epoch" -> v.put("best.epoch", (int) whole(here, 1, MAX_EPOCHS));
                                case "best.layers" -> v.put("best.layers", layers(here));
                                case "best.optimizer" -> v.put("best.optimizer", optimizer(here));
                                default -> p.skipChildren();
                            }
                        }
                    }
                    case "first_epoch_cost" -> v.put(key, doubleValue(at + "." + key));
                    case "command" -> v.put(key, strings(at + ".command"));
                    case "directory" -> v.put(key, string(at + ".directory"));
                    case "schedule" -> {
                        expectArray(at + ".schedule");
                        List<Double> s = new ArrayList<>();
                        for (int i = 0; next() != JsonToken.END_ARRAY; i++) {
                            if (i >= 16) throw error(at + ".schedule has more than 16 numbers");
                            s.add(doubleValue(at + ".schedule[" + i + "]"));
                        }
                        v.put(key, s.stream().mapToDouble(Double::doubleValue).toArray());
                    }
                    default -> p.skipChildren();
                }
            }
            for (String key : List.of("seed", "first_epoch", "last_epoch", "epoch", "next_sample", "random.shuffles", "random.dropout_draws",
                    "data.samples", "data.hash", "epoch_so_far.cost_sum", "epoch_so_far.correct", "epoch_so_far.steps", "first_epoch_cost", "schedule")) {
                if (!v.containsKey(key)) throw error(at + "." + key + " is missing");
            }
            boolean hasBest = v.containsKey("best.cost") || v.containsKey("best.epoch") || v.containsKey("best.layers") || v.containsKey("best.optimizer");
            if (hasBest) {
                for (String key : List.of("best.cost", "best.epoch", "best.layers", "best.optimizer")) {
                    if (!v.containsKey(key)) throw error(at + "." + key + " is missing");
                }
            }
            @SuppressWarnings("unchecked") List<LayerText> bestLayers = (List<LayerText>) v.get("best.layers");
            @SuppressWarnings("unchecked") List<String> command = (List<String>) v.get("command");
            return new CheckpointText((Long) v.get("seed"), (Integer) v.get("first_epoch"), (Integer) v.get("last_epoch"),
                    (Integer) v.get("epoch"), (Integer) v.get("next_sample"), (Long) v.get("random.shuffles"),
                    (Long) v.get("random.dropout_draws"), (Integer) v.get("data.samples"), (Long) v.get("data.hash"),
                    (Double) v.get("epoch_so_far.cost_sum"), (Integer) v.get("epoch_so_far.correct"), (Integer) v.get("epoch_so_far.steps"),
                    (Double) v.get("first_epoch_cost"), (double[]) v.get("schedule"), (Double) v.get("best.cost"),
                    (Integer) v.get("best.epoch"), bestLayers, (OptimizerText) v.get("best.optimizer"), command, (String) v.get("directory"));
        }

        // ------------------------------------------------ assembling and checking the whole

        private ModelFile build() {
            if (format != null && !format.equals(FORMAT)) {
                throw error("\"format\" is \"" + DataException.quote(format, 80) + "\", expected \"" + FORMAT + "\"");
            }
            if (layers == null) throw error("\"layers\" must be an array (missing)");
            Network net = network(layers, "layers");
            Activation out = net.layer(net.layers().size() - 1).activation();
            Loss loss = out == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.MSE;
            if (lossName != null) {
                try {
                    loss = Loss.of(lossName);
                } catch (IllegalArgumentException e) {
                    throw error("loss: " + DataException.quote(e.getMessage(), 200));
                }
            }
            Model model;
            try {
                model = new Model(net, loss, classes == null ? List.of() : classes, scaler == null ? Scaler.NONE : scaler,
                        l2 == null ? 0 : l2, categorical);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            int stoppedEpoch = stopped == null ? 0 : stopped, bestEpoch = best == null ? stoppedEpoch : best;
            OptimizerState state = optimizer == null ? null : optimizerState(optimizer, net, "optimizer");
            TrainingRecord record;
            try {
                record = new TrainingRecord(stoppedEpoch, bestEpoch, state);
            } catch (IllegalArgumentException e) {
                throw error("training: " + e.getMessage());
            }
            Checkpoint c = checkpoint == null ? null : checkpoint(checkpoint, net, state);
            return new ModelFile(model, record, c, provenance);
        }

        private Checkpoint checkpoint(CheckpointText t, Network net, OptimizerState state) {
            if (state == null) throw error("a checkpoint needs the \"optimizer\" section (its state and step count)");
            Checkpoint.Best bestSoFar = null;
            try {
                if (t.bestLayers() != null) {
                    Network bestNet = network(t.bestLayers(), "checkpoint.best.layers");
                    if (!Arrays.equals(bestNet.sizes(), net.sizes())) {
                        throw error("checkpoint.best.layers has the sizes " + Arrays.toString(bestNet.sizes()) + ", the network "
                                + Arrays.toString(net.sizes()));
                    }
                    bestSoFar = new Checkpoint.Best(t.bestCost(), t.bestEpoch(), bestNet,
                            optimizerState(t.bestOptimizer(), bestNet, "checkpoint.best.optimizer"));
                }
                return new Checkpoint(net, state, t.seed(), t.firstEpoch(), t.lastEpoch(), t.epoch(), t.nextSample(), t.shuffles(),
                        t.dropoutDraws(), t.samples(), t.hash(), t.costSum(), t.correct(), t.steps(), t.firstEpochCost(),
                        t.schedule(), bestSoFar, t.command(), t.directory());
            } catch (IllegalArgumentException e) {
                throw error("checkpoint: " + e.getMessage());
            }
        }

        /** Layers whose shapes chain, as a network. */
        private Network network(List<LayerText> texts, String at) {
            if (texts.isEmpty()) throw error("\"" + at + "\" is empty");
            List<Dense> out = new ArrayList<>();
            for (int l = 0; l < texts.size(); l++) {
                LayerText t = texts.get(l);
                String here = at + "[" + l + "]";
                int rows = t.rows().size(), cols = t.rows().get(0).length;
                if (t.bias().length != rows) {
                    throw error(here + ".bias has " + t.bias().length + " numbers, but weights has " + rows + " rows");
                }
                if (l > 0 && cols != out.get(l - 1).outputs()) {
                    throw error(here + " takes " + cols + " inputs (weights have " + cols + " columns), but " + at + "[" + (l - 1)
                            + "] has " + out.get(l - 1).outputs() + " outputs");
                }
                Matrix w = new Matrix(rows, cols);   // rows × cols numbers were in the file: the size is bounded by it
                for (int i = 0; i < rows; i++) System.arraycopy(t.rows().get(i), 0, w.data, i * cols, cols);
                out.add(new Dense(w, t.bias(), t.f()));
            }
            try {
                return new Network(out);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        private OptimizerState optimizerState(OptimizerText o, Network net, String at) {
            if (o.weights().size() != net.layers().size()) {
                throw error(at + ".state has " + o.weights().size() + " layers, the network " + net.layers().size());
            }
            List<String> names = null;
            float[][][] w = new float[net.layers().size()][][], b = new float[net.layers().size()][][];
            for (int l = 0; l < w.length; l++) {
                String here = at + ".state[" + l + "]";
                Dense d = net.layer(l);
                Map<String, List<float[]>> weights = o.weights().get(l);
                Map<String, float[]> bias = o.bias().get(l);
                if (names == null) names = List.copyOf(weights.keySet());
                if (!weights.keySet().equals(Set.copyOf(names)) || !bias.keySet().equals(Set.copyOf(names))) {
                    throw error(here + " must hold the arrays " + names + " for both weights and bias");
                }
                w[l] = new float[names.size()][];
                b[l] = new float[names.size()][];
                for (int k = 0; k < names.size(); k++) {
                    String name = names.get(k), where = here + ".weights." + name;
                    List<float[]> rows = weights.get(name);
                    if (rows.size() != d.outputs()) {
                        throw error(where + " has " + rows.size() + " rows, the layer's weights " + d.outputs());
                    }
                    if (rows.get(0).length != d.inputs()) {
                        throw error(where + "[0] has " + rows.get(0).length + " numbers, the layer takes " + d.inputs());
                    }
                    w[l][k] = new float[d.outputs() * d.inputs()];
                    for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, w[l][k], i * d.inputs(), d.inputs());
                    b[l][k] = bias.get(name);
                    if (b[l][k].length != d.outputs()) {
                        throw error(here + ".bias." + name + " has " + b[l][k].length + " numbers, the layer has " + d.outputs() + " outputs");
                    }
                }
            }
            try {
                return new OptimizerState(o.rule(), o.step(), names == null ? List.of() : names, w, b);
            } catch (IllegalArgumentException e) {
                throw error(at + ": " + e.getMessage());
            }
        }

        // ------------------------------------------------ values

        private void expectObject(String at) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) throw error(at + " must be a JSON object, got " + shown());
        }

        private void expectArray(String at) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) throw error("\"" + at + "\" must be an array, got " + shown());
        }

        private String string(String at) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) throw error("\"" + at + "\" must be a string, got " + shown());
            return p.getText();
        }

        /** A string, or a number taken as its literal text (class and category names may be written as numbers). */
        private String nameOrNumber(String at) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getText();
            return string(at);
        }

        private List<String> strings(String at) throws IOException {
            expectArray(at);
            List<String> out = new ArrayList<>();
            for (int i = 0; next() != JsonToken.END_ARRAY; i++) out.add(nameOrNumber(at + "[" + i + "]"));
            return out;
        }

        /** A whole number in [min, max], from the literal text: "2.5", "1e3" and 2^32 + 1 are refused, not rounded or wrapped. */
        private long whole(String at, long min, long max) throws IOException {
            boolean ok = p.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG);
            if (ok) {
                long v = p.getLongValue();
                if (v >= min && v <= max) return v;
            }
            String range = max == Long.MAX_VALUE ? (min == Long.MIN_VALUE ? "" : " >= " + min) : " from " + min + " to " + max;
            throw error(at + " must be a whole number" + range + ", got " + shown());
        }

        private long longValue(String at) throws IOException {
            return whole(at, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /**
         * Element {@code index} of the array at {@code at}, a float32 from the literal text: by {@link Decimals}
         * from the parser's characters (no String per number), else by Float.parseFloat; both round the
         * decimal exactly, with no detour through double. The place is spelt out only for a message.
         */
        private float number(String at, int index) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw error(at + "[" + index + "] must be a number, got " + shown());
            }
            float f = decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (!Float.isNaN(f)) return f;
            f = Float.parseFloat(p.getText());
            if (!Float.isFinite(f)) throw error(at + "[" + index + "]: " + shown() + " is outside the float32 range");
            return f;
        }

        /** A double setting (lambda, a cost) from the literal text; NaN and the infinities as the strings Java writes. */
        private double doubleValue(String at) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING && Set.of("NaN", "Infinity", "-Infinity").contains(p.getText())) return Double.parseDouble(p.getText());
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) throw error(at + " must be a number, got " + shown());
            double v = Double.parseDouble(p.getText());
            if (!Double.isFinite(v)) throw error(at + ": " + shown() + " is outside the double range");
            return v;
        }

        /** Numbers straight into a float array (grown by doubling, trimmed once). */
        private float[] floats(String at) throws IOException {
            return floats(at, 16);
        }

        /** {@link #floats(String)}, starting with room for {@code expected} numbers (a matrix's rows are all as long as its first). */
        private float[] floats(String at, int expected) throws IOException {
            expectArray(at);
            float[] out = new float[Math.max(expected, 16)];
            int n = 0;
            for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n] = number(at, n);
                n++;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
    }
}
