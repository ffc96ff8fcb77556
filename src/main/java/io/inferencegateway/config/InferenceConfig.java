package io.inferencegateway.config;

/**
 * Limits on inference traffic: the time a request may take end to end, and how many requests may
 * wait for one model before the gateway sheds load with 503.
 */
public record InferenceConfig(long timeoutMs, int maxQueue) {
}
