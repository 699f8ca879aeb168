package dev.metricsstream.gateway;

import dev.metricsstream.gateway.http.CoreApiSlice;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

/** A started gateway app and the ports it listens on (port 0 in the settings picks free ones). */
public final class GatewayServer implements AutoCloseable {
    private final Javalin app;

    private GatewayServer(Javalin app) {
        this.app = app;
    }

    public static GatewayServer start(GatewayApp.Serving serving, GatewayApp.ApiSettings settings,
            GatewayApp.Collaborators collaborators) {
        return start(serving, settings, collaborators, null);
    }

    /** {@code coreApiNodes}: see {@link GatewayApp#create(GatewayApp.Serving, GatewayApp.ApiSettings,
     * GatewayApp.Collaborators, CoreApiSlice.NodeResourcesSource)}; null in a cluster. */
    public static GatewayServer start(GatewayApp.Serving serving, GatewayApp.ApiSettings settings,
            GatewayApp.Collaborators collaborators, CoreApiSlice.NodeResourcesSource coreApiNodes) {
        Javalin app = GatewayApp.create(serving, settings, collaborators, coreApiNodes);
        app.start();
        return new GatewayServer(app);
    }

    public int httpsPort() {
        return port(true);
    }

    /** The plain-HTTP port, or -1 when there is none. */
    public int httpPort() {
        return port(false);
    }

    private int port(boolean tls) {
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector server
                    && (server.getConnectionFactory(SslConnectionFactory.class) != null) == tls) {
                return server.getLocalPort();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        app.stop();
    }
}
