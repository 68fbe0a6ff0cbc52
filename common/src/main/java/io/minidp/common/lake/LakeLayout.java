package io.minidp.common.lake;

/**
 * Where things lie in the lake's bucket, for every service that reads or writes it: the tables
 * ({@code bronze/<folder>}, {@code silver/<folder>}, {@code gold/<folder>}) and the processor's
 * control objects under {@code _minidp/}.
 *
 * <p>A table keeps its PostgreSQL name exactly ({@code MixedCase}, {@code my table}); its folder
 * is that name with every character but ASCII letters, digits and {@code _} written as {@code -}
 * and four hex digits ({@code my-0020table}), since object stores and Hadoop paths take spaces,
 * colons and percent signs badly. The folder name maps back to exactly one table name.
 */
public final class LakeLayout {

    /** The processor's control objects: stopped tables, rebuild requests, archived tables. */
    public static final String CONTROL = "_minidp";
    public static final String STOPPED = CONTROL + "/stopped";
    public static final String REBUILD = CONTROL + "/rebuild";
    public static final String ARCHIVE = CONTROL + "/archive";

    private LakeLayout() {}

    /** The key (relative to the bucket) that records that {@code table}'s apply is stopped. */
    public static String stoppedKey(String table) {
        return STOPPED + "/" + folder(table) + ".json";
    }

    /** The key (relative to the bucket) that asks the processor to rebuild {@code table}. */
    public static String rebuildKey(String table) {
        return REBUILD + "/" + folder(table) + ".json";
    }

    /** The folder of a table (see the class comment). */
    public static String folder(String table) {
        StringBuilder sb = new StringBuilder(table.length());
        for (char ch : table.toCharArray()) {
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_') {
                sb.append(ch);
            } else {
                sb.append('-').append(String.format("%04x", (int) ch));
            }
        }
        return sb.toString();
    }

    /** The table whose folder is {@code folder}; null when no table's folder has that name. */
    public static String tableOfFolder(String folder) {
        StringBuilder sb = new StringBuilder(folder.length());
        for (int i = 0; i < folder.length(); i++) {
            char ch = folder.charAt(i);
            if (ch != '-') {
                sb.append(ch);
                continue;
            }
            if (i + 5 > folder.length() || !folder.substring(i + 1, i + 5).matches("[0-9a-f]{4}")) {
                return null;
            }
            sb.append((char) Integer.parseInt(folder.substring(i + 1, i + 5), 16));
            i += 4;
        }
        return sb.toString();
    }
}
