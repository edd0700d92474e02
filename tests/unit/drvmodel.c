// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver's data-pointer code, driven and watched.
 *
 * drivers-nvme/dptr.c builds the PRPs or the SGL and reads the addresses
 * back; nothing of it is restated here.  What is here is test-side: the
 * iod and the calls io.c makes, the recording of what the iterator hands
 * out (through the link's --wrap of block/'s entry points), the check of
 * each address read back against the range mapped, and the controller's
 * view, which follows PRP1/PRP2/lists or the SGL as the NVMe specification
 * says and knows nothing of how the driver built them.
 */
#include <stdlib.h>
#include "drvmodel.h"

const char *const drv_consumer_names[DRV_NR_CONSUMERS] = {
	[DRV_PRP] = "prp", [DRV_SGL] = "sgl", [DRV_RAW] = "raw",
};

/* The request being mapped or unmapped; its ranges are recorded. */
static struct drv_iod *drv_cur;

/* --- block/'s entry points, watched (ld --wrap) ----------------------------- */

static bool drv_note(struct nvmp_dma_map *map, const struct nvmp_dma_iter *it,
		     bool more)
{
	struct drv_iod *iod = drv_cur;

	if (!iod || map != drv_map(iod)) {
		sim_violation("driver: the iterator runs for a request not being mapped");
		return more;
	}
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

bool __wrap_nvmp_dma_start(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	return drv_note(map, iter, __real_nvmp_dma_start(dd, rq, map, iter));
}

bool __wrap_nvmp_dma_next(struct nvmp_dma_dev *dd, struct request *rq,
			  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	return drv_note(map, iter, __real_nvmp_dma_next(dd, rq, map, iter));
}

/* The driver gave up part way: the iteration failed there, with @status. */
void __wrap_nvmp_dma_abort(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			   blk_status_t status)
{
	struct drv_iod *iod = drv_cur;

	if (!iod || map != drv_map(iod)) {
		sim_violation("driver: nvmp_dma_abort() of a request not being mapped");
	} else if (iod->iter_end == DRV_ITER_OPEN) {
		if (status == BLK_STS_OK)
			sim_violation("driver: nvmp_dma_abort() without a reason");
		iod->iter_end = DRV_ITER_FAILED;
		iod->iter_status = status;
	}
	__real_nvmp_dma_abort(dd, map, status);
}

/* The driver's reader and cursor, and the segment count so far. */
struct drv_back {
	nvmp_dma_addr_fn fn;
	void *cookie;
	struct drv_iod *iod;
	unsigned int seg;
};

/* The k-th segment unmapped must come back where the k-th range was mapped. */
static dma_addr_t drv_check_back(void *cookie, u32 len)
{
	struct drv_back *b = cookie;
	struct drv_iod *iod = b->iod;
	unsigned int k = b->seg++;
	dma_addr_t addr = b->fn(b->cookie, len);

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
		sim_violation("driver: the %s give segment %u back at %#llx, mapped at %#llx",
			      iod->use == DRV_RAW ? "record" :
			      iod->dptr.use_sgl ? "SGL" : "PRPs", k,
			      (unsigned long long)addr,
			      (unsigned long long)iod->ranges[k].addr);
	return addr;
}

void __wrap_nvmp_dma_unmap(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
			   void *cookie)
{
	struct drv_back b = { .fn = addr_fn, .cookie = cookie, .iod = drv_cur };

	if (!drv_cur || map != drv_map(drv_cur)) {
		sim_violation("driver: nvmp_dma_unmap() of a request not being unmapped");
		__real_nvmp_dma_unmap(dd, rq, map, addr_fn, cookie);
		return;
	}
	__real_nvmp_dma_unmap(dd, rq, map, drv_check_back, &b);
}

/* --- the raw consumer: a driver that records the ranges --------------------- */

static dma_addr_t drv_raw_addr(void *cookie, u32 len)
{
	unsigned int *k = cookie;
	struct drv_iod *iod = drv_cur;

	(void)len;	/* drv_check_back() checks it */
	return *k < DRV_MAX_RANGES && *k < iod->nranges ? iod->ranges[(*k)++].addr : 0;
}

static blk_status_t drv_raw_map(struct nvmp_dma_dev *dd, struct request *rq,
				struct drv_iod *iod)
{
	struct nvmp_dma_iter it;

	if (!nvmp_dma_start(dd, rq, &iod->raw_map, &it))
		return it.status ? it.status : BLK_STS_IOERR;
	iod->raw_mapped = true;
	while (nvmp_dma_next(dd, rq, &iod->raw_map, &it))
		;
	return it.status;
}

static void drv_raw_unmap(struct nvmp_dma_dev *dd, struct request *rq,
			  struct drv_iod *iod)
{
	unsigned int k = 0;

	if (iod->raw_mapped) {
		nvmp_dma_unmap(dd, rq, &iod->raw_map, drv_raw_addr, &k);
		iod->raw_mapped = false;
	}
}

/* --- what io.c does around dptr.c ------------------------------------------ */

static struct dma_pool *drv_pool(void)
{
	static struct dma_pool *pool;

	if (!pool)
		pool = dma_pool_create("nvme-phys lists", NULL, NVMP_PAGE,
				       NVMP_PAGE, 0);
	return pool;
}

void drv_iod_reset(struct drv_iod *iod)
{
	/* nvmp_prep_rq() resets these; nvmp_setup_cmd() clears the command. */
	memset(&iod->cmd, 0, sizeof(iod->cmd));
	iod->dptr.mapped = false;
	iod->dptr.nr_lists = 0;
	iod->prp_sgl_ok = false;
	iod->raw_mapped = false;
	iod->nranges = 0;
	iod->iter_end = DRV_ITER_OPEN;
	iod->iter_status = BLK_STS_OK;
	iod->unmap_calls = 0;
}

void drv_iod_forget(struct drv_iod *iod)
{
	sim_pool_reset();
	iod->dptr.nr_lists = 0;
	iod->dptr.mapped = false;
	iod->raw_mapped = false;
	drv_cur = NULL;
}

void drv_unmap_data(struct nvmp_dma_dev *dd, struct request *rq,
		    struct drv_iod *iod)
{
	drv_cur = iod;
	if (iod->use == DRV_RAW)
		drv_raw_unmap(dd, rq, iod);
	else
		nvmp_dptr_unmap(dd, drv_pool(), rq, &iod->cmd, &iod->dptr);
	drv_cur = NULL;
}

blk_status_t drv_map_data(struct nvmp_dma_dev *dd, struct request *rq,
			  struct drv_iod *iod, enum drv_consumer use,
			  bool fail_after_first)
{
	atomic_t fail = ATOMIC_INIT(fail_after_first);
	blk_status_t ret;

	iod->use = use;
	drv_cur = iod;
	if (use == DRV_RAW) {
		ret = drv_raw_map(dd, rq, iod);
		if (ret)
			drv_raw_unmap(dd, rq, iod);
	} else {
		/* What nvmp_dptr_choose() leaves for the two consumers. */
		iod->dptr.sgl_ok = use == DRV_SGL || iod->prp_sgl_ok;
		iod->dptr.use_sgl = use == DRV_SGL;
		ret = nvmp_dptr_map(dd, drv_pool(), rq, &iod->cmd, &iod->dptr,
				    &fail);
		if (atomic_read(&fail) != 0 && !ret)
			sim_violation("driver: the fail_mappings knob was armed and not taken");
	}
	drv_cur = NULL;
	/* nvmp_map_data() unmaps once more on the way out: it must do nothing. */
	if (ret)
		drv_unmap_data(dd, rq, iod);
	return ret;
}

/* --- the controller's view ---------------------------------------------------- */

/* A qword of a list page, by its bus address; false if there is none. */
static bool drv_read_list(dma_addr_t dma, size_t len, const void **p)
{
	*p = (dma & 7) ? NULL : sim_pool_lookup(dma, len);
	return *p;
}

static bool drv_view_sgl(const struct drv_iod *iod, u32 total, drv_chunk_fn fn,
			 void *ctx, char *why, size_t whylen)
{
	const struct nvme_sgl_desc *sgl = &iod->cmd.dptr.sgl;
	const struct nvme_sgl_desc *list;
	const void *p;
	u32 left = total, i;

	if (sgl->type == NVME_SGL_FMT_DATA_DESC << 4) {
		if (sgl->length != total) {
			snprintf(why, whylen, "SGL data block of %u bytes for %u",
				 sgl->length, total);
			return false;
		}
		fn(ctx, sgl->addr, sgl->length);
		return true;
	}
	if (sgl->type != NVME_SGL_FMT_LAST_SEG_DESC << 4 ||
	    sgl->length % sizeof(*list) || !sgl->length ||
	    !drv_read_list(sgl->addr, sgl->length, &p)) {
		snprintf(why, whylen, "bad SGL segment descriptor (type %#x, %#llx, %u)",
			 sgl->type, (unsigned long long)sgl->addr, sgl->length);
		return false;
	}
	list = p;
	for (i = 0; i < sgl->length / sizeof(*list); i++) {
		const struct nvme_sgl_desc *d = &list[i];

		if (d->type != NVME_SGL_FMT_DATA_DESC << 4 || d->length > left) {
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
}

/* PRPs: PRP1 may start inside a page; every other entry is a whole page. */
static bool drv_view_prps(const struct drv_iod *iod, u32 total, drv_chunk_fn fn,
			  void *ctx, char *why, size_t whylen)
{
	u64 prp1 = iod->cmd.dptr.prp1, prp2 = iod->cmd.dptr.prp2;
	dma_addr_t cur = prp2;
	u32 n, left;
	const void *p;

	n = min(total, DRV_PAGE - (u32)(prp1 & (DRV_PAGE - 1)));
	fn(ctx, prp1, n);
	left = total - n;
	if (!left)
		return true;
	if (left <= DRV_PAGE) {
		if (prp2 & (DRV_PAGE - 1)) {
			snprintf(why, whylen, "PRP2 %#llx has an offset",
				 (unsigned long long)prp2);
			return false;
		}
		fn(ctx, prp2, left);
		return true;
	}
	while (left) {
		u64 e;

		if (!drv_read_list(cur, 8, &p)) {
			snprintf(why, whylen, "PRP list pointer %#llx not in a list page (%u left)",
				 (unsigned long long)cur, left);
			return false;
		}
		e = *(const u64 *)p;
		/* The last entry of a list page chains the next one. */
		if ((cur & (DRV_PAGE - 1)) == DRV_PAGE - 8 && left > DRV_PAGE) {
			cur = e;
			continue;
		}
		cur += 8;
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

bool drv_device_view(const struct drv_iod *iod, u32 total, drv_chunk_fn fn,
		     void *ctx, char *why, size_t whylen)
{
	bool sgl = iod->cmd.flags & NVME_CMD_SGL_METABUF;
	bool want_sgl = iod->use == DRV_SGL;
	unsigned int i;

	/*
	 * PRPs with SGLs allowed: one SGL data descriptor exactly when the
	 * request was mapped as one range and PRPs would need a list page.
	 */
	if (iod->use == DRV_PRP && iod->prp_sgl_ok && iod->nranges == 1 &&
	    (iod->ranges[0].addr & (DRV_PAGE - 1)) + total > 2 * DRV_PAGE)
		want_sgl = true;

	if (iod->use == DRV_RAW) {
		for (i = 0; i < iod->nranges && i < DRV_MAX_RANGES; i++)
			fn(ctx, iod->ranges[i].addr, iod->ranges[i].len);
		return true;
	}
	if (sgl != want_sgl) {
		snprintf(why, whylen, "%s asked for, the command says %s",
			 drv_consumer_names[iod->use], sgl ? "SGL" : "PRPs");
		return false;
	}
	if (sgl)
		return drv_view_sgl(iod, total, fn, ctx, why, whylen);
	return drv_view_prps(iod, total, fn, ctx, why, whylen);
}
