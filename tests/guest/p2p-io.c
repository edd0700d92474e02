// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2p-io: O_DIRECT transfers between a block device and peer-to-peer memory
 * (a PCI BAR that a driver published, mapped from .../p2pmem/allocate).
 *
 *   p2p-io ALLOCATE DISK OFFSET BYTES ok
 *   p2p-io ALLOCATE DISK OFFSET BYTES fail
 *
 * "ok": each round writes the disk from peer memory and reads it back into
 * RAM, then writes from RAM and reads into peer memory, comparing every
 * byte.  Round 1 moves BYTES as one buffer; round 2 as 4 KiB pieces of the
 * peer buffer in a shuffled order (one request of many segments); round 3
 * as the ends of shuffled 4 KiB pages from odd 512-byte offsets on (the
 * block layer splits these at the driver's virtual boundary).
 * "fail": every transfer to or from peer memory must fail (the device
 * cannot reach it), and the disk must keep what it held before.
 * Prints one line per transfer; exit status 0 when all went as asked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define PIECE 4096
#define MAX_PIECES 256

static int disk;
static off_t offset;
static size_t bytes;
static unsigned char *peer, *ram, *want;

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	unsigned int x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = x >> 16;
	}
}

/*
 * Split BYTES of peer memory into iovecs: whole, shuffled pages, or
 * 512-byte-shifted pieces.  @order records which page each piece took.
 */
static int make_iov(int round, struct iovec *iov, unsigned int *order)
{
	unsigned int n = bytes / PIECE, i, j, t;

	if (round == 1) {
		iov[0].iov_base = peer;
		iov[0].iov_len = bytes;
		order[0] = 0;
		return 1;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = (unsigned int)rand() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++) {
		size_t shift = round == 3 ? 512 * (1 + order[i] % 7) : 0;

		iov[i].iov_base = peer + (size_t)order[i] * PIECE + shift;
		iov[i].iov_len = round == 3 ? PIECE - shift : PIECE;
	}
	return n;
}

static size_t iov_bytes(const struct iovec *iov, int n)
{
	size_t s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += iov[i].iov_len;
	return s;
}

/* Gather the iovecs' contents into @dst, in I/O order. */
static void gather(unsigned char *dst, const struct iovec *iov, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		memcpy(dst, iov[i].iov_base, iov[i].iov_len);
		dst += iov[i].iov_len;
	}
}

static int ram_io(int write, size_t len)
{
	ssize_t r = write ? pwrite(disk, ram, len, offset) :
			    pread(disk, ram, len, offset);

	if (r != (ssize_t)len) {
		fprintf(stderr, "p2p-io: RAM %s: %s\n", write ? "write" : "read",
			r < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/* One transfer between peer memory and the disk; -errno or bytes moved. */
static ssize_t peer_io(int write, const struct iovec *iov, int n)
{
	ssize_t r = write ? pwritev(disk, iov, n, offset) :
			    preadv(disk, iov, n, offset);

	return r < 0 ? -errno : r;
}

static int round_ok(int round, unsigned int seed)
{
	struct iovec iov[MAX_PIECES];
	unsigned int order[MAX_PIECES];
	int n = make_iov(round, iov, order);
	size_t len = iov_bytes(iov, n);
	ssize_t r;

	/* Peer memory to disk, read back into RAM. */
	fill(peer, bytes, seed);
	gather(want, iov, n);
	r = peer_io(1, iov, n);
	if (r != (ssize_t)len) {
		printf("round %d: write from peer memory: %s\n", round,
		       r < 0 ? strerror(-r) : "short");
		return -1;
	}
	memset(ram, 0, bytes);
	if (ram_io(0, len) || memcmp(ram, want, len)) {
		printf("round %d: the disk does not hold what peer memory wrote\n",
		       round);
		return -1;
	}
	printf("round %d: wrote %zu bytes from peer memory in %d piece(s)\n",
	       round, len, n);

	/* RAM to disk, read into peer memory. */
	fill(ram, bytes, seed + 1);
	if (ram_io(1, len))
		return -1;
	memset(peer, 0, bytes);
	r = peer_io(0, iov, n);
	if (r != (ssize_t)len) {
		printf("round %d: read into peer memory: %s\n", round,
		       r < 0 ? strerror(-r) : "short");
		return -1;
	}
	gather(want, iov, n);
	if (memcmp(want, ram, len)) {
		printf("round %d: peer memory does not hold what the disk read\n",
		       round);
		return -1;
	}
	printf("round %d: read %zu bytes into peer memory in %d piece(s)\n",
	       round, len, n);
	return 0;
}

static int round_fail(int round, unsigned int seed)
{
	struct iovec iov[MAX_PIECES];
	unsigned int order[MAX_PIECES];
	int n = make_iov(round, iov, order);
	size_t len = iov_bytes(iov, n);
	ssize_t r;
	int dir;

	/* What the disk holds before; a refused write must not change it. */
	fill(ram, bytes, seed + 7);
	if (ram_io(1, len))
		return -1;
	memcpy(want, ram, len);
	fill(peer, bytes, seed);
	for (dir = 1; dir >= 0; dir--) {
		r = peer_io(dir, iov, n);
		if (r >= 0) {
			printf("round %d: %s peer memory succeeded (%zd bytes)\n",
			       round, dir ? "write from" : "read into", r);
			return -1;
		}
		printf("round %d: %s peer memory refused: %s\n", round,
		       dir ? "write from" : "read into", strerror(-r));
	}
	memset(ram, 0, bytes);
	if (ram_io(0, len) || memcmp(ram, want, len)) {
		printf("round %d: a refused write changed the disk\n", round);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, round, expect_ok, bad = 0;

	if (argc != 6 || (strcmp(argv[5], "ok") && strcmp(argv[5], "fail"))) {
		fprintf(stderr, "usage: p2p-io ALLOCATE DISK OFFSET BYTES ok|fail\n");
		return 2;
	}
	offset = strtoll(argv[3], NULL, 0);
	bytes = strtoul(argv[4], NULL, 0);
	expect_ok = !strcmp(argv[5], "ok");
	if (!bytes || bytes % PIECE || bytes / PIECE > MAX_PIECES ||
	    offset % PIECE) {
		fprintf(stderr, "p2p-io: BYTES: 4 KiB pieces, at most %d; OFFSET: 4 KiB aligned\n",
			MAX_PIECES);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "p2p-io: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	peer = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (peer == MAP_FAILED) {
		fprintf(stderr, "p2p-io: mapping %zu bytes of peer memory: %s\n",
			bytes, strerror(errno));
		return 1;
	}
	disk = open(argv[2], O_RDWR | O_DIRECT);
	if (disk < 0) {
		fprintf(stderr, "p2p-io: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&ram, PIECE, bytes) ||
	    posix_memalign((void **)&want, PIECE, bytes)) {
		fprintf(stderr, "p2p-io: out of memory\n");
		return 1;
	}
	srand(bytes ^ (unsigned int)offset);
	for (round = 1; round <= 3; round++)
		if (expect_ok ? round_ok(round, round * 17) :
				round_fail(round, round * 17))
			bad = 1;
	munmap(peer, bytes);
	close(fd);
	close(disk);
	return bad;
}
