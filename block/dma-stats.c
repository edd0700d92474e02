// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-device, per-path mapping statistics, per CPU so the fast path never
 * shares a cache line, summed when read from debugfs:
 *
 *   <debugfs>/nvme-phys/nvme<N>/dma/<path>   one path, "key value" lines
 *   <debugfs>/nvme-phys/nvme<N>/dma/all      one line per path
 *
 * Writing 0 to a file resets what it shows.  Times are in nanoseconds; the
 * histograms count requests in log2 buckets (bucket b holds times in
 * [2^b, 2^(b+1)) ns).  Requests count against the path selected when they
 * started; "iova_batched" and "iova_fallback" say what iova and auto did.
 * "p2p_bus" counts requests into peer memory the device reached by its PCI
 * bus address (nothing mapped), "p2p_host" those mapped as MMIO through the
 * host bridge.
 *
 * The counters are kept only while nvmp_dma_stats_enabled() (off by
 * default): off, a request reads the clock only if auto's model learns from
 * it or a tracepoint is enabled, and touches no counter.  A request is
 * counted whole or not at all, by whether they were on when it started.
 */
#include <linux/debugfs.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include "nvmp-block.h"

#define CREATE_TRACE_POINTS
#include "nvmp_trace.h"

DEFINE_STATIC_KEY_FALSE(nvmp_stats_on);
DEFINE_STATIC_KEY_FALSE(nvmp_timing_wanted);

static DEFINE_MUTEX(nvmp_stats_lock);

/**
 * nvmp_dma_stats_enable - keep the mapping statistics, or stop keeping them
 * @on: keep them from now on
 *
 * Requests that start after the call are counted (or not); the counters
 * keep what they hold either way, and writing 0 to a debugfs file clears
 * them.  May sleep.
 */
void nvmp_dma_stats_enable(bool on)
{
	mutex_lock(&nvmp_stats_lock);
	if (on && !static_key_enabled(&nvmp_stats_on)) {
		static_branch_inc(&nvmp_timing_wanted);
		static_branch_enable(&nvmp_stats_on);
	} else if (!on && static_key_enabled(&nvmp_stats_on)) {
		static_branch_disable(&nvmp_stats_on);
		static_branch_dec(&nvmp_timing_wanted);
	}
	mutex_unlock(&nvmp_stats_lock);
}

/**
 * nvmp_dma_stats_enabled - are the mapping statistics kept?
 *
 * Return: %true between nvmp_dma_stats_enable(true) and (false).
 */
bool nvmp_dma_stats_enabled(void)
{
	return static_key_enabled(&nvmp_stats_on);
}

/* Each of the two tracepoints wants times while it is enabled. */
int nvmp_trace_reg(void)
{
	static_branch_inc(&nvmp_timing_wanted);
	return 0;
}

void nvmp_trace_unreg(void)
{
	static_branch_dec(&nvmp_timing_wanted);
}

int nvmp_stats_init(struct nvmp_dma_dev *dd)
{
	dd->stats = alloc_percpu(struct nvmp_dma_stats);
	return dd->stats ? 0 : -ENOMEM;
}

void nvmp_stats_exit(struct nvmp_dma_dev *dd)
{
	free_percpu(dd->stats);
	dd->stats = NULL;
}

static unsigned int nvmp_bucket(u64 ns)
{
	return ns ? min_t(unsigned int, ilog2(ns), NVMP_HIST_BUCKETS - 1) : 0;
}

/*
 * The end of a request's mapping, whole (@status %BLK_STS_OK) or failed:
 * the one place that counts it and fires the map tracepoint.
 */
void nvmp_stats_mapped(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
		       blk_status_t status, u64 ns)
{
	struct nvmp_path_stats *ps;

	if (!map->counted)
		goto trace;
	ps = &get_cpu_ptr(dd->stats)->path[map->sel];
	if (status != BLK_STS_OK) {
		ps->errors++;
	} else {
		ps->requests++;
		ps->segs_in += map->nvecs;
		ps->segs_out += map->nsegs;
		ps->bytes += map->mapped;
		if (nvmp_map_batched(map))
			ps->iova_batched++;
		if (map->p2p == PCI_P2PDMA_MAP_BUS_ADDR)
			ps->p2p_bus++;
		else if (map->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
			ps->p2p_host++;
		ps->map_ns += ns;
		ps->map_hist[nvmp_bucket(ns)]++;
	}
	put_cpu_ptr(dd->stats);
trace:
	trace_nvmp_dma_map(dd, map, status, ns);
}

void nvmp_stats_unmapped(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			 u64 ns)
{
	struct nvmp_path_stats *ps;

	if (map->counted) {
		ps = &get_cpu_ptr(dd->stats)->path[map->sel];
		ps->unmaps++;
		ps->unmap_ns += ns;
		ps->unmap_hist[nvmp_bucket(ns)]++;
		put_cpu_ptr(dd->stats);
	}
	trace_nvmp_dma_unmap(dd, map, ns);
}

void nvmp_stats_fallback(struct nvmp_dma_dev *dd,
			 const struct nvmp_dma_map *map)
{
	if (map->counted)
		this_cpu_inc(dd->stats->path[map->sel].iova_fallback);
}

static void nvmp_stats_sum(struct nvmp_dma_dev *dd, int path,
			   struct nvmp_path_stats *sum)
{
	const u64 *src;
	u64 *dst = (u64 *)sum;
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		src = (const u64 *)&per_cpu_ptr(dd->stats, cpu)->path[path];
		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

static void nvmp_stats_reset(struct nvmp_dma_dev *dd, int path)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(&per_cpu_ptr(dd->stats, cpu)->path[path], 0,
		       sizeof(struct nvmp_path_stats));
}

static void nvmp_show_hist(struct seq_file *m, const char *name, const u64 *h)
{
	unsigned int i;

	seq_printf(m, "%s", name);
	for (i = 0; i < NVMP_HIST_BUCKETS; i++)
		seq_printf(m, " %llu", h[i]);
	seq_putc(m, '\n');
}

/* The debugfs file's private data: the device, and the path or -1 for all. */
struct nvmp_stats_file {
	struct nvmp_dma_dev *dd;
	int path;
};

static int nvmp_stats_show(struct seq_file *m, void *v)
{
	struct nvmp_stats_file *f = m->private;
	struct nvmp_path_stats s;
	int p;

	if (f->path >= 0) {
		nvmp_stats_sum(f->dd, f->path, &s);
		seq_printf(m, "requests %llu\nsegs_in %llu\nsegs_out %llu\n"
			   "bytes %llu\niova_batched %llu\niova_fallback %llu\n"
			   "errors %llu\nmap_ns %llu\nunmaps %llu\nunmap_ns %llu\n"
			   "p2p_bus %llu\np2p_host %llu\n",
			   s.requests, s.segs_in, s.segs_out, s.bytes,
			   s.iova_batched, s.iova_fallback, s.errors, s.map_ns,
			   s.unmaps, s.unmap_ns, s.p2p_bus, s.p2p_host);
		nvmp_show_hist(m, "map_hist", s.map_hist);
		nvmp_show_hist(m, "unmap_hist", s.unmap_hist);
		return 0;
	}
	seq_puts(m, "path requests segs_in segs_out bytes iova_batched iova_fallback errors map_ns unmaps unmap_ns p2p_bus p2p_host\n");
	for (p = 0; p < NVMP_DMA_NR_PATHS; p++) {
		nvmp_stats_sum(f->dd, p, &s);
		seq_printf(m, "%s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
			   nvmp_dma_path_name(p), s.requests, s.segs_in,
			   s.segs_out, s.bytes, s.iova_batched, s.iova_fallback,
			   s.errors, s.map_ns, s.unmaps, s.unmap_ns, s.p2p_bus,
			   s.p2p_host);
	}
	return 0;
}

static ssize_t nvmp_stats_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct nvmp_stats_file *f = file_inode(file)->i_private;
	unsigned int val;
	int ret, p;

	ret = kstrtouint_from_user(ubuf, count, 0, &val);
	if (ret)
		return ret;
	if (val)
		return -EINVAL;
	for (p = 0; p < NVMP_DMA_NR_PATHS; p++)
		if (f->path < 0 || f->path == p)
			nvmp_stats_reset(f->dd, p);
	return count;
}

DEFINE_SHOW_STORE_ATTRIBUTE(nvmp_stats);

/**
 * nvmp_dma_stats_debugfs - publish the statistics under @parent/dma
 * @dd: the device
 * @parent: the controller's debugfs folder
 *
 * The files live as long as @parent; the private data is device-managed.
 */
void nvmp_dma_stats_debugfs(struct nvmp_dma_dev *dd, struct dentry *parent)
{
	struct nvmp_stats_file *f;
	struct dentry *dir;
	int p;

	f = devm_kcalloc(dd->dev, NVMP_DMA_NR_PATHS + 1, sizeof(*f), GFP_KERNEL);
	if (!f)
		return;
	dir = debugfs_create_dir("dma", parent);
	for (p = -1; p < NVMP_DMA_NR_PATHS; p++) {
		f[p + 1].dd = dd;
		f[p + 1].path = p;
		debugfs_create_file(p < 0 ? "all" : nvmp_dma_path_name(p), 0600,
				    dir, &f[p + 1], &nvmp_stats_fops);
	}
	nvmp_auto_debugfs(dd, dir);
}
