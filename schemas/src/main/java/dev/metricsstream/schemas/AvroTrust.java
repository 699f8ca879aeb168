package dev.metricsstream.schemas;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it does not trust while decoding. This trusts every generated class
 * of our contracts (every named type reachable from the top-level records) once per JVM, added to whatever the
 * global predicate already allows. Calling {@link #ensureInstalled()} again is free.
 */
public final class AvroTrust {

    private static final Set<Class<?>> TRUSTED = install();

    private AvroTrust() {
    }

    /** Makes sure our generated classes are trusted; idempotent (the work happens once, in the class initializer). */
    public static void ensureInstalled() {
        // the static initializer did the work
    }

    /** The classes this module added to Avro's trusted set. */
    public static Set<Class<?>> trustedClasses() {
        return TRUSTED;
    }

    private static Set<Class<?>> install() {
        Set<Class<?>> classes = generatedClasses(SchemaCatalog.currentSchemas());
        ClassSecurityValidator.Builder builder = ClassSecurityValidator.builder();
        classes.forEach(builder::add);
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), builder.build()));
        return Set.copyOf(classes);
    }

    static Set<Class<?>> generatedClasses(Collection<Schema> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Set<Class<?>> classes = new LinkedHashSet<>();
        Deque<Schema> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Schema schema = todo.pop();
            switch (schema.getType()) {
                case RECORD -> {
                    if (seen.add(schema.getFullName())) {
                        classes.add(load(schema.getFullName()));
                        schema.getFields().forEach(field -> todo.push(field.schema()));
                    }
                }
                case ENUM, FIXED -> {
                    if (seen.add(schema.getFullName())) {
                        classes.add(load(schema.getFullName()));
                    }
                }
                case ARRAY -> todo.push(schema.getElementType());
                case MAP -> todo.push(schema.getValueType());
                case UNION -> schema.getTypes().forEach(todo::push);
                default -> {
                    // primitives need no class
                }
            }
        }
        return classes;
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className, false, AvroTrust.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("generated Avro class " + className + " is missing", e);
        }
    }
}
