/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nvme-phys DMA iterator: a request's physical segments mapped to bus
 * addresses through one of several paths, one (addr, len) range at a time.
 *
 * The driver calls nvmp_dma_start() and then nvmp_dma_next() until either
 * returns false, writing each range straight into its PRPs or SGL
 * descriptors; a driver that gives up before that says so with
 * nvmp_dma_abort().  On completion it calls nvmp_dma_unmap(), which undoes
 * exactly what was mapped; for the paths that keep no per-segment record the driver
 * hands the bus addresses back from its own descriptors (see
 * &nvmp_dma_addr_fn).
 */
#ifndef NVME_PHYS_DMA_H
#define NVME_PHYS_DMA_H

#include <linux/blk-mq.h>
#include <linux/blk-mq-dma.h>
#include <linux/dma-mapping.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>

/**
 * enum nvmp_dma_path - how a request's segments become bus addresses
 * @NVMP_DMA_AUTO: @NVMP_DMA_PHYS or @NVMP_DMA_IOVA, whichever has been
 *	measured to cost less on this device for requests with as many
 *	segments as this one (block/dma-auto.c)
 * @NVMP_DMA_PHYS: dma_map_phys() per physical segment
 * @NVMP_DMA_IOVA: one IOVA range per request, dma_iova_link() per segment
 *	and one dma_iova_sync(); @NVMP_DMA_PHYS where that is not possible
 * @NVMP_DMA_PAGE: dma_map_page_attrs() per segment (baseline)
 * @NVMP_DMA_SG: blk_rq_map_sg() and dma_map_sgtable() (baseline)
 * @NVMP_DMA_UPSTREAM: the kernel's blk_rq_dma_map_iter_start/next()
 *	(reference)
 * @NVMP_DMA_NR_PATHS: number of paths
 */
enum nvmp_dma_path {
	NVMP_DMA_AUTO,
	NVMP_DMA_PHYS,
	NVMP_DMA_IOVA,
	NVMP_DMA_PAGE,
	NVMP_DMA_SG,
	NVMP_DMA_UPSTREAM,
	NVMP_DMA_NR_PATHS,
};

/**
 * struct nvmp_dma_dev - per-device state shared by all requests
 * @dev: the device doing the DMA
 * @path: the path new requests take (an &enum nvmp_dma_path); may change
 *	at any time, requests in flight keep the path they started with
 * @stats: per-CPU counters of each path, counted only while
 *	nvmp_dma_stats_enabled(), and auto's per-CPU choices
 * @sg_pool: scatterlists of the @NVMP_DMA_SG path
 * @vec_pool: segment records of the @NVMP_DMA_UPSTREAM path
 * @model: what phys and iova have been measured to cost, from which
 *	@NVMP_DMA_AUTO chooses (private to block/)
 * @max_segs: most segments a request can have
 * @iova_capable: the device sits behind an IOMMU that can batch IOVAs
 *
 * Merging follows the limits of the queue each request comes from.
 */
struct nvmp_dma_dev {
	struct device *dev;
	int path;
	struct nvmp_dma_stats __percpu *stats;
	mempool_t *sg_pool;
	mempool_t *vec_pool;
	struct nvmp_auto_model *model;
	unsigned int max_segs;
	bool iova_capable;
};

/**
 * struct nvmp_dma_map - what a request needs to be unmapped
 * @iova: the IOVA range of the @NVMP_DMA_IOVA path (and of upstream's)
 * @mapped: bytes mapped so far
 * @start_ns: when mapping started; read from the clock only when someone
 *	wants the time (@timed)
 * @path: the path the request really took (after auto and fallback)
 * @sel: the path that was selected when the request started (statistics)
 * @p2p: the peer-to-peer map type of the request's memory
 * @unmap_segs: each segment must be unmapped on its own
 * @counted: the statistics were on when the request started, so its map,
 *	fallback and unmap are all counted, or none of them
 * @timed: @start_ns was read, for the statistics, a tracepoint or auto's
 *	model; the unmap is timed too
 * @ended: the mapping has ended, whole or failed (or abandoned through
 *	nvmp_dma_abort()), and the statistics and tracepoint have seen it
 * @nsegs: segments mapped so far
 * @nvecs: segments merged from the request's bio_vecs, for the statistics
 * @auto_pick: the path @NVMP_DMA_AUTO chose for the request, before any
 *	fallback; @NVMP_DMA_AUTO when auto did not choose
 * @auto_bucket: the request's segment-count bucket in auto's model
 * @auto_learn: the request's cost feeds auto's model when it is unmapped
 * @auto_cold: the request is the first on its path after one on the other
 *	path (it runs cold), so auto's model does not learn from it
 * @map_ns: how long mapping took, kept for auto's model
 * @sgt: the scatterlist of the @NVMP_DMA_SG path
 * @vecs: the segment record of the @NVMP_DMA_UPSTREAM path, or %NULL
 *
 * Lives in the driver's per-request data; nvmp_dma_start() initialises it.
 */
struct nvmp_dma_map {
	struct dma_iova_state iova;
	u32 mapped;
	u64 start_ns;
	u8 path;
	u8 sel;
	u8 p2p;
	bool unmap_segs;
	bool counted;
	bool timed;
	bool ended;
	u16 nsegs;
	u16 nvecs;
	u8 auto_pick;
	u8 auto_bucket;
	bool auto_learn;
	bool auto_cold;
	u32 map_ns;
	struct sg_table sgt;
	struct nvmp_dma_vec *vecs;
};

/**
 * struct nvmp_phys_walk - position in a request's physical segments
 * @bio: the bio being walked; %NULL for a special payload
 * @bvecs: the bio_vecs @iter indexes: @bio's, or the special payload
 * @iter: the position inside @bvecs
 * @bv: what is left of the bio_vec piece at the position, read once per
 *	piece; valid unless @done
 * @done: the walk has reached the end
 *
 * Private to block/.
 */
struct nvmp_phys_walk {
	struct bio *bio;
	const struct bio_vec *bvecs;
	struct bvec_iter iter;
	struct bio_vec bv;
	bool done;
};

/**
 * struct nvmp_dma_iter - one mapped range at a time
 * @addr: bus address of the current range
 * @len: length of the current range
 * @status: why the iteration stopped; %BLK_STS_OK at the normal end
 *
 * The driver reads these three only; the rest is block/'s own.
 */
struct nvmp_dma_iter {
	dma_addr_t addr;
	u32 len;
	blk_status_t status;

	/* private: */
	/* DMA attributes of the request's mappings. */
	unsigned long attrs;
	/*
	 * Each path's position, in one place: a request takes one path, and
	 * a fallback from iova to phys stays on the walk.
	 */
	union {
		/* phys, iova, page: the walk, and the peer-to-peer provider. */
		struct {
			struct nvmp_phys_walk walk;
			struct pci_p2pdma_map_state p2p;
			phys_addr_t p2p_start;	/* the provider's BAR */
			phys_addr_t p2p_end;
		};
		/* sg: the next entry, and how many are left. */
		struct {
			struct scatterlist *sg;
			unsigned int sg_left;
		};
		/* upstream: the kernel's own iterator. */
		struct blk_dma_iter up;
	};
};

/**
 * typedef nvmp_dma_addr_fn - hand back the bus address of the next mapped segment
 * @cookie: the driver's cursor over its own descriptors
 * @len: length of that segment, as the iterator mapped it
 *
 * nvmp_dma_unmap() re-walks a request's physical segments, which yields them
 * exactly as they were mapped, and asks the driver for each one's bus
 * address; the driver reads it back from its PRPs or SGL descriptors.
 *
 * Return: the bus address the segment was mapped at.
 */
typedef dma_addr_t (*nvmp_dma_addr_fn)(void *cookie, u32 len);

int nvmp_dma_dev_init(struct nvmp_dma_dev *dd, struct device *dev,
		      unsigned int max_segs);
void nvmp_dma_dev_exit(struct nvmp_dma_dev *dd);

bool nvmp_dma_start(struct nvmp_dma_dev *dd, struct request *rq,
		    struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
bool nvmp_dma_next(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
void nvmp_dma_abort(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
		    blk_status_t status);
void nvmp_dma_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		    struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
		    void *cookie);

/**
 * nvmp_dma_set_path - choose the path of a device's new requests
 * @dd: the device
 * @path: an &enum nvmp_dma_path below %NVMP_DMA_NR_PATHS
 *
 * Takes effect for requests that start after it; those in flight keep the
 * path they started with.  Safe against concurrent nvmp_dma_start().
 */
static inline void nvmp_dma_set_path(struct nvmp_dma_dev *dd, int path)
{
	WRITE_ONCE(dd->path, path);
}

/**
 * nvmp_dma_get_path - the path of a device's new requests
 * @dd: the device
 *
 * Return: the &enum nvmp_dma_path last set.
 */
static inline int nvmp_dma_get_path(const struct nvmp_dma_dev *dd)
{
	return READ_ONCE(dd->path);
}

/**
 * nvmp_dma_one_range - did the mapping come out as one bus range?
 * @iter: the iterator, after nvmp_dma_start() returned %true
 * @total: the request's data length in bytes
 *
 * The iova path links a whole request into one range; phys does when the
 * request is one physically contiguous segment.  Such a request can be
 * described by a single descriptor.
 *
 * Return: %true when the first range holds all of the request's data.
 */
static inline bool nvmp_dma_one_range(const struct nvmp_dma_iter *iter,
				      u32 total)
{
	return iter->len >= total;
}

/**
 * nvmp_dma_unmap_needs_addrs - does unmapping need the bus addresses back?
 * @map: the request's mapping record
 *
 * Return: %true when nvmp_dma_unmap() will call its &nvmp_dma_addr_fn, so the
 * driver must keep its descriptors until then.
 */
static inline bool nvmp_dma_unmap_needs_addrs(const struct nvmp_dma_map *map)
{
	return map->unmap_segs &&
	       (map->path == NVMP_DMA_PHYS || map->path == NVMP_DMA_PAGE);
}

void nvmp_dma_stats_debugfs(struct nvmp_dma_dev *dd, struct dentry *parent);
void nvmp_dma_stats_enable(bool on);
bool nvmp_dma_stats_enabled(void);

const char *nvmp_dma_path_name(int path);
int nvmp_dma_path_parse(const char *buf);

#endif /* NVME_PHYS_DMA_H */
