package org.backprop4j;

/**
 * A library parameter given a value it cannot take, named as the library names it ({@code epochs},
 * {@code learningRate}, {@code dropout}, …). The message is the parameter's name and the problem;
 * a command line maps the name to its own option (nn's {@code Checks}), so the library never speaks
 * of flags.
 */
public class ParameterException extends IllegalArgumentException {
    private final String parameter;
    private final String problem;

    /** {@code problem}: what is wrong, as it reads after the parameter's name ("must be at least 1, got 0"). */
    public ParameterException(String parameter, String problem) {
        super(parameter + " " + problem);
        this.parameter = parameter;
        this.problem = problem;
    }

    /** The parameter's name in the library: a field of {@code TrainingConfig} or a method's argument. */
    public String parameter() {
        return parameter;
    }

    /** What is wrong with its value. */
    public String problem() {
        return problem;
    }
}
