package dev.metricsstream.gateway.api;

import java.nio.charset.StandardCharsets;

/**
 * One list item pre-rendered as JSON around its request-dependent value (the creation time, which metrics-server
 * sets to the request time): {@code head + '"' + time + '"' + tail} is the item. Rendered once when the data is
 * loaded, so a list request copies bytes instead of formatting 30,000 pods. Treat the arrays as read-only.
 */
public record ListItemJson(byte[] head, byte[] tail) {

    /** The quoted RFC 3339 time that goes between head and tail, once per request. */
    public static byte[] quotedTime(long requestMillis) {
        return ('"' + MetricsJson.rfc3339(requestMillis) + '"').getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes this item adds to a response (for sizing). */
    public int length() {
        return head.length + tail.length + 22;
    }
}
