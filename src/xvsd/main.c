// SPDX-License-Identifier: GPL-2.0
/*
 * xvsd: options, then the start sequence (checks, load and attach, adopt the
 * pinned state, control socket, background) and the loop; or --cleanup.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "ctl.h"
#include "daemon.h"
#include "health.h"
#include "hostcheck.h"
#include "ka_apply.h"
#include "ka_test.h"
#include "loader.h"
#include "local.h"
#include "neigh.h"
#include "log.h"
#include "metrics.h"
#include "run.h"
#include "state.h"
#include "version.h"
#include "vrrp.h"

struct cli {
	struct xvsd_conf conf;	/* what the command line set */
	const char *conf_file;
	bool conf_given;
	bool foreground;
	bool cleanup;
	bool check;
	bool config_test;
	bool debug;
};

enum {
	OPT_DATAPATH = 256,
	OPT_SOCKET,
	OPT_PIN_DIR,
	OPT_CONN_MAX,
	OPT_MAX_SVC,
	OPT_MAX_DEST,
	OPT_CLEANUP,
	OPT_METRICS,
	OPT_VRRP_FIFO,
	OPT_VRRP_INSTANCE,
	OPT_CHECK,
	OPT_LOCAL_CGROUP,
	OPT_CONNOPT,	/* + enum connopt_id */
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "config", required_argument, NULL, 'c' },
	{ "use-file", required_argument, NULL, 'f' },
	{ "datapath", required_argument, NULL, OPT_DATAPATH },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "conn-max", required_argument, NULL, OPT_CONN_MAX },
	{ "max-services", required_argument, NULL, OPT_MAX_SVC },
	{ "max-servers", required_argument, NULL, OPT_MAX_DEST },
	{ "cleanup", no_argument, NULL, OPT_CLEANUP },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "vrrp-fifo", required_argument, NULL, OPT_VRRP_FIFO },
	{ "vrrp-instance", required_argument, NULL, OPT_VRRP_INSTANCE },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "local-cgroup", required_argument, NULL, OPT_LOCAL_CGROUP },
	{ "config-test", no_argument, NULL, 't' },
	{ "conn-reuse-mode", required_argument, NULL, OPT_CONNOPT + CONNOPT_CONN_REUSE_MODE },
	{ "expire-nodest-conn", required_argument, NULL,
	  OPT_CONNOPT + CONNOPT_EXPIRE_NODEST_CONN },
	{ "expire-quiescent-template", required_argument, NULL,
	  OPT_CONNOPT + CONNOPT_EXPIRE_QUIESCENT_TEMPLATE },
	{ "sloppy-tcp", required_argument, NULL, OPT_CONNOPT + CONNOPT_SLOPPY_TCP },
	{ "nat-icmp-send", required_argument, NULL, OPT_CONNOPT + CONNOPT_NAT_ICMP_SEND },
	{ "log-syslog", no_argument, NULL, 'l' },
	{ "debug", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xvsd [OPTIONS]\n"
		"       xvsd --cleanup [--pin-dir PATH] [--socket PATH]\n"
		"       xvsd --check [--socket PATH]\n"
		"XDP/tc LVS-NAT director daemon: loads the datapath, serves xvsadm/ipvsadm.\n"
		"\n"
		"  -i, --interface IF[,IF...]  attach to these interfaces (repeatable)\n"
		"  -c, --config FILE           settings file (default %s)\n"
		"  -f, --use-file FILE         run the virtual servers and health checks of\n"
		"                              this keepalived.conf (SIGHUP reloads it)\n"
		"      --datapath xdp|tc       xdp: XDP with tc ingress beside it (default);\n"
		"                              tc: tc ingress only\n"
		"  -n, --dont-fork             stay in the foreground\n"
		"      --socket PATH           control socket (default %s)\n"
		"      --pin-dir PATH          bpffs directory for pins (default %s)\n"
		"      --conn-max N            connection table size (default %u)\n"
		"      --max-services N        virtual services, 1..%u (default %u)\n"
		"      --max-servers N         real servers over all services, removed ones\n"
		"                              still in use included, 1..%u (default %u)\n"
		"      --cleanup               detach the datapath, remove pins, exit\n"
		"      --metrics ADDR:PORT     serve Prometheus metrics at http://ADDR:PORT/metrics\n"
		"                              (also [ADDR6]:PORT, :PORT; default off)\n"
		"      --vrrp-fifo PATH        follow keepalived's vrrp_notify_fifo: serve a VIP\n"
		"                              only while its VRRP instance is MASTER\n"
		"      --vrrp-instance NAME=ADDR[,ADDR...]  the VIPs of a VRRP instance (repeatable)\n"
		"      --local-cgroup PATH     balance connections to VIPs made by processes on\n"
		"                              this director in cgroup2 PATH (default off)\n"
		"      --check                 exit 0 if the xvsd on the socket answers within 1 s\n"
		"                              (a keepalived vrrp_script)\n"
		"  -t, --config-test           check the settings and keepalived.conf, print what\n"
		"                              is wrong, exit 0 (fine) or 5 (as keepalived -t)\n"
		"      --conn-reuse-mode 0..3  IPVS's connection sysctls of the same names\n"
		"      --expire-nodest-conn 0|1    (defaults 1, 0, 0, 0, 0; a restarted xvsd\n"
		"      --expire-quiescent-template 0|1   keeps the running values unless\n"
		"      --sloppy-tcp 0|1            given)\n"
		"      --nat-icmp-send 0|1\n"
		"  -l, --log-syslog            log to syslog (default: stderr)\n"
		"  -D, --debug                 log debug messages\n"
		"  -h, --help                  this text\n"
		"  -v, --version               print the version\n"
		"The command line wins over the config file. SIGTERM leaves the datapath\n"
		"forwarding; a restarted xvsd adopts its pinned state.\n",
		XVSD_CONF_FILE, XVS_CTL_SOCKET, XVSD_PIN_DIR, XVS_CONN_DEFAULT, XVSD_SVC_LIMIT,
		XVS_MAX_SVC - 1, XVSD_DEST_LIMIT, XVS_MAX_DEST - 1);
}

/* -f FILE: kept absolute, since a daemon reloads it from "/". */
static int set_kaconf(struct cli *cli, const char *path, char *err, size_t errlen)
{
	char abs[PATH_MAX], cwd[PATH_MAX];

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
	    snprintf(abs, sizeof(abs), "%s/%s", cwd, path) < (int)sizeof(abs))
		path = abs;
	return conf_set_keepalived_conf(&cli->conf, path, err, errlen);
}

/* Returns 0 to go on, 1 to exit 0 (help/version), -1 to exit 1. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	char err[256];
	int opt, ret;

	memset(cli, 0, sizeof(*cli));
	conf_defaults(&cli->conf);
	cli->conf_file = XVSD_CONF_FILE;
	while ((opt = getopt_long(argc, argv, "i:c:f:nltDhv", long_opts, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case 'i':
			/* Repeated -i add up; the file's list is replaced as a whole. */
			if (!(cli->conf.set & CONF_IFACES))
				cli->conf.nifaces = 0;
			ret = conf_add_ifaces(&cli->conf, optarg, err, sizeof(err));
			break;
		case 'c':
			cli->conf_file = optarg;
			cli->conf_given = true;
			break;
		case 'f':
			ret = set_kaconf(cli, optarg, err, sizeof(err));
			break;
		case OPT_DATAPATH:
			ret = conf_set_datapath(&cli->conf, optarg, err, sizeof(err));
			break;
		case 'n':
			cli->foreground = true;
			break;
		case OPT_SOCKET:
			ret = conf_set_socket(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_PIN_DIR:
			ret = conf_set_pin_dir(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_CONN_MAX:
			ret = conf_set_conn_max(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_MAX_SVC:
			ret = conf_set_max_services(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_MAX_DEST:
			ret = conf_set_max_servers(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_CLEANUP:
			cli->cleanup = true;
			break;
		case OPT_METRICS:
			ret = conf_set_metrics(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_VRRP_FIFO:
			ret = conf_set_vrrp_fifo(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_VRRP_INSTANCE:
			ret = conf_add_vrrp_instance(&cli->conf, optarg, err, sizeof(err));
			break;
		case OPT_CHECK:
			cli->check = true;
			break;
		case OPT_LOCAL_CGROUP:
			ret = conf_set_local_cgroup(&cli->conf, optarg, err, sizeof(err));
			break;
		case 't':
			cli->config_test = true;
			break;
		case OPT_CONNOPT ... OPT_CONNOPT + CONNOPT_MAX - 1:
			ret = connopt_parse(&cli->conf.connopt, connopt_key(opt - OPT_CONNOPT),
					    optarg, err, sizeof(err));
			break;
		case 'l':
			cli->conf.log_syslog = true;
			cli->conf.set |= CONF_LOG;
			break;
		case 'D':
			cli->debug = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'v':
			printf("xvsd %s (datapath ABI %u, control protocol %u)\n", XVSD_VERSION,
			       XVS_ABI_VERSION, XVS_CTL_VERSION);
			return 1;
		default:
			fprintf(stderr, "Try 'xvsd --help' for more information.\n");
			return -1;
		}
		if (ret) {
			fprintf(stderr, "xvsd: %s\n", err);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xvsd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Defaults, then the file, then the command line. */
static int settings(const struct cli *cli, struct xvsd_conf *c)
{
	char err[512];
	int ret;

	conf_defaults(c);
	ret = conf_parse_file(c, cli->conf_file, err, sizeof(err));
	if (ret == -ENOENT && !cli->conf_given)
		ret = 0;	/* no file at the default place: fine */
	if (ret) {
		fprintf(stderr, "xvsd: %s\n", err);
		return ret;
	}
	conf_merge(c, &cli->conf);
	return 0;
}

/* Remove the neighbour entries xvsd made: a sync that wants none. */
static void cleanup_neigh(void)
{
	struct xvsd *empty = calloc(1, sizeof(*empty));
	struct neigh *nb;

	if (!empty)
		return;
	nb = neigh_new(empty, false);
	if (nb) {
		neigh_sync(nb);
		neigh_free(nb);
	}
	free(empty);
}

static int do_cleanup(const struct xvsd_conf *c)
{
	if (ctl_in_use(c->socket)) {
		pr_err("an xvsd is running on %s: stop it first", c->socket);
		return -EBUSY;
	}
	cleanup_neigh();
	return loader_cleanup(c->pin_dir);
}

static int do_run(const struct cli *cli, const struct xvsd_conf *c, struct ka *ka)
{
	char pidfile[4096];
	struct xvsd_maps maps;
	struct local lc = { 0 };
	struct loader ld;
	struct xvsd *st;
	int err, lfd, mfd = -1;

	if (ctl_in_use(c->socket)) {
		pr_err("another xvsd is already running on %s", c->socket);
		return -EADDRINUSE;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = loader_load(&ld, c);
	if (err)
		goto out_free;
	err = loader_attach(&ld, c);
	if (!err && c->local_cgroup[0])
		err = local_start(&lc, ld.skel, c->local_cgroup);
	if (err)
		goto out_close;
	err = mapset_from_skel(&maps, ld.skel);
	if (!err)
		err = state_adopt(st, &maps);
	if (err) {
		pr_err("read the pinned state: %s", strerror(-err));
		goto out_close;
	}
	pr_info("%u services, %u connection slots", st->nsvcs, maps.conn_entries);
	if (connopt_apply(&c->connopt, &st->globals) &&
	    bpf_map_update_elem(maps.globals, &(__u32){ 0 }, &st->globals, BPF_ANY)) {
		err = -errno;
		pr_err("write the connection settings: %s", strerror(-err));
		goto out_state;
	}
	st->ka = ka;
	/* After state_adopt(), which builds *st afresh. */
	if (c->vrrp.fifo[0]) {
		st->vrrp = vrrp_new(&c->vrrp);
		if (!st->vrrp) {
			err = -errno;
			goto out_state;
		}
		if (!c->vrrp.ninst)
			pr_warn("VRRP: no vrrp_instance names a VIP: every service is served");
	}
	lfd = ctl_listen(c->socket);
	if (lfd < 0) {
		err = lfd;
		pr_err("control socket %s: %s", c->socket,
		       err == -EADDRINUSE ? "another xvsd answers there" : strerror(-err));
		goto out_state;
	}
	if (c->metrics_len) {
		/* bound before going to the background, so a taken port fails the start */
		mfd = metrics_listen(&c->metrics, c->metrics_len);
		if (mfd < 0) {
			err = mfd;
			pr_err("metrics endpoint: %s", strerror(-err));
			goto out_sock;
		}
	}
	daemon_pidfile_path(c->socket, pidfile, sizeof(pidfile));
	if (!cli->foreground) {
		/* A daemon's stderr is /dev/null: keep its messages. */
		if (!c->log_syslog)
			log_init("xvsd", true, cli->debug ? LOG_DEBUG : LOG_INFO);
		err = daemon_detach(pidfile);
	} else {
		err = daemon_write_pidfile(pidfile);
	}
	if (err) {
		pr_err("pid file %s: %s", pidfile, strerror(-err));
		goto out_sock;
	}
	pr_info("xvsd %s serving on %s", XVSD_VERSION, c->socket);
	err = run_loop(st, lfd, mfd);
	mfd = -1;	/* run_loop closed it */
	unlink(pidfile);
out_sock:
	if (mfd >= 0)
		close(mfd);
	close(lfd);
	unlink(c->socket);
out_state:
	vrrp_free(st->vrrp);
	state_free(st);
out_close:
	local_stop(&lc);
	loader_close(&ld);
out_free:
	free(st);
	return err;
}

/* log.h takes the level as an int; libbpf hands its enum. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return log_libbpf_print(level, fmt, ap);
}

/*
 * keepalived.conf, read before anything starts so a broken one stops xvsd
 * here; its VRRP settings complete the ones xvsd.conf and -i gave.
 */
static struct ka *load_kaconf(struct xvsd_conf *c)
{
	char state[PATH_MAX], err[512];
	struct ka *ka;

	ka_state_path(c->socket, state, sizeof(state));
	ka = ka_new(c->keepalived_conf, state);
	if (!ka)
		return NULL;
	if (ka_load(ka)) {
		pr_err("keepalived configuration %s not usable: xvsd does not start",
		       c->keepalived_conf);
		goto err;
	}
	if (vrrp_conf_from_kaconf(&c->vrrp, ka_conf(ka), err, sizeof(err))) {
		pr_err("%s: %s", c->keepalived_conf, err);
		goto err;
	}
	return ka;
err:
	ka_free(ka);
	return NULL;
}

int main(int argc, char **argv)
{
	struct xvsd_conf conf;
	struct ka *ka = NULL;
	struct cli cli;
	int ret;

	ret = parse_cli(argc, argv, &cli);
	if (ret)
		return ret > 0 ? 0 : 1;
	if (settings(&cli, &conf))
		return cli.config_test ? KA_TEST_EXIT_CONFIG : 1;
	if (cli.config_test)
		return ka_config_test(&conf);
	log_init("xvsd", conf.log_syslog, cli.debug ? LOG_DEBUG : LOG_INFO);
	libbpf_set_print(libbpf_print);
	if (hostcheck_root())
		return 1;
	if (cli.cleanup)
		return do_cleanup(&conf) ? 1 : 0;
	if (cli.check) {
		ret = health_check(conf.socket, HEALTH_TIMEOUT_MS);
		if (ret)
			fprintf(stderr, "xvsd: no xvsd answers on %s: %s\n", conf.socket,
				strerror(-ret));
		return ret ? 1 : 0;
	}
	if (hostcheck_ifaces(&conf) || hostcheck_forwarding(&conf))
		return 1;
	if (conf.keepalived_conf[0]) {
		ka = load_kaconf(&conf);
		if (!ka)
			return 1;
	}
	ret = do_run(&cli, &conf, ka);
	ka_free(ka);
	return ret ? 1 : 0;
}
