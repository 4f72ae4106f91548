// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hold ADDR PORT HOLD_SECONDS: an HTTP/1.0 client that lets the server
 * close first. Sends "GET / HTTP/1.0", prints the response up to the
 * server's FIN, then keeps its own side of the connection open (half-closed,
 * nothing sent) for HOLD_SECONDS before closing. A test uses it to put a
 * connection in IPVS's FIN_WAIT state and watch it expire.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char request[] = "GET / HTTP/1.0\r\n\r\n";

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 10 };
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: tcp_hold ADDR PORT HOLD_SECONDS\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("tcp_hold: connect");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, request, sizeof(request) - 1) != sizeof(request) - 1) {
		perror("tcp_hold: write");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	if (n < 0) {
		perror("tcp_hold: read");
		return 1;
	}
	printf("\ntcp_hold: server closed, holding %s s\n", argv[3]);
	fflush(stdout);
	sleep(atoi(argv[3]));
	close(fd);
	return 0;
}
