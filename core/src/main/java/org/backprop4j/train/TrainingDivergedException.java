package org.backprop4j.train;

/** Thrown when the cost becomes NaN or infinite: the weights are no longer meaningful. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
