// SPDX-License-Identifier: GPL-2.0
/* ipvs_strerror's table: per-operation texts first, then generic ones, then strerror(). */
#include <errno.h>
#include <string.h>

#include "errors.h"

static const struct {
	enum xvsadm_op op;	/* OP_OTHER: any operation */
	int err;
	const char *msg;
} table[] = {
	{ OP_ADD_SVC, EEXIST, "Service already exists" },
	{ OP_ADD_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ OP_EDIT_SVC, ESRCH, "No such service" },
	{ OP_EDIT_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ OP_DEL_SVC, ESRCH, "No such service" },
	{ OP_ZERO, ESRCH, "No such service" },
	{ OP_ADD_DEST, ESRCH, "Service not defined" },
	{ OP_ADD_DEST, EEXIST, "Destination already exists" },
	{ OP_EDIT_DEST, ESRCH, "Service not defined" },
	{ OP_EDIT_DEST, ENOENT, "No such destination" },
	{ OP_DEL_DEST, ESRCH, "Service not defined" },
	{ OP_DEL_DEST, ENOENT, "No such destination" },
	{ OP_GET_SERVICES, ESRCH, "No such service" },
	{ OP_GET_DESTS, ESRCH, "No such service" },
	{ OP_GET_SERVICE, ESRCH, "No such service" },
	{ OP_START_DAEMON, EEXIST, "Daemon has already run" },
	{ OP_STOP_DAEMON, ESRCH, "No daemon is running" },
	{ OP_OTHER, EPERM, "Permission denied (you must be root)" },
	{ OP_OTHER, EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ OP_OTHER, ENOPROTOOPT, "Protocol not available" },
	{ OP_OTHER, ENOMEM, "Memory allocation problem" },
	{ OP_OTHER, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ OP_OTHER, EAFNOSUPPORT, "Operation not supported with specified address family" },
	{ OP_OTHER, EMSGSIZE, "Module is wrong version" },
};

const char *errors_str(enum xvsadm_op op, int err)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].op == OP_OTHER || table[i].op == op) && table[i].err == err)
			return table[i].msg;
	return strerror(err);
}
