package dev.metricsstream.bench.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the scaling chart from fleet result files (headless java.awt): end-to-end freshness p50/p99 vs fleet size
 * (with the 2 s line), and per-node cost (millicores and MB per node) against metrics-server measured at 1,000 nodes
 * (0.053 millicores, 0.51 MB per node) and its sizing rule of 1 millicore + 2 MB.
 * {@code java -Djava.awt.headless=true -cp ... dev.metricsstream.bench.chart.ChartMain out.png result1.json ...}
 */
public final class ChartMain {
    static final double MEASURED_MILLICORES_PER_NODE = 0.053;
    static final double MEASURED_MB_PER_NODE = 490.0 * 1024 * 1024 / 1e6 / 1000;

    public static final int WIDTH = 1200;
    public static final int HEIGHT = 520;

    /** One fleet size's figures. */
    public record Point(int nodes, double freshnessP50Seconds, double freshnessP99Seconds, double millicoresPerNode,
                        double mbPerNode, boolean keptUp) {
    }

    private ChartMain() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: ChartMain <out.png> <fleet-result.json>...");
            System.exit(2);
        }
        List<Point> points = new ArrayList<>();
        String title = DEFAULT_TITLE;
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--title=")) {
                title = args[i].substring("--title=".length());
            } else {
                points.add(read(Path.of(args[i])));
            }
        }
        write(points, Path.of(args[0]), title);
        System.out.println("chart: " + args[0]);
    }

    public static Point read(Path file) throws IOException {
        JsonNode r = new ObjectMapper().readTree(file.toFile());
        return new Point(r.path("fleet").path("nodes").asInt(),
                r.path("freshness").path("p50Millis").asDouble(Double.NaN) / 1000,
                r.path("freshness").path("p99Millis").asDouble(Double.NaN) / 1000,
                r.path("perNodeCost").path("millicoresPerNode").asDouble(Double.NaN),
                r.path("perNodeCost").path("mbPerNode").asDouble(Double.NaN),
                r.path("keptUp").asBoolean());
    }

    static final String DEFAULT_TITLE = "metrics-stream fleet benchmark: 30 pods/node, 15 s resolution";

    public static void write(List<Point> points, Path out) throws IOException {
        write(points, out, DEFAULT_TITLE);
    }

    public static void write(List<Point> unsorted, Path out, String title) throws IOException {
        List<Point> points = new ArrayList<>(unsorted);
        points.sort(Comparator.comparingInt(Point::nodes));
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 26);
        double maxFresh = 2.5;
        double maxCost = 2.5;
        for (Point p : points) {
            maxFresh = Math.max(maxFresh, finite(p.freshnessP99Seconds()));
            maxCost = Math.max(maxCost, Math.max(finite(p.millicoresPerNode()), finite(p.mbPerNode())));
        }
        Panel left = new Panel(g, 70, 60, 480, 380, points, Math.pow(10, Math.ceil(Math.log10(maxFresh * 1.1))));
        left.logMin = 0.01;
        left.frame("end-to-end freshness (s, log scale)");
        left.hline(2.0, new Color(200, 0, 0), "2 s");
        left.series(points.stream().map(Point::freshnessP50Seconds).toList(), new Color(120, 160, 220), "p50");
        left.series(points.stream().map(Point::freshnessP99Seconds).toList(), new Color(20, 60, 160), "p99");
        Panel right = new Panel(g, 670, 60, 480, 380, points, niceCeil(maxCost * 1.1));
        right.frame("cost per node (aggregator + gateway)");
        right.hline(1.0, new Color(230, 140, 0), "metrics-server's sizing rule 1 m");
        right.hline(2.0, new Color(0, 140, 70), "metrics-server's sizing rule 2 MB");
        // measured: metrics-server v0.7.0 at 1,000 nodes × 30 pods used 0.053 cores and 490 MiB (its whole process)
        right.hline(MEASURED_MB_PER_NODE, new Color(0, 90, 40), "metrics-server measured 0.51 MB (1,000 nodes)");
        right.hline(MEASURED_MILLICORES_PER_NODE, new Color(170, 90, 0), "metrics-server measured 0.05 m");
        right.series(points.stream().map(Point::millicoresPerNode).toList(), new Color(230, 140, 0),
                "millicores/node");
        right.series(points.stream().map(Point::mbPerNode).toList(), new Color(0, 140, 70), "MB/node (peak RSS)");
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        StringBuilder legend = new StringBuilder("fleet sizes: ");
        for (Point p : points) {
            legend.append(String.format(Locale.ROOT, "%,d%s  ", p.nodes(), p.keptUp() ? "" : " (fell behind)"));
        }
        legend.append("   hollow marker = the aggregator fell behind (its CPU was capped: cost per node understated)");
        g.drawString(legend.toString(), 70, HEIGHT - 20);
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(image, "png", out.toFile());
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    static double niceCeil(double v) {
        double[] steps = {1, 2, 2.5, 5, 10};
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double s : steps) {
            if (s * magnitude >= v) {
                return s * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static final class Panel {
        final Graphics2D g;
        final int x;
        final int y;
        final int w;
        final int h;
        final List<Point> points;
        final double yMax;
        double logMin; // > 0: logarithmic axis from logMin to yMax
        int legendRow;

        Panel(Graphics2D g, int x, int y, int w, int h, List<Point> points, double yMax) {
            this.g = g;
            this.x = x;
            this.y = y;
            this.w = w;
            this.h = h;
            this.points = points;
            this.yMax = yMax;
        }

        int px(int index) {
            return points.size() == 1 ? x + w / 2 : x + 30 + index * (w - 60) / (points.size() - 1);
        }

        int py(double value) {
            if (logMin > 0) {
                double v = Math.max(logMin, Math.min(value, yMax));
                return y + h - (int) Math.round((Math.log10(v) - Math.log10(logMin))
                        / (Math.log10(yMax) - Math.log10(logMin)) * h);
            }
            return y + h - (int) Math.round(Math.min(value, yMax) / yMax * h);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (logMin > 0) {
                for (double v = logMin; v <= yMax * 1.0001; v *= 10) {
                    ticks.add(v);
                }
            } else {
                for (int i = 0; i <= 5; i++) {
                    ticks.add(yMax * i / 5);
                }
            }
            return ticks;
        }

        void frame(String title) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, x, y - 10);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setStroke(new BasicStroke(1));
            for (double v : ticks()) {
                int yy = py(v);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(x, yy, x + w, yy);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, v >= 10 ? "%.0f" : v >= 0.1 ? "%.1f" : "%.2f", v), x - 40,
                        yy + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(x, y, w, h);
            for (int i = 0; i < points.size(); i++) {
                String label = String.format(Locale.ROOT, "%,d", points.get(i).nodes());
                g.drawString(label, px(i) - g.getFontMetrics().stringWidth(label) / 2, y + h + 18);
            }
            g.drawString("nodes", x + w / 2 - 15, y + h + 36);
        }

        void hline(double value, Color color, String label) {
            g.setColor(color);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{6, 4},
                    0));
            g.drawLine(x, py(value), x + w, py(value));
            g.drawString(label, x + w - g.getFontMetrics().stringWidth(label) - 4, py(value) - 4);
        }

        void series(List<Double> values, Color color, String label) {
            g.setColor(color);
            g.setStroke(new BasicStroke(2.5f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < values.size(); i++) {
                double v = values.get(i);
                if (!Double.isFinite(v)) {
                    prevX = -1;
                    continue;
                }
                int cx = px(i);
                int cy = py(v);
                if (points.get(i).keptUp()) {
                    g.fillOval(cx - 4, cy - 4, 8, 8);
                } else {
                    g.setStroke(new BasicStroke(2f));
                    g.drawOval(cx - 5, cy - 5, 10, 10);
                    g.setStroke(new BasicStroke(2.5f));
                }
                String text = String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
                g.drawString(text + (v > yMax ? "↑" : ""), cx + 6, cy - 6);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, cx, cy);
                }
                prevX = cx;
                prevY = cy;
            }
            g.fillRect(x + 10, y + 12 + legendRow * 18, 14, 4);
            g.drawString(label, x + 30, y + 18 + legendRow * 18);
            legendRow++;
        }
    }
}
