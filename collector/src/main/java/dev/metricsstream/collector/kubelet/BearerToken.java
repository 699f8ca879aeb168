package dev.metricsstream.collector.kubelet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service-account token, read from its file and read again when the kubelet rotates it: the file's
 * modification time is checked before each request (one stat), and a 401 forces a re-read.
 */
public final class BearerToken {
    private static final Logger LOG = LoggerFactory.getLogger(BearerToken.class);
    private final Path file;
    private FileTime readAt;
    private String token = "";

    /** @param file the token file; null means no token is sent */
    public BearerToken(Path file) {
        this.file = file;
    }

    public static BearerToken none() {
        return new BearerToken(null);
    }

    /** The current token, or an empty string when there is none. */
    public synchronized String current() {
        if (file == null) {
            return "";
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt)) {
                reload(modified);
            }
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("reason", "token_unreadable").log("cannot read token file {}: {}", file,
                    e.toString());
        }
        return token;
    }

    /** Re-reads the file now (after a 401); returns true when the token changed. */
    public synchronized boolean refresh() {
        if (file == null) {
            return false;
        }
        String before = token;
        try {
            reload(Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return false;
        }
        return !before.equals(token);
    }

    private void reload(FileTime modified) throws IOException {
        token = Files.readString(file, StandardCharsets.UTF_8).trim();
        readAt = modified;
    }

    @Override
    public String toString() {
        return "BearerToken[" + file + ", [hidden]]";
    }
}
