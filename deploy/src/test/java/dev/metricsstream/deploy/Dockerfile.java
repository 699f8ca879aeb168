package dev.metricsstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small Dockerfile reader: instructions (continuations joined, comments dropped) grouped by build stage. */
record Dockerfile(Map<String, Stage> stages) {

    record Instruction(String keyword, String arguments, int line) {
    }

    record Stage(String name, String base, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (current == null && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (current != null && trimmed.startsWith("#")) {
                continue; // comment lines inside a continued instruction are dropped, as Docker does
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String joined = current.toString().strip();
                int space = joined.indexOf(' ');
                if (space < 0) {
                    throw new IllegalArgumentException("line " + start + ": instruction without arguments: " + joined);
                }
                instructions.add(new Instruction(joined.substring(0, space).toUpperCase(Locale.ROOT),
                        joined.substring(space + 1).strip(), start));
                current = null;
            }
        }
        if (current != null) {
            throw new IllegalArgumentException("line " + start + ": unterminated continuation");
        }
        Map<String, Stage> stages = new LinkedHashMap<>();
        Stage stage = null;
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                String[] words = instruction.arguments().split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2]
                        : "stage-" + stages.size();
                stage = new Stage(name, words[0], new ArrayList<>());
                stages.put(name, stage);
            } else if (stage == null) {
                if (!instruction.keyword().equals("ARG")) {
                    throw new IllegalArgumentException("line " + instruction.line() + ": " + instruction.keyword()
                            + " before the first FROM");
                }
            } else {
                stage.instructions().add(instruction);
            }
        }
        return new Dockerfile(stages);
    }

    /** The stage and the stages it is built FROM, nearest first. */
    List<Stage> chain(String target) {
        List<Stage> chain = new ArrayList<>();
        Stage stage = stages.get(target);
        while (stage != null) {
            chain.add(stage);
            stage = stages.get(stage.base());
        }
        return chain;
    }

    /** The effective last value of an instruction for a target (inherited from its parent stages). */
    Instruction effective(String target, String keyword) {
        for (Stage stage : chain(target)) {
            List<Instruction> found = stage.all(keyword);
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
        }
        return null;
    }

    /** The external base image a target finally starts from. */
    String baseImage(String target) {
        List<Stage> chain = chain(target);
        return chain.get(chain.size() - 1).base();
    }
}
