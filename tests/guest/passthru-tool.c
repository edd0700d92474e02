// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest helper of passthru.sh, built there with gcc and liburing:
 *
 *   passthru-tool bad CTRL NG BDEV           bad input, each with its errno
 *   passthru-tool perm CTRL NG BDEV          what an unprivileged user may do
 *   passthru-tool fuzz SEED N CTRL NG BDEV   N random calls (ioctls, io_uring)
 *   passthru-tool hold CTRL NG BDEV          calls until the controller goes
 *
 * CTRL is /dev/nvme<N>, NG /dev/ng<N>n1 and BDEV /dev/nvme<N>n1.  Every
 * check prints one line; the exit status is the number of failed checks
 * (capped at 100).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stddef.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE	(4 << 20)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SCRATCH_LBA	100000ULL	/* the tool's own blocks, past fio's */

static int failures;
static unsigned char *buf, *buf2, *unmapped;
static unsigned int lba_size = 512;
static unsigned long long capacity;	/* in blocks */

static long do_ioctl(int fd, unsigned long nr, void *arg)
{
	long ret = ioctl(fd, nr, arg);

	return ret < 0 ? -errno : ret;
}

static const char *describe(long ret)
{
	static char s[64];

	if (ret < 0)
		return strerror(-ret);
	snprintf(s, sizeof(s), "0x%lx (an NVMe status, or the nsid)", ret);
	return s;
}

static void expect(const char *what, long got, long want)
{
	if (got == want) {
		printf("ok: %s: %s\n", what, got ? describe(got) : "0");
		return;
	}
	printf("FAIL: %s: got %ld (%s),", what, got, describe(got));
	printf(" want %ld (%s)\n", want, describe(want));
	failures++;
}

/* An NVMe status whose status code (without type, DNR, More) is @sc. */
static void expect_sc(const char *what, long got, unsigned int sc)
{
	if (got > 0 && (got & 0xff) == sc) {
		printf("ok: %s: %s\n", what, describe(got));
		return;
	}
	printf("FAIL: %s: got %ld (%s), want status code 0x%x\n", what, got,
	       describe(got), sc);
	failures++;
}

static void check(const char *what, int ok)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		exit(100);
	}
	return fd;
}

static void cmd_init(struct nvme_passthru_cmd64 *c, unsigned char op,
		     unsigned int nsid, void *addr, unsigned int len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = op;
	c->nsid = nsid;
	c->addr = (uintptr_t)addr;
	c->data_len = len;
}

static void rw_init(struct nvme_passthru_cmd64 *c, unsigned char op,
		    unsigned long long slba, unsigned int blocks, void *addr,
		    unsigned int len)
{
	cmd_init(c, op, 1, addr, len);
	c->cdw10 = slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = blocks - 1;
}

static long rw(int fd, unsigned char op, unsigned long long slba,
	       unsigned int blocks, void *addr)
{
	struct nvme_passthru_cmd64 c;

	rw_init(&c, op, slba, blocks, addr, blocks * lba_size);
	return do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c);
}

static long identify(int fd, unsigned int cns, void *addr, unsigned int len)
{
	struct nvme_passthru_cmd64 c;

	cmd_init(&c, 0x06, cns == 0 ? 1 : 0, addr, len);
	c.cdw10 = cns;
	return do_ioctl(fd, NVME_IOCTL_ADMIN64_CMD, &c);
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 9));
}

static void setup(const char *bdev)
{
	unsigned long long bytes = 0;
	int fd;

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	buf2 = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || buf2 == MAP_FAILED || unmapped == MAP_FAILED) {
		perror("mmap");
		exit(100);
	}
	munmap(unmapped, 1 << 20);
	memset(buf, 0, BUF_SIZE);
	memset(buf2, 0, BUF_SIZE);
	fd = open(bdev, O_RDONLY);
	if (fd >= 0) {
		if (ioctl(fd, BLKSSZGET, &lba_size) || ioctl(fd, BLKGETSIZE64, &bytes))
			lba_size = 512;
		close(fd);
	}
	capacity = bytes / lba_size;
	if (!capacity)
		capacity = SCRATCH_LBA * 2;
}

/* --- io_uring ------------------------------------------------------------ */

static int ring_init(struct io_uring *ring, unsigned int flags)
{
	return io_uring_queue_init(8, ring,
				   IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | flags);
}

/* One uring command, waited for: the CQE's result. */
static long uring_cmd(struct io_uring *ring, int fd, unsigned int op,
		      const struct nvme_uring_cmd *uc)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	long ret;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_uring_cmd(sqe, op, fd);
	memcpy(sqe->cmd, uc, sizeof(*uc));
	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void uring_rw_init(struct nvme_uring_cmd *uc, unsigned char op,
			  unsigned long long slba, unsigned int blocks,
			  void *addr, unsigned int len)
{
	memset(uc, 0, sizeof(*uc));
	uc->opcode = op;
	uc->nsid = 1;
	uc->addr = (uintptr_t)addr;
	uc->data_len = len;
	uc->cdw10 = slba;
	uc->cdw11 = slba >> 32;
	uc->cdw12 = blocks - 1;
}

/* --- bad input, as root -------------------------------------------------- */

static void bad_admin(int ctrl)
{
	struct nvme_passthru_cmd64 c;
	struct nvme_passthru_cmd c32;
	unsigned int r32;
	unsigned long long r64;

	expect("NULL argument", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, NULL),
	       -EFAULT);
	expect("unknown ioctl", do_ioctl(ctrl, _IO('N', 0x7f), NULL), -ENOTTY);
	expect("identify controller", identify(ctrl, 1, buf, 4096), 0);
	check("identify returned the model", !memcmp(buf + 24, "QEMU NVMe Ctrl", 14));
	expect("identify, misaligned buffer (bounced)", identify(ctrl, 1, buf2 + 1, 4096), 0);
	check("same data through a bounce buffer", !memcmp(buf, buf2 + 1, 4096));

	cmd_init(&c, 0x06, 0, buf, 0);
	c.cdw10 = 1;
	expect("buffer without a length", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);
	cmd_init(&c, 0x06, 0, NULL, 4096);
	c.cdw10 = 1;
	expect("length without a buffer", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EFAULT);
	cmd_init(&c, 0x06, 0, unmapped, 4096);
	c.cdw10 = 1;
	expect("unmapped buffer", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EFAULT);
	cmd_init(&c, 0x06, 0, (void *)0xffffffff81000000UL, 4096);
	c.cdw10 = 1;
	expect("kernel address", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EFAULT);
	cmd_init(&c, 0x02, 0xffffffff, buf, 1U << 30);
	expect("1 GiB get-log", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);
	cmd_init(&c, 0x02, 0xffffffff, buf, (64 << 10) + 4096);
	c.cdw10 = 0x02 | (((((64 << 10) + 4096) / 4) - 1) << 16);
	expect("get-log above the admin queue's limit",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);
	cmd_init(&c, 0x06, 0, buf, 4096);
	c.cdw10 = 1;
	c.metadata_len = 64;
	expect("metadata length without a buffer",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);
	c.metadata_len = 0;
	c.metadata = (uintptr_t)buf2;
	expect("metadata buffer without a length",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);
	c.metadata = 0;
	c.flags = 0x01;
	expect("command flags (fused)", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EINVAL);

	cmd_init(&c, 0x70, 0, NULL, 0);
	expect_sc("unknown admin opcode 0x70", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), 0x01);
	cmd_init(&c, 0x01, 0, buf, 4096);
	expect("create I/O SQ refused", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EPERM);
	cmd_init(&c, 0x0c, 0, NULL, 0);
	expect("asynchronous event request refused",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EPERM);
	cmd_init(&c, 0x80, 1, NULL, 0);
	expect("format NVM refused", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EPERM);
	cmd_init(&c, 0x09, 0, NULL, 0);
	c.cdw10 = 0x07;
	expect("set features: number of queues refused",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EPERM);

	/* Results, 32 and 64 bits: Get Features, Number of Queues. */
	cmd_init(&c, 0x0a, 0, NULL, 0);
	c.cdw10 = 0x07;
	c.timeout_ms = 5000;
	expect("get features 7 (64-bit result, 5 s timeout)",
	       do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), 0);
	r64 = c.result;
	memset(&c32, 0, sizeof(c32));
	c32.opcode = 0x0a;
	c32.cdw10 = 0x07;
	expect("get features 7 (32-bit result)", do_ioctl(ctrl, NVME_IOCTL_ADMIN_CMD, &c32), 0);
	r32 = c32.result;
	printf("number of queues: 0x%llx / 0x%x\n", r64, r32);
	check("both results agree and are not zero", r64 == r32 && r32);
}

static void bad_io(int ctrl, int ng, int bdev)
{
	struct nvme_passthru_cmd64 c;
	struct nvme_passthru_cmd c32;
	struct iovec iov[3];
	unsigned long long lba = SCRATCH_LBA;

	rw_init(&c, 0x02, lba, 1, buf, lba_size);
	c.nsid = 99;
	expect("I/O on the controller, unknown nsid 99",
	       do_ioctl(ctrl, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	c.nsid = 1;
	expect("I/O on the controller, nsid 1", do_ioctl(ctrl, NVME_IOCTL_IO64_CMD, &c), 0);
	c.nsid = 2;
	expect("I/O on ng, nsid of another namespace",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	c.nsid = 0;
	expect("I/O on ng, nsid 0 means this namespace",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), 0);

	rw_init(&c, 0x02, lba, 1, buf, 1000);
	expect("read, length not a multiple of the block size, above the block count",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), 0);
	rw_init(&c, 0x02, lba, 2, buf, 1000);
	expect("read, length not a multiple of the block size, below the block count",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	/* A longer buffer takes the blocks; the rest is left alone. */
	fill(buf, 4096, 5);
	memcpy(buf2, buf, 4096);
	expect("read into 4 KiB, length 1 block",
	       rw(ng, 0x02, lba, 1, buf2), 0);
	rw_init(&c, 0x02, lba, 1, buf, 4096);
	expect("read, length above the block count",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), 0);
	check("the block read, the buffer past it untouched",
	      !memcmp(buf, buf2, 4096));
	rw_init(&c, 0x02, lba, 8, buf, 512);
	expect("read, length below the block count",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	rw_init(&c, 0x02, lba, 1, NULL, 0);
	expect("read, no data at all", do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	rw_init(&c, 0x02, lba, 16384, buf, 16384 * 512);
	expect("read, 8 MiB (above the queue's limit)",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	rw_init(&c, 0x02, lba, 8, unmapped, 8 * lba_size);
	expect("read into an unmapped buffer", do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EFAULT);
	rw_init(&c, 0x02, lba, 8, buf, 8 * lba_size);
	c.metadata = (uintptr_t)buf2;
	c.metadata_len = 64;
	expect("read with a metadata buffer", do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), -EINVAL);
	cmd_init(&c, 0x7e, 1, NULL, 0);
	expect_sc("unknown I/O opcode 0x7e", do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), 0x01);
	rw_init(&c, 0x02, capacity, 1, buf, lba_size);
	expect_sc("read past the end", do_ioctl(ng, NVME_IOCTL_IO64_CMD, &c), 0x80);

	/* Misaligned buffers are bounced, and the data still round-trips. */
	fill(buf + 1, 8 * lba_size, 1);
	expect("write from a misaligned buffer", rw(ng, 0x01, lba, 8, buf + 1), 0);
	memset(buf2, 0, BUF_SIZE);
	expect("read into a misaligned buffer", rw(ng, 0x02, lba, 8, buf2 + 3), 0);
	check("misaligned data round-trips", !memcmp(buf + 1, buf2 + 3, 8 * lba_size));

	/* The 32-bit form reads the same. */
	memset(&c32, 0, sizeof(c32));
	c32.opcode = 0x02;
	c32.nsid = 1;
	c32.addr = (uintptr_t)buf2;
	c32.data_len = 8 * lba_size;
	c32.cdw10 = lba;
	c32.cdw12 = 7;
	expect("32-bit I/O command on ng", do_ioctl(ng, NVME_IOCTL_IO_CMD, &c32), 0);
	check("32-bit read returns the data", !memcmp(buf2, buf + 1, 8 * lba_size));

	/* Vectored, with pieces that split blocks. */
	fill(buf, 16 * lba_size, 2);
	iov[0].iov_base = buf;
	iov[0].iov_len = 4096;
	iov[1].iov_base = buf + 65536;
	iov[1].iov_len = 16 * lba_size - 4096;
	memcpy(buf + 65536, buf + 4096, iov[1].iov_len);
	rw_init(&c, 0x01, lba + 64, 16, iov, 2);
	expect("vectored write, 2 pieces", do_ioctl(ng, NVME_IOCTL_IO64_CMD_VEC, &c), 0);
	memset(buf2, 0, BUF_SIZE);
	iov[0].iov_base = buf2;
	iov[0].iov_len = 2048;
	iov[1].iov_base = buf2 + 65536;
	iov[1].iov_len = 4096;
	iov[2].iov_base = buf2 + 2 * 65536;
	iov[2].iov_len = 16 * lba_size - 6144;
	rw_init(&c, 0x02, lba + 64, 16, iov, 3);
	expect("vectored read, 3 pieces", do_ioctl(ng, NVME_IOCTL_IO64_CMD_VEC, &c), 0);
	check("vectored data round-trips",
	      !memcmp(buf2, buf, 2048) && !memcmp(buf2 + 65536, buf + 2048, 4096) &&
	      !memcmp(buf2 + 2 * 65536, buf + 6144, 16 * lba_size - 6144));
	rw_init(&c, 0x02, lba + 64, 16, iov, 2000);
	expect("vectored read, 2000 pieces", do_ioctl(ng, NVME_IOCTL_IO64_CMD_VEC, &c), -EINVAL);
	rw_init(&c, 0x02, lba + 64, 16, unmapped, 2);
	expect("vectored read, unmapped iovec array",
	       do_ioctl(ng, NVME_IOCTL_IO64_CMD_VEC, &c), -EFAULT);

	/* The block device. */
	expect("I/O command on the block device", rw(bdev, 0x02, lba, 8, buf2), 0);
	expect("admin command on the block device", identify(bdev, 1, buf2, 4096), 0);
	expect("unknown ioctl on ng", do_ioctl(ng, _IO('N', 0x7f), NULL), -ENOTTY);
}

static void bad_uring(int ng)
{
	struct nvme_uring_cmd uc;
	struct io_uring ring;
	struct iovec iov[2];
	long ret;

	ret = ring_init(&ring, 0);
	if (ret) {
		expect("io_uring set-up", ret, 0);
		return;
	}
	fill(buf, 32 * lba_size, 3);
	uring_rw_init(&uc, 0x01, SCRATCH_LBA + 128, 32, buf, 32 * lba_size);
	expect("io_uring write", uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc), 0);
	memset(buf2, 0, BUF_SIZE);
	iov[0].iov_base = buf2;
	iov[0].iov_len = 8192;
	iov[1].iov_base = buf2 + 65536;
	iov[1].iov_len = 32 * lba_size - 8192;
	uring_rw_init(&uc, 0x02, SCRATCH_LBA + 128, 32, iov, 2);
	expect("io_uring vectored read", uring_cmd(&ring, ng, NVME_URING_CMD_IO_VEC, &uc), 0);
	check("io_uring data round-trips",
	      !memcmp(buf2, buf, 8192) &&
	      !memcmp(buf2 + 65536, buf + 8192, 32 * lba_size - 8192));
	uring_rw_init(&uc, 0x02, SCRATCH_LBA, 1, buf2, lba_size);
	uc.nsid = 7;
	expect("io_uring, another namespace's nsid",
	       uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc), -EINVAL);
	uring_rw_init(&uc, 0x02, SCRATCH_LBA, 1, buf2, lba_size);
	uc.metadata_len = 8;
	expect("io_uring, metadata", uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc), -EINVAL);
	uring_rw_init(&uc, 0x02, SCRATCH_LBA, 1, unmapped, lba_size);
	expect("io_uring, unmapped buffer", uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc), -EFAULT);
	uring_rw_init(&uc, 0x02, SCRATCH_LBA, 1, buf2, lba_size);
	expect("io_uring, admin command op", uring_cmd(&ring, ng, NVME_URING_CMD_ADMIN, &uc),
	       -ENOTTY);
	io_uring_queue_exit(&ring);

	/* Without big SQEs and CQEs there is no room for the command. */
	if (!io_uring_queue_init(8, &ring, 0)) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct io_uring_cqe *cqe;

		io_uring_prep_uring_cmd(sqe, NVME_URING_CMD_IO, ng);
		io_uring_submit(&ring);
		if (!io_uring_wait_cqe(&ring, &cqe)) {
			expect("io_uring without SQE128/CQE32", cqe->res, -EOPNOTSUPP);
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	}
}

static int run_bad(char **argv)
{
	int ctrl = open_or_die(argv[0], O_RDWR);
	int ng = open_or_die(argv[1], O_RDWR);
	int bdev = open_or_die(argv[2], O_RDWR);

	setup(argv[2]);
	printf("lba size %u, capacity %llu blocks\n", lba_size, capacity);
	expect("NVME_IOCTL_ID on the controller", do_ioctl(ctrl, NVME_IOCTL_ID, NULL),
	       -ENOTTY);
	expect("NVME_IOCTL_ID on ng", do_ioctl(ng, NVME_IOCTL_ID, NULL), 1);
	expect("NVME_IOCTL_ID on the block device", do_ioctl(bdev, NVME_IOCTL_ID, NULL), 1);
	bad_admin(ctrl);
	bad_io(ctrl, ng, bdev);
	bad_uring(ng);
	expect("rescan", do_ioctl(ctrl, NVME_IOCTL_RESCAN, NULL), 0);
	expect("reset", do_ioctl(ctrl, NVME_IOCTL_RESET, NULL), 0);
	expect("identify after the reset", identify(ctrl, 1, buf, 4096), 0);
	expect("read after the reset", rw(ng, 0x02, SCRATCH_LBA, 8, buf2), 0);
	expect("unknown ioctl on the block device",
	       do_ioctl(bdev, _IO('N', 0x7f), NULL), -ENOTTY);
	return failures;
}

/* --- an unprivileged user ------------------------------------------------- */

static void perm_ng(const char *path, int flags, const char *mode)
{
	int fd = open_or_die(path, flags);
	struct nvme_passthru_cmd64 c;
	struct nvme_uring_cmd uc;
	struct io_uring ring;
	char what[96];
	int may_read = flags != O_WRONLY, may_write = flags != O_RDONLY;

	fill(buf, 8 * lba_size, 4);
	snprintf(what, sizeof(what), "%s: read", mode);
	expect(what, rw(fd, 0x02, SCRATCH_LBA, 8, buf2), may_read ? 0 : -EACCES);
	snprintf(what, sizeof(what), "%s: compare", mode);
	rw_init(&c, 0x05, SCRATCH_LBA + 512, 8, buf, 8 * lba_size);
	if (may_read)
		expect_sc(what, do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c), 0x85);
	else
		expect(what, do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c), -EACCES);
	snprintf(what, sizeof(what), "%s: write", mode);
	expect(what, rw(fd, 0x01, SCRATCH_LBA + 256, 8, buf), may_write ? 0 : -EACCES);
	snprintf(what, sizeof(what), "%s: flush", mode);
	cmd_init(&c, 0x00, 1, NULL, 0);
	expect(what, do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c), -EACCES);
	snprintf(what, sizeof(what), "%s: write zeroes", mode);
	rw_init(&c, 0x08, SCRATCH_LBA + 256, 8, NULL, 0);
	expect(what, do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c), -EACCES);
	snprintf(what, sizeof(what), "%s: vendor opcode 0x81", mode);
	cmd_init(&c, 0x81, 1, NULL, 0);
	expect(what, do_ioctl(fd, NVME_IOCTL_IO64_CMD, &c), -EACCES);
	/* Identify Namespace and Controller, as the in-tree driver allows. */
	snprintf(what, sizeof(what), "%s: identify namespace (admin)", mode);
	expect(what, identify(fd, 0, buf2, 4096), 0);
	snprintf(what, sizeof(what), "%s: identify controller (admin)", mode);
	expect(what, identify(fd, 1, buf2, 4096), 0);
	snprintf(what, sizeof(what), "%s: identify namespace descriptors (admin)", mode);
	expect(what, identify(fd, 3, buf2, 4096), -EACCES);
	snprintf(what, sizeof(what), "%s: get features (admin)", mode);
	cmd_init(&c, 0x0a, 0, NULL, 0);
	c.cdw10 = 7;
	expect(what, do_ioctl(fd, NVME_IOCTL_ADMIN64_CMD, &c), -EACCES);
	snprintf(what, sizeof(what), "%s: NVME_IOCTL_ID", mode);
	expect(what, do_ioctl(fd, NVME_IOCTL_ID, NULL), 1);
	if (!ring_init(&ring, 0)) {
		snprintf(what, sizeof(what), "%s: io_uring read", mode);
		uring_rw_init(&uc, 0x02, SCRATCH_LBA, 8, buf2, 8 * lba_size);
		expect(what, uring_cmd(&ring, fd, NVME_URING_CMD_IO, &uc),
		       may_read ? 0 : -EACCES);
		snprintf(what, sizeof(what), "%s: io_uring write", mode);
		uring_rw_init(&uc, 0x01, SCRATCH_LBA + 256, 8, buf, 8 * lba_size);
		expect(what, uring_cmd(&ring, fd, NVME_URING_CMD_IO, &uc),
		       may_write ? 0 : -EACCES);
		io_uring_queue_exit(&ring);
	} else {
		check("io_uring set-up", 0);
	}
	close(fd);
}

static int run_perm(char **argv)
{
	struct nvme_passthru_cmd64 c;
	int ctrl, bdev;

	setup(argv[2]);
	check("running without CAP_SYS_ADMIN", geteuid() != 0);
	perm_ng(argv[1], O_RDONLY, "ng read-only");
	perm_ng(argv[1], O_WRONLY, "ng write-only");
	perm_ng(argv[1], O_RDWR, "ng read-write");

	ctrl = open_or_die(argv[0], O_RDWR);
	expect("controller: identify controller", identify(ctrl, 1, buf2, 4096), 0);
	expect("controller: identify active namespace list",
	       identify(ctrl, 2, buf2, 4096), -EACCES);
	cmd_init(&c, 0x0a, 0, NULL, 0);
	c.cdw10 = 7;
	expect("controller: get features", do_ioctl(ctrl, NVME_IOCTL_ADMIN64_CMD, &c), -EACCES);
	expect("controller: reset", do_ioctl(ctrl, NVME_IOCTL_RESET, NULL), -EACCES);
	expect("controller: rescan", do_ioctl(ctrl, NVME_IOCTL_RESCAN, NULL), -EACCES);
	close(ctrl);
	ctrl = open_or_die(argv[0], O_RDONLY);
	expect("controller read-only: read", rw(ctrl, 0x02, SCRATCH_LBA, 8, buf2), 0);
	expect("controller read-only: write", rw(ctrl, 0x01, SCRATCH_LBA, 8, buf2), -EACCES);
	close(ctrl);

	bdev = open_or_die(argv[2], O_RDONLY);
	expect("block device read-only: read", rw(bdev, 0x02, SCRATCH_LBA, 8, buf2), 0);
	expect("block device read-only: write", rw(bdev, 0x01, SCRATCH_LBA, 8, buf2), -EACCES);
	expect("block device: identify controller", identify(bdev, 1, buf2, 4096), 0);
	close(bdev);
	return failures;
}

/* --- random calls ----------------------------------------------------------- */

static unsigned long long rng_state;

static unsigned long long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

/* A user address: mostly good (some misaligned), else bad in some way. */
static void *fuzz_addr(unsigned int len)
{
	switch (below(10)) {
	case 0:
		return NULL;
	case 1:
		return unmapped + below(4096);
	case 2:
		return (void *)(0xffff888000000000ULL + below(1 << 20));
	default:
		if (len > BUF_SIZE / 2)
			return buf;
		return buf + (below(3) ? 0 : below(4096));
	}
}

static unsigned int fuzz_len(void)
{
	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return rnd();
	case 2:
		return below(1 << 20);
	default:
		return 512 << below(5);
	}
}

/*
 * Commands that reach the controller keep the lengths they transfer within
 * the buffer given: a privileged caller who lies about them makes the device
 * DMA outside the mapping with either driver.  The rest is random.
 */
static void fuzz_admin(struct nvme_passthru_cmd64 *c)
{
	static const unsigned char refused[] = {
		0x00, 0x01, 0x04, 0x05, 0x08, 0x0c, 0x0d, 0x15, 0x7c, 0x80, 0x84,
	};
	unsigned int len;

	memset(c, 0, sizeof(*c));
	switch (below(6)) {
	case 0:	/* Identify */
		c->opcode = 0x06;
		c->cdw10 = below(4) ? below(4) : below(256);
		c->nsid = below(2) ? below(3) : rnd();
		c->data_len = 4096;
		break;
	case 1:	/* Get Log Page, within the buffer */
		len = 4 * (1 + below(1024));
		c->opcode = 0x02;
		c->nsid = below(2) ? 0xffffffff : below(3);
		c->cdw10 = (below(2) ? 1 + below(3) : below(256)) |
			   ((len / 4 - 1) << 16);
		c->cdw12 = below(4) ? 0 : below(8192) & ~3U;
		c->data_len = len;
		break;
	case 2:	/* Get Features: some return data (up to 4 KiB) */
		c->opcode = 0x0a;
		c->cdw10 = below(256) | (below(4) << 8);
		c->data_len = 4096;
		break;
	case 3:	/* opcodes the controller does not know */
		c->opcode = below(2) ? 0x30 + below(0x4c) : 0xc0 + below(0x40);
		c->data_len = fuzz_len();
		break;
	case 4:
		c->opcode = refused[below(ARRAY_SIZE(refused))];
		c->data_len = fuzz_len();
		break;
	default: /* refused before the controller sees it */
		c->opcode = 0x06;
		c->cdw10 = 1;
		c->data_len = fuzz_len();
		c->flags = below(2) ? 1 + below(255) : 0;
		c->metadata = below(2) ? rnd() : 0;
		c->metadata_len = c->flags || c->metadata ? 0 : 1 + below(4096);
		break;
	}
	c->addr = (uintptr_t)(c->data_len ? fuzz_addr(c->data_len) :
			      below(4) ? NULL : buf);
	if (below(8) == 0)
		c->timeout_ms = 1000 + below(60000);
}

static void fuzz_io(struct nvme_passthru_cmd64 *c)
{
	static const unsigned char rw_ops[] = { 0x01, 0x02, 0x05 };
	static const unsigned char no_data_ops[] = { 0x00, 0x08, 0x0c };
	unsigned int blocks = 1 + below(below(4) ? 8 : 256);
	unsigned long long slba = below(8) ? below(capacity - blocks) :
				  capacity - below(4);

	memset(c, 0, sizeof(*c));
	c->nsid = below(8) ? 1 : below(4) ? below(3) : rnd();
	switch (below(5)) {
	case 0:
	case 1:	/* read, write, compare, mostly with the right length */
		c->opcode = rw_ops[below(3)];
		c->data_len = below(6) ? blocks * lba_size : fuzz_len();
		break;
	case 2:	/* no data: flush, write zeroes, verify */
		c->opcode = no_data_ops[below(3)];
		c->data_len = below(4) ? 0 : fuzz_len();
		break;
	case 3:	/* opcodes the controller does not know */
		c->opcode = 0x80 + below(0x80);
		c->data_len = fuzz_len();
		break;
	default: /* refused before the controller sees it */
		c->opcode = 0x02;
		c->data_len = blocks * lba_size;
		c->flags = below(2) ? 1 + below(255) : 0;
		c->metadata_len = c->flags ? 0 : 1 + below(64);
		break;
	}
	c->cdw10 = slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = (blocks - 1) | (below(8) ? 0 : (unsigned int)rnd() & 0xfc000000);
	c->addr = (uintptr_t)(c->data_len ? fuzz_addr(c->data_len) :
			      below(4) ? NULL : buf);
}

/* Without privileges anything goes: all of it must be refused or safe. */
static void fuzz_raw(struct nvme_passthru_cmd64 *c)
{
	unsigned char *p = (unsigned char *)c;
	size_t i;

	for (i = 0; i < sizeof(*c); i++)
		p[i] = rnd();
	if (below(2))
		c->opcode = below(3);
	if (below(2))
		c->flags = 0;
	if (below(2)) {
		c->metadata = 0;
		c->metadata_len = 0;
	}
	if (below(2))
		c->nsid = 1;
	if (below(2)) {
		c->data_len = (1 + (c->cdw12 & 0xff)) * lba_size;
		c->cdw12 &= 0xff;
	}
	if (below(2)) {
		c->cdw10 = below(capacity - 256);
		c->cdw11 = 0;
	}
	c->addr = (uintptr_t)fuzz_addr(c->data_len);
	c->timeout_ms = 0;
}

static long fuzz_uring(struct io_uring *ring, int fd, int raw)
{
	struct nvme_passthru_cmd64 c;
	struct nvme_uring_cmd uc;
	struct iovec iov[2];
	unsigned int op = below(2) ? NVME_URING_CMD_IO : NVME_URING_CMD_IO_VEC;

	if (raw)
		fuzz_raw(&c);
	else
		fuzz_io(&c);
	memset(&uc, 0, sizeof(uc));
	memcpy(&uc, &c, offsetof(struct nvme_uring_cmd, rsvd2));
	uc.timeout_ms = 0;
	if (op == NVME_URING_CMD_IO_VEC) {
		iov[0].iov_base = (void *)(uintptr_t)c.addr;
		iov[0].iov_len = c.data_len / 2;
		iov[1].iov_base = iov[0].iov_base ? (char *)iov[0].iov_base +
			c.data_len / 2 + (below(2) ? 0 : 4096) : NULL;
		iov[1].iov_len = c.data_len - c.data_len / 2;
		if (iov[1].iov_base && (unsigned char *)iov[1].iov_base + iov[1].iov_len >
		    buf + BUF_SIZE)
			iov[1].iov_base = buf;
		uc.addr = below(8) ? (uintptr_t)iov : (uintptr_t)unmapped;
		uc.data_len = below(8) ? 2 : below(3000);
	}
	if (below(16) == 0)
		op = rnd();
	return uring_cmd(ring, fd, op, &uc);
}

static int run_fuzz(char **argv, int raw)
{
	static const unsigned long nrs[] = {
		NVME_IOCTL_ADMIN_CMD, NVME_IOCTL_ADMIN64_CMD, NVME_IOCTL_IO_CMD,
		NVME_IOCTL_IO64_CMD, NVME_IOCTL_IO64_CMD_VEC, NVME_IOCTL_ID,
		NVME_IOCTL_SUBMIT_IO, NVME_IOCTL_SUBSYS_RESET,
	};
	unsigned long long seed = strtoull(argv[0], NULL, 0);
	unsigned long n = strtoul(argv[1], NULL, 0), i;
	unsigned long hist[8] = { 0 };
	struct nvme_passthru_cmd64 c;
	struct io_uring ring;
	int fds[4];
	time_t start = time(NULL);

	setup(argv[4]);
	fds[0] = open_or_die(argv[2], O_RDWR);
	fds[1] = open_or_die(argv[3], O_RDWR);
	fds[2] = open_or_die(argv[3], O_RDONLY);
	fds[3] = open_or_die(argv[4], O_RDWR);
	if (ring_init(&ring, 0)) {
		check("io_uring set-up", 0);
		return failures;
	}
	printf("fuzz: seed %llu, %lu calls%s\n", seed, n,
	       raw ? ", raw commands" : "");
	rng_state = seed ? seed : 1;
	for (i = 0; i < n; i++) {
		int fd = fds[below(4)];
		unsigned long nr = nrs[below(ARRAY_SIZE(nrs))];
		long ret;

		switch (below(20)) {
		case 0:
			ret = fuzz_uring(&ring, fds[1 + below(2)], raw);
			break;
		case 1:	/* random ioctl numbers of the NVMe family */
			nr = _IOC(below(4), 'N', 0x40 + below(0x50), below(128));
			if ((nr & 0xff) == 0x44 || (nr & 0xff) == 0x46)
				nr = NVME_IOCTL_ID;
			ret = do_ioctl(fd, nr, below(2) ? (void *)buf : unmapped);
			break;
		case 2:
			if (below(100) == 0 && !raw) {
				ret = do_ioctl(fds[0], NVME_IOCTL_RESCAN, NULL);
				break;
			}
			ret = do_ioctl(fd, nr, below(2) ? NULL : unmapped);
			break;
		default:
			if (raw)
				fuzz_raw(&c);
			else if (nr == NVME_IOCTL_ADMIN_CMD || nr == NVME_IOCTL_ADMIN64_CMD)
				fuzz_admin(&c);
			else
				fuzz_io(&c);
			if (nr == NVME_IOCTL_IO64_CMD_VEC) {
				nr = NVME_IOCTL_IO64_CMD;
				if (below(2)) {
					nr = NVME_IOCTL_IO64_CMD_VEC;
					c.data_len = below(4);
					c.addr = (uintptr_t)(below(2) ? unmapped : buf);
				}
			}
			ret = do_ioctl(fd, nr, &c);
			break;
		}
		if (ret == 0)
			hist[0]++;
		else if (ret > 0 || nr == NVME_IOCTL_ID)
			hist[1]++;
		else if (ret == -EINVAL)
			hist[2]++;
		else if (ret == -EFAULT)
			hist[3]++;
		else if (ret == -EACCES || ret == -EPERM)
			hist[4]++;
		else if (ret == -ENOTTY || ret == -EOPNOTSUPP)
			hist[5]++;
		else
			hist[6]++;
		if (ret < 0 && ret != -EINVAL && ret != -EFAULT && ret != -EACCES &&
		    ret != -EPERM && ret != -ENOTTY && ret != -EOPNOTSUPP &&
		    ret != -EBUSY && ret != -ENOMEM && ret != -EAGAIN && hist[7]++ < 10)
			printf("note: call %lu: %s\n", i, describe(ret));
	}
	printf("fuzz: %lu calls in %ld s: %lu ok, %lu NVMe status or nsid, %lu EINVAL,",
	       n, (long)(time(NULL) - start), hist[0], hist[1], hist[2]);
	printf(" %lu EFAULT, %lu EACCES/EPERM, %lu ENOTTY/EOPNOTSUPP, %lu other\n",
	       hist[3], hist[4], hist[5], hist[6]);
	io_uring_queue_exit(&ring);
	/* Still healthy afterwards (the read needs read access only). */
	expect("read after fuzzing", rw(fds[2], 0x02, SCRATCH_LBA, 8, buf2), 0);
	return failures;
}

/* --- removal with files open ------------------------------------------------- */

static int run_hold(char **argv)
{
	int ctrl = open_or_die(argv[0], O_RDWR);
	int ng = open_or_die(argv[1], O_RDWR);
	int bdev = open_or_die(argv[2], O_RDONLY);
	unsigned long ok = 0, i;
	struct nvme_uring_cmd uc;
	struct io_uring ring;
	long a, b, d, u = -ENODEV;
	int ring_ok;

	setup(argv[2]);
	ring_ok = !ring_init(&ring, 0);
	printf("ready\n");
	fflush(stdout);
	/* Until the controller is gone: every call either works or says so. */
	for (i = 0; i < 600000; i++) {
		a = identify(ctrl, 1, buf, 4096);
		b = rw(ng, 0x02, SCRATCH_LBA, 8, buf2);
		d = rw(bdev, 0x02, SCRATCH_LBA, 8, buf2);
		if (ring_ok) {
			uring_rw_init(&uc, 0x02, SCRATCH_LBA, 8, buf2, 8 * lba_size);
			u = uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc);
		}
		if ((a && a != -ENODEV) || (b && b != -ENODEV) ||
		    (d && d != -ENODEV) || (u && u != -ENODEV)) {
			printf("FAIL: during removal: %ld %ld %ld %ld\n", a, b, d, u);
			failures++;
			break;
		}
		if (a == -ENODEV && b == -ENODEV && d == -ENODEV && u == -ENODEV)
			break;
		ok++;
		if (i % 16 == 15)
			usleep(10000);
	}
	printf("%lu rounds before the controller went away\n", ok);
	expect("controller: identify after removal", identify(ctrl, 1, buf, 4096), -ENODEV);
	expect("controller: reset after removal", do_ioctl(ctrl, NVME_IOCTL_RESET, NULL),
	       -ENODEV);
	expect("ng: read after removal", rw(ng, 0x02, SCRATCH_LBA, 8, buf2), -ENODEV);
	expect("ng: identify after removal", identify(ng, 1, buf, 4096), -ENODEV);
	expect("block device: read after removal", rw(bdev, 0x02, SCRATCH_LBA, 8, buf2),
	       -ENODEV);
	if (ring_ok) {
		uring_rw_init(&uc, 0x02, SCRATCH_LBA, 8, buf2, 8 * lba_size);
		expect("ng: io_uring read after removal",
		       uring_cmd(&ring, ng, NVME_URING_CMD_IO, &uc), -ENODEV);
		io_uring_queue_exit(&ring);
	}
	close(ctrl);
	close(ng);
	close(bdev);
	return failures;
}

int main(int argc, char **argv)
{
	int ret = 100;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "bad"))
		ret = run_bad(argv + 2);
	else if (argc == 5 && !strcmp(argv[1], "perm"))
		ret = run_perm(argv + 2);
	else if (argc == 7 && !strcmp(argv[1], "fuzz"))
		ret = run_fuzz(argv + 2, geteuid() != 0);
	else if (argc == 5 && !strcmp(argv[1], "hold"))
		ret = run_hold(argv + 2);
	else
		fprintf(stderr, "usage: see the top of passthru-tool.c\n");
	return ret > 100 ? 100 : ret;
}
