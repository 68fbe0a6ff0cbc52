package io.minidp.processor.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LakePathsTest {

    @Test
    void plainNamesAreTheirOwnFolders() {
        assertThat(LakePaths.folder("orders")).isEqualTo("orders");
        assertThat(LakePaths.folder("MixedCase")).isEqualTo("MixedCase");
        assertThat(LakePaths.folder("_rejected")).isEqualTo("_rejected");
        assertThat(new LakePaths("s3a://lake").silver("daily_2")).isEqualTo("s3a://lake/silver/daily_2");
    }

    @Test
    void everyOtherCharacterIsWrittenAsItsCode() {
        assertThat(LakePaths.folder("my table")).isEqualTo("my-0020table");
        assertThat(LakePaths.folder("a-b")).isEqualTo("a-002db");
        assertThat(LakePaths.folder("Über:1%")).isEqualTo("-00dcber-003a1-0025");
    }

    @Test
    void foldersMapBackToExactlyTheirTable() {
        for (String name : List.of("orders", "MixedCase", "my table", "a-b", "a-002db", "Über:1%", "🚀 launch", "x/y")) {
            assertThat(LakePaths.tableOfFolder(LakePaths.folder(name))).as(name).isEqualTo(name);
        }
        assertThat(LakePaths.folder("a-b")).isNotEqualTo(LakePaths.folder("a_b"));
    }

    @Test
    void aFolderNoTableCanHaveIsNoTable() {
        assertThat(LakePaths.tableOfFolder("bad-00")).isNull();
        assertThat(LakePaths.tableOfFolder("bad-zzzz")).isNull();
    }
}
