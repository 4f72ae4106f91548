// SPDX-License-Identifier: GPL-2.0
/*
 * xvsgen tx: the live-frames generator. Each thread, pinned to one CPU, runs
 * gen.bpf.c with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES in batches
 * until the time is up; the program sends every frame out of --dev with
 * XDP_TX. The rate that counts is the one the sinks at the far end saw,
 * read from their pinned counters over the measured window; what was sent
 * is printed beside it, so losses on the way show.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/ether.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "gen.skel.h"
#include "gen_frame.h"
#include "gen_tx.h"

#define MAX_PINS	8
#define MAX_CPUS	8
#define MAX_SECONDS	10
#define PORTS_PER_ADDR	60000	/* flows vary the source port, then the address */
#define BATCH		(1u << 16)	/* frames per BPF_PROG_RUN call */

struct tx_opts {
	const char *dev;
	struct ether_addr dmac;
	struct in_addr src, dst;
	unsigned int sport, dport, flows;
	double seconds;
	int cpus[MAX_CPUS], ncpus;
	char *pins[MAX_PINS];
	int npins;
	int warmup, have_dmac;
};

struct worker {
	pthread_t thread;
	int cpu, prog_fd, ifindex, err;
	__u64 sent;
};

static volatile int stop;

int sink_count(char **pins, int n, __u64 *sum)
{
	int ncpu = libbpf_num_possible_cpus(), i, c, fd;
	__u32 key = 0;
	__u64 *v;

	if (ncpu < 0)
		return -1;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -1;
	*sum = 0;
	for (i = 0; i < n; i++) {
		fd = bpf_obj_get(pins[i]);
		if (fd < 0 || bpf_map_lookup_elem(fd, &key, v)) {
			fprintf(stderr, "xvsgen: read sink %s: %s\n", pins[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			free(v);
			return -1;
		}
		close(fd);
		for (c = 0; c < ncpu; c++)
			*sum += v[c];
	}
	free(v);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Send `repeat` frames in one BPF_PROG_RUN call from the calling CPU. */
static int run_frames(int prog_fd, int ifindex, __u32 repeat)
{
	unsigned char frame[GEN_FRAME_LEN] = {};
	struct xdp_md ctx_in = {
		.data_end = sizeof(frame),
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = sizeof(frame),
		.ctx_in = &ctx_in,
		.ctx_size_in = sizeof(ctx_in),
		.repeat = repeat,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	return bpf_prog_test_run_opts(prog_fd, &opts) ? -errno : 0;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	w->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!w->err && !stop) {
		w->err = run_frames(w->prog_fd, w->ifindex, BATCH);
		if (!w->err)
			w->sent += BATCH;
	}
	return NULL;
}

/* The frame of flow 0; the program derives the others from it. */
static int build_template(const struct tx_opts *o, unsigned char *f)
{
	struct ethhdr *eth = (void *)f;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct ifreq ifr = {};
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->dev);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (err) {
		fprintf(stderr, "xvsgen: MAC of %s: %s\n", o->dev, strerror(errno));
		return -1;
	}
	memcpy(eth->h_dest, &o->dmac, ETH_ALEN);
	memcpy(eth->h_source, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(GEN_FRAME_LEN - sizeof(*eth));
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = o->src.s_addr;
	ip->daddr = o->dst.s_addr;
	udp->source = htons(o->sport);
	udp->dest = htons(o->dport);
	udp->len = htons(GEN_FRAME_LEN - sizeof(*eth) - sizeof(*ip));
	/* UDP checksum 0: none, legal in IPv4, so varying the flow needs no update. */
	return 0;
}

static int parse_cpus(struct tx_opts *o, char *s)
{
	char *tok, *end;

	o->ncpus = 0;
	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		long c = strtol(tok, &end, 10);

		if (*end || c < 0 || c >= CPU_SETSIZE || o->ncpus == MAX_CPUS)
			return -1;
		o->cpus[o->ncpus++] = c;
	}
	return o->ncpus ? 0 : -1;
}

static int parse_tx(struct tx_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'i' },
		{ "dmac", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "sport", required_argument, NULL, 'p' },
		{ "dport", required_argument, NULL, 'P' },
		{ "flows", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 't' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "sink", required_argument, NULL, 'k' },
		{ "warmup", no_argument, NULL, 'w' },
		{}
	};
	struct ether_addr *mac;
	int c;
	char *end = "";

	*o = (struct tx_opts){ .flows = 1, .seconds = 2, .cpus = { 0 }, .ncpus = 1 };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->dev = optarg; break;
		case 'm':
			mac = ether_aton(optarg);
			if (!mac)
				goto bad;
			o->dmac = *mac;
			o->have_dmac = 1;
			break;
		case 's': if (!inet_aton(optarg, &o->src)) goto bad; break;
		case 'd': if (!inet_aton(optarg, &o->dst)) goto bad; break;
		case 'p': o->sport = strtoul(optarg, &end, 10); break;
		case 'P': o->dport = strtoul(optarg, &end, 10); break;
		case 'f': o->flows = strtoul(optarg, &end, 10); break;
		case 't': o->seconds = strtod(optarg, &end); break;
		case 'c': if (parse_cpus(o, optarg)) goto bad; break;
		case 'k':
			if (o->npins == MAX_PINS)
				goto bad;
			o->pins[o->npins++] = optarg;
			break;
		case 'w': o->warmup = 1; break;
		default: return usage_error();
		}
		if (*end)
			goto bad;
	}
	if (optind != argc || !o->dev || !o->npins || !o->sport || !o->dport ||
	    !o->src.s_addr || !o->dst.s_addr || !o->have_dmac)
		return usage_error();
	if (o->flows < 1 || o->dport > 65535 ||
	    o->sport + (o->flows < PORTS_PER_ADDR ? o->flows : PORTS_PER_ADDR) - 1 > 65535 ||
	    o->flows / PORTS_PER_ADDR > 250 || o->seconds <= 0 || o->seconds > MAX_SECONDS) {
		fprintf(stderr, "xvsgen: ports, flows (<= 15M) or seconds (<= %d) out of range\n",
			MAX_SECONDS);
		return 1;
	}
	return 0;
bad:
	fprintf(stderr, "xvsgen: bad value '%s'\n", optarg);
	return 1;
}

static int measure(struct tx_opts *o, int prog_fd, int ifindex)
{
	struct worker w[MAX_CPUS] = {};
	double t0, t1, tstart;
	__u64 c0, c1, sent = 0;
	int i, n, err = 0;

	tstart = now();
	for (n = 0; n < o->ncpus; n++) {
		w[n] = (struct worker){ .cpu = o->cpus[n], .prog_fd = prog_fd, .ifindex = ifindex };
		if (pthread_create(&w[n].thread, NULL, worker_run, &w[n]))
			break;
	}
	/* Let the chain fill before the window opens. */
	usleep(100000);
	err = sink_count(o->pins, o->npins, &c0);
	t0 = now();
	if (!err) {
		usleep(o->seconds * 1e6);
		err = sink_count(o->pins, o->npins, &c1);
	}
	t1 = now();
	stop = 1;
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		sent += w[i].sent;
		if (w[i].err && !err) {
			fprintf(stderr, "xvsgen: BPF_PROG_RUN on cpu %d: %s\n", w[i].cpu,
				strerror(w[i].err < 0 ? -w[i].err : w[i].err));
			err = -1;
		}
	}
	if (n < o->ncpus) {
		fprintf(stderr, "xvsgen: cannot start thread %d\n", n);
		err = -1;
	}
	if (err)
		return 1;
	printf("flows=%u threads=%d seconds=%.3f sunk=%llu pps=%.0f sent_pps=%.0f\n",
	       o->flows, o->ncpus, t1 - t0, (unsigned long long)(c1 - c0),
	       (c1 - c0) / (t1 - t0), sent / (now() - tstart));
	return 0;
}

int cmd_tx(int argc, char **argv)
{
	unsigned char frame[8 * GEN_FRAME_WORDS] = {};
	struct gen_bpf *skel;
	struct tx_opts o;
	int ifindex, err;

	err = parse_tx(&o, argc, argv);
	if (err)
		return err;
	ifindex = if_nametoindex(o.dev);
	if (!ifindex) {
		fprintf(stderr, "xvsgen: no interface %s\n", o.dev);
		return 1;
	}
	if (build_template(&o, frame))
		return 1;
	skel = gen_bpf__open();
	if (!skel)
		return 1;
	memcpy((void *)skel->rodata->tmpl, frame, sizeof(frame));
	skel->rodata->nflows = o.flows;
	skel->rodata->nports = o.flows < PORTS_PER_ADDR ? o.flows : PORTS_PER_ADDR;
	err = gen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "xvsgen: load generator: %s\n", strerror(-err));
		goto out;
	}
	/* Every flow once, so connection tables hold them all before measuring. */
	if (o.warmup) {
		err = run_frames(bpf_program__fd(skel->progs.gen_xdp), ifindex, o.flows);
		if (err) {
			fprintf(stderr, "xvsgen: warm-up: %s\n", strerror(-err));
			goto out;
		}
	}
	err = measure(&o, bpf_program__fd(skel->progs.gen_xdp), ifindex);
out:
	gen_bpf__destroy(skel);
	return err ? 1 : 0;
}
