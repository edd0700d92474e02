/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Random requests as the block layer would build them, and what mapping
 * them must give, worked out independently of block/.
 */
#ifndef NVMP_UNIT_REQGEN_H
#define NVMP_UNIT_REQGEN_H

#include "sim.h"

#define TR_MAX_BIOS	8
#define TR_MAX_PIECES	128	/* visible bio_vec pieces (max_segments) */
#define TR_MAX_SEGS	128
#define TR_MAX_SEGS_HW	128	/* max_segments of the queue and of block/ */
#define TR_MAX_BYTES	(4U << 20)

/*
 * Where the choices come from: a seeded generator, or the bytes of a fuzz
 * input (zeros once they run out).
 */
struct src {
	struct sim_rng rng;
	const u8 *data;
	size_t len, pos;
};

void src_init_seed(struct src *s, u64 seed);
void src_init_bytes(struct src *s, const u8 *data, size_t len);
u64 src_below(struct src *s, u64 n);
bool src_chance(struct src *s, unsigned int num, unsigned int den);

/* A physically contiguous piece of bytes. */
struct tpiece {
	phys_addr_t paddr;
	u32 len;
};

enum treq_kind {
	TR_RAM,			/* host memory */
	TR_P2P,			/* one provider's memory, one bio */
	TR_MIXED,		/* host and peer memory in one request */
	TR_SPECIAL,		/* a discard range list (special payload) */
};

struct treq {
	struct request rq;
	struct request_queue q;
	struct bio bios[TR_MAX_BIOS];
	unsigned int nbios;
	enum treq_kind kind;
	int prov;		/* the provider of TR_P2P/TR_MIXED memory */
	bool nvme_like;		/* virt boundary: the limits the driver sets */
	bool split;		/* some bio starts or ends inside a bio_vec */

	/* The bytes the request moves, as the bio_vecs show them, in order. */
	struct tpiece vis[TR_MAX_PIECES];
	u8 vis_bio[TR_MAX_PIECES];	/* which bio each piece is in */
	unsigned int nvis;
	u32 total;

	/*
	 * The reference: longest runs of contiguous bytes of one kind (host or
	 * peer memory), cut where max_segment_size or the boundary mask say.
	 * seg_pieces[i] counts the pieces segment i takes bytes from.
	 */
	struct tpiece seg[TR_MAX_SEGS];
	u16 seg_pieces[TR_MAX_SEGS];
	unsigned int nseg;
	unsigned int nvecs;	/* sum of seg_pieces */
};

/* Queue limits: like the driver's (virt boundary) or a generic device's. */
void gen_limits(struct src *s, struct queue_limits *lim, bool p2p_feature);

/* What kinds of requests gen_request() may make. */
struct gen_opts {
	unsigned int p2p_pct;		/* of requests in peer memory */
	unsigned int mixed_pct;		/* of requests mixing host and peer */
	unsigned int special_pct;	/* discards */
	int force_prov;			/* >= 0: this provider for P2P */
	u32 max_bytes;			/* 0: TR_MAX_BYTES */
};

/* Build a request; returns 0, or -1 when no valid one came out. */
int gen_request(struct src *s, struct treq *t, const struct queue_limits *lim,
		const struct gen_opts *o);
void treq_free(struct treq *t);

/*
 * Build a request from explicit pieces, one bio per group (bio_of[i] says
 * which), with the given limits.  For hand-written cases.
 */
int treq_from_pieces(struct treq *t, const struct queue_limits *lim,
		     const struct tpiece *p, const unsigned int *bio_of,
		     unsigned int n, bool write);

/* Fill rq's counters and the reference from t->vis; 0 or -1 (too big). */
int treq_finish(struct treq *t);

/* A one-line description for failure reports. */
void treq_describe(const struct treq *t, char *buf, size_t len);
/* The pieces, one per line, for failure reports. */
void treq_dump(const struct treq *t, FILE *f);

#endif /* NVMP_UNIT_REQGEN_H */
