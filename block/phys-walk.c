// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walk a request's data as physical segments.
 *
 * A segment is the longest run of physically contiguous bytes that the queue
 * limits allow as one DMA segment: at most max_segment_size long and inside
 * one seg_boundary_mask window.  Consecutive bio_vecs, inside a bio or across
 * bios, merge when the second starts where the first ends.  The virt boundary
 * needs no check here: the block layer never builds a request with a gap
 * that breaks it, and merging only joins ranges without gaps.
 *
 * The walk is a pure function of the request and its limits, so walking
 * again yields the same segments: unmapping relies on that.
 */
#include "nvmp-block.h"

/*
 * Read the bio_vec piece at the walk's position into @walk->bv, stepping to
 * the next bio when this one is used up; at the end of the request, mark the
 * walk done.  Each piece is read once: the walk then takes from @walk->bv.
 */
static void nvmp_walk_load(struct nvmp_phys_walk *walk)
{
	if (walk->special) {
		if (!walk->iter.bi_size) {
			walk->done = true;
			return;
		}
		walk->bv = *walk->special;
		walk->bv.bv_offset += walk->iter.bi_bvec_done;
		walk->bv.bv_len -= walk->iter.bi_bvec_done;
		return;
	}
	while (!walk->iter.bi_size) {
		walk->bio = walk->bio->bi_next;
		if (!walk->bio) {
			walk->done = true;
			return;
		}
		walk->iter = walk->bio->bi_iter;
	}
	walk->bv = mp_bvec_iter_bvec(walk->bio->bi_io_vec, walk->iter);
}

void nvmp_walk_init(struct nvmp_phys_walk *walk, struct request *rq)
{
	walk->special = NULL;
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD)
		walk->special = &rq->special_vec;
	walk->bio = rq->bio;
	walk->done = !blk_rq_nr_phys_segments(rq);
	if (walk->special) {
		walk->iter.bi_size = rq->special_vec.bv_len;
		walk->iter.bi_idx = 0;
		walk->iter.bi_bvec_done = 0;
		walk->iter.bi_sector = 0;
	} else if (walk->bio) {
		walk->iter = walk->bio->bi_iter;
	} else {
		walk->done = true;
	}
	if (!walk->done)
		nvmp_walk_load(walk);
}

/*
 * Take @len bytes from the front of the current piece.  A step never goes
 * past that piece, so the single-entry advance does: no loop over entries,
 * no check against the bio's size.  When the piece is used up, the next one
 * is read.
 */
static void nvmp_walk_advance(struct nvmp_phys_walk *walk, unsigned int len)
{
	if (walk->special) {
		walk->iter.bi_bvec_done += len;
		walk->iter.bi_size -= len;
	} else {
		bvec_iter_advance_single(walk->bio->bi_io_vec, &walk->iter, len);
	}
	if (len < walk->bv.bv_len) {
		walk->bv.bv_offset += len;
		walk->bv.bv_len -= len;
		return;
	}
	nvmp_walk_load(walk);
}

/*
 * How many more bytes a segment that starts at @start and already holds
 * @used bytes can take: max_segment_size and the boundary window both cap it.
 */
static u32 nvmp_seg_room(const struct queue_limits *lim, phys_addr_t start,
			 u32 used)
{
	u32 room = lim->max_segment_size - used;
	u64 last = (u64)start | lim->seg_boundary_mask;
	u64 left;

	/* Filled up to the end of its window: nothing more fits. */
	if ((u64)start + used > last)
		return 0;
	left = last - ((u64)start + used);
	if (left < room)
		room = left + 1;
	return room;
}

bool nvmp_walk_next(struct nvmp_phys_walk *walk, const struct queue_limits *lim,
		    struct nvmp_phys_seg *seg)
{
	const struct bio_vec *bv = &walk->bv;
	phys_addr_t start, paddr;
	u32 len = 0, take, room;
	bool cut;

	seg->pieces = 0;
	seg->p2p = false;
	if (walk->done)
		return false;

	start = bvec_phys(bv);
	paddr = start;
	for (;;) {
		if (paddr != start + len)
			break;
		/*
		 * Peer-to-peer memory is recognised from the bio_vec the walk
		 * already holds (a page flag); dma-p2p.c finds its provider from
		 * the address.  A run never mixes host and device memory.
		 */
		if (nvmp_bvec_is_p2p(lim, bv) != seg->p2p) {
			if (len)
				break;
			seg->p2p = true;
		}
		room = nvmp_seg_room(lim, start, len);
		if (!room)
			break;
		take = min(bv->bv_len, room);
		/* Cut by the limits: the rest of the piece starts the next one. */
		cut = take < bv->bv_len;
		len += take;
		seg->pieces++;
		nvmp_walk_advance(walk, take);
		if (cut || walk->done)
			break;
		paddr = bvec_phys(bv);
	}

	seg->paddr = start;
	seg->len = len;
	return true;
}
