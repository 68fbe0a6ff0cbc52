package io.minidp.runner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and the pages of docs/ hold together: every relative link names a file that exists
 * and, for a {@code #heading} in a Markdown file, a heading that file has (as GitHub makes its
 * anchors); the README stays within {@value #README_MAX_LINES} lines and links to every page of
 * docs/. Links in code (fenced blocks, inline code) are text, not links, and are not checked; nor
 * are links with a scheme ({@code https:}, {@code mailto:}).
 */
class DocsLinksTest {

    private static final Path HOME = Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();

    static final int README_MAX_LINES = 200;

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    /** Inline code, which may run over a line break; its backticks open and close it in equal runs. */
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?!`)([\\s\\S]*?[^`])\\1(?!`)");
    /** {@code [text](target "title")} and images; the target may be in angle brackets. */
    private static final Pattern INLINE_LINK = Pattern.compile(
            "\\[(?:[^\\]\\\\]|\\\\.)*]\\(\\s*(<[^>\\n]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");
    /** A reference definition: {@code [name]: target}. */
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+]:\\s*(<[^>\\n]*>|\\S+)");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}(?:\\s+(.*?))?(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

    @TempDir
    Path scratch;

    @Test
    void everyLinkOfTheReadmeAndTheDocsResolves() {
        assertThat(problems(HOME)).isEmpty();
    }

    @Test
    void aLinkToAFileThatDoesNotExistIsFound() throws IOException {
        assertThat(problemsOf("README.md", "See [the lake](docs/lake.md) and [gone](docs/gone.md).\n",
                "docs/lake.md", "# The lake\n\nBack to the [README](../README.md).\n")).containsExactly(
                "README.md:1: docs/gone.md does not exist (link target docs/gone.md)");
    }

    @Test
    void aLinkToAHeadingThatDoesNotExistIsFound() throws IOException {
        assertThat(problemsOf("README.md", """
                # Title

                ## Quick start

                [here](#quick-start), [there](docs/lake.md#exactly-once),
                [nowhere](docs/lake.md#exactly-twice), [nor here](#slow-start)
                """, "docs/lake.md", "# The lake\n\n## Exactly once\n")).containsExactly(
                "README.md:6: docs/lake.md has no heading #exactly-twice (link target docs/lake.md#exactly-twice)",
                "README.md:6: README.md has no heading #slow-start (link target #slow-start)");
    }

    @Test
    void linksInCodeAndLinksWithASchemeAreNotChecked() throws IOException {
        assertThat(problemsOf("README.md", """
                ```
                [not a link](missing.md)
                ```
                `[nor this](missing.md)`, `a code span that runs over
                a line break [still code](missing.md)`, [the web](https://example.org/missing.md),
                [mail](mailto:someone@example.org)
                """)).isEmpty();
    }

    @Test
    void referenceLinksAndLinksOutOfTheRepositoryAreChecked() throws IOException {
        assertThat(problemsOf("README.md", "[a][lake], [b][gone], [out](../elsewhere.md)\n\n[lake]: docs/lake.md\n"
                + "[gone]: docs/gone.md\n", "docs/lake.md", "# The lake\n")).containsExactly(
                "README.md:1: ../elsewhere.md points outside the repository",
                "README.md:4: docs/gone.md does not exist (link target docs/gone.md)");
    }

    @Test
    void aReadmeOverTheLimitAndADocsPageItDoesNotLinkAreFound() throws IOException {
        assertThat(problemsOf("README.md", "line\n".repeat(README_MAX_LINES) + "[lake](docs/lake.md)\n",
                "docs/lake.md", "# The lake\n", "docs/orphan.md", "# Nobody links here\n")).containsExactly(
                "README.md has " + (README_MAX_LINES + 1) + " lines; at most " + README_MAX_LINES
                        + " (move the rest into docs/)",
                "README.md links to no docs/orphan.md");
    }

    @Test
    void headingsBecomeAnchorsAsOnGitHub() {
        assertThat(anchors("""
                # Faults, and what the platform does
                ## Timestamps keep Debezium's encodings
                ## `PROCESSOR_RUN` and [the lake](lake.md)
                ## Über Ärger 2×
                ## Notes
                ## Notes
                Setext heading
                --------------
                ```
                # not a heading
                ```
                <a name="by-hand"></a>
                """)).containsExactlyInAnyOrder("faults-and-what-the-platform-does",
                "timestamps-keep-debeziums-encodings", "processor_run-and-the-lake", "über-ärger-2", "notes",
                "notes-1", "setext-heading", "by-hand");
    }

    /** Every problem with the README and the docs under {@code home}, one line each. */
    static List<String> problems(Path home) {
        List<String> problems = new ArrayList<>();
        Path readme = home.resolve("README.md");
        List<Path> pages = docsPages(home);
        List<Path> files = new ArrayList<>();
        files.add(readme);
        files.addAll(pages);
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        Set<Path> linkedFromReadme = new LinkedHashSet<>();

        String readmeText = read(readme);
        long readmeLines = readmeText.lines().count();
        if (readmeLines > README_MAX_LINES) {
            problems.add("README.md has " + readmeLines + " lines; at most " + README_MAX_LINES
                    + " (move the rest into docs/)");
        }
        for (Path file : files) {
            String where = home.relativize(file).toString();
            for (Link link : links(read(file))) {
                String target = link.target();
                int hash = target.indexOf('#');
                String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                String at = where + ":" + link.line() + ": ";
                if (!resolved.startsWith(home)) {
                    problems.add(at + target + " points outside the repository");
                    continue;
                }
                String name = home.relativize(resolved).toString();
                if (!Files.exists(resolved)) {
                    problems.add(at + name + " does not exist (link target " + target + ")");
                    continue;
                }
                if (file.equals(readme)) {
                    linkedFromReadme.add(resolved);
                }
                if (anchor != null && !anchor.isEmpty() && name.endsWith(".md") && Files.isRegularFile(resolved)
                        && !anchorsByFile.computeIfAbsent(resolved, f -> anchors(read(f))).contains(anchor)) {
                    problems.add(at + name + " has no heading #" + anchor + " (link target " + target + ")");
                }
            }
        }
        for (Path page : pages) {
            if (!linkedFromReadme.contains(page)) {
                problems.add("README.md links to no " + home.relativize(page));
            }
        }
        return problems;
    }

    record Link(int line, String target) {}

    /** The relative links of a Markdown text, with their line numbers. */
    static List<Link> links(String markdown) {
        String text = withoutCode(markdown);
        List<Link> links = new ArrayList<>();
        for (Pattern p : List.of(INLINE_LINK, REFERENCE)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("<") && target.endsWith(">")) {
                    target = target.substring(1, target.length() - 1).strip();
                }
                if (!target.isEmpty() && !SCHEME.matcher(target).find() && !target.startsWith("//")) {
                    links.add(new Link(lineOf(text, m.start()), target));
                }
            }
        }
        links.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return links;
    }

    /** The anchors GitHub gives a Markdown text's headings (and its {@code <a name>}s). */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> lines = withoutFencedCode(markdown).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String heading = null;
            Matcher atx = ATX_HEADING.matcher(line);
            if (atx.matches()) {
                heading = atx.group(1) == null ? "" : atx.group(1);
            } else if (i + 1 < lines.size() && !line.isBlank() && SETEXT_UNDERLINE.matcher(lines.get(i + 1)).matches()
                    && !line.strip().startsWith("|")) {
                heading = line.strip();
                i++;
            }
            if (heading != null) {
                String slug = slug(heading);
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: its text in lower case, links reduced to their text, without
     * what is neither a letter, a mark, a digit, a connector ({@code _}), a hyphen nor a space, and
     * each space made a hyphen.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (c == ' ') {
                slug.append('-');
            } else if (Character.isLetter(c) || c == '-' || type == Character.NON_SPACING_MARK
                    || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                    || type == Character.OTHER_NUMBER || type == Character.CONNECTOR_PUNCTUATION) {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    /** The text with fenced code blocks and inline code blanked out, line breaks kept. */
    private static String withoutCode(String markdown) {
        String text = withoutFencedCode(markdown);
        Matcher m = CODE_SPAN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", " ")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String withoutFencedCode(String markdown) {
        StringBuilder out = new StringBuilder();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            Matcher m = FENCE.matcher(line);
            if (fence == null && m.find()) {
                fence = m.group(1);
                out.append('\n');
            } else if (fence != null) {
                if (line.strip().startsWith(fence)) {
                    fence = null;
                }
                out.append('\n');
            } else {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static List<Path> docsPages(Path home) {
        Path docs = home.resolve("docs");
        if (!Files.isDirectory(docs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(docs)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of a scratch repository holding these files: path, content, path, content... */
    private List<String> problemsOf(String... pathsAndContents) throws IOException {
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            Path file = scratch.resolve(pathsAndContents[i]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, pathsAndContents[i + 1]);
        }
        return problems(scratch);
    }
}
