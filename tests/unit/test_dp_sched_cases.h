/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler model: one table of cases, each a service with its real
 * servers and a sequence of connection events with the server IPVS would
 * pick at every new connection, citing the rule (ipvs.md section). The
 * same table runs against the host build of bpf/lib
 * (tests/unit/test_dp_sched_model.c) and against build/xvs.bpf.o through
 * BPF_PROG_TEST_RUN (tests/bpf/test_dp_sched.c).
 *
 * Servers are added in the order listed, so the scheduling list (newest
 * first) reads them backwards; server k has dest id k. Connections are
 * TCP: a SYN makes a connection active at once (NONE -> SYN_RECV), FIN
 * makes it inactive (SYN_RECV -> TIME_WAIT), CLOSE expires it. Client a is
 * 172.16.(a >> 8).(a & 255), server k is 10.0.0.(10+k):80. The sh/dh/mh
 * expectations were computed by a separate transcription of ip_vs_sh.c,
 * ip_vs_dh.c and ip_vs_mh.c (mh: hsiphash of each server's address + port
 * with the fixed keys, list order, 4093 entries, gcd-reduced turns).
 */
#ifndef XVS_TEST_DP_SCHED_CASES_H
#define XVS_TEST_DP_SCHED_CASES_H

#include <linux/types.h>
#include <xvs/abi.h>

enum sched_op {
	OP_END = 0,
	OP_SYN,		/* client a, port b opens: want = dest (0: none, ICMP) */
	OP_FIN,		/* connection (a, b) goes inactive */
	OP_CLOSE,	/* connection (a, b) expires: unbind */
	OP_WEIGHT,	/* -e: dest a gets weight b */
};

struct sched_step {
	__u8 op;
	__u16 a, b;
	__u8 want;
	const char *rule;
};

struct sched_dest_cfg {
	__s32 w;
	__u32 u, l;		/* -x, -y */
};

#define SCHED_CASE_DESTS	4
/* Server k's address (host order) and port: what mh hashes. */
#define SCHED_CASE_RS(k)	(0x0a00000au + (k))	/* 10.0.0.(10+k) */
#define SCHED_CASE_RS_PORT	80
#define SCHED_CASE_STEPS	24

struct sched_case {
	const char *name;
	__u32 sched;
	__u32 flags;		/* XVS_SVC_F_SCHED1 = *-fallback, SCHED2 = *-port */
	__u32 ndest;
	struct sched_dest_cfg dest[SCHED_CASE_DESTS];
	struct sched_step step[SCHED_CASE_STEPS];
};

#define W(w)			{ w, 0, 0 }
#define WT(w, u, l)		{ w, u, l }
#define SYN(a, b, want, why)	{ OP_SYN, a, b, want, why }
#define FIN(a, b)		{ OP_FIN, a, b, 0, NULL }
#define CLOSE(a, b)		{ OP_CLOSE, a, b, 0, NULL }
#define WEIGHT(d, w)		{ OP_WEIGHT, d, w, 0, NULL }

static const struct sched_case sched_cases[] = {
	{ "lc: least active*256+inactive, first in list wins ties, weight only 0/non-0",
	  XVS_SCHED_LC, 0, 3, { W(1), W(3), W(1) }, {
		SYN(1, 1001, 3, "1 lc: all 0, list order 3 2 1: first"),
		SYN(1, 1002, 2, "1 lc: 3 has 256, 2 is the first with 0"),
		SYN(1, 1003, 1, "1 lc: weight 3 of dest 2 does not count"),
		SYN(1, 1004, 3, "1 lc: all 256: first in list"),
		FIN(1, 1001),
		SYN(1, 1005, 2, "1 lc: 3 has 257 (1 active, 1 inactive) > 256"),
		SYN(1, 1006, 1, "1 lc: 2 has 512"),
		WEIGHT(1, 0),
		SYN(1, 1007, 3, "1 lc: weight 0 skipped; 257 < 512"),
		CLOSE(1, 1004),
		SYN(1, 1008, 3, "1 lc: 3 has 257 < 512"),
	} },
	{ "wlc: active*256+inactive per weight, cross-multiplied, ties to the first",
	  XVS_SCHED_WLC, 0, 2, { W(1), W(2) }, {
		SYN(1, 1001, 2, "1 wlc: seed is the first usable (2); 0*1 > 0*2 false"),
		SYN(1, 1002, 1, "1 wlc: 256*1 > 0*2: 1 is less loaded"),
		SYN(1, 1003, 2, "1 wlc: 256*1 > 256*2 false"),
		SYN(1, 1004, 2, "1 wlc: 512*1 > 256*2 false: the tie goes to 2"),
		FIN(1, 1001),
		SYN(1, 1005, 1, "1 wlc: 2 has 513 (inactive counts 1): 513*1 > 256*2"),
	} },
	{ "sed: (active+1) per weight, inactive ignored",
	  XVS_SCHED_SED, 0, 2, { W(1), W(2) }, {
		SYN(1, 1001, 2, "1 sed: seed 2 (oh 1); 1*1 > 1*2 false"),
		SYN(1, 1002, 2, "1 sed: 2*1 > 1*2 false"),
		SYN(1, 1003, 1, "1 sed: 3*1 > 1*2"),
		SYN(1, 1004, 2, "1 sed: 3*1 > 2*2 false"),
		SYN(1, 1005, 2, "1 sed: 4*1 > 2*2 false"),
		SYN(1, 1006, 1, "1 sed: 5*1 > 2*2"),
		FIN(1, 1001),
		FIN(1, 1002),
		SYN(1, 1007, 2, "1 sed: inactive ignored: 3*1 > 3*2 false"),
	} },
	{ "nq: first idle server at once, else sed",
	  XVS_SCHED_NQ, 0, 3, { W(1), W(1), W(3) }, {
		SYN(1, 1001, 3, "1 nq: 3 idle"),
		SYN(1, 1002, 2, "1 nq: 2 is the first idle"),
		SYN(1, 1003, 1, "1 nq: 1 idle"),
		SYN(1, 1004, 3, "1 nq: none idle: sed, 2*1 > 2*3 false"),
		SYN(1, 1005, 3, "1 nq: 3*1 > 2*3 false"),
		SYN(1, 1006, 3, "1 nq: 4*1 > 2*3 false"),
		SYN(1, 1007, 3, "1 nq: 5*1 > 2*3 false"),
		SYN(1, 1008, 3, "1 nq: 6*1 > 2*3 false"),
		SYN(1, 1009, 2, "1 nq: 7*1 > 2*3"),
		FIN(1, 1002),
		FIN(1, 1009),
		SYN(1, 1010, 2, "1 nq: 2 idle again (inactive connections do not count)"),
	} },
	{ "ovf: highest weight with active <= weight",
	  XVS_SCHED_OVF, 0, 2, { W(2), W(1) }, {
		SYN(1, 1001, 1, "1 ovf: weight 2 beats 1"),
		SYN(1, 1002, 1, "1 ovf: active 1 <= 2"),
		SYN(1, 1003, 1, "1 ovf: active 2 <= 2"),
		SYN(1, 1004, 2, "1 ovf: 1 has 3 > 2"),
		SYN(1, 1005, 2, "1 ovf: 2 has 1 <= 1"),
		SYN(1, 1006, 0, "1 ovf: both over: no destination (2.6)"),
		FIN(1, 1001),
		SYN(1, 1007, 1, "1 ovf: 1 back to 2 active"),
	} },
	{ "fo: highest weight, ties to the first; -x 3 -y 1 overload and hysteresis",
	  XVS_SCHED_FO, 0, 3, { WT(5, 3, 1), W(1), W(1) }, {
		SYN(1, 1001, 1, "1 fo: weight 5"),
		SYN(1, 1002, 1, "1 fo"),
		SYN(1, 1003, 1, "0.1: total 3 >= u 3: OVERLOAD at this bind"),
		SYN(1, 1004, 3, "1 fo: 1 overloaded; 3 and 2 tie: first in list"),
		CLOSE(1, 1001),
		SYN(1, 1005, 3, "0.1: total 2, l 1: not below, still overloaded"),
		CLOSE(1, 1002),
		SYN(1, 1006, 3, "0.1: total 1 is not < 1"),
		CLOSE(1, 1003),
		SYN(1, 1007, 1, "0.1: total 0 < l 1: cleared at unbind"),
		WEIGHT(3, 0),
		CLOSE(1, 1007),
		WEIGHT(1, 0),
		SYN(1, 1008, 2, "1 fo: weights 0 skipped"),
	} },
	{ "rr: -x 4 only: set at 4, cleared below 3/4 of it",
	  XVS_SCHED_RR, 0, 2, { WT(1, 4, 0), W(1) }, {
		SYN(1, 1001, 2, "1 rr: from the head"),
		SYN(1, 1002, 1, "1 rr"),
		SYN(1, 1003, 2, "1 rr"),
		SYN(1, 1004, 1, "1 rr"),
		SYN(1, 1005, 2, "1 rr"),
		SYN(1, 1006, 1, "1 rr"),
		SYN(1, 1007, 2, "1 rr"),
		SYN(1, 1008, 1, "0.1: total 4 >= 4: OVERLOAD"),
		SYN(1, 1009, 2, "1 rr: 1 skipped"),
		SYN(1, 1010, 2, "1 rr: 1 skipped"),
		CLOSE(1, 1002),
		SYN(1, 1011, 2, "0.1: 3*4 < 4*3 is false: still overloaded"),
		CLOSE(1, 1004),
		SYN(1, 1012, 1, "0.1: 2*4 < 12: cleared"),
		SYN(1, 1013, 2, "1 rr"),
	} },
	{ "wrr 3:2:1: cw left at 1 by the adds, then the 6-long period",
	  XVS_SCHED_WRR, 0, 3, { W(1), W(2), W(3) }, {
		SYN(1, 1001, 3, "1.1 wrr: adds keep cw 1 (<= mw): every dest"),
		SYN(1, 1002, 2, "1.1 wrr: cw 1"),
		SYN(1, 1003, 1, "1.1 wrr: cw 1"),
		SYN(1, 1004, 3, "1.1 wrr: cw 0 -> mw 3"),
		SYN(1, 1005, 3, "1.1 wrr: cw 2"),
		SYN(1, 1006, 2, "1.1 wrr: cw 2"),
		SYN(1, 1007, 3, "1.1 wrr: cw 1"),
		SYN(1, 1008, 2, "1.1 wrr: cw 1"),
		SYN(1, 1009, 1, "1.1 wrr: cw 1"),
		SYN(1, 1010, 3, "1.1 wrr: cw 3 again"),
	} },
	{ "sh: weighted buckets (3 2 2 1 ...), weight 0 keeps a bucket and fails",
	  XVS_SCHED_SH, 0, 3, { W(1), W(2), W(1) }, {
		SYN(1, 40001, 2, "1.2 sh: bucket 122, 122 % 4 = 2: dest 2"),
		SYN(2, 40002, 3, "1.2 sh: bucket 220 % 4 = 0: dest 3"),
		SYN(4, 40003, 1, "1.2 sh: bucket 159 % 4 = 3: dest 1"),
		SYN(1, 40004, 2, "1.2 sh: same client, same server"),
		WEIGHT(2, 0),
		SYN(1, 40005, 1, "1.2 sh: refilled 3 2 1, 122 % 3 = 2"),
		SYN(2, 40006, 0, "1.2 sh: 220 % 3 = 1: dest 2, weight 0: no fallback"),
		SYN(3, 40007, 0, "1.2 sh: bucket 61: dest 2"),
		SYN(4, 40008, 3, "1.2 sh: 159 % 3 = 0"),
		SYN(5, 40009, 0, "1.2 sh: bucket 1: dest 2"),
	} },
	{ "sh -b sh-fallback,sh-port: port in the key, probe past weight 0",
	  XVS_SCHED_SH, XVS_SVC_F_SCHED1 | XVS_SVC_F_SCHED2, 2, { W(1), W(1) }, {
		SYN(1, 40001, 1, "1.2 sh-port: 40001's bucket holds 1"),
		SYN(1, 40006, 2, "1.2 sh-port: another port, another bucket"),
		WEIGHT(1, 0),
		SYN(1, 40002, 2, "1.2 sh-fallback: 1 unusable, probe finds 2"),
		SYN(1, 40007, 2, "1.2 sh: 2's own bucket"),
	} },
	{ "sh: an OVERLOADED server fails without fallback",
	  XVS_SCHED_SH, 0, 2, { WT(1, 1, 0), W(1) }, {
		SYN(4, 40001, 1, "1.2 sh: bucket 159 odd: dest 1"),
		SYN(4, 40002, 0, "0.1 + 1.2: total 1 >= u 1: OVERLOAD, sh fails"),
		SYN(2, 40003, 2, "1.2 sh: bucket 220 even: dest 2"),
		CLOSE(4, 40001),
		SYN(4, 40004, 1, "0.1: cleared at unbind"),
	} },
	{ "dh: one bucket per server round robin, keyed by the destination address",
	  XVS_SCHED_DH, 0, 3, { W(1), W(1), W(1) }, {
		SYN(1, 40001, 2, "dh: hash_32(VIP) = bucket 139, 139 % 3 = 1: dest 2"),
		SYN(2, 40002, 2, "dh: any client, same destination"),
		WEIGHT(2, 0),
		SYN(3, 40003, 0, "dh: weight 0 keeps its bucket: no destination"),
		WEIGHT(2, 4),
		SYN(3, 40004, 2, "dh: back"),
	} },
	{ "mh: Maglev table of the servers' addresses, weight 0 keeps its entries and fails",
	  XVS_SCHED_MH, 0, 3, { W(1), W(1), W(1) }, {
		SYN(1, 40001, 2, "1.3 mh: 1365/1364/1364 entries, client 1's is 10.0.0.12:80"),
		SYN(2, 40002, 1, "1.3 mh"),
		SYN(3, 40003, 3, "1.3 mh"),
		SYN(5, 40005, 1, "1.3 mh"),
		SYN(7, 40007, 1, "1.3 mh"),
		SYN(1, 40011, 2, "1.3 mh: same client, same server"),
		WEIGHT(2, 0),
		SYN(1, 40012, 0, "1.3 mh: last_weight keeps 2's entries: fails"),
		SYN(8, 40018, 0, "1.3 mh: 8's entry is 2's too"),
		SYN(3, 40013, 3, "1.3 mh: others unmoved"),
		SYN(5, 40015, 1, "1.3 mh: others unmoved"),
	} },
	{ "mh -b mh-fallback,mh-port: weight 2:1, probe past weight 0",
	  XVS_SCHED_MH, XVS_SVC_F_SCHED1 | XVS_SVC_F_SCHED2, 2, { W(2), W(1) }, {
		SYN(1, 40001, 1, "1.3 mh-port: 2728/1365 entries (turns 2:1)"),
		SYN(1, 40007, 2, "1.3 mh-port: another port, 2's entry"),
		SYN(1, 40002, 1, "1.3 mh-port"),
		WEIGHT(1, 0),
		SYN(1, 40005, 2, "1.3 mh-fallback: 1's entry unusable, the probe finds 2"),
		SYN(1, 40008, 2, "1.3 mh: 2's own entry"),
	} },
	{ "lblc: one server per destination until it is overloaded in lblc's sense",
	  XVS_SCHED_LBLC, 0, 3, { W(2), W(2), W(2) }, {
		SYN(1, 1001, 3, "1.4 lblc: no entry for the VIP: wlc's pick (first of 3 2 1) cached"),
		SYN(2, 1002, 3, "1.4 lblc: cached 3, active 1 <= weight 2"),
		SYN(3, 1003, 3, "1.4 lblc: active 2 <= 2"),
		SYN(4, 1004, 2, "1.4 lblc: active 3 > 2 and 2 is under half its weight: wlc, 2 replaces 3"),
		SYN(5, 1005, 2, "1.4 lblc: cached 2"),
		SYN(6, 1006, 2, "1.4 lblc: active 2 <= 2"),
		SYN(7, 1007, 1, "1.4 lblc: active 3 > 2 and 1 is under half its weight: wlc's 1"),
		WEIGHT(1, 0),
		SYN(8, 1008, 3, "1.4 lblc: the cached server has weight 0: wlc, 3 first of a tie"),
		SYN(9, 1009, 3, "1.4 lblc: 3 has 4 > 2, but no server is under half its weight"),
	} },
	{ "lblcr: a server set per destination, grown when its least loaded is overloaded",
	  XVS_SCHED_LBLCR, 0, 2, { W(1), W(1) }, {
		SYN(1, 1001, 2, "1.4 lblcr: no entry: wlc's pick, set {2}"),
		SYN(2, 1002, 2, "1.4 lblcr: active 1 <= weight 1"),
		SYN(3, 1003, 1, "1.4 lblcr: 2 has 2 > 1 and 1 is idle: wlc's 1 joins, set {1 2}"),
		SYN(4, 1004, 1, "1.4 lblcr: set min, newest first: 1 (256) before 2 (512)"),
		SYN(5, 1005, 1, "1.4 lblcr: 1 has 2 > 1 but no server under half its weight"),
		SYN(6, 1006, 2, "1.4 lblcr: set min: 2 (512) less than 1 (768)"),
		FIN(6, 1006),
		FIN(4, 1004),
		SYN(7, 1007, 1, "1.4 lblcr: 1 has 513, 2 has 513: the tie goes to the newest member"),
	} },
};

#define SCHED_NCASES	(sizeof(sched_cases) / sizeof(sched_cases[0]))

#endif /* XVS_TEST_DP_SCHED_CASES_H */
