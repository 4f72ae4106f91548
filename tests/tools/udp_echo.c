// SPDX-License-Identifier: GPL-2.0
/*
 * udp_echo PORT NAME: a UDP server for end-to-end tests. Answers every
 * datagram with "NAME <payload>" so the client sees which real server
 * answered. Runs until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[2048], out[2200];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: udp_echo PORT NAME\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[1]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("udp_echo: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &flen);
		int len;

		if (n < 0) {
			perror("udp_echo: recvfrom");
			return 1;
		}
		buf[n] = '\0';
		len = snprintf(out, sizeof(out), "%s %s", argv[2], buf);
		if (sendto(fd, out, len, 0, (struct sockaddr *)&from, flen) < 0)
			perror("udp_echo: sendto");
	}
}
