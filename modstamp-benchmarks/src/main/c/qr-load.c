/*
 * The Query/Reply load of `modstamp bench qr`, in C: PORTS client sockets on 127.0.0.1, each connected to the
 * server and keeping WINDOW Queries in flight (client i asks for "bench.qr.<i % 1000>"), one thread driving them
 * all with epoll, recvmmsg and sendmmsg. Counts every datagram that comes back as one round trip, so the same
 * load measures `modstamp serve` and the echo loop of echo-mmsg.c alike, at a rate the Java generator cannot reach
 * on one core. A client that heard nothing for 200 ms starts its window again (a lost datagram would shrink it
 * for good). Prints one line in the Java generator's format after WARMUP seconds and SECONDS more.
 *   gcc -O2 -o /tmp/qr-load qr-load.c && taskset -c 1 /tmp/qr-load 127.0.0.1:1415 1000 4 10 3
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-udp.h"

#define MAX_WINDOW 64
#define EVENTS 256
#define IDS 1000

struct client { int fd, in_flight, qlen; long seen, seen_at_check; char query[32]; };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

/* Sends Queries until WINDOW are in flight; returns how many went. */
static int fill(struct client *c, int window) {
  struct iovec iov = {c->query, (size_t) c->qlen};
  struct mmsghdr m[MAX_WINDOW];
  int want = window - c->in_flight;
  if (want <= 0) return 0;
  memset(m, 0, sizeof m[0] * want);
  for (int i = 0; i < want; i++) { m[i].msg_hdr.msg_iov = &iov; m[i].msg_hdr.msg_iovlen = 1; }
  int sent = sendmmsg(c->fd, m, (unsigned) want, MSG_DONTWAIT);
  if (sent > 0) c->in_flight += sent;
  return sent > 0 ? sent : 0;
}

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: %s HOST:PORT PORTS WINDOW SECONDS WARMUP\n", argv[0]); return 2; }
  struct sockaddr_in server = address(argv[1]);
  int ports = atoi(argv[2]), window = atoi(argv[3]), seconds = atoi(argv[4]), warmup = atoi(argv[5]);
  if (ports < 1 || window < 1 || window > MAX_WINDOW || seconds < 1 || warmup < 0) { fprintf(stderr, "bad arguments\n"); return 2; }
  int ep = epoll_create1(0); if (ep < 0) die("epoll_create1");
  struct client *clients = calloc(ports, sizeof *clients);
  for (int i = 0; i < ports; i++) {
    struct client *c = &clients[i];
    char id[24]; int len = snprintf(id, sizeof id, "bench.qr.%d", i % IDS);
    c->query[0] = 0; c->query[1] = 'Q'; c->query[2] = 1; c->query[3] = (char) len; memcpy(c->query + 4, id, len);
    c->qlen = 4 + len; /* a plain datagram: header 0, then Q with one argument, length-prefixed */
    c->fd = socket(AF_INET, SOCK_DGRAM, 0); if (c->fd < 0) die("socket");
    struct sockaddr_in local = {0}; local.sin_family = AF_INET; inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
    if (bind(c->fd, (void *) &local, sizeof local) < 0) die("bind");
    if (connect(c->fd, (void *) &server, sizeof server) < 0) die("connect");
    struct epoll_event e = {EPOLLIN, {.ptr = c}};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e) < 0) die("epoll_ctl");
  }
  for (int i = 0; i < ports; i++) fill(&clients[i], window);
  static char buffers[MAX_WINDOW][2048];
  struct iovec iov[MAX_WINDOW];
  struct mmsghdr replies[MAX_WINDOW];
  struct epoll_event ready[EVENTS];
  long counted = 0, resends = 0;
  double start = now(), measuring = start + warmup, end = measuring + seconds, next_check = start + 0.2;
  int measured = 0;
  for (;;) {
    double t = now();
    if (!measured && t >= measuring) { measured = 1; counted = 0; resends = 0; }
    if (t >= end) break;
    if (t >= next_check) { /* a client that heard nothing since the last check starts its window again */
      for (int i = 0; i < ports; i++) {
        struct client *c = &clients[i];
        if (c->seen == c->seen_at_check && c->in_flight > 0) { resends += c->in_flight; c->in_flight = 0; fill(c, window); }
        c->seen_at_check = c->seen;
      }
      next_check = t + 0.2;
    }
    int n = epoll_wait(ep, ready, EVENTS, 50);
    for (int r = 0; r < n; r++) {
      struct client *c = ready[r].data.ptr;
      memset(replies, 0, sizeof replies[0] * window);
      for (int i = 0; i < window; i++) {
        iov[i].iov_base = buffers[i]; iov[i].iov_len = sizeof buffers[i];
        replies[i].msg_hdr.msg_iov = &iov[i]; replies[i].msg_hdr.msg_iovlen = 1;
      }
      int got = recvmmsg(c->fd, replies, (unsigned) window, MSG_DONTWAIT, NULL);
      if (got <= 0) continue;
      c->seen += got;
      int answered = got < c->in_flight ? got : c->in_flight;
      c->in_flight -= answered;
      counted += answered;
      fill(c, window);
    }
  }
  double elapsed = now() - measuring;
  printf("qr: round_trips_per_s=%.0f round_trips=%ld seconds=%.1f ports=%d window=%d resends=%ld io=c-epoll profile=plain\n",
         counted / elapsed, counted, elapsed, ports, window, resends);
  return 0;
}
