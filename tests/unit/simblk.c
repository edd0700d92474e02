// SPDX-License-Identifier: GPL-2.0-only
/*
 * The block layer pieces block/ calls: blk_rq_map_sg(), a model of the
 * kernel's request DMA iterator (blk_rq_dma_map_iter_start/next) and
 * errno_to_blk_status().
 *
 * The model keeps the kernel iterator's behaviour where it shows: a
 * segment starts at the iterator's position, is cut to what the limits
 * allow from its start, and takes in following bio_vec entries only whole
 * and only once the current entry is used up; the first segment decides
 * peer-to-peer handling for the request; the request is coalesced into one
 * IOVA range when its gaps line up with the IOMMU granule.
 */
#include "sim.h"

blk_status_t errno_to_blk_status(int err)
{
	switch (err) {
	case 0:
		return BLK_STS_OK;
	case -EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	case -ETIMEDOUT:
		return BLK_STS_TIMEOUT;
	case -ENOSPC:
		return BLK_STS_NOSPC;
	case -ENOLINK:
		return BLK_STS_TRANSPORT;
	case -EREMOTEIO:
		return BLK_STS_TARGET;
	case -ENODATA:
		return BLK_STS_MEDIUM;
	case -EILSEQ:
		return BLK_STS_PROTECTION;
	case -ENOMEM:
		return BLK_STS_RESOURCE;
	case -EBUSY:
		return BLK_STS_DEV_RESOURCE;
	case -EAGAIN:
		return BLK_STS_AGAIN;
	case -EINVAL:
		return BLK_STS_INVAL;
	default:
		return BLK_STS_IOERR;
	}
}

u32 sim_max_segment(const struct queue_limits *lim, phys_addr_t paddr)
{
	u64 to_boundary = lim->seg_boundary_mask - (paddr & lim->seg_boundary_mask);
	u64 by_size = (u64)lim->max_segment_size - 1;

	/* Both are "bytes after the first"; adding 1 last cannot overflow. */
	return (u32)(min(to_boundary, by_size) + 1);
}

bool sim_biovec_mergeable(const struct queue_limits *lim,
			  const struct bio_vec *a, const struct bio_vec *b)
{
	phys_addr_t pa = bvec_phys(a), pb = bvec_phys(b);

	if (pa + a->bv_len != pb)
		return false;
	if (!zone_device_pages_have_same_pgmap(a->bv_page, b->bv_page))
		return false;
	return (pa | lim->seg_boundary_mask) ==
	       ((pb + b->bv_len - 1) | lim->seg_boundary_mask);
}

struct sim_vec {
	phys_addr_t paddr;
	u32 len;
};

static void sim_map_iter_init(struct request *rq, struct blk_map_iter *it)
{
	memset(it, 0, sizeof(*it));
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD) {
		it->bvecs = &rq->special_vec;
		it->iter.bi_size = rq->special_vec.bv_len;
	} else if (rq->bio) {
		it->bio = rq->bio;
		it->bvecs = rq->bio->bi_io_vec;
		it->iter = rq->bio->bi_iter;
	}
}

/* Step to the next bio when this one is used up; false at the end. */
static bool sim_map_iter_more(struct blk_map_iter *it)
{
	while (!it->iter.bi_size) {
		if (!it->bio || !it->bio->bi_next)
			return false;
		it->bio = it->bio->bi_next;
		it->bvecs = it->bio->bi_io_vec;
		it->iter = it->bio->bi_iter;
	}
	return true;
}

static bool sim_map_iter_next(struct request *rq, struct blk_map_iter *it,
			      struct sim_vec *vec)
{
	const struct queue_limits *lim = &rq->q->limits;
	struct bio_vec bv, next;
	u32 cap;

	if (!sim_map_iter_more(it))
		return false;
	bv = mp_bvec_iter_bvec(it->bvecs, it->iter);
	vec->paddr = bvec_phys(&bv);
	cap = sim_max_segment(lim, vec->paddr);
	if (bv.bv_len > cap)
		bv.bv_len = cap;
	bvec_iter_advance_single(it->bvecs, &it->iter, bv.bv_len);

	/* Entry used up: take in whole following entries that continue it. */
	while (!it->iter.bi_size || !it->iter.bi_bvec_done) {
		if (!sim_map_iter_more(it))
			break;
		next = mp_bvec_iter_bvec(it->bvecs, it->iter);
		if ((u64)bv.bv_len + next.bv_len > cap ||
		    !sim_biovec_mergeable(lim, &bv, &next))
			break;
		bv.bv_len += next.bv_len;
		bvec_iter_advance_single(it->bvecs, &it->iter, next.bv_len);
	}
	vec->len = bv.bv_len;
	return true;
}

int blk_rq_map_sg(struct request *rq, struct scatterlist *sglist)
{
	struct scatterlist *sg = NULL;
	struct blk_map_iter it;
	struct sim_vec vec;
	int n = 0;

	sim_map_iter_init(rq, &it);
	while (sim_map_iter_next(rq, &it, &vec)) {
		if (!sg) {
			sg = sglist;
		} else {
			if (sg_is_last(sg)) {
				sim_violation("%s: more segments than the table holds", __func__);
				break;
			}
			sg = sg_next(sg);
		}
		sg_set_page(sg, phys_to_page(vec.paddr), vec.len,
			    offset_in_page(vec.paddr));
		n++;
	}
	if (sg)
		sg_mark_end(sg);
	if (n > blk_rq_nr_phys_segments(rq))
		sim_violation("%s: %d segments, the request counts %u", __func__,
			      n, blk_rq_nr_phys_segments(rq));
	return n;
}

/* --- the kernel's DMA iterator (model) ----------------------------------- */

static bool sim_iter_bus(struct blk_dma_iter *iter, const struct sim_vec *vec)
{
	iter->addr = pci_p2pdma_bus_addr_map(iter->p2pdma.mem, vec->paddr);
	iter->len = vec->len;
	return true;
}

static bool sim_iter_direct(struct request *rq, struct device *dev,
			    struct blk_dma_iter *iter, const struct sim_vec *vec)
{
	unsigned long attrs = 0;

	if (iter->p2pdma.map == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		attrs = DMA_ATTR_MMIO;
	iter->addr = dma_map_phys(dev, vec->paddr, vec->len, rq_dma_dir(rq), attrs);
	if (dma_mapping_error(dev, iter->addr)) {
		iter->status = BLK_STS_RESOURCE;
		return false;
	}
	iter->len = vec->len;
	return true;
}

static bool sim_iter_iova(struct request *rq, struct device *dev,
			  struct dma_iova_state *state,
			  struct blk_dma_iter *iter, struct sim_vec *vec)
{
	enum dma_data_direction dir = rq_dma_dir(rq);
	unsigned long attrs = 0;
	size_t mapped = 0;
	int err;

	if (iter->p2pdma.map == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		attrs = DMA_ATTR_MMIO;
	iter->addr = state->addr;
	iter->len = dma_iova_size(state);
	do {
		err = dma_iova_link(dev, state, vec->paddr, mapped, vec->len, dir,
				    attrs);
		if (err)
			goto fail;
		mapped += vec->len;
	} while (sim_map_iter_next(rq, &iter->iter, vec));
	err = dma_iova_sync(dev, state, 0, mapped);
	if (!err)
		return true;
fail:
	dma_iova_destroy(dev, state, mapped, dir, attrs);
	iter->status = errno_to_blk_status(err);
	return false;
}

bool blk_rq_dma_map_iter_start(struct request *rq, struct device *dev,
			       struct dma_iova_state *state,
			       struct blk_dma_iter *iter)
{
	struct sim_vec vec;

	sim_map_iter_init(rq, &iter->iter);
	memset(&iter->p2pdma, 0, sizeof(iter->p2pdma));
	iter->p2pdma.map = PCI_P2PDMA_MAP_NONE;
	iter->status = BLK_STS_OK;
	if (!sim_map_iter_next(rq, &iter->iter, &vec))
		return false;

	switch (pci_p2pdma_state(&iter->p2pdma, dev, phys_to_page(vec.paddr))) {
	case PCI_P2PDMA_MAP_BUS_ADDR:
		return sim_iter_bus(iter, &vec);
	case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
	case PCI_P2PDMA_MAP_NONE:
		break;
	default:
		iter->status = BLK_STS_INVAL;
		return false;
	}
	if (!(req_phys_gap_mask(rq) & dma_get_merge_boundary(dev)) &&
	    dma_iova_try_alloc(dev, state, vec.paddr, blk_rq_payload_bytes(rq)))
		return sim_iter_iova(rq, dev, state, iter, &vec);
	memset(state, 0, sizeof(*state));
	return sim_iter_direct(rq, dev, iter, &vec);
}

bool blk_rq_dma_map_iter_next(struct request *rq, struct device *dev,
			      struct blk_dma_iter *iter)
{
	struct sim_vec vec;

	if (!sim_map_iter_next(rq, &iter->iter, &vec))
		return false;
	if (iter->p2pdma.map == PCI_P2PDMA_MAP_BUS_ADDR)
		return sim_iter_bus(iter, &vec);
	return sim_iter_direct(rq, dev, iter, &vec);
}
