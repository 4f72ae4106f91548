/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address and port parsing and printing with ipvsadm 1.31's exact rules:
 * host[:port] / [v6]:port service addresses, dotted netmasks, bounded
 * decimal numbers, and the "addr:port" names of listings (numeric, or
 * reverse DNS plus /etc/services names). Name lookups go through a
 * resolver table so tests can answer them without DNS.
 */
#ifndef XVS_ADDR_H
#define XVS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

/* Result bits of addr_parse_service(), as ipvsadm's SERVICE_* values. */
#define ADDR_PARSED_NONE	0x0
#define ADDR_PARSED_ADDR	0x1
#define ADDR_PARSED_PORT	0x2

/* Longest "addr:port" name a listing shows: ipvsadm formats into 60 bytes. */
#define ADDR_NAME_LEN		60

struct addr_resolver {
	/* Reverse lookup (gethostbyaddr): the host's name or NULL. */
	const char *(*host_name)(int af, const void *addr);
	/* Forward IPv4 lookup (gethostbyname): 0 and *out set, or -1. */
	int (*host_addr)(const char *name, struct in_addr *out);
	/* Service name of a host-order port for IPPROTO_TCP/UDP/SCTP, or NULL. */
	const char *(*serv_name)(unsigned short port, int proto);
	/* Port (host order) of a service name for the protocol, or -1. */
	int (*serv_port)(const char *name, int proto);
};

/* The system's resolver: gethostbyaddr/gethostbyname/getservby*. */
extern const struct addr_resolver addr_resolver_libc;

/* An address of either family with its port (network order). */
struct addr_port {
	int af;				/* AF_INET or AF_INET6 */
	union {
		struct in_addr in;
		struct in6_addr in6;
	} addr;
	unsigned short port;		/* network order */
};

/* 1 when every character of s is a digit (also for ""), as ipvsadm's str_is_digit. */
bool addr_str_is_digit(const char *s);

/*
 * strtol() in base 10 accepted only when the whole string is a number in
 * [min, max]; otherwise -1 (ipvsadm's string_to_number).
 */
int addr_string_to_number(const char *s, int min, int max);

/*
 * Parse host[:port], [v6addr]:port or a bare IPv6 address into *ap, which
 * keeps its previous content where the string does not set it (ipvsadm
 * parses into a copy of the service, so an absent port stays the old one).
 * Port names are looked up for proto. Returns ADDR_PARSED_* bits; NONE on
 * any error (then *ap may be partly written).
 */
int addr_parse_service(const char *buf, int proto, struct addr_port *ap,
		       const struct addr_resolver *res);

/* Parse an IPv4 netmask (dotted quad or host name). Returns 1 and *mask (network order), or 0. */
int addr_parse_netmask(const char *buf, __u32 *mask, const struct addr_resolver *res);

/*
 * Format "addr:port" into buf (ADDR_NAME_LEN bytes, truncated as ipvsadm's
 * 60-byte buffer truncates): numeric, or the host's name and the port's
 * service name for proto, each falling back to numbers. IPv6 in brackets.
 * port is host order. Returns buf.
 */
char *addr_port_name(char *buf, int af, const void *addr, unsigned short port, int proto,
		     bool numeric, const struct addr_resolver *res);

#endif /* XVS_ADDR_H */
