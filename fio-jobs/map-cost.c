// SPDX-License-Identifier: GPL-2.0-only
/*
 * map-cost: read a block device with O_DIRECT into a buffer of a known
 * physical shape, so that every request the driver maps has exactly the
 * same segments, run after run and path after path.  fio-jobs/map-cost-run
 * uses it to measure the map and unmap cost of each path on the instruction
 * clock of a QEMU guest (tests/vm/run --icount), where the only thing left
 * to vary would be the buffer.
 *
 *   map-cost DEV SHAPE COUNT
 *
 * SHAPE:
 *   4k     4 KiB reads into one page: 1 segment
 *   pages  128 KiB reads into 32 pages, no two of which are physically
 *          adjacent (checked in /proc/self/pagemap): 32 segments
 *   huge   128 KiB reads into a 2 MiB hugetlb page: 1 segment of 128 KiB
 *          (needs /proc/sys/vm/nr_hugepages >= 1)
 *
 * The buffer is locked in memory, and the page frames are read again at the
 * end: if one moved (memory compaction migrates even locked pages unless
 * vm.compact_unevictable_allowed is 0), the run fails rather than report
 * figures for another shape.  COUNT reads go to consecutive offsets in the
 * first 64 MiB of DEV.  Nothing is written to DEV.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE		4096UL
#define SCATTERED	32		/* pages in the "pages" buffer */
#define POOL		1024		/* pages to pick them from */
#define HUGE		(2UL << 20)
#define SPAN		(64UL << 20)	/* offsets fall in the first 64 MiB */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("map-cost: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* The page frame numbers of @n pages from @addr; 0 when not present. */
static void frames(int pagemap, const char *addr, size_t n, unsigned long long *pfn)
{
	off_t at = (off_t)((unsigned long)addr / PAGE * 8);
	size_t i;

	if (pread(pagemap, pfn, n * 8, at) != (ssize_t)(n * 8))
		die("reading /proc/self/pagemap: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (!(pfn[i] >> 63))
			die("a buffer page is not present");
		pfn[i] &= (1ULL << 55) - 1;
		if (!pfn[i])
			die("no page frame numbers in pagemap (not root?)");
	}
}

static int adjacent(unsigned long long a, unsigned long long b)
{
	return a + 1 == b || b + 1 == a;
}

/*
 * SCATTERED pages, at consecutive virtual addresses, no two neighbours of
 * which are physically adjacent: picked from a larger pool by their frame
 * numbers and moved into place with mremap(), which keeps the frames.
 */
static char *scattered(int pagemap, unsigned long long *pfn)
{
	static unsigned long long pool_pfn[POOL];
	char *pool, *buf, *want;
	size_t i, n = 0;

	pool = mmap(NULL, POOL * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	buf = mmap(NULL, SCATTERED * PAGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool == MAP_FAILED || buf == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* Order-0 pages only: no transparent huge page in the pool. */
	madvise(pool, POOL * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < POOL; i++)
		pool[i * PAGE] = (char)i;
	frames(pagemap, pool, POOL, pool_pfn);
	for (i = 0; i < POOL && n < SCATTERED; i++) {
		if (n && adjacent(pool_pfn[i], pfn[n - 1]))
			continue;
		want = buf + n * PAGE;
		if (mremap(pool + i * PAGE, PAGE, PAGE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, want) != want)
			die("mremap: %s", strerror(errno));
		pfn[n++] = pool_pfn[i];
	}
	if (n < SCATTERED)
		die("no 32 pages apart in a pool of 1024");
	munmap(pool, POOL * PAGE);	/* what is left of it */
	return buf;
}

int main(int argc, char **argv)
{
	static unsigned long long pfn[SCATTERED], again[SCATTERED];
	size_t bs, i, npages, count;
	int fd, pagemap;
	char *buf, *end;

	if (argc != 4)
		die("usage: map-cost DEV 4k|pages|huge COUNT");
	count = strtoul(argv[3], &end, 10);
	if (*end || !count || count > 10000000)
		die("COUNT must be 1 to 10000000, not '%s'", argv[3]);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		die("/proc/self/pagemap: %s", strerror(errno));

	if (!strcmp(argv[2], "huge")) {
		buf = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (buf == MAP_FAILED)
			die("no 2 MiB hugetlb page (vm.nr_hugepages): %s",
			    strerror(errno));
		buf[0] = 1;
		bs = 128 << 10;
		npages = 1;
	} else if (!strcmp(argv[2], "pages") || !strcmp(argv[2], "4k")) {
		buf = scattered(pagemap, pfn);
		if (argv[2][0] == '4') {
			bs = PAGE;
			npages = 1;
		} else {
			bs = SCATTERED * PAGE;
			npages = SCATTERED;
		}
	} else {
		die("SHAPE is 4k, pages or huge, not '%s'", argv[2]);
	}
	if (mlock(buf, bs))
		die("mlock: %s", strerror(errno));
	frames(pagemap, buf, npages, pfn);
	for (i = 1; i < npages; i++)
		if (adjacent(pfn[i - 1], pfn[i]))
			die("two buffer pages are physically adjacent");

	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0)
		die("%s: %s", argv[1], strerror(errno));
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(i * bs % SPAN);

		if (pread(fd, buf, bs, off) != (ssize_t)bs)
			die("read: %s", strerror(errno));
	}
	close(fd);

	frames(pagemap, buf, npages, again);
	if (memcmp(pfn, again, npages * sizeof(*pfn)))
		die("a buffer page moved during the run (memory compaction?)");
	return 0;
}
