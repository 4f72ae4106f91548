/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS connection states as pure functions: the TCP transition table of the
 * kernel's "normal" (secure_tcp=0) NAT table, which states count as active,
 * and the default per-state timeouts. Table and values: ipvs.md 2.2.
 */
#ifndef XVS_CONN_STATE_H
#define XVS_CONN_STATE_H

#include <linux/types.h>
#include <xvs/abi.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Events, in the kernel's priority order: RST > SYN > FIN > ACK. */
enum conn_tcp_event {
	CONN_EV_SYN,
	CONN_EV_FIN,
	CONN_EV_ACK,
	CONN_EV_RST,
	CONN_EV_NONE,	/* none of the four flags: the kernel moves to CLOSE */
};

static __always_inline int conn_tcp_event(__u8 flags)
{
	if (flags & 0x04)
		return CONN_EV_RST;
	if (flags & 0x02)
		return CONN_EV_SYN;
	if (flags & 0x01)
		return CONN_EV_FIN;
	if (flags & 0x10)
		return CONN_EV_ACK;
	return CONN_EV_NONE;
}

#define NO_ XVS_TCP_S_NONE
#define ES_ XVS_TCP_S_ESTABLISHED
#define SS_ XVS_TCP_S_SYN_SENT
#define SR_ XVS_TCP_S_SYN_RECV
#define FW_ XVS_TCP_S_FIN_WAIT
#define TW_ XVS_TCP_S_TIME_WAIT
#define CL_ XVS_TCP_S_CLOSE
#define CW_ XVS_TCP_S_CLOSE_WAIT
#define LA_ XVS_TCP_S_LAST_ACK
#define LI_ XVS_TCP_S_LISTEN
#define SA_ XVS_TCP_S_SYNACK

/*
 * [dir][event][state] -> next state. dir: XVS_DIR_IN (client -> server) or
 * XVS_DIR_OUT (server -> client). Columns follow enum xvs_state.
 */
static const __u8 conn_tcp_table[2][4][11] = {
	[XVS_DIR_IN] = {
		/*                NO   ES   SS   SR   FW   TW   CL   CW   LA   LI   SA */
		[CONN_EV_SYN] = { SR_, ES_, ES_, SR_, SR_, SR_, SR_, SR_, SR_, SR_, SR_ },
		[CONN_EV_FIN] = { CL_, CW_, SS_, TW_, TW_, TW_, CL_, CW_, LA_, LI_, TW_ },
		[CONN_EV_ACK] = { ES_, ES_, SS_, ES_, FW_, TW_, CL_, CW_, CL_, LI_, ES_ },
		[CONN_EV_RST] = { CL_, CL_, CL_, SR_, CL_, CL_, CL_, CL_, LA_, LI_, SR_ },
	},
	[XVS_DIR_OUT] = {
		[CONN_EV_SYN] = { SS_, ES_, SS_, SR_, SS_, SS_, SS_, SS_, SS_, LI_, SR_ },
		[CONN_EV_FIN] = { TW_, FW_, SS_, TW_, FW_, TW_, CL_, TW_, LA_, LI_, TW_ },
		[CONN_EV_ACK] = { ES_, ES_, SS_, ES_, FW_, TW_, CL_, CW_, LA_, ES_, ES_ },
		[CONN_EV_RST] = { CL_, CL_, SS_, CL_, CL_, TW_, CL_, CL_, CL_, CL_, CL_ },
	},
};

#undef NO_
#undef ES_
#undef SS_
#undef SR_
#undef FW_
#undef TW_
#undef CL_
#undef CW_
#undef LA_
#undef LI_
#undef SA_

/* Next TCP state for a packet with @flags in direction @dir. */
static __always_inline __u32 conn_tcp_next(__u32 state, int dir, __u8 flags)
{
	int ev = conn_tcp_event(flags);

	if (ev == CONN_EV_NONE || state > XVS_TCP_S_SYNACK)
		return XVS_TCP_S_CLOSE;
	return conn_tcp_table[dir & 1][ev][state];
}

/* States IPVS counts in activeconns (everything else is inactive). */
static __always_inline int conn_state_active(__u32 state)
{
	return state == XVS_TCP_S_ESTABLISHED || state == XVS_TCP_S_SYN_SENT ||
	       state == XVS_TCP_S_SYN_RECV || state == XVS_TCP_S_SYNACK;
}

/* IPVS default timeouts in seconds, by enum xvs_state. */
static const __u32 conn_default_timeout[XVS_S_MAX] = {
	[XVS_TCP_S_NONE] = 2,
	[XVS_TCP_S_ESTABLISHED] = 900,
	[XVS_TCP_S_SYN_SENT] = 120,
	[XVS_TCP_S_SYN_RECV] = 60,
	[XVS_TCP_S_FIN_WAIT] = 120,
	[XVS_TCP_S_TIME_WAIT] = 120,
	[XVS_TCP_S_CLOSE] = 10,
	[XVS_TCP_S_CLOSE_WAIT] = 60,
	[XVS_TCP_S_LAST_ACK] = 30,
	[XVS_TCP_S_LISTEN] = 120,
	[XVS_TCP_S_SYNACK] = 120,
	[XVS_S_UDP] = 300,
};

/*
 * Timeout of @state: the value xvsd wrote to globals, or the IPVS default
 * while globals still holds 0 (not written yet).
 */
static __always_inline __u32 conn_state_timeout(const struct xvs_globals *g,
						__u32 state)
{
	__u32 t = 0;

	if (state >= XVS_S_MAX)
		return conn_default_timeout[XVS_TCP_S_CLOSE];
	if (g)
		t = g->timeout[state];
	return t ? t : conn_default_timeout[state];
}

/*
 * The state word after a change to @next: the state number plus
 * XVS_CONN_INACTIVE when the new state is not an active one. UDP is never
 * active.
 */
static __always_inline __u32 conn_state_word(__u32 next)
{
	return next | (conn_state_active(next) ? 0 : XVS_CONN_INACTIVE);
}

#endif /* XVS_CONN_STATE_H */
