// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_send ADDR PORT BYTES [SRC]: connect (from address SRC if given), send
 * BYTES bytes in full-sized writes, shut down the sending side and print
 * what the server answers (tcp_sink answers "received N"). Exit 0 when the
 * answer arrived, 1 otherwise.
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
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 20 };
	unsigned long long left;
	static char buf[65536];
	ssize_t n;
	int fd;

	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (argc == 5 && inet_pton(AF_INET, argv[4], &src.sin_addr) != 1)) {
		fprintf(stderr, "usage: tcp_send ADDR PORT BYTES [SRC]\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	left = strtoull(argv[3], NULL, 10);
	memset(buf, 'x', sizeof(buf));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || (argc == 5 && bind(fd, (struct sockaddr *)&src, sizeof(src))) ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("tcp_send: connect");
		return 1;
	}
	/* Bound every blocking call: a black-holed path must fail, not hang. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (left) {
		n = write(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0) {
			perror("tcp_send: write");
			return 1;
		}
		left -= n;
	}
	shutdown(fd, SHUT_WR);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		fprintf(stderr, "tcp_send: no answer\n");
		return 1;
	}
	buf[n] = '\0';
	fputs(buf, stdout);
	return 0;
}
