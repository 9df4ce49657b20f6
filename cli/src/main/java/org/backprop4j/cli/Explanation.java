package org.backprop4j.cli;

import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Loss;
import org.backprop4j.reference.GradientCheck;
import org.backprop4j.reference.OneStep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One step of gradient descent ({@link OneStep}) written out equation by equation in SPEC's order
 * and names, as a list of {@link Block}s: the text, the Markdown and the page of {@code nn explain}
 * all print these same blocks, so what the page shows is the text output, character for character.
 *
 * <p>SPEC's layer numbers are 1-based (layer 1 is the input); {@link OneStep}'s arrays are 0-based:
 * {@code W[l]} is W^(l+1), {@code z[l]} is z^(l) (index 0 unused).
 */
final class Explanation {
    /** Where a block belongs on the page: the button that reveals it. */
    enum Stage {
        START("Start"), FORWARD("Forward E1–E2"), COST("Cost E3–E4"), OUTPUT_DELTA("E6"), HIDDEN_DELTA("E7"),
        GRADIENTS("E8–E9"), SUM("E10"), UPDATE("E11–E12");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /**
     * One equation with its values, or (equation empty, no values) a heading.
     *
     * @param stage    the page's stage that shows it
     * @param layer    the SPEC layer (1-based) whose units or weights it is about, 0 for none
     * @param equation "E1" … "E12", or "" for a heading
     * @param formula  the formula (or the heading)
     * @param values   the values, one line each, already rounded ("= [ 0.1  0.2 ]", "a − y = …")
     */
    record Block(Stage stage, int layer, String equation, String formula, List<String> values) {
        boolean isHeading() {
            return equation.isEmpty();
        }

        /** The block as plain text: the equation number in a column of 4, the values under the formula. */
        String text() {
            StringBuilder s = new StringBuilder();
            s.append(isHeading() ? formula : String.format("%-4s%s", equation, formula));
            for (String v : values) s.append("\n    ").append(v);
            return s.toString();
        }
    }

    final OneStep step;
    final String description;
    final int digits;
    final List<Block> blocks = new ArrayList<>();

    /** The blocks of {@code step}, values rounded to {@code digits} significant digits; description: where the network and data came from. */
    Explanation(OneStep step, String description, int digits) {
        this.step = step;
        this.description = description;
        this.digits = digits;
        build();
    }

    /** The header lines (what was stepped, on what): printed before the blocks. */
    List<String> header() {
        int L = step.layers();
        StringBuilder f = new StringBuilder();
        for (int l = 0; l < L; l++) f.append(l == 0 ? "" : ", ").append(step.f()[l]).append(" (layer ").append(l + 2).append(')');
        return List.of("One step of gradient descent, SPEC E1–E12, computed by the reference engine (ReferenceBackprop) in double",
                description,
                "network " + sizes() + ", f = " + f + ", loss " + step.loss() + ", K = " + step.K() + " sample" + (step.K() == 1 ? "" : "s")
                        + ", α = " + num(step.alpha()) + ", λ = " + num(step.lambda()),
                "values rounded to " + digits + " significant digits; layer 1 is the input, W^(l) maps layer l to layer l+1");
    }

    String sizes() {
        StringBuilder s = new StringBuilder().append(step.W()[0][0].length);
        for (double[][] Wl : step.W()) s.append('-').append(Wl.length);
        return s.toString();
    }

    /** The whole explanation as plain text. */
    String text() {
        StringBuilder s = new StringBuilder();
        for (String h : header()) s.append(h).append('\n');
        for (Block b : blocks) s.append(b.isHeading() ? "\n" : "").append(b.text()).append('\n');
        return s.toString();
    }

    /** The whole explanation as Markdown: headings as such, each equation's values in a code block. */
    String markdown() {
        StringBuilder s = new StringBuilder("# One step of backpropagation\n\n");
        for (String h : header()) s.append(h).append("  \n");
        for (Block b : blocks) {
            if (b.isHeading()) {
                s.append("\n## ").append(b.formula()).append("\n");
                continue;
            }
            s.append("\n**").append(b.equation()).append("** `").append(b.formula()).append("`\n\n```\n");
            for (String v : b.values()) s.append(v).append('\n');
            s.append("```\n");
        }
        return s.toString();
    }

    private void build() {
        int K = step.K(), L = step.layers(), n = L + 1;
        Loss loss = step.loss();
        Activation out = step.f()[L - 1];

        heading(Stage.START, "Before the step: the parameters and the K = " + K + " sample" + (K == 1 ? "" : "s"));
        for (int l = 0; l < L; l++) {
            block(Stage.START, l + 1, "", "W^(" + (l + 1) + ")  (" + step.W()[l].length + "×" + step.W()[l][0].length
                    + ", W_ij from unit j of layer " + (l + 1) + " to unit i of layer " + (l + 2) + ")", matrix(step.W()[l]));
            block(Stage.START, l + 1, "", "b^(" + (l + 1) + ")", List.of(vector(step.b()[l])));
        }
        for (int k = 0; k < K; k++) {
            named(Stage.START, 1, "", "sample k = " + (k + 1) + ": the input x^(" + (k + 1) + ") (= a^(1)) and the target y^(" + (k + 1) + ")",
                    List.of("x = " + vector(step.x()[k]) + "   y = " + vector(step.y()[k])));
        }

        for (int k = 0; k < K; k++) {
            String sample = sampleTag(k);
            heading(Stage.FORWARD, "Forward pass (E1, E2, E3), sample k = " + (k + 1));
            double[][] z = step.passes().get(k).z(), a = step.passes().get(k).a();
            for (int l = 1; l <= L; l++) {
                block(Stage.FORWARD, l + 1, "E1", "z^(" + (l + 1) + ") = W^(" + l + ") a^(" + l + ") + b^(" + l + ")" + sample,
                        List.of(vector(z[l])));
                block(Stage.FORWARD, l + 1, "E2", "a^(" + (l + 1) + ") = f(z^(" + (l + 1) + "))" + (l == L ? " = h_W,b(x)" : "")
                        + ",  f = " + step.f()[l - 1] + ": " + forwardFormula(step.f()[l - 1]) + sample, List.of(vector(a[l])));
            }
            block(Stage.COST, n, "E3", costFormula(loss, out, n) + sample, List.of(num(step.sampleCost()[k])));
        }

        heading(Stage.COST, "Cost over the batch (E4)");
        StringBuilder terms = new StringBuilder();
        for (int k = 0; k < K; k++) terms.append(k == 0 ? "" : " + ").append(num(step.sampleCost()[k]));
        named(Stage.COST, 0, "E4", "J(W,b) = (1/K) Σ_k J(W,b; x^(k),y^(k)) + (λ/2) Σ_l Σ_i Σ_j (W_ij^(l))²",
                List.of("= (1/" + K + ") (" + terms + ") + (" + num(step.lambda()) + "/2) × " + num(step.squaredWeights()),
                        "= " + num(step.dataTerm()) + " (data term) + " + num(step.l2Term()) + " (L2 term)",
                        "= " + num(step.cost())));

        for (int k = 0; k < K; k++) {
            String sample = sampleTag(k);
            heading(Stage.OUTPUT_DELTA, "Backward pass (E6, E7, E8, E9), sample k = " + (k + 1));
            double[][] z = step.passes().get(k).z(), a = step.passes().get(k).a(), delta = step.deltas().get(k);
            named(Stage.OUTPUT_DELTA, n, "E6", outputDeltaFormula(loss, out, n) + sample,
                    outputDeltaValues(loss, out, z[L], a[L], step.y()[k], delta[L]));
            for (int l = L - 1; l >= 1; l--) {
                Activation f = step.f()[l - 1];
                named(Stage.HIDDEN_DELTA, l + 1, "E7", "δ^(" + (l + 1) + ") = ((W^(" + (l + 1) + "))ᵀ δ^(" + (l + 2) + ")) ⊙ f'(z^("
                                + (l + 1) + ")),  " + derivativeFormula(f) + sample,
                        f == Activation.SOFTMAX ? List.of("δ^(" + (l + 1) + ") = " + vector(delta[l]))
                                : List.of("f'(z^(" + (l + 1) + ")) = " + vector(derivative(f, z[l], a[l])), "δ^(" + (l + 1) + ") = " + vector(delta[l])));
            }
            for (int l = L; l >= 1; l--) {
                block(Stage.GRADIENTS, l, "E8", "∇_W^(" + l + ") J(W,b; x,y) = δ^(" + (l + 1) + ") (a^(" + l + "))ᵀ" + sample,
                        matrix(step.sampleGradients().get(k).dW()[l - 1]));
                block(Stage.GRADIENTS, l, "E9", "∇_b^(" + l + ") J(W,b; x,y) = δ^(" + (l + 1) + ")" + sample,
                        List.of(vector(step.sampleGradients().get(k).db()[l - 1])));
            }
        }

        heading(Stage.SUM, "Sums over the batch (E10): the K = " + K + " per-sample gradients of E8, E9 added");
        for (int l = L; l >= 1; l--) {
            block(Stage.SUM, l, "E10", "ΔW^(" + l + ") = Σ_k δ^(" + (l + 1) + "),k (a^(" + l + "),k)ᵀ", matrix(step.sum().dW()[l - 1]));
            block(Stage.SUM, l, "E10", "Δb^(" + l + ") = Σ_k δ^(" + (l + 1) + "),k", List.of(vector(step.sum().db()[l - 1])));
        }

        heading(Stage.UPDATE, "Update (E11, E12): α = " + num(step.alpha()) + ", λ = " + num(step.lambda()) + ", 1/K = 1/" + K
                + "; beside ∂J/∂W, the central difference (J(p+h) − J(p−h)) / 2h of E4, h = " + format(GradientCheck.H, 1));
        for (int l = 1; l <= L; l++) {
            block(Stage.UPDATE, l, "E11", "∂J/∂W^(" + l + ") = (1/K) ΔW^(" + l + ") + λ W^(" + l + ")   |   central difference",
                    beside(matrix(step.costGradient().dW()[l - 1]), matrix(step.centralDifference().dW()[l - 1])));
            block(Stage.UPDATE, l, "E11", "W^(" + l + ") := W^(" + l + ") − α [ (1/K) ΔW^(" + l + ") + λ W^(" + l + ") ]",
                    matrix(step.newW()[l - 1]));
            block(Stage.UPDATE, l, "E12", "∂J/∂b^(" + l + ") = (1/K) Δb^(" + l + ")   |   central difference",
                    beside(List.of(vector(step.costGradient().db()[l - 1])), List.of(vector(step.centralDifference().db()[l - 1]))));
            block(Stage.UPDATE, l, "E12", "b^(" + l + ") := b^(" + l + ") − α (1/K) Δb^(" + l + ")", List.of(vector(step.newB()[l - 1])));
        }
        heading(Stage.UPDATE, "After the step: J(W,b) of E4 on the same samples = " + num(step.costAfter()) + " (before: " + num(step.cost()) + ")");
    }

    private static String sampleTag(int k) {
        return "   [k = " + (k + 1) + "]";
    }

    private void heading(Stage stage, String text) {
        blocks.add(new Block(stage, 0, "", text, List.of()));
    }

    /** An equation whose values are one quantity: "= " before the first line, aligned continuation lines. */
    private void block(Stage stage, int layer, String equation, String formula, List<String> values) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) lines.add((i == 0 ? "= " : "  ") + values.get(i));
        named(stage, layer, equation, formula, lines);
    }

    /** An equation whose value lines are written out in full (several named quantities, or a chain of equalities). */
    private void named(Stage stage, int layer, String equation, String formula, List<String> lines) {
        blocks.add(new Block(stage, layer, equation.isEmpty() ? "·" : equation, formula, lines));
    }

    static String forwardFormula(Activation f) {
        return switch (f) {
            case SIGMOID -> "f(z) = 1/(1+e^−z)";
            case TANH -> "f(z) = tanh z";
            case RELU -> "f(z) = max(0, z)";
            case IDENTITY -> "f(z) = z";
            case LEAKY_RELU -> "f(z) = z if z > 0 else " + Activation.LEAK + " z";
            case ELU -> "f(z) = z if z > 0 else e^z − 1";
            case SOFTPLUS -> "f(z) = ln(1 + e^z)";
            case GELU -> "f(z) = ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))";
            case SOFTMAX -> "f(z)_i = e^z_i / Σ_j e^z_j";
        };
    }

    static String derivativeFormula(Activation f) {
        return switch (f) {
            case SIGMOID -> "f'(z) = f(z) (1 − f(z))";
            case TANH -> "f'(z) = 1 − f(z)²";
            case RELU -> "f'(z) = 1 if z > 0 else 0";
            case IDENTITY -> "f'(z) = 1";
            case LEAKY_RELU -> "f'(z) = 1 if z > 0 else " + Activation.LEAK;
            case ELU -> "f'(z) = 1 if z > 0 else e^z";
            case SOFTPLUS -> "f'(z) = 1/(1+e^−z)";
            case GELU -> "f'(z) = d/dz of ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))";
            case SOFTMAX -> "softmax: g ⊙ f'(z) is the Jacobian product (a_i (g_i − Σ_j a_j g_j))_i";
        };
    }

    private static String costFormula(Loss loss, Activation out, int n) {
        String a = "a^(" + n + ")";
        if (loss == Loss.MSE) return "J(W,b; x,y) = ½ ‖h_W,b(x) − y‖² = ½ Σ_i (" + a + "_i − y_i)²";
        if (out == Activation.SOFTMAX) return "J(W,b; x,y) = −Σ_i y_i log " + a + "_i   (cross-entropy in place of E3's ½‖h − y‖²)";
        return "J(W,b; x,y) = −Σ_i [y_i log " + a + "_i + (1 − y_i) log(1 − " + a + "_i)]   (cross-entropy in place of E3's ½‖h − y‖²)";
    }

    private static String outputDeltaFormula(Loss loss, Activation out, int n) {
        String a = "a^(" + n + ")", z = "z^(" + n + ")";
        if (loss == Loss.CROSS_ENTROPY) return "δ^(" + n + ") = " + a + " − y   (cross-entropy with a " + out + " output: f' folds into the loss)";
        return "δ^(" + n + ") = (" + a + " − y) ⊙ f'(" + z + "),  " + derivativeFormula(out);
    }

    private List<String> outputDeltaValues(Loss loss, Activation out, double[] z, double[] a, double[] y, double[] delta) {
        if (loss == Loss.CROSS_ENTROPY) return List.of("δ = " + vector(delta));
        double[] diff = new double[a.length];
        for (int i = 0; i < a.length; i++) diff[i] = a[i] - y[i];
        List<String> v = new ArrayList<>(List.of("a − y = " + vector(diff)));
        if (out != Activation.SOFTMAX) v.add("f'(z) = " + vector(derivative(out, z, a)));
        v.add("δ = " + vector(delta));
        return v;
    }

    /** f'(z) of every unit, the factor E6 and E7 multiply by (not for softmax, whose f' is a Jacobian). */
    private static double[] derivative(Activation f, double[] z, double[] a) {
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) d[i] = f.df(z[i], a[i]);
        return d;
    }

    /** Two blocks of lines side by side, separated by "   |   ". */
    private static List<String> beside(List<String> left, List<String> right) {
        int width = left.stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < left.size(); i++) lines.add(String.format("%-" + width + "s   |   %s", left.get(i), right.get(i)));
        return lines;
    }

    /** A row vector: "[ 0.1  -0.25  0.17 ]". */
    String vector(double[] v) {
        return matrix(new double[][] {v}).get(0);
    }

    /** A matrix, one line per row, columns right-aligned. */
    List<String> matrix(double[][] m) {
        int cols = m[0].length;
        String[][] cells = new String[m.length][cols];
        int[] width = new int[cols];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < cols; j++) {
                cells[i][j] = num(m[i][j]);
                width[j] = Math.max(width[j], cells[i][j].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : cells) {
            StringBuilder s = new StringBuilder("[");
            for (int j = 0; j < cols; j++) s.append(j == 0 ? " " : "  ").append(" ".repeat(width[j] - row[j].length())).append(row[j]);
            lines.add(s.append(" ]").toString());
        }
        return lines;
    }

    /** v rounded to the digits asked for, without trailing zeros: plain between 1e-4 and 1e6, else as 1.234e-05. */
    String num(double v) {
        return format(v, digits);
    }

    static String format(double v, int digits) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "−∞";
        if (v == 0) return "0";
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e6) {
            String s = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
            return s.equals("-0") ? "0" : s;
        }
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
    }
}
