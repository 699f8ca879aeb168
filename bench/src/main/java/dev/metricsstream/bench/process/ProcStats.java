package dev.metricsstream.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of a Linux process from {@code /proc/<pid>}: CPU time (utime + stime of {@code stat}, in clock ticks
 * converted to nanoseconds), resident set now ({@code VmRSS}) and its peak ({@code VmHWM}).
 */
public record ProcStats(long pid, long cpuNanos, long rssBytes, long peakRssBytes) {
    /** USER_HZ; 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
    static final long TICKS_PER_SECOND = 100;

    public static ProcStats read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces: fields after the last ')' start at field 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return new ProcStats(pid, ticks * (1_000_000_000L / TICKS_PER_SECOND), rss, hwm);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kib(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
    }
}
