/*
 * The machine's raw limit for Query/Reply: one thread on one UDP socket echoes every datagram back to its
 * sender, taking what has arrived with recvmmsg (up to 64 at a time, waiting for the first) and sending it back
 * with one sendmmsg. No Java, no protocol: what `modstamp serve` on one core is compared with, under the same
 * generator (qr-load.c). Runs until killed.
 *   gcc -O2 -o /tmp/echo-mmsg echo-mmsg.c && taskset -c 0 /tmp/echo-mmsg 127.0.0.1 14151
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define BATCH 64

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short) atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 || bind(fd, (struct sockaddr *) &address, sizeof address) != 0) {
        perror("bind");
        return 1;
    }
    printf("echo-mmsg listening on udp %s:%s\n", argv[1], argv[2]);
    fflush(stdout);
    static char buffers[BATCH][2048];
    struct sockaddr_in senders[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr messages[BATCH];
    for (;;) {
        memset(messages, 0, sizeof messages);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = buffers[i];
            iov[i].iov_len = sizeof buffers[i];
            messages[i].msg_hdr.msg_iov = &iov[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &senders[i];
            messages[i].msg_hdr.msg_namelen = sizeof senders[i];
        }
        int received = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
        if (received <= 0) {
            continue;
        }
        for (int i = 0; i < received; i++) {
            iov[i].iov_len = messages[i].msg_len; /* send back what came, from where it came */
        }
        for (int sent = 0; sent < received; ) {
            int r = sendmmsg(fd, messages + sent, (unsigned int) (received - sent), 0);
            if (r <= 0) {
                break; /* a full send buffer drops the rest, as a server would */
            }
            sent += r;
        }
    }
}
