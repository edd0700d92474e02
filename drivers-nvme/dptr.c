// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme-phys data pointers, filled straight from the DMA iterator.
 *
 * The iterator hands out (addr, len) ranges; PRPs take them a controller
 * page at a time, SGLs one descriptor per range.  Nothing is kept besides
 * the descriptors themselves: when a request is unmapped, nvmp_prp_addr()
 * and nvmp_sgl_addr() read the bus addresses back from them.  Every list
 * page a request needs is allocated before the range that goes into it is
 * mapped, and every range the iterator hands out is written where those
 * readers look for it (a descriptor, or the spill slot when the mapping
 * fails on that very range), so a failure can never leave a mapping
 * unrecorded.
 */
#include "dptr.h"

/* Where PRP entry @j (counting after PRP1) lives in the list pages. */
static __le64 *nvmp_prp_slot(struct nvmp_dptr *dp, u32 j)
{
	u32 page = min_t(u32, j / (NVMP_PRPS_PER_LIST - 1), dp->nr_lists - 1);

	return (__le64 *)dp->lists[page] + (j - page * (NVMP_PRPS_PER_LIST - 1));
}

/* Unmap cursor over the descriptors: segments come back in map order. */
struct nvmp_addr_cursor {
	const struct nvme_common_command *cmd;
	struct nvmp_dptr *dp;
	u32 idx;
};

/* PRPs: each segment starts an entry; @idx counts the pages walked. */
static dma_addr_t nvmp_prp_addr(void *cookie, u32 len)
{
	struct nvmp_addr_cursor *c = cookie;
	struct nvmp_dptr *dp = c->dp;
	dma_addr_t addr;

	if (!c->idx)
		addr = le64_to_cpu(c->cmd->dptr.prp1);
	else if (c->idx > dp->nr_entries)
		addr = dp->spill;
	else if (dp->nr_entries == 1)
		addr = le64_to_cpu(c->cmd->dptr.prp2);
	else
		addr = le64_to_cpu(*nvmp_prp_slot(dp, c->idx - 1));
	c->idx += DIV_ROUND_UP((addr & (NVMP_PAGE - 1)) + len, NVMP_PAGE);
	return addr;
}

/* SGL: one descriptor per segment, in the command or in the list page. */
static dma_addr_t nvmp_sgl_addr(void *cookie, u32 len)
{
	struct nvmp_addr_cursor *c = cookie;
	struct nvmp_dptr *dp = c->dp;
	const struct nvme_sgl_desc *d;
	u32 idx = c->idx++;

	if (idx >= max_t(u32, dp->nr_entries, 1))
		return dp->spill;
	if (dp->nr_entries)
		d = (const struct nvme_sgl_desc *)dp->lists[0] + idx;
	else
		d = &c->cmd->dptr.sgl;
	return le64_to_cpu(d->addr);
}

static int nvmp_alloc_lists(struct dma_pool *pool, struct nvmp_dptr *dp,
			    unsigned int n)
{
	dma_addr_t dma[NVMP_MAX_LISTS];
	unsigned int i;

	if (WARN_ON_ONCE(n > NVMP_MAX_LISTS))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		dp->lists[i] = dma_pool_alloc(pool, GFP_ATOMIC, &dma[i]);
		if (!dp->lists[i])
			return -ENOMEM;
		dp->nr_lists++;
		/*
		 * nvmp_free_lists() finds page 0 in first_list and each next
		 * page in the last slot of the one before: both hold after
		 * every page, so a failure part way frees what was taken.
		 */
		if (i)
			((__le64 *)dp->lists[i - 1])[NVMP_PRPS_PER_LIST - 1] =
				cpu_to_le64(dma[i]);
		else
			dp->first_list = dma[0];
	}
	return 0;
}

static void nvmp_free_lists(struct dma_pool *pool, struct nvmp_dptr *dp)
{
	dma_addr_t dma = dp->first_list;
	int i;

	for (i = 0; i < dp->nr_lists; i++) {
		dma_addr_t next = 0;

		if (i + 1 < dp->nr_lists)
			next = le64_to_cpu(((__le64 *)dp->lists[i])[NVMP_PRPS_PER_LIST - 1]);
		dma_pool_free(pool, dp->lists[i], dma);
		dma = next;
	}
	dp->nr_lists = 0;
}

/*
 * Fetch the next range into PRP entry @entry.  It must start a controller
 * page; it is written to the entry first, so that unmapping finds it even
 * when it does not.
 */
static blk_status_t nvmp_next_page_range(struct nvmp_dma_dev *dd,
					 struct request *rq,
					 struct nvmp_dptr *dp,
					 struct nvmp_dma_iter *it,
					 __le64 *entry)
{
	if (!nvmp_dma_next(dd, rq, &dp->map, it))
		return it->status ? it->status : BLK_STS_IOERR;
	*entry = cpu_to_le64(it->addr);
	if (it->addr & (NVMP_PAGE - 1)) {
		dev_err_ratelimited(dd->dev,
				    "segment at %pad inside a controller page\n",
				    &it->addr);
		return BLK_STS_IOERR;
	}
	return BLK_STS_OK;
}

static blk_status_t nvmp_build_prps(struct nvmp_dma_dev *dd,
				    struct dma_pool *pool, struct request *rq,
				    struct nvme_common_command *cmd,
				    struct nvmp_dptr *dp,
				    struct nvmp_dma_iter *it, u32 total)
{
	u64 addr = it->addr;
	u32 len = it->len;
	u32 first = min_t(u32, len, NVMP_PAGE - (addr & (NVMP_PAGE - 1)));
	u32 n, j, lists, step;
	blk_status_t ret;

	n = DIV_ROUND_UP(total - min(first, total), NVMP_PAGE);
	dp->nr_entries = n;
	cmd->dptr.prp1 = cpu_to_le64(addr);
	cmd->dptr.prp2 = 0;
	if (n > 1) {
		lists = 1 + DIV_ROUND_UP(max_t(u32, n, NVMP_PRPS_PER_LIST) -
					 NVMP_PRPS_PER_LIST,
					 NVMP_PRPS_PER_LIST - 1);
		if (nvmp_alloc_lists(pool, dp, lists))
			return BLK_STS_RESOURCE;
		cmd->dptr.prp2 = cpu_to_le64(dp->first_list);
	}
	addr += first;
	len -= first;
	for (j = 0; j < n; j++) {
		__le64 *entry = n == 1 ? &cmd->dptr.prp2 : nvmp_prp_slot(dp, j);

		if (!len) {
			ret = nvmp_next_page_range(dd, rq, dp, it, entry);
			if (ret)
				return ret;
			addr = it->addr;
			len = it->len;
		}
		*entry = cpu_to_le64(addr);
		step = min_t(u32, len, NVMP_PAGE);
		addr += step;
		len -= step;
	}
	if (len || nvmp_dma_next(dd, rq, &dp->map, it)) {
		/* A range past the PRPs (@len 0): unmapping finds it here. */
		dp->spill = it->addr;
		WARN_ONCE(1, "nvme-phys: request maps more than its %u bytes\n",
			  total);
		return BLK_STS_IOERR;
	}
	return it->status;
}

static void nvmp_sgl_set(struct nvme_sgl_desc *d, dma_addr_t addr, u32 len)
{
	d->addr = cpu_to_le64(addr);
	d->length = cpu_to_le32(len);
	d->type = NVME_SGL_FMT_DATA_DESC << 4;
}

static blk_status_t nvmp_build_sgl(struct nvmp_dma_dev *dd,
				   struct dma_pool *pool, struct request *rq,
				   struct nvme_common_command *cmd,
				   struct nvmp_dptr *dp,
				   struct nvmp_dma_iter *it, u32 total)
{
	struct nvme_sgl_desc *list;
	u32 n = 0;

	cmd->flags |= NVME_CMD_SGL_METABUF;
	dp->nr_entries = 0;
	/* The first range, in the command: all of it, or until the list exists. */
	nvmp_sgl_set(&cmd->dptr.sgl, it->addr, it->len);
	if (it->len >= total) {
		if (nvmp_dma_next(dd, rq, &dp->map, it)) {
			dp->spill = it->addr;
			WARN_ONCE(1, "nvme-phys: request maps more than its %u bytes\n",
				  total);
			return BLK_STS_IOERR;
		}
		return it->status;
	}
	if (nvmp_alloc_lists(pool, dp, 1))
		return BLK_STS_RESOURCE;
	list = dp->lists[0];
	do {
		if (n == NVMP_SGLS_PER_LIST) {
			dp->spill = it->addr;
			WARN_ONCE(1, "nvme-phys: more segments than an SGL list holds\n");
			return BLK_STS_IOERR;
		}
		nvmp_sgl_set(&list[n++], it->addr, it->len);
		dp->nr_entries = n;
	} while (nvmp_dma_next(dd, rq, &dp->map, it));
	if (it->status)
		return it->status;
	cmd->dptr.sgl.addr = cpu_to_le64(dp->first_list);
	cmd->dptr.sgl.length = cpu_to_le32(n * sizeof(*list));
	cmd->dptr.sgl.type = NVME_SGL_FMT_LAST_SEG_DESC << 4;
	return BLK_STS_OK;
}

/**
 * nvmp_dptr_choose - PRPs or SGL descriptors for a request's data
 * @dp: the request's data-pointer state, whose @sgl_ok and @use_sgl are set
 * @rq: the request, which carries data
 * @sgls: the controller's SGL support (Identify Controller SGLS)
 * @threshold: least average segment size for SGLs; 0: never SGLs
 *
 * SGLs are used where the controller takes them and the request's segments
 * are @threshold bytes or more on average; they are allowed (@sgl_ok) for
 * any request where the controller takes them and @threshold is not 0.
 */
void nvmp_dptr_choose(struct nvmp_dptr *dp, struct request *rq, u32 sgls,
		      unsigned int threshold)
{
	dp->sgl_ok = threshold && (sgls & (NVME_CTRL_SGLS_BYTE_ALIGNED |
					   NVME_CTRL_SGLS_DWORD_ALIGNED));
	dp->use_sgl = dp->sgl_ok &&
		      blk_rq_payload_bytes(rq) / blk_rq_nr_phys_segments(rq) >=
		      threshold;
}

/*
 * A request mapped as one range that PRPs would need a list page for goes
 * in one SGL data descriptor instead, where SGLs are allowed.
 */
static bool nvmp_one_sgl_desc(const struct nvmp_dptr *dp,
			      const struct nvmp_dma_iter *it, u32 total)
{
	return dp->sgl_ok && nvmp_dma_one_range(it, total) &&
	       (it->addr & (NVMP_PAGE - 1)) + total > 2 * NVMP_PAGE;
}

/**
 * nvmp_dptr_map - map a request's data and fill in its data pointer
 * @dd: the DMA device
 * @pool: where PRP and SGL list pages come from
 * @rq: the request, which carries data
 * @cmd: the command, whose data pointer (and SGL flag) is filled in
 * @dp: the request's data-pointer state, chosen by nvmp_dptr_choose()
 * @fail_first: debug knob, or %NULL: while positive, each mapping takes one
 *	from it and fails with %BLK_STS_RESOURCE once its first range is
 *	mapped (in PRP1), so the partial unmap runs
 *
 * Return: %BLK_STS_OK with @cmd's data pointer complete, or an error with
 * nothing left mapped or allocated.
 */
blk_status_t nvmp_dptr_map(struct nvmp_dma_dev *dd, struct dma_pool *pool,
			   struct request *rq, struct nvme_common_command *cmd,
			   struct nvmp_dptr *dp, atomic_t *fail_first)
{
	u32 total = blk_rq_payload_bytes(rq);
	struct nvmp_dma_iter it;
	blk_status_t ret;

	dp->spill = 0;
	if (!nvmp_dma_start(dd, rq, &dp->map, &it))
		return it.status ? it.status : BLK_STS_IOERR;
	dp->mapped = true;
	if (fail_first && atomic_read(fail_first) > 0 &&
	    atomic_dec_if_positive(fail_first) >= 0) {
		cmd->dptr.prp1 = cpu_to_le64(it.addr);
		dp->nr_entries = 0;
		dp->use_sgl = false;
		ret = BLK_STS_RESOURCE;
	} else if (dp->use_sgl || nvmp_one_sgl_desc(dp, &it, total)) {
		dp->use_sgl = true;
		ret = nvmp_build_sgl(dd, pool, rq, cmd, dp, &it, total);
	} else {
		ret = nvmp_build_prps(dd, pool, rq, cmd, dp, &it, total);
	}
	if (ret) {
		/* Stopped before the iterator did: the mapping failed here. */
		nvmp_dma_abort(dd, &dp->map, ret);
		nvmp_dptr_unmap(dd, pool, rq, cmd, dp);
	}
	return ret;
}

/**
 * nvmp_dptr_unmap - undo nvmp_dptr_map()
 * @dd: the DMA device
 * @pool: where the list pages came from
 * @rq: the request
 * @cmd: the command, whose data pointer gives the bus addresses back
 * @dp: the request's data-pointer state
 *
 * Unmaps what is mapped and frees the list pages; a second call does
 * nothing.
 */
void nvmp_dptr_unmap(struct nvmp_dma_dev *dd, struct dma_pool *pool,
		     struct request *rq, const struct nvme_common_command *cmd,
		     struct nvmp_dptr *dp)
{
	struct nvmp_addr_cursor c = { .cmd = cmd, .dp = dp };

	if (dp->mapped) {
		nvmp_dma_unmap(dd, rq, &dp->map,
			       dp->use_sgl ? nvmp_sgl_addr : nvmp_prp_addr, &c);
		dp->mapped = false;
	}
	if (dp->nr_lists)
		nvmp_free_lists(pool, dp);
}
