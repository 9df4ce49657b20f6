package org.backprop4j.cli.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /predict} turned into input rows: JSON {@code {"rows": [[x1, x2, ...], ...]}}
 * or CSV (one row per line, an optional header line). Every refusal is a {@link BadRequest} naming
 * the field at fault ({@code rows[2][3]}, {@code line 4}); numbers are read as the CSV reader reads
 * them ({@link Float#parseFloat}), so a row gives the same float inputs as it would in a file for
 * {@code nn predict}.
 */
final class Rows {
    private static final JsonFactory JSON = new JsonFactory();

    private Rows() {
    }

    /** A request the server refuses: its HTTP status, the field at fault and a one-line message. */
    static final class BadRequest extends Exception {
        final int status;
        final String field;

        BadRequest(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    /** The rows of a JSON body: each exactly {@code width} finite numbers, at most {@code maxRows} rows. */
    static float[][] json(byte[] body, int width, int maxRows) throws BadRequest {
        List<float[]> rows = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new BadRequest(400, "body", "expected a JSON object {\"rows\": [[...], ...]}");
            boolean seen = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("rows")) {
                    throw new BadRequest(400, name, "unknown field '" + name + "' (the body is {\"rows\": [[...], ...]})");
                }
                seen = true;
                if (value != JsonToken.START_ARRAY) throw new BadRequest(400, "rows", "rows must be an array of rows");
                for (JsonToken r = p.nextToken(); r != JsonToken.END_ARRAY; r = p.nextToken()) {
                    int i = rows.size();
                    if (i == maxRows) throw new BadRequest(413, "rows", "more than " + maxRows + " rows in one request (--max-rows)");
                    if (r != JsonToken.START_ARRAY) throw new BadRequest(400, "rows[" + i + "]", "rows[" + i + "] must be an array of " + width + " numbers");
                    float[] row = new float[width];
                    int j = 0;
                    for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
                        String field = "rows[" + i + "][" + j + "]";
                        if (c != JsonToken.VALUE_NUMBER_INT && c != JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new BadRequest(400, field, field + " is not a number: " + describe(p, c));
                        }
                        if (j == width) throw new BadRequest(400, "rows[" + i + "]", "rows[" + i + "] has more than the model's " + width + " inputs");
                        row[j++] = number(p.getText(), field);
                    }
                    if (j != width) throw new BadRequest(400, "rows[" + i + "]", "rows[" + i + "] has " + j + " numbers, the model takes " + width);
                    rows.add(row);
                }
            }
            if (p.nextToken() != null) throw new BadRequest(400, "body", "text after the JSON object");
            if (!seen) throw new BadRequest(400, "rows", "no field 'rows' (the body is {\"rows\": [[...], ...]})");
        } catch (JsonParseException e) {
            throw new BadRequest(400, "body", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new BadRequest(400, "body", "unreadable JSON: " + e.getMessage());
        }
        if (rows.isEmpty()) throw new BadRequest(400, "rows", "rows is empty: send at least one row");
        return rows.toArray(float[][]::new);
    }

    /** The rows of a CSV body: comma-separated numbers, one row per line; a first line that is not numbers is a header. */
    static float[][] csv(byte[] body, int width, int maxRows) throws BadRequest {
        List<float[]> rows = new ArrayList<>();
        String[] lines = new String(body, StandardCharsets.UTF_8).lines().toArray(String[]::new);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) continue;
            String[] cells = line.split(",", -1);
            if (n == 0 && !isNumber(cells[0].strip())) continue;          // a header
            String field = "line " + (n + 1);
            if (rows.size() == maxRows) throw new BadRequest(413, "rows", "more than " + maxRows + " rows in one request (--max-rows)");
            if (cells.length != width) throw new BadRequest(400, field, field + " has " + cells.length + " values, the model takes " + width);
            float[] row = new float[width];
            for (int j = 0; j < width; j++) row[j] = number(cells[j].strip(), field + ", column " + (j + 1));
            rows.add(row);
        }
        if (rows.isEmpty()) throw new BadRequest(400, "body", "no rows in the CSV body");
        return rows.toArray(float[][]::new);
    }

    private static float number(String text, String field) throws BadRequest {
        float v;
        try {
            v = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, field, field + " is not a number: '" + shorten(text) + "'");
        }
        if (!Float.isFinite(v)) throw new BadRequest(400, field, field + " is not a finite float: " + shorten(text));
        return v;
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> "\"" + shorten(p.getText()) + "\"";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> p.getText();
        };
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
