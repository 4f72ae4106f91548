// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_sink PORT: a TCP server that reads each connection to its end and
 * answers "received N" with the byte count, then closes. One connection at
 * a time; runs until killed. Used to check that an upload arrived whole.
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
	struct timeval tv = { .tv_sec = 20 };
	int one = 1, lfd;
	char buf[65536];

	if (argc != 2) {
		fprintf(stderr, "usage: tcp_sink PORT\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[1]));
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 16)) {
		perror("tcp_sink: listen");
		return 1;
	}
	for (;;) {
		unsigned long long total = 0;
		ssize_t n;
		int len, fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			perror("tcp_sink: accept");
			return 1;
		}
		/* A client that stalls must not block the next one forever. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			total += n;
		len = snprintf(buf, sizeof(buf), "received %llu\n", total);
		if (write(fd, buf, len) != len)
			perror("tcp_sink: write");
		close(fd);
	}
}
