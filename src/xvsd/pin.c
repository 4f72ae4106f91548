// SPDX-License-Identifier: GPL-2.0
/*
 * bpffs handling. Pins are versioned by directory (v1, v2, ...): an xvsd
 * only ever opens its own version's directory and refuses to start while
 * another version's pins exist, since their datapath is still running with
 * layouts it does not know.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "log.h"
#include "pin.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

bool pin_is_bpffs(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == BPF_FS_MAGIC;
}

/* Deepest existing ancestor of path (path itself if it exists). */
static void existing_ancestor(const char *path, char *buf, size_t len)
{
	struct stat sb;
	char *slash;

	snprintf(buf, len, "%s", path);
	while (stat(buf, &sb)) {
		slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			strcpy(buf, "/");
			return;
		}
		*slash = '\0';
	}
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool under_default(const char *path)
{
	size_t n = strlen(BPFFS_DEFAULT);

	return !strncmp(path, BPFFS_DEFAULT, n) && (path[n] == '/' || !path[n]);
}

int pin_prepare(const char *pin_dir)
{
	char anc[PATH_MAX];
	int err;

	existing_ancestor(pin_dir, anc, sizeof(anc));
	if (!pin_is_bpffs(anc)) {
		if (!under_default(pin_dir)) {
			pr_err("pin dir %s is not on a bpf filesystem: mount one there "
			       "(mount -t bpf bpf DIR) or pick another --pin-dir", pin_dir);
			return -ENOTSUP;
		}
		if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700")) {
			err = -errno;
			pr_err("no bpf filesystem at %s and mounting one failed: %s",
			       BPFFS_DEFAULT, strerror(-err));
			return err;
		}
		pr_info("mounted a bpf filesystem at %s", BPFFS_DEFAULT);
	}
	err = mkdir_p(pin_dir, 0700);
	if (err) {
		pr_err("create pin dir %s: %s", pin_dir, strerror(-err));
		return err;
	}
	if (!pin_is_bpffs(pin_dir)) {
		pr_err("pin dir %s is not on a bpf filesystem", pin_dir);
		return -ENOTSUP;
	}
	return 0;
}

int pin_version_dir(const char *pin_dir, unsigned int version, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/v%u", pin_dir, version) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

unsigned int pin_other_version(const char *pin_dir, unsigned int ours)
{
	unsigned int found = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(pin_dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		unsigned long v;

		if (de->d_name[0] != 'v' || !de->d_name[1])
			continue;
		v = strtoul(de->d_name + 1, &end, 10);
		if (*end || v == ours)
			continue;
		found = v;
		break;
	}
	closedir(d);
	return found;
}
