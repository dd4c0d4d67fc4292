/*
 * Sends COUNT UDP datagrams to 127.0.0.1:DST_PORT, each from another forged loopback source address: 127.1.0.0,
 * 127.1.0.1, ... (the whole 127.0.0.0/8 is loopback on Linux, so every answer stays on this machine). Each
 * carries PAYLOAD_HEX. Needs CAP_NET_RAW (a raw IPv4 socket with IP_HDRINCL). Used by ForgedSourceFloodTest.
 *
 *   flood-udp4 DST_PORT COUNT RATE PAYLOAD_HEX
 *
 * RATE is at most how many datagrams a second (paced every 100), so that the server reads them all.
 *
 * Exits 0 when every datagram was sent, 2 on bad arguments, 3 when the raw socket cannot be opened, 4 when a
 * send fails.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: flood-udp4 DST_PORT COUNT RATE PAYLOAD_HEX\n");
        return 2;
    }
    long port = strtol(argv[1], NULL, 10);
    long count = strtol(argv[2], NULL, 10);
    long rate = strtol(argv[3], NULL, 10);
    const char *hexPayload = argv[4];
    size_t hex = strlen(hexPayload);
    if (port <= 0 || port > 65535 || count <= 0 || count > 16000000 || rate <= 0 || hex % 2 || hex / 2 > 1024) {
        fprintf(stderr, "flood-udp4: bad arguments\n");
        return 2;
    }
    uint8_t packet[sizeof(struct iphdr) + sizeof(struct udphdr) + 1024];
    size_t payload = hex / 2;
    for (size_t i = 0; i < payload; i++) {
        unsigned int byte;
        if (sscanf(hexPayload + 2 * i, "%2x", &byte) != 1) {
            fprintf(stderr, "flood-udp4: bad payload\n");
            return 2;
        }
        packet[sizeof(struct iphdr) + sizeof(struct udphdr) + i] = (uint8_t) byte;
    }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) {
        perror("flood-udp4: socket(AF_INET, SOCK_RAW)");
        return 3;
    }
    int on = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof on) < 0) {
        perror("flood-udp4: IP_HDRINCL");
        return 3;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    to.sin_addr.s_addr = htonl(0x7f000001);
    size_t length = sizeof(struct iphdr) + sizeof(struct udphdr) + payload;
    struct iphdr *ip = (struct iphdr *) packet;
    struct udphdr *udp = (struct udphdr *) (packet + sizeof(struct iphdr));
    long long start = nanos();
    for (long i = 0; i < count; i++) {
        if (i % 100 == 0) { /* at most RATE a second: wait until datagram i is due */
            long long due = start + i * 1000000000LL / rate;
            for (long long now = nanos(); now < due; now = nanos()) {
                struct timespec pause = {0, (long) (due - now)};
                nanosleep(&pause, NULL);
            }
        }
        memset(packet, 0, sizeof(struct iphdr) + sizeof(struct udphdr));
        ip->version = 4;
        ip->ihl = 5;
        ip->ttl = 64;
        ip->protocol = IPPROTO_UDP;
        ip->tot_len = htons((uint16_t) length); /* the kernel fills in the id and the header checksum */
        ip->saddr = htonl(0x7f010000u + (uint32_t) i);
        ip->daddr = to.sin_addr.s_addr;
        udp->source = htons(40000);
        udp->dest = htons((uint16_t) port);
        udp->len = htons((uint16_t) (sizeof(struct udphdr) + payload));
        udp->check = 0; /* optional over IPv4 */
        if (sendto(fd, packet, length, 0, (struct sockaddr *) &to, sizeof to) != (ssize_t) length) {
            perror("flood-udp4: sendto");
            return 4;
        }
    }
    close(fd);
    return 0;
}
