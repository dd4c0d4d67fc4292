/*
 * Puts one IPv6 UDP datagram on the loopback interface as if it had arrived from the network, with whatever
 * source address it is given, such as an IPv4-mapped one (::ffff:127.0.0.1) that no socket may send from.
 * Needs CAP_NET_RAW (an AF_PACKET socket). Used by MappedSourceTest.
 *
 *   inject-udp6 SRC_IP6 SRC_PORT DST_IP6 DST_PORT PAYLOAD_HEX
 *
 * Exits 0 when the frame was sent, 2 on bad arguments, 3 when the raw socket cannot be opened.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum) {
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (n % 2) {
        sum += (uint32_t) (p[n - 1] << 8);
    }
    return sum;
}

int main(int argc, char **argv) {
    struct in6_addr src, dst;
    if (argc != 6 || inet_pton(AF_INET6, argv[1], &src) != 1 || inet_pton(AF_INET6, argv[3], &dst) != 1
            || strlen(argv[5]) % 2 || strlen(argv[5]) / 2 > 1400) {
        fprintf(stderr, "usage: inject-udp6 SRC_IP6 SRC_PORT DST_IP6 DST_PORT PAYLOAD_HEX\n");
        return 2;
    }
    uint8_t payload[1400];
    size_t length = strlen(argv[5]) / 2;
    for (size_t i = 0; i < length; i++) {
        unsigned int byte;
        if (sscanf(argv[5] + 2 * i, "%2x", &byte) != 1) {
            return 2;
        }
        payload[i] = (uint8_t) byte;
    }
    uint16_t udp_length = (uint16_t) (8 + length);
    uint8_t frame[14 + 40 + 8 + 1400] = {0};
    frame[12] = 0x86;                                  /* ethertype IPv6; addresses are zero on loopback */
    frame[13] = 0xdd;
    uint8_t *ip = frame + 14;
    ip[0] = 0x60;                                      /* version 6 */
    ip[4] = (uint8_t) (udp_length >> 8);
    ip[5] = (uint8_t) udp_length;
    ip[6] = 17;                                        /* next header: UDP */
    ip[7] = 64;                                        /* hop limit */
    memcpy(ip + 8, &src, 16);
    memcpy(ip + 24, &dst, 16);
    uint8_t *udp = ip + 40;
    uint16_t sport = (uint16_t) atoi(argv[2]), dport = (uint16_t) atoi(argv[4]);
    udp[0] = (uint8_t) (sport >> 8);
    udp[1] = (uint8_t) sport;
    udp[2] = (uint8_t) (dport >> 8);
    udp[3] = (uint8_t) dport;
    udp[4] = (uint8_t) (udp_length >> 8);
    udp[5] = (uint8_t) udp_length;
    memcpy(udp + 8, payload, length);
    uint8_t pseudo[40] = {0};                          /* source, destination, length, next header */
    memcpy(pseudo, &src, 16);
    memcpy(pseudo + 16, &dst, 16);
    pseudo[34] = (uint8_t) (udp_length >> 8);
    pseudo[35] = (uint8_t) udp_length;
    pseudo[39] = 17;
    uint32_t sum = sum16(udp, udp_length, sum16(pseudo, sizeof pseudo, 0));
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    uint16_t checksum = (uint16_t) ~sum;
    if (checksum == 0) {
        checksum = 0xffff;
    }
    udp[6] = (uint8_t) (checksum >> 8);
    udp[7] = (uint8_t) checksum;

    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IPV6));
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        return 3;
    }
    struct sockaddr_ll to = {0};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IPV6);
    to.sll_ifindex = (int) if_nametoindex("lo");
    to.sll_halen = 6;
    ssize_t sent = sendto(fd, frame, 14 + 40 + udp_length, 0, (struct sockaddr *) &to, sizeof to);
    close(fd);
    if (sent < 0) {
        perror("sendto");
        return 3;
    }
    return 0;
}
