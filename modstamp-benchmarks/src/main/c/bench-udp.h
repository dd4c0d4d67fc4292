/* What the C benchmarks share: failing on a system call, parsing HOST:PORT, waiting for a datagram, sorting. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

static int die(const char *what) { perror(what); exit(2); }

static struct sockaddr_in address(const char *host_port) {
  char host[64]; int port;
  if (sscanf(host_port, "%63[^:]:%d", host, &port) != 2) { fprintf(stderr, "bad server %s\n", host_port); exit(2); }
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", host); exit(2); }
  return a;
}

static int wait_readable(int fd, int millis) { struct pollfd p = {fd, POLLIN, 0}; return poll(&p, 1, millis) > 0; }

static int cmp(const void *a, const void *b) { double x = *(const double *) a, y = *(const double *) b; return (x > y) - (x < y); }
