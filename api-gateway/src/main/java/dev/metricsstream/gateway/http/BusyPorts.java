package dev.metricsstream.gateway.http;

import dev.metricsstream.common.ops.ServiceMain;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ports already in use, said in one line that names the setting to change: the start is refused
 * ({@link ServiceMain.CannotStart}, {@code port_in_use}) instead of failing with Jetty's exception.
 *
 * @param bindAddress where the ports are bound
 * @param ports       setting name → port, in the order to check; a port ≤ 0 (off, or any free port) is not checked
 */
public record BusyPorts(String bindAddress, Map<String, Integer> ports) {

    /** Refuses to start when a port cannot be bound; checked before anything starts, so no Jetty or Kafka noise. */
    public void refuseIfTaken() {
        String busy = firstTaken();
        if (busy != null) {
            throw new ServiceMain.CannotStart("port_in_use", busy);
        }
    }

    /** Starts the server; a port taken between {@link #refuseIfTaken} and the bind is the same one line. */
    public <T> T bindOrRefuse(Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            if (!causedByBind(e)) {
                throw e;
            }
            String busy = firstTaken();
            throw new ServiceMain.CannotStart("port_in_use", busy != null ? busy
                    : String.join(" or ", ports.entrySet().stream().map(p -> p.getKey() + " " + p.getValue()).toList())
                            + " on " + bindAddress + " is already in use");
        }
    }

    private String firstTaken() {
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            if (port.getValue() <= 0) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is not "in use"
                socket.bind(new InetSocketAddress(bindAddress, port.getValue()));
            } catch (IOException e) {
                return port.getKey() + " " + port.getValue() + " on " + bindAddress
                        + " is already in use; stop what uses it or set " + port.getKey() + " to another port";
            }
        }
        return null;
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException || t instanceof JavalinBindException) {
                return true;
            }
        }
        return false;
    }
}
