package dev.metricsstream.collector.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.OpsPortContract;
import dev.metricsstream.common.ops.ServiceMain;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The collector's ops port keeps the ops-port contract the other services' OpsServer keeps (inherited test); what
 * is its own: the Kubernetes {@code Status} for an unknown path or method, and a taken port.
 */
class CollectorOpsServerTest extends OpsPortContract {
    @Override
    protected Port start(PrometheusRegistry registry, Health health) {
        CollectorOpsServer server = CollectorOpsServer.start("127.0.0.1", 0, registry, health);
        return new Port(server.port(), server);
    }

    @Test
    void an_unknown_path_or_method_gets_a_kubernetes_status() throws Exception {
        try (CollectorOpsServer server = CollectorOpsServer.start("127.0.0.1", 0, new PrometheusRegistry(),
                new Health())) {
            HttpResponse<String> missing = send(server.port(), "GET", "/nope", null);
            assertEquals(404, missing.statusCode());
            assertEquals("application/json", missing.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(missing.body().startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\""), missing.body());
            assertTrue(missing.body().contains("\"code\":404"), missing.body());

            HttpResponse<String> post = send(server.port(), "POST", "/metrics", null);
            assertEquals(405, post.statusCode());
            assertTrue(post.body().contains("\"reason\":\"MethodNotAllowed\""), post.body());
        }
    }

    @Test
    void a_taken_port_is_a_start_the_user_can_fix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServiceMain.CannotStart e = assertThrows(ServiceMain.CannotStart.class, () -> CollectorOpsServer.start(
                    "127.0.0.1", taken.getLocalPort(), new PrometheusRegistry(), new Health()));
            assertEquals("port_in_use", e.reason());
        }
    }
}
