/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipvsadm's error texts (libipvs's ipvs_strerror): the message for an errno
 * depends on the operation that failed.
 */
#ifndef XVSADM_ERRORS_H
#define XVSADM_ERRORS_H

enum xvsadm_op {
	OP_OTHER = 0,		/* flush, set, restore: generic texts only */
	OP_ADD_SVC,
	OP_EDIT_SVC,
	OP_DEL_SVC,
	OP_ZERO,
	OP_ADD_DEST,
	OP_EDIT_DEST,
	OP_DEL_DEST,
	OP_GET_SERVICES,
	OP_GET_SERVICE,
	OP_GET_DESTS,
	OP_START_DAEMON,
	OP_STOP_DAEMON,
};

/* The text ipvsadm prints when op failed with errno err (positive). */
const char *errors_str(enum xvsadm_op op, int err);

#endif /* XVSADM_ERRORS_H */
