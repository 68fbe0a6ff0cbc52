package io.minidp.engines.postgres;

import io.minidp.common.app.PlatformException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries (initdb, pg_ctl, postgres) shipped in a Maven artifact as an xz
 * tarball, unpacked once into a cache folder named by their version.
 */
public final class PostgresBinaries {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private PostgresBinaries() {}

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = PostgresBinaries.class.getResourceAsStream("/io/minidp/engines/versions.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("postgres.binaries");
    }

    /** Unpacks the binaries under {@code cacheRoot} unless already there; returns the folder holding bin/. */
    public static Path install(Path cacheRoot) {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new PlatformException("The embedded PostgreSQL is packaged for Linux x86-64 only, not "
                    + System.getProperty("os.name") + " " + arch
                    + ". Set POSTGRES_EMBEDDED=false and point POSTGRES_HOST at a PostgreSQL server instead.");
        }
        Path home = cacheRoot.resolve("postgres-" + version());
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return home;
        }
        try {
            Files.createDirectories(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, ".postgres-unpacking-");
            try (InputStream resource = PostgresBinaries.class.getResourceAsStream("/" + ARCHIVE)) {
                if (resource == null) {
                    throw new PlatformException("The PostgreSQL binaries (" + ARCHIVE + ") are not on the classpath."
                            + " Rebuild with ./mvnw package.");
                }
                unpack(resource, staging);
            }
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process unpacked them at the same time and won the race: use its copy.
                deleteQuietly(staging);
                if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                    throw e;
                }
            }
            return home;
        } catch (IOException e) {
            throw new PlatformException("Cannot unpack the PostgreSQL binaries into " + home + ": " + e.getMessage()
                    + ". Check the free disk space and permissions of that folder.", e);
        }
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry escapes the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            io.minidp.engines.process.Folders.deleteTree(dir);
        } catch (RuntimeException ignored) {
            // A leftover staging folder is harmless; the next install makes a new one.
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
        }
        return set;
    }
}
