/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsd's version: printed by --version, exported as xvs_build_info by the
 * metrics endpoint and used as the Debian package version (packaging/).
 */
#ifndef XVSD_VERSION_H
#define XVSD_VERSION_H

#define XVSD_VERSION "0.1.0"

#endif /* XVSD_VERSION_H */
