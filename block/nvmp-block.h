/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to block/: the physical walk, the per-path helpers and the
 * statistics.  The driver sees only include/nvme-phys/dma.h.
 */
#ifndef NVMP_BLOCK_H
#define NVMP_BLOCK_H

#include <linux/blkdev.h>
#include <linux/jump_label.h>
#include <linux/memremap.h>
#include <nvme-phys/dma.h>

/* One physical segment, as the walk yields it. */
struct nvmp_phys_seg {
	phys_addr_t paddr;
	u32 len;
	u16 pieces;		/* bio_vec pieces merged into it */
	bool p2p;		/* peer-to-peer memory */
};

/* Bytes a request moves: its special payload, or its data. */
static inline u32 nvmp_rq_len(struct request *rq)
{
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD)
		return rq->special_vec.bv_len;
	return blk_rq_bytes(rq);
}

static inline bool nvmp_bvec_is_p2p(const struct queue_limits *lim,
				    const struct bio_vec *bv)
{
	return (lim->features & BLK_FEAT_PCI_P2PDMA) &&
	       is_pci_p2pdma_page(bv->bv_page);
}

/* Peer-to-peer classification from the address (dma-p2p.c). */
enum pci_p2pdma_map_type nvmp_p2p_classify(struct nvmp_dma_dev *dd,
					   struct nvmp_dma_iter *iter,
					   phys_addr_t paddr, u32 len);

/* The page baseline (dma-page.c). */
dma_addr_t nvmp_page_map(struct device *dev, phys_addr_t paddr, u32 len,
			 enum dma_data_direction dir, unsigned long attrs);
void nvmp_page_unmap(struct device *dev, dma_addr_t addr, u32 len,
		     enum dma_data_direction dir, unsigned long attrs);

/* The scatterlist baseline (dma-sg.c). */
int nvmp_sg_init(struct nvmp_dma_dev *dd);
bool nvmp_sg_start(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
bool nvmp_sg_next(struct nvmp_dma_iter *iter);
void nvmp_sg_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map);

/* The kernel's own iterator (dma-upstream.c). */
int nvmp_up_init(struct nvmp_dma_dev *dd);
bool nvmp_up_start(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
bool nvmp_up_next(struct nvmp_dma_dev *dd, struct request *rq,
		  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
void nvmp_up_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map);

/* A segment record of the upstream path. */
struct nvmp_dma_vec {
	dma_addr_t addr;
	u32 len;
};

/* Did the request go through one IOVA range (iova, or upstream's)? */
static inline bool nvmp_map_batched(struct nvmp_dma_map *map)
{
	return map->path == NVMP_DMA_IOVA ||
	       (map->path == NVMP_DMA_UPSTREAM && dma_use_iova(&map->iova));
}

/* Statistics and tracepoints (dma-stats.c). */
#define NVMP_HIST_BUCKETS 32

struct nvmp_path_stats {
	u64 requests;
	u64 segs_in;
	u64 segs_out;
	u64 bytes;
	u64 iova_batched;
	u64 iova_fallback;
	u64 errors;
	u64 map_ns;
	u64 unmap_ns;
	u64 unmaps;
	u64 p2p_bus;
	u64 p2p_host;
	u64 map_hist[NVMP_HIST_BUCKETS];
	u64 unmap_hist[NVMP_HIST_BUCKETS];
};

/*
 * auto's model (dma-auto.c): segment-count buckets 1, 2-3, 4-7, 8-15, 16-31,
 * 32-63 and 64+ (a request has at most max_segs, 128 for the driver).
 */
#define NVMP_AUTO_BUCKETS	7
/*
 * Samples of each path a bucket needs before its estimates are trusted (at
 * least 2: the first estimate leaves the dearest out).
 */
#define NVMP_AUTO_WARMUP	8
/*
 * Once warm, a run every NVMP_AUTO_EXPLORE times (costlier / cheaper
 * estimate) requests, per CPU, tries the costlier path; never more rarely
 * than every NVMP_AUTO_EXPLORE_MAX (dma-auto.c says why).
 */
#define NVMP_AUTO_EXPLORE	256
#define NVMP_AUTO_EXPLORE_MAX	4096
/*
 * auto takes a path in runs of NVMP_AUTO_RUN requests in a row, to warm it
 * up or explore it; the first request of a run is not learned from (it runs
 * cold, dma-auto.c says why).  At least 2.
 */
#define NVMP_AUTO_RUN		2

/* What auto did in one bucket, per CPU. */
struct nvmp_auto_counts {
	u64 picked_phys;	/* the cheaper path, phys */
	u64 picked_iova;	/* the cheaper path, iova */
	u64 explored;		/* the costlier path, to measure it again */
	u64 warmup;		/* before both paths had enough samples */
	u32 tick;		/* requests since the last explored run began */
	u32 every;		/* explore when tick reaches it; set at */
				/* tick NVMP_AUTO_EXPLORE each cycle */
	u32 next;		/* the tick where the common case stops */
	u8 last;		/* the path the last request here took */
	u8 run;			/* requests left of a run on @last */
};

struct nvmp_dma_stats {
	struct nvmp_path_stats path[NVMP_DMA_NR_PATHS];
	struct nvmp_auto_counts autoc[NVMP_AUTO_BUCKETS];
};

/*
 * What the statistics cost when nobody reads them: two static branches a
 * request.  nvmp_stats_on: the counters are kept (the dma_stats module
 * parameter).  nvmp_timing_wanted: something wants mapping times, the
 * counters or an enabled tracepoint (one count each); auto's model, which
 * needs the times of the requests it learns from, reads the clock for
 * those only.
 */
DECLARE_STATIC_KEY_FALSE(nvmp_stats_on);
DECLARE_STATIC_KEY_FALSE(nvmp_timing_wanted);

int nvmp_trace_reg(void);
void nvmp_trace_unreg(void);

int nvmp_stats_init(struct nvmp_dma_dev *dd);
void nvmp_stats_exit(struct nvmp_dma_dev *dd);
void nvmp_stats_mapped(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
		       blk_status_t status, u64 ns);
void nvmp_stats_unmapped(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			 u64 ns);
void nvmp_stats_fallback(struct nvmp_dma_dev *dd,
			 const struct nvmp_dma_map *map);

int nvmp_auto_init(struct nvmp_dma_dev *dd);
void nvmp_auto_exit(struct nvmp_dma_dev *dd);
int nvmp_auto_pick(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map);
void nvmp_auto_learn(struct nvmp_dma_dev *dd, const struct nvmp_dma_map *map,
		     u64 unmap_ns);
void nvmp_auto_debugfs(struct nvmp_dma_dev *dd, struct dentry *dir);

#endif /* NVMP_BLOCK_H */
