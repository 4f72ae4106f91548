// SPDX-License-Identifier: GPL-2.0
/*
 * What an application sees of its peer (t0510, docs/local-clients.md):
 *   sock_peer tcp ADDR PORT        connect, print getpeername() as ADDR:PORT
 *   sock_peer udp ADDR PORT MSG..  from one unconnected socket, sendto() each
 *                                  MSG and print "REPLY FROM-ADDR:PORT"
 * Exit 0 when every step worked, 1 otherwise (2: usage).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void print_addr(const char *prefix, const struct sockaddr_in *a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, s, sizeof(s));
	printf("%s%s:%u\n", prefix, s, ntohs(a->sin_port));
}

static int do_tcp(const struct sockaddr_in *to)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)to, sizeof(*to))) {
		perror("sock_peer: connect");
		return 1;
	}
	if (getpeername(fd, (struct sockaddr *)&peer, &len)) {
		perror("sock_peer: getpeername");
		return 1;
	}
	print_addr("", &peer);
	close(fd);
	return 0;
}

static int do_udp(const struct sockaddr_in *to, int n, char **msgs)
{
	struct pollfd pfd = { .events = POLLIN };
	struct sockaddr_in from;
	socklen_t len;
	char buf[2048], prefix[2100];
	ssize_t got;
	int i;

	pfd.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (pfd.fd < 0) {
		perror("sock_peer: socket");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (sendto(pfd.fd, msgs[i], strlen(msgs[i]), 0, (const struct sockaddr *)to,
			   sizeof(*to)) < 0) {
			perror("sock_peer: sendto");
			return 1;
		}
		if (poll(&pfd, 1, 2000) != 1) {
			fprintf(stderr, "sock_peer: no reply\n");
			return 1;
		}
		len = sizeof(from);
		got = recvfrom(pfd.fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
		if (got < 0) {
			perror("sock_peer: recvfrom");
			return 1;
		}
		buf[got] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(prefix, sizeof(prefix), "%s ", buf);
		print_addr(prefix, &from);
	}
	close(pfd.fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	int udp = argc > 1 && !strcmp(argv[1], "udp");

	if (argc < 4 || (strcmp(argv[1], "tcp") && !udp) || (udp && argc < 5) ||
	    inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: sock_peer tcp ADDR PORT | sock_peer udp ADDR PORT MSG...\n");
		return 2;
	}
	to.sin_port = htons(atoi(argv[3]));
	return udp ? do_udp(&to, argc - 4, argv + 4) : do_tcp(&to);
}
