/*
 * The kernel's floor for a fan-out on this machine: one thread sends N small datagrams to N distinct
 * loopback listeners (127.1.x.y on a few wildcard sockets, as `modstamp bench fanout` registers them),
 * with one sendto per datagram (mode 0) or sendmmsg in batches of 1024 (mode 1). No Java, no protocol:
 * what a server on one core cannot beat. With mode 1 and THREADS > 1, each thread sends its share from a socket
 * of its own, as `serve --io-threads` does: the floor for that many cores.
 *   gcc -O2 -pthread -o /tmp/fanout-floor fanout-floor.c && taskset -c 0 /tmp/fanout-floor 10000 1 [THREADS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>
struct share { int fd; const char *msg; size_t len; struct sockaddr_in *dst; int from, to; };
static void *send_share(void *arg) { // sendmmsg of the same bytes to dst[from..to), 1024 a call
  struct share *s = arg; struct mmsghdr *m = calloc(1024, sizeof *m); struct iovec iov = {(void *) s->msg, s->len};
  for (int i = s->from; i < s->to; i += 1024) {
    int k = s->to - i < 1024 ? s->to - i : 1024;
    for (int j = 0; j < k; j++) { m[j].msg_hdr.msg_name = &s->dst[i + j]; m[j].msg_hdr.msg_namelen = sizeof s->dst[0];
      m[j].msg_hdr.msg_iov = &iov; m[j].msg_hdr.msg_iovlen = 1; }
    int sent = 0; while (sent < k) { int r = sendmmsg(s->fd, m + sent, k - sent, 0); if (r < 0) { perror("sendmmsg"); break; } sent += r; }
  }
  free(m); return NULL;
}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(int argc,char**argv){
  int n=atoi(argv[1]); int per=200; int socks=(n+per-1)/per; int mode=atoi(argv[2]); int threads=argc>3?atoi(argv[3]):1;
  if(threads<1||threads>64){fprintf(stderr,"threads: 1..64\n");return 2;}
  int ports[1000]; int fds[1000];
  for(int s=0;s<socks;s++){int fd=socket(AF_INET,SOCK_DGRAM,0);int one=1;setsockopt(fd,SOL_SOCKET,SO_REUSEADDR,&one,4);int sz=4<<20;setsockopt(fd,SOL_SOCKET,SO_RCVBUF,&sz,4);
    struct sockaddr_in a={0};a.sin_family=AF_INET;a.sin_addr.s_addr=htonl(INADDR_ANY);bind(fd,(void*)&a,sizeof a);socklen_t l=sizeof a;getsockname(fd,(void*)&a,&l);ports[s]=ntohs(a.sin_port);fds[s]=fd;}
  int outs[64]; for(int t=0;t<threads;t++){outs[t]=socket(AF_INET,SOCK_DGRAM,0); int sz=4<<20; setsockopt(outs[t],SOL_SOCKET,SO_SNDBUF,&sz,4);}
  int out=outs[0];
  struct sockaddr_in *dst=calloc((size_t)(n > 0 ? n : 1), sizeof *dst);
  for(int i=0;i<n;i++){int a=i%per;dst[i].sin_family=AF_INET;dst[i].sin_port=htons(ports[i/per]);char ip[32];sprintf(ip,"127.1.%d.%d",a/250,1+a%250);inet_pton(AF_INET,ip,&dst[i].sin_addr);}
  char msg[]="\x00S\x02\x0c" "bench.fanout" "\x05" "r1234";
  for(int round=0;round<5;round++){
    // drain
    char buf[2048]; for(int s=0;s<socks;s++) while(recv(fds[s],buf,sizeof buf,MSG_DONTWAIT)>0);
    double t0=now();
    if(mode==0){ for(int i=0;i<n;i++) sendto(out,msg,sizeof msg-1,0,(void*)&dst[i],sizeof dst[i]); }
    else { struct share sh[64]; pthread_t tid[64];
      for(int t=0;t<threads;t++){sh[t]=(struct share){outs[t],msg,sizeof msg-1,dst,(int)((long)n*t/threads),(int)((long)n*(t+1)/threads)};
        if(t>0) pthread_create(&tid[t],NULL,send_share,&sh[t]);}
      send_share(&sh[0]);
      for(int t=1;t<threads;t++) pthread_join(tid[t],NULL);}
    double t1=now();
    int got=0; for(int s=0;s<socks;s++) while(recv(fds[s],buf,sizeof buf,MSG_DONTWAIT)>0) got++;
    printf("mode %s threads=%d n=%d: %.2f ms (%.2f us/datagram), received %d\n", mode?"sendmmsg":"sendto", mode?threads:1, n, t1-t0, (t1-t0)*1000/n, got);
  }
}
