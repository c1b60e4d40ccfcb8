# SPDX-License-Identifier: MIT
# tests/qemu/ — the live tests again inside a qemu guest that boots Debian's
# cloud kernel (6.1) from a busybox initramfs (built by test_qemu_v2.sh at test
# time): cgroup v2 and v1 memory controllers on a second kernel. The guest has
# no shared libraries for our programs, so they are linked statically here.
DEB_DEPS += qemu-system-x86 busybox-static linux-image-cloud-amd64 cpio
STATIC_TEST_DIR := $(BUILD)/tests/static
TEST_BUILD_TARGETS += $(STATIC_TEST_DIR)/oomw_sample $(STATIC_TEST_DIR)/oom_victim \
	$(STATIC_TEST_DIR)/check_oom

$(STATIC_TEST_DIR)/oomw_sample: tests/lib/oomw_sample.c $(CORE_LIB_NO_SYSTEMD)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $< $(CORE_LIB_NO_SYSTEMD) $(LDFLAGS_STATIC)

$(STATIC_TEST_DIR)/oom_victim: tests/lib/oom_victim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $< $(LDFLAGS_STATIC)

# check_oom for the machine-wide OOM of the guest (tests/qemu/guest_global.sh).
$(STATIC_TEST_DIR)/check_oom: $(NAGIOS_OBJS) $(CORE_LIB_NO_SYSTEMD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $(NAGIOS_OBJS) $(CORE_LIB_NO_SYSTEMD) $(LDFLAGS_STATIC)
