/* SPDX-License-Identifier: MIT */
/* test_cgroup_name.c — cgroup paths of real shapes (systemd, Docker, containerd,
 * CRI-O, podman, the kubelet's cgroupfs and systemd drivers) and hostile ones,
 * each field checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cgroup_name.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "8a3d5a38-2f9c-4b7e-9d6c-1f2e3d4c5b6a"
#define UID_ "8a3d5a38_2f9c_4b7e_9d6c_1f2e3d4c5b6a"

static const struct {
	const char *path, *unit, *runtime, *id, *pod;
	enum oomw_qos qos;
} cases[] = {
	{ "/system.slice/batch.service", "batch.service", "", "", "", OOMW_QOS_NONE },
	{ "/user.slice/user-504.slice/session-2.scope", "session-2.scope", "", "", "", OOMW_QOS_NONE },
	{ "/system.slice/docker-" ID ".scope", "", "docker", ID, "", OOMW_QOS_NONE },
	{ "/docker/" ID, "", "docker", ID, "", OOMW_QOS_NONE },
	{ "/machine.slice/libpod-" ID ".scope/container", "", "podman", ID, "", OOMW_QOS_NONE },
	{ "/lxc/39004/ns/system.slice/docker-" ID ".scope", "", "docker", ID, "", OOMW_QOS_NONE },
	/* kubelet, cgroupfs driver */
	{ "/kubepods/burstable/pod" UID "/" ID, "", "", ID, UID, OOMW_QOS_BURSTABLE },
	{ "/kubepods/besteffort/pod" UID "/" ID, "", "", ID, UID, OOMW_QOS_BESTEFFORT },
	{ "/kubepods/pod" UID "/" ID, "", "", ID, UID, OOMW_QOS_GUARANTEED },
	{ "/kubepods/burstable/pod" UID, "", "", "", UID, OOMW_QOS_BURSTABLE },
	/* kubelet, systemd driver */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" ID ".scope",
	  "", "containerd", ID, UID, OOMW_QOS_BURSTABLE },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID
	  ".scope",
	  "", "cri-o", ID, UID, OOMW_QOS_BESTEFFORT },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" ID ".scope", "", "docker", ID, UID,
	  OOMW_QOS_GUARANTEED },
	/* hostile or unknown: nothing guessed */
	{ "", "", "", "", "", OOMW_QOS_NONE },
	{ "/", "", "", "", "", OOMW_QOS_NONE },
	{ "/system.slice/docker-" ID "0.scope", "docker-" ID "0.scope", "", "", "", OOMW_QOS_NONE },
	{ "/system.slice/docker-0123.scope", "docker-0123.scope", "", "", "", OOMW_QOS_NONE },
	{ "/docker/"
	  "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	  "", "", "", "", OOMW_QOS_NONE },
	{ "/kubepods/burstable/pod" UID_ "/" ID, "", "", "", "", OOMW_QOS_NONE },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID ".slice", "", "",
	  "", "", OOMW_QOS_NONE },
	{ "/pod" UID "/" ID, "", "", "", "", OOMW_QOS_NONE },
	{ "/system.slice/.service", "", "", "", "", OOMW_QOS_NONE },
	{ "//system.slice//a b.service//", "a b.service", "", "", "", OOMW_QOS_NONE },
	{ "/kubepods/burstable/pod" UID "/" ID "/extra.service", "extra.service", "", ID, UID,
	  OOMW_QOS_BURSTABLE },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oomw_cgroup_name n;
		oomw_cgroup_name(cases[i].path, strlen(cases[i].path), &n);
		print_message("%s\n", cases[i].path);
		assert_string_equal(n.unit, cases[i].unit);
		assert_string_equal(n.runtime, cases[i].runtime);
		assert_string_equal(n.container_id, cases[i].id);
		assert_string_equal(n.pod_uid, cases[i].pod);
		assert_int_equal(n.qos, cases[i].qos);
	}
}

static void test_long_and_binary(void **state)
{
	(void)state;
	char path[4096];
	memset(path, 'a', sizeof(path));
	memcpy(path + sizeof(path) - 8, ".service", 8);
	struct oomw_cgroup_name n;
	oomw_cgroup_name(path, sizeof(path), &n); /* longer than any unit name: not one */
	assert_string_equal(n.unit, "");
	const char bin[] = "/x\0y/\xff.service";
	oomw_cgroup_name(bin, sizeof(bin) - 1, &n);
	assert_int_equal(memcmp(n.unit, "\xff.service", 10), 0);
}

static void test_qos_names(void **state)
{
	(void)state;
	assert_string_equal(oomw_qos_name(OOMW_QOS_GUARANTEED), "Guaranteed");
	assert_string_equal(oomw_qos_name(OOMW_QOS_BURSTABLE), "Burstable");
	assert_string_equal(oomw_qos_name(OOMW_QOS_BESTEFFORT), "BestEffort");
	assert_string_equal(oomw_qos_name(OOMW_QOS_NONE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_long_and_binary),
		cmocka_unit_test(test_qos_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
