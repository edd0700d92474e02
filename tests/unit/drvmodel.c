// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver's data-pointer code, modelled.
 *
 * Each function below stands for the io.c function named in its comment
 * and does what that one does, step for step, with two differences: list
 * pages come from a simulated dma_pool that checks every free against what
 * it handed out, and a read of a PRP slot with no list page is reported
 * instead of dereferencing a stale pointer.
 */
#include <stdlib.h>
#include "drvmodel.h"

const char *const drv_consumer_names[DRV_NR_CONSUMERS] = {
	[DRV_PRP] = "prp", [DRV_SGL] = "sgl", [DRV_RAW] = "raw",
};

/* --- a dma_pool of list pages ---------------------------------------------- */

#define DRV_POOL_MAX 32
#define DRV_POOL_DMA 0x500000000000ULL

struct drv_page {
	void *va;
	u64 dma;
};

static struct drv_page drv_pool[DRV_POOL_MAX];
static u64 drv_pool_next = DRV_POOL_DMA;

static void *drv_pool_alloc(u64 *dma)
{
	unsigned int i;

	if (sim_fail(SIM_F_LIST))
		return NULL;
	for (i = 0; i < DRV_POOL_MAX; i++)
		if (!drv_pool[i].va)
			break;
	if (i == DRV_POOL_MAX) {
		sim_violation("driver: more than %d PRP/SGL list pages alive",
			      DRV_POOL_MAX);
		return NULL;
	}
	drv_pool[i].va = aligned_alloc(DRV_PAGE, DRV_PAGE);
	if (!drv_pool[i].va)
		return NULL;
	/* What a recycled page would hold. */
	memset(drv_pool[i].va, 0x5a, DRV_PAGE);
	drv_pool[i].dma = drv_pool_next;
	drv_pool_next += 2 * DRV_PAGE;
	*dma = drv_pool[i].dma;
	return drv_pool[i].va;
}

static void drv_pool_free(void *va, u64 dma)
{
	unsigned int i;

	for (i = 0; i < DRV_POOL_MAX; i++)
		if (drv_pool[i].va == va)
			break;
	if (i == DRV_POOL_MAX) {
		sim_violation("driver: dma_pool_free(%p) of a page the pool did not hand out",
			      va);
		return;
	}
	if (drv_pool[i].dma != dma)
		sim_violation("driver: dma_pool_free of a list page as %#llx, it is %#llx",
			      (unsigned long long)dma,
			      (unsigned long long)drv_pool[i].dma);
	free(drv_pool[i].va);
	drv_pool[i].va = NULL;
}

/* The controller's view: a list page from its bus address. */
static const u64 *drv_pool_lookup(u64 dma)
{
	unsigned int i;

	for (i = 0; i < DRV_POOL_MAX; i++)
		if (drv_pool[i].va && dma >= drv_pool[i].dma &&
		    dma - drv_pool[i].dma < DRV_PAGE && !(dma & 7))
			return (const u64 *)((char *)drv_pool[i].va +
					     (dma - drv_pool[i].dma));
	return NULL;
}

unsigned int drv_pool_live(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < DRV_POOL_MAX; i++)
		n += !!drv_pool[i].va;
	return n;
}

void drv_pool_reset(void)
{
	unsigned int i;

	for (i = 0; i < DRV_POOL_MAX; i++) {
		free(drv_pool[i].va);
		drv_pool[i].va = NULL;
	}
}

/* --- the iterator, observed ------------------------------------------------ */

static bool drv_note(struct drv_iod *iod, const struct nvmp_dma_iter *it,
		     bool more)
{
	if (iod->iter_end != DRV_ITER_OPEN)
		sim_violation("driver: the iterator %s after it had %s",
			      more ? "gave a range" : "stopped again",
			      iod->iter_end == DRV_ITER_DONE ? "finished" : "failed");
	if (more) {
		if (iod->nranges < DRV_MAX_RANGES) {
			iod->ranges[iod->nranges].addr = it->addr;
			iod->ranges[iod->nranges].len = it->len;
		}
		iod->nranges++;
		if (!it->len)
			sim_violation("driver: the iterator gave an empty range");
	} else {
		iod->iter_end = it->status ? DRV_ITER_FAILED : DRV_ITER_DONE;
		iod->iter_status = it->status;
	}
	return more;
}

static bool drv_start(struct nvmp_dma_dev *dd, struct request *rq,
		      struct drv_iod *iod, struct nvmp_dma_iter *it)
{
	return drv_note(iod, it, nvmp_dma_start(dd, rq, &iod->map, it));
}

static bool drv_next(struct nvmp_dma_dev *dd, struct request *rq,
		     struct drv_iod *iod, struct nvmp_dma_iter *it)
{
	return drv_note(iod, it, nvmp_dma_next(dd, rq, &iod->map, it));
}

/* --- reading addresses back (nvmp_prp_slot, nvmp_prp_addr, nvmp_sgl_addr) --- */

struct drv_cursor {
	struct drv_iod *iod;
	u32 idx;
	unsigned int seg;	/* segments handed back so far */
};

/* nvmp_prp_slot() */
static u64 *drv_prp_slot(struct drv_iod *iod, u32 j)
{
	static u64 nowhere;
	u32 page;

	if (!iod->nr_lists) {
		sim_violation("driver: PRP entry %u read back, but there is no list page",
			      j + 1);
		nowhere = 0;
		return &nowhere;
	}
	page = min_t(u32, j / (DRV_PRPS_PER_LIST - 1), iod->nr_lists - 1);
	return (u64 *)iod->lists[page] + (j - page * (DRV_PRPS_PER_LIST - 1));
}

/* The k-th segment unmapped should be the k-th range mapped. */
static dma_addr_t drv_check_back(struct drv_cursor *c, dma_addr_t addr, u32 len,
				 const char *how)
{
	struct drv_iod *iod = c->iod;
	unsigned int k = c->seg++;

	iod->unmap_calls++;
	if (k >= iod->nranges || k >= DRV_MAX_RANGES) {
		sim_violation("driver: unmap asks for segment %u (%u bytes), only %u were mapped",
			      k, len, iod->nranges);
		return addr;
	}
	if (iod->ranges[k].len != len)
		sim_violation("driver: unmap walks segment %u as %u bytes, it was mapped as %u",
			      k, len, iod->ranges[k].len);
	if (iod->ranges[k].addr != addr)
		sim_violation("driver: %s gives segment %u back at %#llx, it was mapped at %#llx",
			      how, k, (unsigned long long)addr,
			      (unsigned long long)iod->ranges[k].addr);
	return addr;
}

/* nvmp_prp_addr() */
static dma_addr_t drv_prp_addr(void *cookie, u32 len)
{
	struct drv_cursor *c = cookie;
	struct drv_iod *iod = c->iod;
	dma_addr_t addr;

	if (!c->idx)
		addr = iod->prp1;
	else if (iod->nr_entries == 1)
		addr = iod->prp2;
	else
		addr = *drv_prp_slot(iod, c->idx - 1);
	c->idx += DIV_ROUND_UP((addr & (DRV_PAGE - 1)) + len, DRV_PAGE);
	return drv_check_back(c, addr, len, "the PRPs");
}

/* nvmp_sgl_addr() */
static dma_addr_t drv_sgl_addr(void *cookie, u32 len)
{
	struct drv_cursor *c = cookie;
	struct drv_iod *iod = c->iod;
	const struct drv_sgl_desc *d;

	if (!iod->nr_entries)
		d = &iod->sgl;
	else
		d = (const struct drv_sgl_desc *)iod->lists[0] + c->idx;
	c->idx++;
	return drv_check_back(c, d->addr, len, "the SGL");
}

/* The raw consumer: the recorded ranges, in order. */
static dma_addr_t drv_raw_addr(void *cookie, u32 len)
{
	struct drv_cursor *c = cookie;
	unsigned int k = c->seg;

	return drv_check_back(c, k < DRV_MAX_RANGES ? c->iod->ranges[k].addr : 0,
			      len, "the record");
}

/* --- list pages (nvmp_alloc_lists, nvmp_free_lists) ---------------------- */

/* nvmp_alloc_lists() */
static int drv_alloc_lists(struct drv_iod *iod, unsigned int n)
{
	u64 dma[DRV_MAX_LISTS];
	unsigned int i;

	if (n > DRV_MAX_LISTS) {
		sim_violation("driver: WARN: %u list pages needed", n);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		iod->lists[i] = drv_pool_alloc(&dma[i]);
		if (!iod->lists[i])
			return -ENOMEM;
		iod->nr_lists++;
		/* Page 0 here, each next page in the last slot before it. */
		if (i)
			((u64 *)iod->lists[i - 1])[DRV_PRPS_PER_LIST - 1] = dma[i];
		else
			iod->first_list = dma[0];
	}
	return 0;
}

/* nvmp_free_lists() */
static void drv_free_lists(struct drv_iod *iod)
{
	u64 dma = iod->first_list;
	int i;

	for (i = 0; i < iod->nr_lists; i++) {
		u64 next = 0;

		if (i + 1 < iod->nr_lists)
			next = ((u64 *)iod->lists[i])[DRV_PRPS_PER_LIST - 1];
		drv_pool_free(iod->lists[i], dma);
		dma = next;
	}
	iod->nr_lists = 0;
}

/* --- building data pointers (nvmp_build_prps, nvmp_build_sgl) ------------ */

/* nvmp_next_page_range() */
static blk_status_t drv_next_page_range(struct nvmp_dma_dev *dd,
					struct request *rq,
					struct drv_iod *iod,
					struct nvmp_dma_iter *it)
{
	if (!drv_next(dd, rq, iod, it))
		return it->status ? it->status : BLK_STS_IOERR;
	if (it->addr & (DRV_PAGE - 1)) {
		sim_violation("driver: segment at %#llx inside a controller page",
			      (unsigned long long)it->addr);
		return BLK_STS_IOERR;
	}
	return BLK_STS_OK;
}

/* nvmp_build_prps() */
static blk_status_t drv_build_prps(struct nvmp_dma_dev *dd, struct request *rq,
				   struct drv_iod *iod, struct nvmp_dma_iter *it,
				   u32 total)
{
	u64 addr = it->addr;
	u32 len = it->len;
	u32 first = min_t(u32, len, DRV_PAGE - (addr & (DRV_PAGE - 1)));
	u32 n, j, lists, step;
	blk_status_t ret;

	n = DIV_ROUND_UP(total - min(first, total), DRV_PAGE);
	iod->nr_entries = n;
	iod->prp1 = addr;
	iod->prp2 = 0;
	if (n > 1) {
		lists = 1 + DIV_ROUND_UP(max_t(u32, n, DRV_PRPS_PER_LIST) -
					 DRV_PRPS_PER_LIST,
					 DRV_PRPS_PER_LIST - 1);
		if (drv_alloc_lists(iod, lists))
			return BLK_STS_RESOURCE;
		iod->prp2 = iod->first_list;
	}
	addr += first;
	len -= first;
	for (j = 0; j < n; j++) {
		if (!len) {
			ret = drv_next_page_range(dd, rq, iod, it);
			if (ret)
				return ret;
			addr = it->addr;
			len = it->len;
		}
		if (n == 1)
			iod->prp2 = addr;
		else
			*drv_prp_slot(iod, j) = addr;
		step = min_t(u32, len, DRV_PAGE);
		addr += step;
		len -= step;
	}
	if (len || drv_next(dd, rq, iod, it)) {
		sim_violation("driver: WARN: request maps more than its %u bytes",
			      total);
		return BLK_STS_IOERR;
	}
	return it->status;
}

static void drv_sgl_set(struct drv_sgl_desc *d, dma_addr_t addr, u32 len)
{
	d->addr = addr;
	d->length = len;
	d->type = DRV_SGL_DATA;
}

/* nvmp_build_sgl() */
static blk_status_t drv_build_sgl(struct nvmp_dma_dev *dd, struct request *rq,
				  struct drv_iod *iod, struct nvmp_dma_iter *it,
				  u32 total)
{
	struct drv_sgl_desc *list;
	u32 n = 0;

	iod->sgl_flag = true;
	iod->nr_entries = 0;
	if (it->len >= total) {
		drv_sgl_set(&iod->sgl, it->addr, it->len);
		if (drv_next(dd, rq, iod, it)) {
			sim_violation("driver: WARN: request maps more than its %u bytes",
				      total);
			return BLK_STS_IOERR;
		}
		return it->status;
	}
	drv_sgl_set(&iod->sgl, it->addr, it->len);
	if (drv_alloc_lists(iod, 1))
		return BLK_STS_RESOURCE;
	list = iod->lists[0];
	do {
		if (n == DRV_SGLS_PER_LIST) {
			sim_violation("driver: WARN: more segments than an SGL list holds");
			return BLK_STS_IOERR;
		}
		drv_sgl_set(&list[n++], it->addr, it->len);
		iod->nr_entries = n;
	} while (drv_next(dd, rq, iod, it));
	if (it->status)
		return it->status;
	iod->sgl.addr = iod->first_list;
	iod->sgl.length = n * sizeof(*list);
	iod->sgl.type = DRV_SGL_LAST_SEG;
	return BLK_STS_OK;
}

/* The raw consumer: take every range. */
static blk_status_t drv_build_raw(struct nvmp_dma_dev *dd, struct request *rq,
				  struct drv_iod *iod, struct nvmp_dma_iter *it)
{
	while (drv_next(dd, rq, iod, it))
		;
	return it->status;
}

/* --- nvmp_map_data / nvmp_unmap_data ------------------------------------ */

void drv_iod_reset(struct drv_iod *iod)
{
	/* nvmp_queue_rq() resets these; nvmp_setup_cmd() clears the command. */
	iod->mapped = false;
	iod->nr_lists = 0;
	iod->prp1 = 0;
	iod->prp2 = 0;
	memset(&iod->sgl, 0, sizeof(iod->sgl));
	iod->sgl_flag = false;
	iod->nranges = 0;
	iod->iter_end = DRV_ITER_OPEN;
	iod->iter_status = BLK_STS_OK;
	iod->unmap_calls = 0;
}

static u32 drv_data_len(struct request *rq)
{
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD)
		return rq->special_vec.bv_len;
	return blk_rq_bytes(rq);
}

/* nvmp_unmap_data() */
void drv_unmap_data(struct nvmp_dma_dev *dd, struct request *rq,
		    struct drv_iod *iod)
{
	static const nvmp_dma_addr_fn fns[DRV_NR_CONSUMERS] = {
		[DRV_PRP] = drv_prp_addr,
		[DRV_SGL] = drv_sgl_addr,
		[DRV_RAW] = drv_raw_addr,
	};
	struct drv_cursor c = { .iod = iod };

	if (iod->mapped) {
		nvmp_dma_unmap(dd, rq, &iod->map, fns[iod->use], &c);
		iod->mapped = false;
	}
	if (iod->nr_lists)
		drv_free_lists(iod);
}

/* nvmp_map_data(), then the error path of nvmp_queue_rq() */
blk_status_t drv_map_data(struct nvmp_dma_dev *dd, struct request *rq,
			  struct drv_iod *iod, enum drv_consumer use,
			  bool fail_after_first)
{
	struct nvmp_dma_iter it;
	u32 total = drv_data_len(rq);
	blk_status_t ret;

	iod->use = use;
	if (!drv_start(dd, rq, iod, &it))
		return it.status ? it.status : BLK_STS_IOERR;
	iod->mapped = true;
	if (fail_after_first) {
		/* The fail_mappings debug knob: stop after the first range. */
		iod->prp1 = it.addr;
		iod->nr_entries = 0;
		iod->use = DRV_PRP;
		ret = BLK_STS_RESOURCE;
		goto unmap;
	}
	switch (use) {
	case DRV_SGL:
		ret = drv_build_sgl(dd, rq, iod, &it, total);
		break;
	case DRV_PRP:
		ret = drv_build_prps(dd, rq, iod, &it, total);
		break;
	default:
		ret = drv_build_raw(dd, rq, iod, &it);
		break;
	}
	if (!ret)
		return BLK_STS_OK;
unmap:
	drv_unmap_data(dd, rq, iod);
	/* nvmp_queue_rq() unmaps once more on the way out; it must be a no-op. */
	drv_unmap_data(dd, rq, iod);
	return ret;
}

/* --- the controller's view ---------------------------------------------- */

bool drv_device_view(const struct drv_iod *iod, u32 total, drv_chunk_fn fn,
		     void *ctx, char *why, size_t whylen)
{
	const u64 *list;
	u32 left, n, idx;
	unsigned int i, guard = 0;

	switch (iod->use) {
	case DRV_RAW:
		for (i = 0, left = total; i < iod->nranges && i < DRV_MAX_RANGES; i++) {
			fn(ctx, iod->ranges[i].addr, iod->ranges[i].len);
			left -= min(left, iod->ranges[i].len);
		}
		return true;
	case DRV_SGL:
		if (iod->sgl.type == DRV_SGL_DATA) {
			if (iod->sgl.length != total) {
				snprintf(why, whylen, "SGL data block of %u bytes for %u",
					 iod->sgl.length, total);
				return false;
			}
			fn(ctx, iod->sgl.addr, iod->sgl.length);
			return true;
		}
		list = drv_pool_lookup(iod->sgl.addr);
		if (iod->sgl.type != DRV_SGL_LAST_SEG || !list ||
		    iod->sgl.length % 16 || iod->sgl.length > DRV_PAGE) {
			snprintf(why, whylen, "bad SGL segment descriptor (type %#x, %#llx, %u)",
				 iod->sgl.type, (unsigned long long)iod->sgl.addr,
				 iod->sgl.length);
			return false;
		}
		left = total;
		for (i = 0; i < iod->sgl.length / 16; i++) {
			const struct drv_sgl_desc *d =
				(const struct drv_sgl_desc *)list + i;

			if (d->type != DRV_SGL_DATA || d->length > left) {
				snprintf(why, whylen, "SGL entry %u: type %#x, %u bytes, %u left",
					 i, d->type, d->length, left);
				return false;
			}
			fn(ctx, d->addr, d->length);
			left -= d->length;
		}
		if (left) {
			snprintf(why, whylen, "the SGL describes %u bytes too few", left);
			return false;
		}
		return true;
	default:
		break;
	}

	/* PRPs: PRP1 may start inside a page; every other entry is a page. */
	n = min(total, DRV_PAGE - (u32)(iod->prp1 & (DRV_PAGE - 1)));
	fn(ctx, iod->prp1, n);
	left = total - n;
	if (!left)
		return true;
	if (left <= DRV_PAGE) {
		if (iod->prp2 & (DRV_PAGE - 1)) {
			snprintf(why, whylen, "PRP2 %#llx has an offset",
				 (unsigned long long)iod->prp2);
			return false;
		}
		fn(ctx, iod->prp2, left);
		return true;
	}
	list = drv_pool_lookup(iod->prp2);
	idx = 0;
	while (left) {
		u64 e;

		if (!list || guard++ > 4096) {
			snprintf(why, whylen, "PRP list pointer is not a list page (%u bytes left)",
				 left);
			return false;
		}
		if (idx == DRV_PRPS_PER_LIST - 1 && left > DRV_PAGE) {
			list = drv_pool_lookup(list[idx]);
			idx = 0;
			continue;
		}
		e = list[idx++];
		if (e & (DRV_PAGE - 1)) {
			snprintf(why, whylen, "PRP entry %#llx has an offset",
				 (unsigned long long)e);
			return false;
		}
		n = min(left, DRV_PAGE);
		fn(ctx, e, n);
		left -= n;
	}
	return true;
}
