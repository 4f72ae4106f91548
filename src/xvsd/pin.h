/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where pins live: the pin dir must be on a bpf filesystem (mounted at
 * /sys/fs/bpf when that is missing), and holds one subdirectory per ABI
 * version, v<XVS_ABI_VERSION>, with the maps and XDP links of that version.
 */
#ifndef XVSD_PIN_H
#define XVSD_PIN_H

#include <stdbool.h>
#include <stddef.h>

/* Make sure pin_dir exists on a bpffs (mounting /sys/fs/bpf if needed). */
int pin_prepare(const char *pin_dir);

/* <pin_dir>/v<version> into buf. */
int pin_version_dir(const char *pin_dir, unsigned int version, char *buf, size_t len);

/*
 * Is there a version directory other than ours in pin_dir? Returns its
 * version, 0 when none.
 */
unsigned int pin_other_version(const char *pin_dir, unsigned int ours);

/* Is path on a bpf filesystem? */
bool pin_is_bpffs(const char *path);

#endif /* XVSD_PIN_H */
