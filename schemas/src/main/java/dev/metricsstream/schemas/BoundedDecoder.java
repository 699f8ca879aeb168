package dev.metricsstream.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder over one in-memory payload that refuses any declared length or item count larger than the
 * bytes left in the payload, before anything is allocated for it. A declared size that no accepted payload could
 * hold (more than the payload limit) is "too large"; a smaller one that merely runs past the end is "truncated". Every item of our collections (records that
 * start with a string, map entries of two strings) takes at least one byte, so a count larger than the remaining
 * bytes can only come from a corrupt or hostile payload. Memory used while decoding is thus bounded by a small
 * multiple of the payload size, whatever the payload declares.
 */
final class BoundedDecoder extends Decoder {

    /** Thrown when the payload declares more than it can hold. */
    static final class DeclaredTooLargeException extends IOException {
        DeclaredTooLargeException(String message) {
            super(message);
        }
    }

    /** Thrown when the payload declares more than is left, but an accepted payload could have held it. */
    static final class RunsPastEndException extends EOFException {
        RunsPastEndException(String message) {
            super(message);
        }
    }

    /** Thrown for a negative length. */
    static final class NegativeLengthException extends IOException {
        NegativeLengthException(String message) {
            super(message);
        }
    }

    private final BinaryDecoder in;
    private final long maxDeclaredSize;
    private final byte[] payload;
    private final int end;
    private final StringSource strings;

    BoundedDecoder(byte[] payload, int offset, int length, long maxDeclaredSize) {
        this(payload, offset, length, maxDeclaredSize, null);
    }

    /** @param strings where strings come from, or null for a new String each */
    BoundedDecoder(byte[] payload, int offset, int length, long maxDeclaredSize, StringSource strings) {
        this.in = DecoderFactory.get().binaryDecoder(payload, offset, length, null);
        this.maxDeclaredSize = maxDeclaredSize;
        this.payload = payload;
        this.end = offset + length;
        this.strings = strings;
    }

    @Override
    public int remainingBytes() {
        return in.remainingBytes();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        byte[] bytes = readLengthPrefixed("string");
        if (old == null) {
            return new Utf8(bytes);
        }
        old.set(new Utf8(bytes));
        return old;
    }

    @Override
    public String readString() throws IOException {
        if (strings == null) {
            return new String(readLengthPrefixed("string"), StandardCharsets.UTF_8);
        }
        int length = checkedLength("string");
        // the bytes are read in place (the decoder reads the payload array itself), then skipped
        String value = strings.string(payload, end - in.remainingBytes(), length);
        in.skipFixed(length);
        return value;
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkedLength("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        return ByteBuffer.wrap(readLengthPrefixed("bytes"));
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkedLength("bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount("array", () -> in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount("array", () -> in.arrayNext());
    }

    @Override
    public long skipArray() throws IOException {
        return checkedCount("array", () -> in.skipArray());
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount("map", () -> in.readMapStart());
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount("map", () -> in.mapNext());
    }

    @Override
    public long skipMap() throws IOException {
        return checkedCount("map", () -> in.skipMap());
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    private byte[] readLengthPrefixed(String what) throws IOException {
        int length = checkedLength(what);
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return bytes;
    }

    private int checkedLength(String what) throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw new NegativeLengthException(what + " declares a negative length " + length);
        }
        int remaining = in.remainingBytes();
        if (length > remaining) {
            String message = what + " declares " + length + " bytes but only " + remaining + " remain";
            throw length > maxDeclaredSize ? new DeclaredTooLargeException(message) : new RunsPastEndException(message);
        }
        return (int) length;
    }

    private long checkedCount(String what, CountReader reader) throws IOException {
        long count;
        try {
            count = reader.read();
        } catch (UnsupportedOperationException e) {
            // Avro's own limit: more than Integer.MAX_VALUE - 8 items
            throw new DeclaredTooLargeException(what + ": " + e.getMessage());
        }
        int remaining = in.remainingBytes();
        if (count > remaining) {
            String message = what + " declares " + count + " items but only " + remaining + " bytes remain";
            throw count > maxDeclaredSize ? new DeclaredTooLargeException(message) : new RunsPastEndException(message);
        }
        return count;
    }

    @FunctionalInterface
    private interface CountReader {
        long read() throws IOException;
    }
}
