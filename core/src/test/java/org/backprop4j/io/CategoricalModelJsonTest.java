package org.backprop4j.io;

import org.backprop4j.data.CategoricalEncoding;
import org.backprop4j.data.DataException;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.nn.Model;
import org.backprop4j.nn.Network;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional "categorical" field of the model file. */
class CategoricalModelJsonTest {
    private static final CategoricalEncoding ENCODING = new CategoricalEncoding(List.of(
            new CategoricalEncoding.Column("colour", List.of("blue", "red")),
            new CategoricalEncoding.Column("3", List.of("1", "2", "10"))));

    @Test
    void roundTrip() {
        Model m = new Model(Network.create(new int[] {6, 2}, Activation.SIGMOID, Activation.SIGMOID, 1), Loss.MSE).withCategorical(ENCODING);
        String json = ModelJson.toJson(m);
        assertTrue(json.contains("\"column\": \"colour\",\n      \"categories\": [\"blue\", \"red\"]"), json);
        Model back = ModelJson.parse(json, "m.json");
        assertEquals(ENCODING, back.categorical());
        assertEquals(json, ModelJson.toJson(back));
    }

    @Test
    void absentMeansNoneAndIsNotWritten() {
        Model m = new Model(Network.create(new int[] {2, 2}, Activation.SIGMOID, Activation.SIGMOID, 1), Loss.MSE);
        assertFalse(ModelJson.toJson(m).contains("categorical"));
        assertTrue(ModelJson.parse(ModelJson.toJson(m), "m.json").categorical().isNone());
    }

    @Test
    void badFieldsNameTheFileAndPlace() {
        String layers = "\"layers\": [{\"activation\": \"sigmoid\", \"weights\": [[1, 2]], \"bias\": [0]}]";
        assertBad("{" + layers + ", \"categorical\": {}}", "categorical");
        assertBad("{" + layers + ", \"categorical\": [{\"column\": \"a\", \"categories\": []}]}", "categorical[0].categories");
        assertBad("{" + layers + ", \"categorical\": [{\"column\": \"a\", \"categories\": [\"x\", \"x\"]}]}", "categorical[0]");
        assertBad("{" + layers + ", \"categorical\": [{\"categories\": [\"x\"]}]}", "categorical[0].column");
    }

    private static void assertBad(String json, String where) {
        DataException e = assertThrows(DataException.class, () -> ModelJson.parse(json, "bad.json"));
        assertTrue(e.getMessage().startsWith("bad.json: ") && e.getMessage().contains(where), e.getMessage());
    }
}
