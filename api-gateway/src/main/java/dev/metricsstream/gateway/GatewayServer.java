package dev.metricsstream.gateway;

import dev.metricsstream.gateway.http.CoreApiSlice;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.ServingConnectors;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * The gateway's HTTP server, started: {@link GatewayRoutes} on the {@link ServingConnectors} (HTTPS, optional plain
 * HTTP), and the ports it listens on (port 0 in {@link Serving} picks free ones).
 */
public final class GatewayServer implements AutoCloseable {
    private final Javalin app;

    private GatewayServer(Javalin app) {
        this.app = app;
    }

    public static GatewayServer start(Serving serving, GatewayRoutes.ApiSettings settings,
            GatewayRoutes.Collaborators collaborators) {
        return start(serving, settings, collaborators, null);
    }

    /** {@code coreApiNodes}: see {@link GatewayRoutes#install}; null in a cluster. */
    public static GatewayServer start(Serving serving, GatewayRoutes.ApiSettings settings,
            GatewayRoutes.Collaborators collaborators, CoreApiSlice.NodeResourcesSource coreApiNodes) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            ServingConnectors.install(config, serving);
            GatewayRoutes.install(config, settings, collaborators, coreApiNodes);
        });
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
