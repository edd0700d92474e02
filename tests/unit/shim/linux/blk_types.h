/* SPDX-License-Identifier: GPL-2.0-only */
/* Block status codes, operations and the bio. */
#ifndef SHIM_LINUX_BLK_TYPES_H
#define SHIM_LINUX_BLK_TYPES_H

#include <linux/bvec.h>

typedef u8 __bitwise blk_status_t;

#define BLK_STS_OK		((blk_status_t)0)
#define BLK_STS_NOTSUPP		((blk_status_t)1)
#define BLK_STS_TIMEOUT		((blk_status_t)2)
#define BLK_STS_NOSPC		((blk_status_t)3)
#define BLK_STS_TRANSPORT	((blk_status_t)4)
#define BLK_STS_TARGET		((blk_status_t)5)
#define BLK_STS_RESV_CONFLICT	((blk_status_t)6)
#define BLK_STS_MEDIUM		((blk_status_t)7)
#define BLK_STS_PROTECTION	((blk_status_t)8)
#define BLK_STS_RESOURCE	((blk_status_t)9)
#define BLK_STS_IOERR		((blk_status_t)10)
#define BLK_STS_AGAIN		((blk_status_t)12)
#define BLK_STS_DEV_RESOURCE	((blk_status_t)13)
#define BLK_STS_INVAL		((blk_status_t)19)

blk_status_t errno_to_blk_status(int errno_val);

enum req_op {
	REQ_OP_READ = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,
	REQ_OP_DISCARD = 3,
	REQ_OP_WRITE_ZEROES = 9,
};

#define REQ_OP_MASK	0xffU

static inline bool op_is_write(unsigned int op)
{
	return op & 1;
}

struct bio {
	struct bio *bi_next;		/* the next bio of the request */
	unsigned int bi_opf;
	struct bvec_iter bi_iter;	/* the part of bi_io_vec that is ours */
	unsigned short bi_vcnt;
	struct bio_vec *bi_io_vec;
};

#endif /* SHIM_LINUX_BLK_TYPES_H */
