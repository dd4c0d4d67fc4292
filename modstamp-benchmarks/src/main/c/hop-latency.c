/*
 * One hop through a modstamp server, timed by the kernel: a listener queries an id once, then every GAP_US a
 * producer sends a C with a new value and the figure is the time from that send to the moment the kernel
 * queued the Signal at the listener (SO_TIMESTAMPNS), so the reading thread's own wake-up is not counted.
 * With gaps of milliseconds every thread on the way goes idle between changes, as with changes that come one
 * by one; with gaps of microseconds they stay awake.
 *   gcc -O2 -o /tmp/hop-latency hop-latency.c
 *   /tmp/hop-latency HOST:PORT GAP_US ROUNDS   (SLOW=1 in the environment prints each hop over 1 ms)
 *   /tmp/hop-latency serve PORT                (the floor: a one-thread server, blocking recvfrom, one id)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-udp.h"

#define ID "bench.hop"
#define MAX_LISTENERS 64

/* A plain datagram of one message: header byte 0, descriptor, argc, then the id and the value (if any). */
static int datagram(char *out, char kind, const char *value, int value_len) {
  int n = 0; out[n++] = 0; out[n++] = kind; out[n++] = value ? 2 : 1;
  out[n++] = (char) strlen(ID); memcpy(out + n, ID, strlen(ID)); n += strlen(ID);
  if (value) { out[n++] = (char) value_len; memcpy(out + n, value, value_len); n += value_len; }
  return n;
}

/* The floor: answers a plain Q of ID with an R and registers its sender; a C of ID gets its S to every
 * listener, then its M. Anything else is ignored. */
static _Noreturn void serve(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0); if (fd < 0) die("socket");
  struct sockaddr_in me = {0}; me.sin_family = AF_INET; me.sin_port = htons(port); me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (void *) &me, sizeof me) < 0) die("bind");
  struct sockaddr_in listeners[MAX_LISTENERS]; int count = 0;
  char value[256] = {0}, in[2048], out[600]; int value_len = 0, id_len = strlen(ID);
  for (;;) {
    struct sockaddr_in from; socklen_t l = sizeof from;
    ssize_t n = recvfrom(fd, in, sizeof in, 0, (void *) &from, &l);
    if (n < 4 || in[0] != 0 || in[3] != id_len || n < 4 + id_len || memcmp(in + 4, ID, id_len)) continue;
    if (in[1] == 'Q' && in[2] == 1) {
      int known = 0;
      for (int i = 0; i < count; i++) known |= listeners[i].sin_port == from.sin_port && listeners[i].sin_addr.s_addr == from.sin_addr.s_addr;
      if (!known && count < MAX_LISTENERS) listeners[count++] = from;
      int len = datagram(out, 'R', value, value_len);
      sendto(fd, out, len, 0, (void *) &from, l);
    } else if (in[1] == 'C' && in[2] == 2 && n > 4 + id_len) {
      int len = (unsigned char) in[4 + id_len];
      if (n < 5 + id_len + len) continue;
      memcpy(value, in + 5 + id_len, len); value_len = len;
      int s = datagram(out, 'S', value, value_len);
      for (int i = 0; i < count; i++) sendto(fd, out, s, 0, (void *) &listeners[i], sizeof listeners[i]);
      int m = datagram(out, 'M', value, value_len);
      sendto(fd, out, m, 0, (void *) &from, l);
    }
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "serve")) serve(atoi(argv[2]));
  if (argc != 4) { fprintf(stderr, "usage: %s HOST:PORT GAP_US ROUNDS | %s serve PORT\n", argv[0], argv[0]); return 2; }
  struct sockaddr_in server = address(argv[1]);
  int gap = atoi(argv[2]), rounds = atoi(argv[3]), warmup = 200, one = 1, slow = getenv("SLOW") != NULL;
  if (rounds < 1 || gap < 0) { fprintf(stderr, "ROUNDS >= 1, GAP_US >= 0\n"); return 2; }
  int listener = socket(AF_INET, SOCK_DGRAM, 0), producer = socket(AF_INET, SOCK_DGRAM, 0);
  if (listener < 0 || producer < 0) die("socket");
  setsockopt(listener, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  if (connect(listener, (void *) &server, sizeof server) < 0 || connect(producer, (void *) &server, sizeof server) < 0) die("connect");
  char q[300], c[300], buf[2048]; int qlen = datagram(q, 'Q', NULL, 0), answered = 0;
  for (int attempt = 0; attempt < 10 && !answered; attempt++) {
    send(listener, q, qlen, 0); answered = wait_readable(listener, 300) && recv(listener, buf, sizeof buf, 0) > 0;
  }
  if (!answered) { fprintf(stderr, "no Reply from %s\n", argv[1]); return 1; }
  double *hop = calloc(rounds, sizeof *hop); long lost = 0;
  struct timespec pause = {gap / 1000000, (long) (gap % 1000000) * 1000};
  for (int round = -warmup; round < rounds; round++) {
    nanosleep(&pause, NULL);
    char value[32]; int vlen = snprintf(value, sizeof value, "h%d.%ld", round, (long) time(NULL));
    int clen = datagram(c, 'C', value, vlen);
    struct timespec t0; clock_gettime(CLOCK_REALTIME, &t0);
    send(producer, c, clen, 0);
    double ms = -1;
    while (ms < 0 && wait_readable(listener, 1000)) {
      char control[256]; struct iovec iov = {buf, sizeof buf};
      struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = control; m.msg_controllen = sizeof control;
      ssize_t len = recvmsg(listener, &m, 0);
      if (len < 2 || buf[1] != 'S' || !memmem(buf, len, value, vlen)) continue; /* an older S, an R */
      for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec t; memcpy(&t, CMSG_DATA(h), sizeof t);
          ms = (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
        }
      }
    }
    if (wait_readable(producer, 1000)) recv(producer, buf, sizeof buf, 0); /* its M, so that C never queue up */
    if (round < 0) continue;
    if (ms < 0) { lost++; ms = 1000; }
    if (slow && ms > 1) printf("round %d: %.3f ms\n", round, ms);
    hop[round] = ms;
  }
  qsort(hop, rounds, sizeof *hop, cmp);
  printf("hop-latency: gap_us=%d rounds=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f lost=%ld\n", gap, rounds,
         hop[rounds / 2] * 1e3, hop[rounds * 9 / 10] * 1e3, hop[rounds * 99 / 100] * 1e3, hop[rounds - 1] * 1e3, lost);
  return 0;
}
