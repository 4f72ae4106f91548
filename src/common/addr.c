// SPDX-License-Identifier: GPL-2.0
/*
 * Address/port parsing and naming with ipvsadm 1.31's rules (see addr.h).
 * The quirks are deliberate: a purely numeric host is rejected, inet_aton
 * forms ("10.1") are accepted, the last ':' splits off the port, and a name
 * that does not fit ipvsadm's 60-byte buffer is cut.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static const char *proto_db_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return NULL;
}

static const char *libc_host_name(int af, const void *addr)
{
	socklen_t len = af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	struct hostent *h = gethostbyaddr(addr, len, af);

	return h ? h->h_name : NULL;
}

static int libc_host_addr(const char *name, struct in_addr *out)
{
	struct hostent *h = gethostbyname(name);

	if (!h || h->h_addrtype != AF_INET || h->h_length != sizeof(*out))
		return -1;
	/* ipvsadm takes the first address only */
	memcpy(out, h->h_addr_list[0], sizeof(*out));
	return 0;
}

static const char *libc_serv_name(unsigned short port, int proto)
{
	const char *p = proto_db_name(proto);
	struct servent *s;

	if (!p)
		return NULL;
	s = getservbyport(htons(port), p);
	return s ? s->s_name : NULL;
}

static int libc_serv_port(const char *name, int proto)
{
	const char *p = proto_db_name(proto);
	struct servent *s;

	if (!p)
		return -1;
	s = getservbyname(name, p);
	return s ? ntohs((unsigned short)s->s_port) : -1;
}

const struct addr_resolver addr_resolver_libc = {
	.host_name = libc_host_name,
	.host_addr = libc_host_addr,
	.serv_name = libc_serv_name,
	.serv_port = libc_serv_port,
};

bool addr_str_is_digit(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int addr_string_to_number(const char *s, int min, int max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*end || end == s || errno == ERANGE || n < min || n > max)
		return -1;
	return n;
}

int addr_parse_service(const char *arg, int proto, struct addr_port *ap,
		       const struct addr_resolver *res)
{
	char buf[1024], *host = buf, *portp = NULL;
	struct in6_addr in6;
	struct in_addr in;
	int port;

	if (!arg || addr_str_is_digit(arg) || strlen(arg) >= sizeof(buf))
		return ADDR_PARSED_NONE;
	strcpy(buf, arg);
	if (host[0] == '[') {
		host++;
		portp = strchr(host, ']');
		if (!portp)
			return ADDR_PARSED_NONE;
		*portp++ = '\0';
		if (*portp != ':')
			return ADDR_PARSED_NONE;
		*portp = '\0';
	}
	if (inet_pton(AF_INET6, host, &in6) > 0) {
		ap->af = AF_INET6;
		ap->addr.in6 = in6;
	} else {
		portp = strrchr(host, ':');
		if (portp)
			*portp = '\0';
		if (inet_aton(host, &in) == 0 && res->host_addr(host, &in) < 0)
			return ADDR_PARSED_NONE;
		ap->af = AF_INET;
		memset(&ap->addr, 0, sizeof(ap->addr));
		ap->addr.in = in;
	}
	if (!portp)
		return ADDR_PARSED_ADDR;
	port = addr_string_to_number(portp + 1, 0, 65535);
	if (port < 0)
		port = res->serv_port(portp + 1, proto);
	if (port < 0)
		return ADDR_PARSED_NONE;
	ap->port = htons(port);
	return ADDR_PARSED_ADDR | ADDR_PARSED_PORT;
}

int addr_parse_netmask(const char *buf, __u32 *mask, const struct addr_resolver *res)
{
	struct in_addr in;

	if (!buf)
		return 0;
	if (inet_aton(buf, &in) == 0 && res->host_addr(buf, &in) < 0)
		return 0;
	*mask = in.s_addr;
	return 1;
}

char *addr_port_name(char *buf, int af, const void *addr, unsigned short port, int proto,
		     bool numeric, const struct addr_resolver *res)
{
	const char *open = af == AF_INET ? "" : "[", *close = af == AF_INET ? "" : "]";
	char abuf[INET6_ADDRSTRLEN], pbuf[8];
	const char *host = NULL, *serv = NULL;

	if (!numeric) {
		host = res->host_name(af, addr);
		serv = res->serv_name(port, proto);
	}
	if (!host)
		host = inet_ntop(af, addr, abuf, sizeof(abuf));
	if (!serv) {
		snprintf(pbuf, sizeof(pbuf), "%u", port);
		serv = pbuf;
	}
	snprintf(buf, ADDR_NAME_LEN, "%s%s%s:%s", open, host, close, serv);
	return buf;
}
