package io.minidp.runner.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationSlotsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void eachSlotShowsTheWalItHoldsBack() {
        assertThat(ReplicationSlots.lines(List.of(
                new ReplicationSlots.Slot("shop_cdc", "logical", true, 3 * MIB / 2),
                new ReplicationSlots.Slot("old_slot", "logical", false, 2048L),
                new ReplicationSlots.Slot("lost", "logical", false, null)), 1024 * MIB)).containsExactly(
                "slot shop_cdc (logical, active): holds back 1.5 MiB of WAL",
                "slot old_slot (logical, inactive): holds back 2.0 KiB of WAL",
                "slot lost (logical, inactive): holds back no WAL (it has no restart position)");
    }

    @Test
    void aSlotPastTheLimitIsWarnedAboutWithWhatToDo() {
        assertThat(ReplicationSlots.lines(List.of(
                new ReplicationSlots.Slot("shop_cdc", "logical", false, 3 * 1024 * MIB),
                new ReplicationSlots.Slot("busy", "logical", true, 200 * MIB)), 100 * MIB)).containsExactly(
                "slot shop_cdc (logical, inactive): holds back 3.0 GiB of WAL",
                "slot busy (logical, active): holds back 200.0 MiB of WAL",
                "WARNING: slot shop_cdc holds back 3.0 GiB of WAL, more than CDC_SLOT_WAL_WARN_MB=100. PostgreSQL keeps"
                        + " it all until the slot's reader confirms it. Nothing reads it: if its connector is gone for"
                        + " good, ./platform connector delete drops the slot; else start the connector.",
                "WARNING: slot busy holds back 200.0 MiB of WAL, more than CDC_SLOT_WAL_WARN_MB=100. PostgreSQL keeps"
                        + " it all until the slot's reader confirms it. Its reader is connected but behind: check that"
                        + " the connector's tasks are RUNNING (under kafka-connect).");
    }

    @Test
    void exactlyAtTheLimitIsNoWarning() {
        assertThat(ReplicationSlots.lines(List.of(new ReplicationSlots.Slot("s", "logical", true, 100 * MIB)), 100 * MIB))
                .containsExactly("slot s (logical, active): holds back 100.0 MiB of WAL");
    }

    @Test
    void noSlotsSaysSo() {
        assertThat(ReplicationSlots.lines(List.of(), MIB)).containsExactly("replication slots: none");
    }
}
