// SPDX-License-Identifier: GPL-2.0
/*
 * xvsgen: the benchmark's packet tools, run inside the namespaces bench/run.sh
 * creates.
 *
 *   xvsgen sink IF PORT PIN    attach sink.bpf.o to IF (count + drop UDP to
 *                              PORT), pin its counter map at PIN
 *   xvsgen fwd IF              attach the bare XDP forwarder to IF
 *   xvsgen detach IF           remove IF's XDP program
 *   xvsgen count PIN...        packets the sinks counted, summed
 *   xvsgen tx OPTIONS          generate (see usage()); prints one line of
 *                              key=value results
 *
 * XDP programs stay attached after xvsgen exits (netlink attachment); the
 * namespace going away removes them.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sink.skel.h"
#include "fwd.skel.h"
#include "gen_tx.h"

int usage_error(void)
{
	fprintf(stderr,
		"usage: xvsgen sink IF PORT PIN | fwd IF | detach IF | count PIN...\n"
		"       xvsgen tx --dev IF --dmac MAC --src IP --dst IP --sport N --dport N\n"
		"                 [--flows N] [--seconds S] [--cpus LIST] [--warmup]\n"
		"                 [--sink PIN]...\n");
	return 2;
}

/* libbpf's warnings say why a load failed; its info lines are noise here. */
static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int ifindex_of(const char *name)
{
	int i = if_nametoindex(name);

	if (!i)
		fprintf(stderr, "xvsgen: no interface %s\n", name);
	return i;
}

static int cmd_sink(int argc, char **argv)
{
	struct sink_bpf *skel;
	int ifindex, port, err;
	char *end;

	if (argc != 4)
		return usage_error();
	ifindex = ifindex_of(argv[1]);
	port = strtol(argv[2], &end, 10);
	if (!ifindex)
		return 1;
	if (*end || port < 1 || port > 65535) {
		fprintf(stderr, "xvsgen: bad port %s\n", argv[2]);
		return 1;
	}
	skel = sink_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->sink_port = htons(port);
	err = sink_bpf__load(skel);
	if (!err)
		err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.sink_xdp),
				     XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		fprintf(stderr, "xvsgen: attach sink to %s: %s\n", argv[1], strerror(-err));
	else if ((err = bpf_map__pin(skel->maps.sunk, argv[3])))
		fprintf(stderr, "xvsgen: pin %s: %s\n", argv[3], strerror(-err));
	sink_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int cmd_fwd(int argc, char **argv)
{
	struct fwd_bpf *skel;
	int ifindex, err;

	if (argc != 2)
		return usage_error();
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	skel = fwd_bpf__open_and_load();
	if (!skel)
		return 1;
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.fwd_xdp),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		fprintf(stderr, "xvsgen: attach forwarder to %s: %s\n", argv[1], strerror(-err));
	fwd_bpf__destroy(skel);
	return err ? 1 : 0;
}

static int cmd_detach(int argc, char **argv)
{
	int ifindex, err;

	if (argc != 2)
		return usage_error();
	ifindex = ifindex_of(argv[1]);
	if (!ifindex)
		return 1;
	err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		fprintf(stderr, "xvsgen: detach %s: %s\n", argv[1], strerror(-err));
	return err ? 1 : 0;
}

static int cmd_count(int argc, char **argv)
{
	__u64 n;

	if (argc < 2)
		return usage_error();
	if (sink_count(argv + 1, argc - 1, &n))
		return 1;
	printf("%llu\n", (unsigned long long)n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error();
	libbpf_set_print(print_warnings);
	if (!strcmp(argv[1], "sink"))
		return cmd_sink(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fwd"))
		return cmd_fwd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tx"))
		return cmd_tx(argc - 1, argv + 1);
	return usage_error();
}
