package org.backprop4j.cli;

import org.backprop4j.io.ModelJson;
import org.backprop4j.nn.Model;
import org.backprop4j.onnx.OnnxExport;
import org.backprop4j.options.Checks;
import org.backprop4j.options.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nn export}: writes a model file in another format (ONNX). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exports a model to ONNX (opset 17): input 'input' (N x inputs, float32), output 'output'. The graph applies "
                + "the model's input scaling, then each layer's Gemm and activation; class names, the loss and any categorical "
                + "encoding go into its metadata. Categorical columns must be given one-hot encoded, as the model sees them.",
                "Written atomically: an existing --out file is replaced whole or not at all."})
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", order = 1, description = "The model file.")
    Path model;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "onnx", order = 2, description = "The format to write. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", order = 3, description = "Where to write the exported model.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!format.equalsIgnoreCase("onnx")) throw new UserException("--format: unknown export format '" + format + "' (known: onnx)");
        Checks.noClobbering(spec);
        Model m = ModelJson.read(model);
        Checks.parse("--model " + model, () -> OnnxExport.toProto(m)); // an activation ONNX lacks is reported before writing
        OnnxExport.write(m, out);
        spec.commandLine().getErr().println("exported " + model + " to " + out + " (ONNX opset " + OnnxExport.OPSET + ")");
        return 0;
    }
}
