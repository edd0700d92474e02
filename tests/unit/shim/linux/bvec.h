/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bio_vec and its iterator.  A bio_vec is a physically contiguous range that
 * may span several pages ("multi-page"); the iterator is a position inside
 * an array of them: which entry, how far into it, and how many bytes remain.
 */
#ifndef SHIM_LINUX_BVEC_H
#define SHIM_LINUX_BVEC_H

#include <linux/mm.h>

struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

struct bvec_iter {
	u64 bi_sector;
	unsigned int bi_size;		/* bytes left */
	unsigned int bi_idx;		/* current entry */
	unsigned int bi_bvec_done;	/* bytes of that entry already done */
};

static inline void bvec_set_page(struct bio_vec *bv, struct page *page,
				 unsigned int len, unsigned int offset)
{
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
}

static inline phys_addr_t bvec_phys(const struct bio_vec *bv)
{
	return page_to_phys(bv->bv_page) + bv->bv_offset;
}

/* The rest of the current entry, capped by what the iterator has left. */
static inline struct bio_vec mp_bvec_iter_bvec(const struct bio_vec *vecs,
					       struct bvec_iter iter)
{
	const struct bio_vec *cur = &vecs[iter.bi_idx];
	unsigned int left = cur->bv_len - iter.bi_bvec_done;
	struct bio_vec bv = {
		.bv_page = cur->bv_page,
		.bv_offset = cur->bv_offset + iter.bi_bvec_done,
		.bv_len = left < iter.bi_size ? left : iter.bi_size,
	};

	return bv;
}

/* Move @bytes forward, across as many entries as that takes. */
static inline bool bvec_iter_advance(const struct bio_vec *vecs,
				     struct bvec_iter *iter, unsigned int bytes)
{
	unsigned int done;

	if (WARN_ONCE(bytes > iter->bi_size, "advance past the end")) {
		iter->bi_size = 0;
		return false;
	}
	iter->bi_size -= bytes;
	done = iter->bi_bvec_done + bytes;
	while (done && done >= vecs[iter->bi_idx].bv_len) {
		done -= vecs[iter->bi_idx].bv_len;
		iter->bi_idx++;
	}
	iter->bi_bvec_done = done;
	return true;
}

/* Same, for a step that stays inside the current entry. */
static inline void bvec_iter_advance_single(const struct bio_vec *vecs,
					    struct bvec_iter *iter,
					    unsigned int bytes)
{
	unsigned int done = iter->bi_bvec_done + bytes;

	if (done == vecs[iter->bi_idx].bv_len) {
		iter->bi_idx++;
		done = 0;
	}
	iter->bi_bvec_done = done;
	iter->bi_size -= bytes;
}

#endif /* SHIM_LINUX_BVEC_H */
