/* SPDX-License-Identifier: GPL-2.0-only */
/* The request, and the helpers block/ reads it through. */
#ifndef SHIM_LINUX_BLK_MQ_H
#define SHIM_LINUX_BLK_MQ_H

#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>

typedef u32 __bitwise req_flags_t;

#define RQF_DONTPREP		((__force req_flags_t)BIT(7))
#define RQF_SPECIAL_PAYLOAD	((__force req_flags_t)BIT(18))

struct request {
	struct request_queue *q;
	unsigned int cmd_flags;		/* operation in the low byte */
	req_flags_t rq_flags;
	unsigned int __data_len;	/* bytes the request moves */
	u64 __sector;
	struct bio *bio;
	struct bio *biotail;
	unsigned short nr_phys_segments;
	/*
	 * ffs() of the lowest address bit at which two consecutive segments
	 * of the request do not line up (0: everything lines up); the block
	 * layer keeps it while building the request.
	 */
	unsigned char phys_gap_bit;
	struct bio_vec special_vec;
};

static inline enum req_op req_op(const struct request *rq)
{
	return (enum req_op)(rq->cmd_flags & REQ_OP_MASK);
}

#define rq_dma_dir(rq) \
	(op_is_write(req_op(rq)) ? DMA_TO_DEVICE : DMA_FROM_DEVICE)

static inline unsigned int blk_rq_bytes(const struct request *rq)
{
	return rq->__data_len;
}

static inline unsigned int blk_rq_payload_bytes(struct request *rq)
{
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD)
		return rq->special_vec.bv_len;
	return blk_rq_bytes(rq);
}

static inline unsigned short blk_rq_nr_phys_segments(struct request *rq)
{
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD)
		return 1;
	return rq->nr_phys_segments;
}

/* All bits from the first misaligned one up. */
static inline unsigned long req_phys_gap_mask(const struct request *rq)
{
	if (!rq->phys_gap_bit)
		return 0;
	return ~((1UL << (rq->phys_gap_bit - 1)) - 1);
}

int blk_rq_map_sg(struct request *rq, struct scatterlist *sglist);

#endif /* SHIM_LINUX_BLK_MQ_H */
