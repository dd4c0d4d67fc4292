/*
 * Fan-out timed by the kernel: registers N listeners with one or more modstamp servers (distinct loopback
 * addresses 127.1.x.y on N/200 wildcard sockets, as `modstamp bench fanout` does; listener i queries
 * server i % S), then per round sends one C to the first server and reads the SO_TIMESTAMPNS of every
 * Signal: the moment the kernel queued it at its listener. This program sleeps while the Signals arrive
 * and reads them afterwards, so neither its CPU time nor its scheduling is counted, as with listeners on
 * other hosts; the figure is the time from sending the C until the last Signal reached its listener.
 *   gcc -O2 -o /tmp/fanout-kernel-time fanout-kernel-time.c
 *   /tmp/fanout-kernel-time LISTENERS ROUNDS 127.0.0.1:1415 [127.0.0.1:1416 ...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-udp.h"

#define PER_SOCKET 200
#define ID "bench.fanout"

/* A plain datagram: header byte 0, then the message: descriptor, argc, length-prefixed arguments. */
static int datagram(char *out, char kind, const char *value) {
  int n = 0; out[n++] = 0; out[n++] = kind; out[n++] = value ? 2 : 1;
  out[n++] = (char) strlen(ID); memcpy(out + n, ID, strlen(ID)); n += strlen(ID);
  if (value) { out[n++] = (char) strlen(value); memcpy(out + n, value, strlen(value)); n += strlen(value); }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s LISTENERS ROUNDS HOST:PORT...\n", argv[0]); return 2; }
  int n = atoi(argv[1]), rounds = atoi(argv[2]), servers = argc - 3, warmup = 3;
  struct sockaddr_in *server = calloc(servers, sizeof *server);
  for (int s = 0; s < servers; s++) server[s] = address(argv[3 + s]);
  int socks = (n + PER_SOCKET - 1) / PER_SOCKET, one = 1, big = 4 << 20;
  int *fds = calloc(socks, sizeof *fds), *ports = calloc(socks, sizeof *ports);
  for (int s = 0; s < socks; s++) {
    for (;;) { /* with SO_REUSEADDR the kernel may hand out a port twice: take another */
      int fd = socket(AF_INET, SOCK_DGRAM, 0); if (fd < 0) die("socket");
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
      setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
      struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_ANY);
      if (bind(fd, (void *) &a, sizeof a) < 0) die("bind");
      socklen_t l = sizeof a; getsockname(fd, (void *) &a, &l);
      int dup = 0; for (int t = 0; t < s; t++) dup |= ports[t] == ntohs(a.sin_port);
      if (dup) { close(fd); continue; }
      fds[s] = fd; ports[s] = ntohs(a.sin_port); break;
    }
  }
  char q[64], buf[2048]; int qlen = datagram(q, 'Q', NULL), unanswered = 0;
  for (int i = 0; i < n; i++) { /* listener i: 127.1.x.y on the port of receiver i / 200 queries once */
    int a = i % PER_SOCKET, fd = socket(AF_INET, SOCK_DGRAM, 0); if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in me = {0}; me.sin_family = AF_INET; me.sin_port = htons(ports[i / PER_SOCKET]);
    char ip[32]; snprintf(ip, sizeof ip, "127.1.%d.%d", a / 250, 1 + a % 250); inet_pton(AF_INET, ip, &me.sin_addr);
    if (bind(fd, (void *) &me, sizeof me) < 0) die("bind listener");
    if (connect(fd, (void *) &server[i % servers], sizeof server[0]) < 0) die("connect");
    int answered = 0;
    for (int attempt = 0; attempt < 5 && !answered; attempt++) {
      send(fd, q, qlen, 0); answered = wait_readable(fd, 200) && recv(fd, buf, sizeof buf, 0) > 0;
    }
    unanswered += !answered; close(fd);
  }
  if (unanswered) printf("%d listener(s) got no Reply\n", unanswered);
  int producer = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in local = {0}; local.sin_family = AF_INET; inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
  if (bind(producer, (void *) &local, sizeof local) < 0) die("bind producer");
  double *last = calloc(rounds, sizeof *last); long lost = 0;
  for (int round = -warmup; round < rounds; round++) {
    for (int s = 0; s < socks; s++) while (recv(fds[s], buf, sizeof buf, MSG_DONTWAIT) > 0) {}
    char value[32], c[64]; snprintf(value, sizeof value, "k%d.%ld", round, (long) time(NULL));
    int clen = datagram(c, 'C', value);
    struct timespec t0; clock_gettime(CLOCK_REALTIME, &t0);
    sendto(producer, c, clen, 0, (void *) &server[0], sizeof server[0]);
    if (!wait_readable(producer, 3000)) printf("round %d: no M\n", round);
    recv(producer, buf, sizeof buf, MSG_DONTWAIT);
    usleep(servers > 1 ? 300000 : 50000); /* other instances' Signals are not ordered before this M */
    int got = 0; double max_ms = 0;
    for (int s = 0; s < socks; s++) {
      for (;;) {
        char control[256]; struct iovec iov = {buf, sizeof buf};
        struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = control; m.msg_controllen = sizeof control;
        ssize_t len = recvmsg(fds[s], &m, MSG_DONTWAIT);
        if (len < 0) break;
        if (len < 2 || buf[1] != 'S' || !memmem(buf, len, value, strlen(value))) continue;
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
          if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec t; memcpy(&t, CMSG_DATA(h), sizeof t);
            double ms = (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
            if (ms > max_ms) max_ms = ms;
          }
        }
        got++;
      }
    }
    printf("%s %d: %d/%d Signals, last queued at its listener after %.1f ms\n", round < 0 ? "warmup" : "round", round, got, n, max_ms);
    if (round >= 0) { last[round] = max_ms; lost += n - got; }
    usleep(50000);
  }
  qsort(last, rounds, sizeof *last, cmp);
  printf("fanout-kernel: listeners=%d instances=%d rounds=%d last_p50_ms=%.1f last_max_ms=%.1f lost=%ld\n",
         n, servers, rounds, last[rounds / 2], last[rounds - 1], lost);
  return 0;
}
