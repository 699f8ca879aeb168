package dev.metricsstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.bench.chart.ChartMain;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartMainTest {

    @Test
    void writes_a_readable_png_of_the_chart_size_with_something_drawn(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path png = dir.resolve("scaling.png");
        ChartMain.write(List.of(new ChartMain.Point(1000, 0.4, 0.9, 0.8, 1.5, true),
                new ChartMain.Point(5000, 0.6, 1.8, 0.5, 0.6, true),
                new ChartMain.Point(10000, 3.0, 12.0, Double.NaN, 0.4, false)), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO reads the file back as an image");
        assertEquals(ChartMain.WIDTH, image.getWidth());
        assertEquals(ChartMain.HEIGHT, image.getHeight());
        long nonWhite = 0;
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    nonWhite++;
                }
            }
        }
        assertTrue(nonWhite > 1000, "axes, lines and labels are drawn, got " + nonWhite + " sampled pixels");
    }

    @Test
    void reads_the_figures_it_plots_from_a_fleet_result_file(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("r.json"), """
                {"fleet": {"nodes": 5000}, "freshness": {"p50Millis": 400.0, "p99Millis": 1500.0},
                 "perNodeCost": {"millicoresPerNode": 0.7, "mbPerNode": 0.3}, "keptUp": true}
                """);
        ChartMain.Point point = ChartMain.read(json);
        assertEquals(new ChartMain.Point(5000, 0.4, 1.5, 0.7, 0.3, true), point);
    }
}
