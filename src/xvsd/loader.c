// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and attaching. Maps are pinned by name in the version directory;
 * libbpf reuses a pinned map when one exists, which is how a restarted xvsd
 * adopts the running state. XDP is attached with a bpf_link pinned next to
 * the maps (link_xdp_<ifname>): the link, not the process, holds the program
 * on the interface, and bpf_link_update() swaps in a newly loaded program
 * without a moment with none. tc filters persist by themselves and are
 * replaced in place (BPF_TC_F_REPLACE).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xvs/abi.h>

#include "xvs.skel.h"
#include "loader.h"
#include "local.h"
#include "log.h"
#include "pin.h"

#define LINK_PREFIX "link_xdp_"

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	if (snprintf(buf, len, "%s/%s", dir, name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* conn_v4 (connections, templates) and conn_out (replies): conn_max each. */
static int size_conn_maps(struct loader *ld, __u32 entries)
{
	int err = bpf_map__set_max_entries(ld->skel->maps.conn_v4, entries);

	return err ? err : bpf_map__set_max_entries(ld->skel->maps.conn_out, entries);
}

/* A pinned conn_v4 keeps its size: resizing would mean dropping every
 * connection, which only --cleanup may do. */
static int size_conn_table(struct loader *ld, __u32 conn_max)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	err = pin_path(path, sizeof(path), ld->dir, "conn_v4");
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return size_conn_maps(ld, conn_max);
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return -errno;
	if (info.max_entries != conn_max)
		pr_warn("keeping the pinned connection table of %u connections (asked %u): "
			"run 'xvsd --cleanup' first to resize it", info.max_entries, conn_max);
	return size_conn_maps(ld, info.max_entries);
}

/* Maps indexed by service id: svc_dests holds ids 0..max_svc (0 unused). */
static int size_svc_maps(struct loader *ld, __u32 entries)
{
	struct xvs *s = ld->skel;
	int err = bpf_map__set_max_entries(s->maps.svc_map, entries);

	if (!err)
		err = bpf_map__set_max_entries(s->maps.svc_dests, entries);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.svc_fwmark, entries);
	return err ? err : bpf_map__set_max_entries(s->maps.svc_stats, entries);
}

/* Maps indexed by server id: dest_info holds ids 0..max_dest (0 unused). */
static int size_dest_maps(struct loader *ld, __u32 entries)
{
	struct xvs *s = ld->skel;
	int err = bpf_map__set_max_entries(s->maps.dest_info, entries);

	if (!err)
		err = bpf_map__set_max_entries(s->maps.dest_cnt, entries);
	return err ? err : bpf_map__set_max_entries(s->maps.dest_stats, entries);
}

/* A pinned map's max_entries, 0 when nothing is pinned under @name. */
static int pinned_entries(struct loader *ld, const char *name, __u32 *entries)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	*entries = 0;
	err = pin_path(path, sizeof(path), ld->dir, name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return -errno;
	*entries = info.max_entries;
	return 0;
}

/*
 * The service and server tables: c's sizes, or the pinned ones (as the
 * connection table, resizing means dropping what they hold). addr_set holds
 * each VIP and NAT server address once: at most one per service and server.
 */
static int size_id_tables(struct loader *ld, const struct xvsd_conf *c)
{
	__u32 svc = c->max_svc + 1, dest = c->max_dest + 1, psvc, pdest;
	int err = pinned_entries(ld, "svc_dests", &psvc);

	if (!err)
		err = pinned_entries(ld, "dest_info", &pdest);
	if (err)
		return err;
	if ((psvc && psvc != svc) || (pdest && pdest != dest))
		pr_warn("keeping the pinned tables of %u services and %u real servers (asked "
			"%u and %u): run 'xvsd --cleanup' first to resize them",
			psvc ? psvc - 1 : c->max_svc, pdest ? pdest - 1 : c->max_dest,
			c->max_svc, c->max_dest);
	if (psvc)
		svc = psvc;
	if (pdest)
		dest = pdest;
	err = size_svc_maps(ld, svc);
	if (!err)
		err = size_dest_maps(ld, dest);
	return err ? err : bpf_map__set_max_entries(ld->skel->maps.addr_set, svc + dest);
}

/*
 * The pool of unanswered connections follows the table's size, pinned or
 * not (docs/conn-pressure.md): its ring map and the datapath's modulus.
 */
static int size_pool(struct loader *ld)
{
	__u32 pool = bpf_map__max_entries(ld->skel->maps.conn_v4) / XVS_POOL_SHARE;

	if (!pool)
		pool = 1;
	ld->skel->rodata->pool_size = pool;
	return bpf_map__set_max_entries(ld->skel->maps.conn_pool, pool);
}

int loader_load(struct loader *ld, const struct xvsd_conf *c)
{
	const char *pin_dir = c->pin_dir;
	struct bpf_map *map;
	char path[PATH_MAX];
	unsigned int other;
	int err;

	memset(ld, 0, sizeof(*ld));
	err = pin_prepare(pin_dir);
	if (err)
		return err;
	other = pin_other_version(pin_dir, XVS_ABI_VERSION);
	if (other) {
		pr_err("%s/v%u holds the pinned datapath of ABI version %u, this xvsd uses "
		       "version %u: stop it with 'xvsd --cleanup --pin-dir %s' (this drops "
		       "its connections) or run the xvsd that made it",
		       pin_dir, other, other, XVS_ABI_VERSION, pin_dir);
		return -EEXIST;
	}
	err = pin_version_dir(pin_dir, XVS_ABI_VERSION, ld->dir, sizeof(ld->dir));
	if (!err)
		err = pin_prepare(ld->dir);
	if (err)
		return err;

	ld->skel = xvs__open();
	if (!ld->skel) {
		err = -errno;
		pr_err("open the datapath object: %s", strerror(-err));
		return err;
	}
	bpf_object__for_each_map(map, ld->skel->obj) {
		/*
		 * .data/.rodata/.bss belong to one load of the programs; the
		 * forwarding cache is a cache (bpf/lib/fib.h): a new load
		 * starts it empty, and its layout stays out of the ABI.
		 */
		if (bpf_map__is_internal(map) || map == ld->skel->maps.fib_cache)
			continue;
		err = pin_path(path, sizeof(path), ld->dir, bpf_map__name(map));
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err)
			goto err_destroy;
	}
	err = pin_path(path, sizeof(path), ld->dir, "svc_map");
	if (err)
		goto err_destroy;
	ld->adopted = !access(path, F_OK);
	err = size_conn_table(ld, c->conn_max);
	if (!err)
		err = size_pool(ld);
	if (!err)
		err = size_id_tables(ld, c);
	if (err)
		goto err_destroy;
	if (!c->local_cgroup[0])
		local_skip_load(ld->skel);
	err = xvs__load(ld->skel);
	if (err) {
		pr_err("load the datapath: %s%s", strerror(-err),
		       ld->adopted ? " (pinned maps of another layout? see the libbpf message "
				     "above; 'xvsd --cleanup' removes them)" : "");
		goto err_destroy;
	}
	pr_info("%s the datapath maps in %s", ld->adopted ? "adopted" : "created", ld->dir);
	return 0;

err_destroy:
	xvs__destroy(ld->skel);
	ld->skel = NULL;
	return err;
}

/* ---- veth check ----------------------------------------------------------- */

static int ethtool_cmd(const char *ifname, void *data)
{
	struct ifreq ifr;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
	close(fd);
	return ret;
}

static int read_int(const char *fmt, const char *ifname)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), fmt, ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * XDP_REDIRECT into a veth is dropped silently unless its peer runs an XDP
 * program or has GRO on (DESIGN.md). We can check a peer in our namespace;
 * one in another namespace we can only name.
 */
static void check_veth(const char *ifname, int ifindex)
{
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_value gro = { .cmd = ETHTOOL_GGRO };
	char peer[IF_NAMESIZE];
	__u32 prog_id = 0;
	int peer_idx;

	if (ethtool_cmd(ifname, &drv) || strcmp(drv.driver, "veth"))
		return;
	peer_idx = read_int("/sys/class/net/%s/iflink", ifname);
	if (peer_idx <= 0 || peer_idx == ifindex || !if_indextoname(peer_idx, peer) ||
	    read_int("/sys/class/net/%s/iflink", peer) != ifindex) {
		pr_warn("%s is a veth whose peer is in another namespace: packets xvs "
			"redirects into %s are dropped unless that peer has GRO on "
			"(ethtool -K PEER gro on) or an XDP program", ifname, ifname);
		return;
	}
	bpf_xdp_query_id(peer_idx, 0, &prog_id);
	if (prog_id || (!ethtool_cmd(peer, &gro) && gro.data))
		return;
	pr_warn("%s is a veth whose peer %s has neither GRO nor an XDP program: packets "
		"xvs redirects into %s will be dropped (ethtool -K %s gro on)",
		ifname, peer, ifname, peer);
}

/* ---- XDP ---------------------------------------------------------------- */

/* Point a pinned link at prog_fd if it is still the link of ifindex. */
static bool update_pinned_link(const char *path, int ifindex, int prog_fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	bool done = false;
	int fd;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
	    info.xdp.ifindex == (__u32)ifindex)
		done = !bpf_link_update(fd, prog_fd, NULL);
	close(fd);
	if (!done)
		unlink(path);	/* its interface is gone or was recreated */
	return done;
}

static int attach_xdp(struct loader *ld, const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	int prog_fd = bpf_program__fd(ld->skel->progs.xvs_xdp);
	char path[PATH_MAX];
	int fd, err;

	if (snprintf(path, sizeof(path), "%s/" LINK_PREFIX "%s", ld->dir, ifname) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (update_pinned_link(path, ifindex, prog_fd)) {
		pr_info("XDP on %s: replaced the running program in place", ifname);
		return 0;
	}
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
		pr_warn("native XDP refused by %s (%s): falling back to generic XDP, "
			"which is much slower", ifname, strerror(errno));
		opts.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	}
	if (fd < 0) {
		err = -errno;
		pr_err("attach XDP to %s: %s%s", ifname, strerror(-err),
		       err == -EBUSY || err == -EEXIST ? " (another XDP program is attached)" : "");
		return err;
	}
	err = bpf_obj_pin(fd, path) ? -errno : 0;
	close(fd);
	if (err)
		pr_err("pin XDP link of %s at %s: %s", ifname, path, strerror(-err));
	else
		pr_info("XDP attached to %s", ifname);
	return err;
}

/* Remove pinned links of interfaces not in c (or all in tc mode). */
static void drop_stale_links(struct loader *ld, const struct xvsd_conf *c)
{
	struct dirent *de;
	DIR *d;

	d = opendir(ld->dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name + strlen(LINK_PREFIX);
		bool keep = false;
		char path[PATH_MAX];
		int i;

		if (strncmp(de->d_name, LINK_PREFIX, strlen(LINK_PREFIX)))
			continue;
		for (i = 0; c->datapath == XVSD_DP_XDP && i < c->nifaces; i++)
			keep |= !strcmp(c->ifaces[i], name);
		if (keep || pin_path(path, sizeof(path), ld->dir, de->d_name))
			continue;
		if (!unlink(path))
			pr_info("XDP detached from %s", name);
	}
	closedir(d);
}

/* ---- tc ----------------------------------------------------------------- */

static int attach_tc(struct loader *ld, const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LOADER_TC_HANDLE, .priority = LOADER_TC_PRIO,
		    .prog_fd = bpf_program__fd(ld->skel->progs.xvs_tc), .flags = BPF_TC_F_REPLACE);
	libbpf_print_fn_t old;
	int err;

	/* An existing clsact is fine; keep libbpf from logging the kernel's
	 * "exclusivity flag" complaint about it. */
	old = libbpf_set_print(NULL);
	err = bpf_tc_hook_create(&hook);
	libbpf_set_print(old);
	if (err && err != -EEXIST) {
		pr_err("create clsact on %s: %s", ifname, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		pr_err("attach tc ingress to %s: %s", ifname, strerror(-err));
	else
		pr_info("tc ingress attached to %s", ifname);
	return err;
}

static bool prog_is_ours(__u32 prog_id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	bool ours;
	int fd;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	ours = !bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, "xvs_tc");
	close(fd);
	return ours;
}

/* Detach xvs_tc from every interface of this namespace that c doesn't name. */
static void detach_tc_except(const struct xvsd_conf *c)
{
	struct if_nameindex *ifs, *it;
	libbpf_print_fn_t old;

	ifs = if_nameindex();
	if (!ifs)
		return;
	/* Asking an interface without clsact makes libbpf log the kernel's
	 * complaint: not news, so keep libbpf quiet while asking. */
	old = libbpf_set_print(NULL);
	for (it = ifs; it->if_index; it++) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = it->if_index,
			    .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LOADER_TC_HANDLE,
			    .priority = LOADER_TC_PRIO);
		bool keep = false;
		int i;

		for (i = 0; c && i < c->nifaces; i++)
			keep |= !strcmp(c->ifaces[i], it->if_name);
		if (keep || bpf_tc_query(&hook, &opts) || !prog_is_ours(opts.prog_id))
			continue;
		opts.prog_id = 0;
		opts.prog_fd = 0;
		opts.flags = 0;
		if (!bpf_tc_detach(&hook, &opts))
			pr_info("tc ingress detached from %s", it->if_name);
	}
	libbpf_set_print(old);
	if_freenameindex(ifs);
}

int loader_attach(struct loader *ld, const struct xvsd_conf *c)
{
	int i, err;

	drop_stale_links(ld, c);
	detach_tc_except(c);
	for (i = 0; i < c->nifaces; i++) {
		int ifindex = if_nametoindex(c->ifaces[i]);

		if (!ifindex) {
			pr_err("interface %s: %s", c->ifaces[i], strerror(errno));
			return -ENODEV;
		}
		check_veth(c->ifaces[i], ifindex);
		/* tc first: with XDP in front it handles what XDP passes on. */
		err = attach_tc(ld, c->ifaces[i], ifindex);
		if (!err && c->datapath == XVSD_DP_XDP)
			err = attach_xdp(ld, c->ifaces[i], ifindex);
		if (err)
			return err;
	}
	return 0;
}

void loader_close(struct loader *ld)
{
	xvs__destroy(ld->skel);
	ld->skel = NULL;
}

/* Unpin everything in one version directory (links first: that detaches XDP). */
static void cleanup_dir(const char *dir)
{
	struct dirent *de;
	char path[PATH_MAX];
	int pass;
	DIR *d;

	for (pass = 0; pass < 2; pass++) {
		d = opendir(dir);
		if (!d)
			return;
		while ((de = readdir(d))) {
			bool link = !strncmp(de->d_name, LINK_PREFIX, strlen(LINK_PREFIX));

			if (de->d_name[0] == '.' || link != (pass == 0) ||
			    pin_path(path, sizeof(path), dir, de->d_name))
				continue;
			if (unlink(path))
				pr_warn("remove %s: %s", path, strerror(errno));
			else if (link)
				pr_info("XDP detached from %s", de->d_name + strlen(LINK_PREFIX));
		}
		closedir(d);
	}
	if (rmdir(dir))
		pr_warn("remove %s: %s", dir, strerror(errno));
}

int loader_cleanup(const char *pin_dir)
{
	struct dirent *de;
	char path[PATH_MAX];
	DIR *d;

	detach_tc_except(NULL);
	d = opendir(pin_dir);
	if (!d) {
		pr_info("nothing pinned at %s", pin_dir);
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] != 'v' || pin_path(path, sizeof(path), pin_dir, de->d_name))
			continue;
		cleanup_dir(path);
	}
	closedir(d);
	if (rmdir(pin_dir) && errno != ENOTEMPTY && errno != EBUSY)
		pr_warn("remove %s: %s", pin_dir, strerror(errno));
	pr_info("removed the datapath pinned in %s", pin_dir);
	return 0;
}
