// SPDX-License-Identifier: GPL-2.0
/*
 * udp_ask ADDR PORT MESSAGE [TIMEOUT_MS]: send one datagram from a connected
 * UDP socket (so only a reply from ADDR:PORT is accepted), print the reply
 * on stdout. Exit 0 on a reply, 1 on timeout or error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pollfd pfd = { .events = POLLIN };
	char buf[2048];
	ssize_t n;

	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_ask ADDR PORT MESSAGE [TIMEOUT_MS]\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	pfd.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (pfd.fd < 0 || connect(pfd.fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("udp_ask: connect");
		return 1;
	}
	if (send(pfd.fd, argv[3], strlen(argv[3]), 0) < 0) {
		perror("udp_ask: send");
		return 1;
	}
	if (poll(&pfd, 1, argc == 5 ? atoi(argv[4]) : 2000) != 1) {
		fprintf(stderr, "udp_ask: no reply\n");
		return 1;
	}
	n = recv(pfd.fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		perror("udp_ask: recv");
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}
