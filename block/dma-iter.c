// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA iterator: start, next and unmap over a request, for every path.
 *
 * The phys and iova paths (and auto, which picks one of them from measured
 * costs, see dma-auto.c) work from physical addresses only: the walk yields
 * (paddr, len) runs, dma_map_phys() or dma_iova_link() maps them, and
 * nothing turns an address back into a struct page.  Peer-to-peer memory
 * is recognised from the bio_vec the walk reads anyway (see phys-walk.h),
 * and its provider is kept in the iterator, so one lookup serves the whole
 * request.
 *
 * Unmapping keeps no per-segment record: the walk is repeatable, so
 * nvmp_dma_unmap() walks the request again for the lengths and asks the
 * driver for the bus addresses, which its PRPs or SGL descriptors hold.
 * When the DMA layer says nothing needs unmapping, there is nothing to do.
 * A request of one piece is mapped without the walk (nvmp_one_piece()),
 * as the one segment the walk would yield; and a request mapped as one
 * segment is unmapped without it, that segment being all that was mapped.
 */
#include <linux/ktime.h>
#include "nvmp-block.h"
#include "phys-walk.h"

static const char *const nvmp_path_names[NVMP_DMA_NR_PATHS] = {
	[NVMP_DMA_AUTO] = "auto",
	[NVMP_DMA_PHYS] = "phys",
	[NVMP_DMA_IOVA] = "iova",
	[NVMP_DMA_PAGE] = "page",
	[NVMP_DMA_SG] = "sg",
	[NVMP_DMA_UPSTREAM] = "upstream",
};

const char *nvmp_dma_path_name(int path)
{
	if (path < 0 || path >= NVMP_DMA_NR_PATHS)
		return "?";
	return nvmp_path_names[path];
}

int nvmp_dma_path_parse(const char *buf)
{
	int i = sysfs_match_string(nvmp_path_names, buf);

	return i < 0 ? -EINVAL : i;
}

/*
 * Can this device batch IOVAs at all?  Asking once is enough: dma-direct and
 * identity domains never can, a DMA domain always can.
 */
static bool nvmp_probe_iova(struct device *dev)
{
	struct dma_iova_state state = {};

	if (!dma_iova_try_alloc(dev, &state, 0, PAGE_SIZE))
		return false;
	dma_iova_free(dev, &state);
	return true;
}

int nvmp_dma_dev_init(struct nvmp_dma_dev *dd, struct device *dev,
		      unsigned int max_segs)
{
	int ret;

	dd->dev = dev;
	dd->max_segs = max_segs;
	dd->iova_capable = nvmp_probe_iova(dev);
	ret = nvmp_stats_init(dd);
	if (ret)
		return ret;
	ret = nvmp_auto_init(dd);
	if (!ret)
		ret = nvmp_sg_init(dd);
	if (!ret)
		ret = nvmp_up_init(dd);
	if (ret)
		nvmp_dma_dev_exit(dd);
	return ret;
}

void nvmp_dma_dev_exit(struct nvmp_dma_dev *dd)
{
	mempool_destroy(dd->vec_pool);
	dd->vec_pool = NULL;
	mempool_destroy(dd->sg_pool);
	dd->sg_pool = NULL;
	nvmp_auto_exit(dd);
	nvmp_stats_exit(dd);
}

/*
 * Classify a segment for peer-to-peer DMA.  All segments of one request must
 * be of one kind: the driver programs one address space per command.
 */
static noinline bool nvmp_seg_classify(struct nvmp_dma_dev *dd,
				       struct nvmp_dma_map *map,
				       struct nvmp_dma_iter *iter,
				       const struct nvmp_phys_seg *seg)
{
	enum pci_p2pdma_map_type type = PCI_P2PDMA_MAP_NONE;

	if (seg->p2p)
		type = nvmp_p2p_classify(dd, iter, seg->paddr, seg->len);
	if (!map->nsegs) {
		map->p2p = type;
		if (type == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
			iter->attrs |= DMA_ATTR_MMIO;
	} else if (map->p2p != type) {
		type = PCI_P2PDMA_MAP_NOT_SUPPORTED;
	}
	if (type == PCI_P2PDMA_MAP_NOT_SUPPORTED) {
		dev_warn_ratelimited(dd->dev,
				     "peer-to-peer transfer not supported for this memory\n");
		iter->status = BLK_STS_INVAL;
		return false;
	}
	return true;
}

/*
 * Host memory after host memory, by far the common case, needs no
 * classification, and comes out exactly as nvmp_seg_classify() would have
 * it; the first segment of a request, and any P2P one, go through it.  On
 * the instruction clock, the call cost 26 instructions a segment: 2.3% of a
 * 32-segment request on iova under a strict IOMMU.
 */
static __always_inline bool nvmp_seg_p2p(struct nvmp_dma_dev *dd,
					 struct nvmp_dma_map *map,
					 struct nvmp_dma_iter *iter,
					 const struct nvmp_phys_seg *seg)
{
	if (likely(!seg->p2p && map->nsegs && map->p2p == PCI_P2PDMA_MAP_NONE))
		return true;
	return nvmp_seg_classify(dd, map, iter, seg);
}

/* Time since the mapping started, if anyone wanted it timed. */
static u64 nvmp_map_elapsed(const struct nvmp_dma_map *map)
{
	return map->timed ? ktime_get_ns() - map->start_ns : 0;
}

/*
 * End of a successful mapping: the statistics and the tracepoint see the
 * whole request (when it was timed: neither wants it otherwise), and a
 * request whose path auto chose by measurement (warm on that path) is kept
 * to learn from when it is unmapped.
 */
static void nvmp_map_done(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			  struct nvmp_dma_iter *iter)
{
	u64 ns;

	iter->status = BLK_STS_OK;
	map->ended = true;
	if (!map->timed)
		return;
	ns = nvmp_map_elapsed(map);
	nvmp_stats_mapped(dd, map, BLK_STS_OK, ns);
	if (map->auto_pick != NVMP_DMA_AUTO && !map->auto_cold) {
		map->map_ns = min_t(u64, ns, U32_MAX);
		map->auto_learn = true;
	}
}

static void nvmp_map_failed(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			    struct nvmp_dma_iter *iter, blk_status_t status)
{
	if (status != BLK_STS_OK)
		iter->status = status;
	map->ended = true;
	nvmp_stats_mapped(dd, map, iter->status ?: BLK_STS_IOERR,
			  nvmp_map_elapsed(map));
}

/* A path stopped by itself: failed if it said why, else done. */
static void nvmp_map_end(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			 struct nvmp_dma_iter *iter)
{
	if (iter->status)
		nvmp_map_failed(dd, map, iter, BLK_STS_OK);
	else
		nvmp_map_done(dd, map, iter);
}

/*
 * The walk's next physical segment, classified for peer-to-peer DMA.
 * Return: %true with @seg to map; %false at the end of the walk or on a
 * segment this device cannot reach, the end of the mapping accounted for.
 */
static __always_inline bool nvmp_take_seg(struct nvmp_dma_dev *dd,
					  struct request *rq,
					  struct nvmp_dma_map *map,
					  struct nvmp_dma_iter *iter,
					  struct nvmp_phys_seg *seg)
{
	if (!nvmp_walk_next(&iter->walk, &rq->q->limits, seg)) {
		nvmp_map_done(dd, map, iter);
		return false;
	}
	if (!nvmp_seg_p2p(dd, map, iter, seg)) {
		nvmp_map_failed(dd, map, iter, BLK_STS_OK);
		return false;
	}
	return true;
}

/* phys and page: map one physical segment and account for it. */
static __always_inline bool nvmp_seg_map(struct nvmp_dma_dev *dd,
					 struct request *rq,
					 struct nvmp_dma_map *map,
					 struct nvmp_dma_iter *iter,
					 const struct nvmp_phys_seg *seg)
{
	enum dma_data_direction dir = rq_dma_dir(rq);
	dma_addr_t addr;

	if (map->p2p == PCI_P2PDMA_MAP_BUS_ADDR)
		addr = pci_p2pdma_bus_addr_map(iter->p2p.mem, seg->paddr);
	else if (map->path == NVMP_DMA_PAGE)
		addr = nvmp_page_map(dd->dev, seg->paddr, seg->len, dir, iter->attrs);
	else
		addr = dma_map_phys(dd->dev, seg->paddr, seg->len, dir, iter->attrs);
	if (dma_mapping_error(dd->dev, addr)) {
		nvmp_map_failed(dd, map, iter, BLK_STS_RESOURCE);
		return false;
	}

	map->mapped += seg->len;
	map->nsegs++;
	map->nvecs += seg->pieces;
	iter->addr = addr;
	iter->len = seg->len;
	return true;
}

/* phys and page: one mapping per physical segment. */
static bool nvmp_seg_next(struct nvmp_dma_dev *dd, struct request *rq,
			  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	struct nvmp_phys_seg seg;

	if (!nvmp_take_seg(dd, rq, map, iter, &seg))
		return false;
	return nvmp_seg_map(dd, rq, map, iter, &seg);
}

/*
 * Start phys or page (@map->path).  Where the DMA layer says no unmap is
 * needed, unmapping will walk nothing and no segment is recorded.
 */
static bool nvmp_seg_start(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	map->unmap_segs = dma_need_unmap(dd->dev);
	return nvmp_seg_next(dd, rq, map, iter);
}

/*
 * A request whose data is one bio_vec piece of host memory that the queue's
 * limits let through whole (most small I/O: a 4 KiB read is one) is one
 * physical segment, @seg, the very one the walk would yield: phys and page
 * map it without setting up the walk.  Anything else, peer memory included,
 * takes the walk.
 */
static bool nvmp_one_piece(struct request *rq, struct nvmp_phys_seg *seg)
{
	const struct queue_limits *lim = &rq->q->limits;
	struct bio *bio = rq->bio;
	struct bio_vec bv;

	if ((rq->rq_flags & RQF_SPECIAL_PAYLOAD) || !bio || bio->bi_next ||
	    !bio->bi_iter.bi_size || !blk_rq_nr_phys_segments(rq))
		return false;
	bv = mp_bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter);
	if (bv.bv_len != bio->bi_iter.bi_size || nvmp_bvec_is_p2p(lim, &bv))
		return false;
	seg->paddr = bvec_phys(&bv);
	seg->len = bv.bv_len;
	seg->pieces = 1;
	seg->p2p = false;
	return seg->len <= nvmp_seg_room(lim, seg->paddr);
}

/*
 * Give back an IOVA range that was not linked in full: unlink what was, then
 * free the whole allocation.  dma_iova_destroy() would free only as much
 * IOVA space as it unlinks, and the rest of the range would go back to the
 * allocator's cache filed under the wrong size.  Failures and fallbacks only:
 * a request mapped in full is destroyed in one call.
 */
static void nvmp_iova_abort(struct device *dev, struct dma_iova_state *state,
			    u32 mapped, enum dma_data_direction dir,
			    unsigned long attrs)
{
	if (mapped)
		dma_iova_unlink(dev, state, 0, mapped, dir, attrs);
	dma_iova_free(dev, state);
}

/*
 * iova: one IOVA range for the whole request, every segment linked into it
 * and one IOTLB sync.  Each segment must continue the range at the IOMMU
 * granule; the driver's virt boundary makes that so, and where it is not
 * (a granule larger than the boundary) the request falls back to phys.
 */
static bool nvmp_iova_map(struct nvmp_dma_dev *dd, struct request *rq,
			  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	enum dma_data_direction dir = rq_dma_dir(rq);
	struct dma_iova_state *state = &map->iova;
	struct nvmp_phys_walk start = iter->walk;
	struct nvmp_phys_seg seg;
	unsigned long gmask = dma_get_merge_boundary(dd->dev);
	phys_addr_t first;
	int ret;

	if (!nvmp_take_seg(dd, rq, map, iter, &seg))
		return false;
	/* Bus addresses behind a switch are not IOVAs. */
	if (map->p2p == PCI_P2PDMA_MAP_BUS_ADDR)
		goto fallback;
	first = seg.paddr;
	if (!dma_iova_try_alloc(dd->dev, state, first, nvmp_rq_len(rq)))
		goto fallback;

	do {
		/* Only the first range may start off the granule. */
		if (map->mapped && (((first + map->mapped) | seg.paddr) & gmask))
			goto unlink_fallback;
		ret = dma_iova_link(dd->dev, state, seg.paddr, map->mapped,
				    seg.len, dir, iter->attrs);
		if (ret)
			goto destroy;
		map->mapped += seg.len;
		map->nsegs++;
		map->nvecs += seg.pieces;
		if (!nvmp_walk_next(&iter->walk, &rq->q->limits, &seg))
			break;
		if (!nvmp_seg_p2p(dd, map, iter, &seg)) {
			ret = 0;
			goto destroy;
		}
	} while (true);

	ret = dma_iova_sync(dd->dev, state, 0, map->mapped);
	if (ret)
		goto destroy;
	map->path = NVMP_DMA_IOVA;
	iter->addr = state->addr;
	iter->len = map->mapped;
	return true;

destroy:
	nvmp_iova_abort(dd->dev, state, map->mapped, dir, iter->attrs);
	map->mapped = 0;
	nvmp_map_failed(dd, map, iter,
			ret ? errno_to_blk_status(ret) : BLK_STS_OK);
	return false;

unlink_fallback:
	nvmp_iova_abort(dd->dev, state, map->mapped, dir, iter->attrs);
	memset(state, 0, sizeof(*state));
fallback:
	nvmp_stats_fallback(dd, map);
	iter->walk = start;
	map->mapped = 0;
	map->nsegs = 0;
	map->nvecs = 0;
	map->path = NVMP_DMA_PHYS;
	return nvmp_seg_start(dd, rq, map, iter);
}

/**
 * nvmp_dma_start - start mapping a request
 * @dd: the device
 * @rq: the request, which must carry data
 * @map: the request's mapping record, initialised here
 * @iter: the iterator, initialised here
 *
 * Return: %true with the first range in @iter->addr and @iter->len, or
 * %false with @iter->status set when mapping failed (nothing is left mapped
 * that nvmp_dma_unmap() would not undo).
 */
bool nvmp_dma_start(struct nvmp_dma_dev *dd, struct request *rq,
		    struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	int path = nvmp_dma_get_path(dd);
	struct nvmp_phys_seg seg;

	memset(map, 0, sizeof(*map));
	map->sel = path;
	if (static_branch_unlikely(&nvmp_timing_wanted)) {
		map->counted = static_branch_unlikely(&nvmp_stats_on);
		map->timed = true;
		map->start_ns = ktime_get_ns();
	}
	iter->status = BLK_STS_OK;
	iter->attrs = 0;
	iter->p2p.mem = NULL;
	iter->p2p.map = PCI_P2PDMA_MAP_UNKNOWN;

	switch (path) {
	case NVMP_DMA_SG:
		map->path = path;
		if (nvmp_sg_start(dd, rq, map, iter))
			return true;
		nvmp_map_end(dd, map, iter);
		return false;
	case NVMP_DMA_UPSTREAM:
		map->path = path;
		if (nvmp_up_start(dd, rq, map, iter))
			return true;
		nvmp_map_end(dd, map, iter);
		return false;
	case NVMP_DMA_AUTO:
		/*
		 * From measured costs (see dma-auto.c); without a translating
		 * IOMMU iova cannot batch, and auto is phys, unmeasured.
		 */
		if (!dd->iova_capable) {
			path = NVMP_DMA_PHYS;
			break;
		}
		path = nvmp_auto_pick(dd, rq, map);
		/*
		 * auto learns from a warm request of its choice, so it needs
		 * the time, from here if nobody else asked for it: the choice
		 * itself costs the same whichever path it takes.
		 */
		if (!map->auto_cold && !map->timed) {
			map->timed = true;
			map->start_ns = ktime_get_ns();
		}
		break;
	}

	map->path = path;
	if (path == NVMP_DMA_IOVA) {
		if (dd->iova_capable) {
			nvmp_walk_init(&iter->walk, rq);
			return nvmp_iova_map(dd, rq, map, iter);
		}
		nvmp_stats_fallback(dd, map);
		map->path = NVMP_DMA_PHYS;
	}
	if (nvmp_one_piece(rq, &seg)) {
		/* Nothing to walk: next() only ends the mapping. */
		iter->walk.done = true;
		map->p2p = PCI_P2PDMA_MAP_NONE;
		map->unmap_segs = dma_need_unmap(dd->dev);
		return nvmp_seg_map(dd, rq, map, iter, &seg);
	}
	nvmp_walk_init(&iter->walk, rq);
	return nvmp_seg_start(dd, rq, map, iter);
}

/**
 * nvmp_dma_next - map the next range of a request
 * @dd: the device
 * @rq: the request
 * @map: the request's mapping record
 * @iter: the iterator
 *
 * Return: %true with the next range in @iter, %false at the end (with
 * @iter->status %BLK_STS_OK) or on failure (with the reason in @iter->status).
 */
bool nvmp_dma_next(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	switch (map->path) {
	case NVMP_DMA_IOVA:
		/* One range, the whole request, which nvmp_dma_start() gave. */
		break;
	case NVMP_DMA_SG:
		if (nvmp_sg_next(iter))
			return true;
		break;
	case NVMP_DMA_UPSTREAM:
		if (nvmp_up_next(dd, rq, map, iter))
			return true;
		break;
	default:
		return nvmp_seg_next(dd, rq, map, iter);
	}
	nvmp_map_end(dd, map, iter);
	return false;
}

static void nvmp_seg_unmap_one(struct nvmp_dma_dev *dd,
			       const struct nvmp_dma_map *map, dma_addr_t addr,
			       u32 len, enum dma_data_direction dir,
			       unsigned long attrs)
{
	if (map->path == NVMP_DMA_PAGE)
		nvmp_page_unmap(dd->dev, addr, len, dir, attrs);
	else
		dma_unmap_phys(dd->dev, addr, len, dir, attrs);
}

/**
 * nvmp_dma_abort - end a mapping that the driver gives up on part way
 * @dd: the device
 * @map: the request's mapping record
 * @status: why, not %BLK_STS_OK
 *
 * For a driver that stops before nvmp_dma_start() or nvmp_dma_next() has
 * returned %false: a list page it could not allocate, a range it cannot
 * describe.  The mapping then counts as failed with @status, in the
 * statistics and the map tracepoint, as when the iterator fails.  Nothing
 * is unmapped here: nvmp_dma_unmap() must still follow.  Once the mapping
 * has ended, does nothing, so a driver may call it on every failure.
 */
void nvmp_dma_abort(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
		    blk_status_t status)
{
	if (map->ended)
		return;
	map->ended = true;
	nvmp_stats_mapped(dd, map, status ?: BLK_STS_IOERR,
			  nvmp_map_elapsed(map));
}

/*
 * phys and page: walk again for the lengths (unless there is only one),
 * ask the driver for the addresses.
 */
static void nvmp_seg_unmap(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
			   void *cookie)
{
	enum dma_data_direction dir = rq_dma_dir(rq);
	unsigned long attrs = 0;
	struct nvmp_phys_walk walk;
	struct nvmp_phys_seg seg;
	u32 left = map->mapped;

	if (map->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		attrs |= DMA_ATTR_MMIO;
	/* One segment mapped is all that was mapped: nothing to walk for. */
	if (map->nsegs == 1) {
		nvmp_seg_unmap_one(dd, map, addr_fn(cookie, left), left, dir, attrs);
		return;
	}
	nvmp_walk_init(&walk, rq);
	while (left && nvmp_walk_next(&walk, &rq->q->limits, &seg)) {
		nvmp_seg_unmap_one(dd, map, addr_fn(cookie, seg.len), seg.len, dir,
				   attrs);
		left -= seg.len;
	}
	WARN_ON_ONCE(left);
}

/**
 * nvmp_dma_unmap - undo what nvmp_dma_start() and nvmp_dma_next() mapped
 * @dd: the device
 * @rq: the request
 * @map: the request's mapping record
 * @addr_fn: hands back each segment's bus address, in mapping order; called
 *	only when nvmp_dma_unmap_needs_addrs() says so
 * @cookie: passed to @addr_fn
 *
 * Safe after a failure at any point of the mapping: only what was mapped is
 * unmapped.
 */
void nvmp_dma_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		    struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
		    void *cookie)
{
	u64 t0 = map->timed ? ktime_get_ns() : 0, ns;

	switch (map->path) {
	case NVMP_DMA_IOVA:
		if (map->mapped)
			dma_iova_destroy(dd->dev, &map->iova, map->mapped,
					 rq_dma_dir(rq),
					 map->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE ?
					 DMA_ATTR_MMIO : 0);
		break;
	case NVMP_DMA_SG:
		nvmp_sg_unmap(dd, rq, map);
		break;
	case NVMP_DMA_UPSTREAM:
		nvmp_up_unmap(dd, rq, map);
		break;
	default:
		if (nvmp_dma_unmap_needs_addrs(map) &&
		    map->p2p != PCI_P2PDMA_MAP_BUS_ADDR)
			nvmp_seg_unmap(dd, rq, map, addr_fn, cookie);
		break;
	}
	if (map->timed) {
		ns = ktime_get_ns() - t0;
		nvmp_stats_unmapped(dd, map, ns);
		/* What auto chose by measurement, it learns from: map plus unmap. */
		if (map->auto_learn)
			nvmp_auto_learn(dd, map, ns);
	}
	map->mapped = 0;
}
