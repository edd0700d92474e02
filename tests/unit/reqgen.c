// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random requests, valid by the block layer's rules, and their reference
 * segments.
 *
 * Rules kept (with a virt boundary, as the NVMe driver sets one):
 *   - inside a bio, every piece but the first starts on the boundary and
 *     every piece but the last ends on it, contiguous or not;
 *   - between bios, the same, unless the two pieces are contiguous and in
 *     one segment window (the block layer merges those without a gap
 *     check); a request of several bios starts on the boundary;
 * and always: bios are whole sectors, offsets and lengths are 4-byte
 * multiples (dma_alignment 3), the request has at most max_segments
 * segments as the block layer counts them (every piece cut by the limits
 * on its own), peer-to-peer memory comes in a bio of its own.
 */
#include <stdlib.h>
#include "reqgen.h"

/* --- the source of choices ------------------------------------------------ */

void src_init_seed(struct src *s, u64 seed)
{
	memset(s, 0, sizeof(*s));
	sim_seed(&s->rng, seed);
}

void src_init_bytes(struct src *s, const u8 *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->data = data;
	s->len = len;
	sim_seed(&s->rng, 1);
}

u64 src_below(struct src *s, u64 n)
{
	u64 v = 0, m;

	if (n <= 1)
		return 0;
	if (!s->data)
		return sim_below(&s->rng, n);
	for (m = n - 1; m; m >>= 8)
		v = v << 8 | (s->pos < s->len ? s->data[s->pos++] : 0);
	return v % n;
}

bool src_chance(struct src *s, unsigned int num, unsigned int den)
{
	return src_below(s, den) < num;
}

/* --- limits --------------------------------------------------------------- */

void gen_limits(struct src *s, struct queue_limits *lim, bool p2p_feature)
{
	static const unsigned long nvme_masks[] = {
		0xffffffffUL, 0xffffffffUL, 0xffffffffUL, ~0UL, 0xffffUL,
		0x3ffffUL, 0xfffUL, 0x1fffffUL,
	};
	static const unsigned int sizes[] = {
		4096, 6144, 65535, 65536, 131072, 1U << 20, UINT_MAX,
	};
	static const unsigned long masks[] = {
		0xfffUL, 0x1fffUL, 0xffffUL, 0xffffffffUL, ~0UL,
	};

	memset(lim, 0, sizeof(*lim));
	lim->max_segments = TR_MAX_SEGS_HW;
	lim->logical_block_size = 512;
	lim->dma_alignment = 3;
	if (p2p_feature)
		lim->features |= BLK_FEAT_PCI_P2PDMA;
	if (src_chance(s, 3, 5)) {
		/* The driver's: a 4 KiB virt boundary and no size limit. */
		lim->virt_boundary_mask = 4095;
		lim->max_segment_size = UINT_MAX;
		lim->seg_boundary_mask = nvme_masks[src_below(s, ARRAY_SIZE(nvme_masks))];
	} else {
		lim->max_segment_size = sizes[src_below(s, ARRAY_SIZE(sizes))];
		lim->seg_boundary_mask = masks[src_below(s, ARRAY_SIZE(masks))];
	}
}

/* --- building blocks ----------------------------------------------------------- */

static struct sim_region *tr_region_of_piece(const struct tpiece *p)
{
	return sim_region_of(p->paddr, p->len ? p->len : 1);
}

static bool tr_is_peer(const struct treq *t, phys_addr_t paddr)
{
	return (t->q.limits.features & BLK_FEAT_PCI_P2PDMA) &&
	       sim_provider_of(paddr);
}

static void tr_bvec(struct bio_vec *bv, phys_addr_t start, u32 len)
{
	bv->bv_page = phys_to_page(start & PAGE_MASK);
	bv->bv_offset = start & ~PAGE_MASK;
	bv->bv_len = len;
}

/*
 * A start address in @r for a run of up to @room bytes, on @align; now and
 * then just below a window of @mask, so the run crosses into the next one.
 */
static phys_addr_t tr_pick(struct src *s, const struct sim_region *r, u64 room,
			   u64 align, unsigned long mask)
{
	u64 span = r->size > room ? r->size - room : 0;
	phys_addr_t p = r->start + ALIGN_DOWN(src_below(s, span + 1), align);

	if ((u64)mask + 1 > 1 && (u64)mask < r->size && src_chance(s, 1, 4)) {
		u64 w = (u64)mask + 1;
		phys_addr_t edge = ALIGN(p, w);
		u64 back = align * (1 + src_below(s, 8));

		if (edge >= r->start + back && edge - back + room <= r->start + r->size)
			p = edge - back;
	}
	/* The 4 GiB line is where 32-bit boundary masks bite. */
	if (r->start < 0x100000000ULL && r->start + r->size > 0x100000000ULL &&
	    src_chance(s, 1, 8)) {
		u64 back = align * (1 + src_below(s, 8));

		p = 0x100000000ULL - back;
	}
	return p;
}

static u32 tr_total_target(struct src *s, u32 max)
{
	u32 t;

	switch (src_below(s, 20)) {
	case 0 ... 7:
		t = 512 * (1 + src_below(s, 32));
		break;
	case 8 ... 14:
		t = 4096 * (1 + src_below(s, 32));
		break;
	case 15 ... 18:
		t = 65536 * (1 + src_below(s, 16));
		break;
	default:
		t = 512 * (1 + src_below(s, max / 512));
		break;
	}
	return min(t, max);
}

/* Length of a piece that starts @start and should end on @vb (virt). */
static u32 tr_len_virt(struct src *s, phys_addr_t start, u64 vb)
{
	u32 k;

	switch (src_below(s, 20)) {
	case 0 ... 6:
		k = 0;
		break;
	case 7 ... 12:
		k = 1 + src_below(s, 3);
		break;
	case 13 ... 17:
		k = 4 + src_below(s, 12);
		break;
	default:
		k = 16 + src_below(s, 48);
		break;
	}
	/* Up to the next boundary, then k more units (at least one unit). */
	if (start & (vb - 1))
		return (u32)(vb - (start & (vb - 1)) + k * vb);
	return (u32)((k + 1) * vb);
}

static u32 tr_len_any(struct src *s)
{
	switch (src_below(s, 10)) {
	case 0 ... 3:
		return 4 * (1 + src_below(s, 1024));
	case 4 ... 6:
		return 512 * (1 + src_below(s, 32));
	default:
		return 4096 * (1 + src_below(s, 32));
	}
}

/* Block-layer segment count of one piece: cut by the limits on its own. */
static unsigned int tr_piece_segs(const struct queue_limits *lim,
				  const struct tpiece *p)
{
	phys_addr_t a = p->paddr;
	u64 left = p->len;
	unsigned int n = 0;

	while (left) {
		u64 take = min_t(u64, left, sim_max_segment(lim, a));

		a += take;
		left -= take;
		n++;
	}
	return n;
}

/* --- finishing a request ------------------------------------------------------- */

static bool tr_mergeable(const struct treq *t, const struct tpiece *a,
			 const struct tpiece *b)
{
	struct bio_vec va, vb;

	tr_bvec(&va, a->paddr, a->len);
	tr_bvec(&vb, b->paddr, b->len);
	return sim_biovec_mergeable(&t->q.limits, &va, &vb);
}

int treq_finish(struct treq *t)
{
	const struct queue_limits *lim = &t->q.limits;
	unsigned int i, nsegs = 0, off;
	u64 gaps = 0;

	t->total = 0;
	for (i = 0; i < t->nvis; i++) {
		t->total += t->vis[i].len;
		nsegs += tr_piece_segs(lim, &t->vis[i]);
		if (!i)
			continue;
		if (t->vis_bio[i] == t->vis_bio[i - 1] ||
		    !tr_mergeable(t, &t->vis[i - 1], &t->vis[i]))
			gaps |= t->vis[i].paddr |
				(t->vis[i - 1].paddr + t->vis[i - 1].len);
	}
	if (t->kind == TR_SPECIAL) {
		nsegs = t->nbios;
	} else {
		t->rq.__data_len = t->total;
		t->rq.phys_gap_bit = (unsigned char)__builtin_ffs((int)(u32)gaps);
	}
	if (nsegs > lim->max_segments || t->total > TR_MAX_BYTES || !t->total)
		return -1;
	t->rq.nr_phys_segments = nsegs;

	/* The reference segments: greedy, which gives the fewest. */
	t->nseg = 0;
	t->nvecs = 0;
	i = 0;
	off = 0;
	while (i < t->nvis) {
		phys_addr_t start = t->vis[i].paddr + off;
		bool peer = tr_is_peer(t, start);
		u32 cap = sim_max_segment(lim, start), len = 0;
		u16 pieces = 0;

		while (i < t->nvis && len < cap) {
			phys_addr_t p = t->vis[i].paddr + off;
			u32 take;

			if (len && (p != start + len || tr_is_peer(t, p) != peer))
				break;
			take = min(t->vis[i].len - off, cap - len);
			len += take;
			pieces++;
			off += take;
			if (off < t->vis[i].len)
				break;
			i++;
			off = 0;
		}
		if (t->nseg == TR_MAX_SEGS)
			return -1;
		t->seg[t->nseg].paddr = start;
		t->seg[t->nseg].len = len;
		t->seg_pieces[t->nseg] = pieces;
		t->nvecs += pieces;
		t->nseg++;
	}
	return 0;
}

/* Turn the visible pieces into bios, with hidden parts when @s says so. */
static int tr_build_bios(struct src *s, struct treq *t)
{
	unsigned int b, i = 0;

	for (b = 0; b < t->nbios; b++) {
		struct bio *bio = &t->bios[b];
		unsigned int first = i, last, nvec, nlead = 0, ntrail = 0, k, v = 0;
		const struct sim_region *r;
		u32 pre = 0, post = 0;
		struct bio_vec *vecs;

		while (i < t->nvis && t->vis_bio[i] == b)
			i++;
		if (i == first)
			return -1;
		last = i - 1;
		r = tr_region_of_piece(&t->vis[first]);
		if (s && src_chance(s, 1, 4)) {
			/* A bio split off a bigger one: it starts or ends inside a bio_vec. */
			u64 before = t->vis[first].paddr - r->start;
			u64 after = r->start + r->size -
				    (t->vis[last].paddr + t->vis[last].len);

			if (src_chance(s, 1, 2) && before >= 4)
				pre = 4 * (1 + src_below(s, min(before / 4, 2048ULL)));
			if (src_chance(s, 1, 2) && after >= 4)
				post = 4 * (1 + src_below(s, min(after / 4, 2048ULL)));
			nlead = src_chance(s, 1, 3) ? 1 + src_below(s, 2) : 0;
			ntrail = src_chance(s, 1, 3) ? 1 + src_below(s, 2) : 0;
		}
		nvec = nlead + (last - first + 1) + ntrail;
		vecs = calloc(nvec, sizeof(*vecs));
		if (!vecs)
			return -1;
		for (k = 0; k < nlead; k++) {
			u32 len = 4 * (1 + src_below(s, 2048));

			tr_bvec(&vecs[v++], tr_pick(s, r, len, 4, 0), len);
		}
		for (k = first; k <= last; k++) {
			phys_addr_t start = t->vis[k].paddr;
			u32 len = t->vis[k].len;

			if (k == first) {
				start -= pre;
				len += pre;
			}
			if (k == last)
				len += post;
			tr_bvec(&vecs[v++], start, len);
		}
		for (k = 0; k < ntrail; k++) {
			u32 len = 4 * (1 + src_below(s, 2048));

			tr_bvec(&vecs[v++], tr_pick(s, r, len, 4, 0), len);
		}
		bio->bi_io_vec = vecs;
		bio->bi_vcnt = nvec;
		bio->bi_opf = t->rq.cmd_flags;
		bio->bi_iter.bi_idx = nlead;
		bio->bi_iter.bi_bvec_done = pre;
		bio->bi_iter.bi_size = 0;
		for (k = first; k <= last; k++)
			bio->bi_iter.bi_size += t->vis[k].len;
		bio->bi_next = b + 1 < t->nbios ? &t->bios[b + 1] : NULL;
		if (pre || post || nlead || ntrail)
			t->split = true;
	}
	t->rq.bio = &t->bios[0];
	t->rq.biotail = &t->bios[t->nbios - 1];
	return 0;
}

static void tr_init(struct treq *t, const struct queue_limits *lim, bool write)
{
	memset(t, 0, sizeof(*t));
	t->q.limits = *lim;
	t->rq.q = &t->q;
	t->rq.cmd_flags = write ? REQ_OP_WRITE : REQ_OP_READ;
	t->nvme_like = lim->virt_boundary_mask != 0;
	t->prov = -1;
}

void treq_free(struct treq *t)
{
	unsigned int b;

	for (b = 0; b < TR_MAX_BIOS; b++) {
		free(t->bios[b].bi_io_vec);
		t->bios[b].bi_io_vec = NULL;
	}
}

/* --- the generator ----------------------------------------------------------- */

/* A discard: a list of ranges in a small kmalloc'ed buffer. */
static int tr_gen_special(struct src *s, struct treq *t)
{
	const struct sim_region *r = &sim_ram[src_below(s, SIM_NR_RAM)];
	u32 nr = 1 + src_below(s, 256), len = 16 * nr, b;
	phys_addr_t at;

	/* A kmalloc buffer of this size never crosses a page. */
	at = tr_pick(s, r, 4096, 4096, 0);
	at += ALIGN_DOWN(src_below(s, 4096 - len + 1), 16);
	t->kind = TR_SPECIAL;
	t->rq.cmd_flags = REQ_OP_DISCARD;
	t->rq.rq_flags |= RQF_SPECIAL_PAYLOAD;
	tr_bvec(&t->rq.special_vec, at, len);
	t->vis[0].paddr = at;
	t->vis[0].len = len;
	t->nvis = 1;
	t->vis_bio[0] = 0;
	/* The discarded ranges: one bio each, without data pages. */
	t->nbios = min_t(u32, 1 + src_below(s, TR_MAX_BIOS), nr);
	t->rq.__data_len = 0;
	for (b = 0; b < t->nbios; b++) {
		t->bios[b].bi_iter.bi_size = 512 * (1 + src_below(s, 2048));
		t->bios[b].bi_iter.bi_sector = src_below(s, 1ULL << 30);
		t->bios[b].bi_opf = REQ_OP_DISCARD;
		t->bios[b].bi_next = b + 1 < t->nbios ? &t->bios[b + 1] : NULL;
		t->rq.__data_len += t->bios[b].bi_iter.bi_size;
	}
	t->rq.bio = &t->bios[0];
	t->rq.biotail = &t->bios[t->nbios - 1];
	return treq_finish(t);
}

static void tr_push(struct treq *t, phys_addr_t p, u32 len, unsigned int bio)
{
	t->vis[t->nvis].paddr = p;
	t->vis[t->nvis].len = len;
	t->vis_bio[t->nvis] = bio;
	t->nvis++;
}

/* Make the total a whole number of sectors by moving the last end. */
static int tr_fix_total(struct treq *t)
{
	struct tpiece *last = &t->vis[t->nvis - 1];
	const struct sim_region *r = tr_region_of_piece(last);
	u32 total = 0, rem;
	unsigned int i;

	for (i = 0; i < t->nvis; i++)
		total += t->vis[i].len;
	rem = total % 512;
	if (!rem)
		return 0;
	if (last->len > rem) {
		last->len -= rem;
		return 0;
	}
	if (last->paddr + last->len + (512 - rem) > r->start + r->size)
		return -1;
	last->len += 512 - rem;
	return 0;
}

static int tr_gen_data(struct src *s, struct treq *t, const struct gen_opts *o)
{
	const struct queue_limits *lim = &t->q.limits;
	bool virt = lim->virt_boundary_mask != 0;
	u64 vb = virt ? lim->virt_boundary_mask + 1 : 4;
	u32 max = o->max_bytes ? o->max_bytes : TR_MAX_BYTES;
	u32 target = tr_total_target(s, max), total = 0, bio_bytes = 0;
	const struct sim_region *region[TR_MAX_BIOS];
	u32 bio_target[TR_MAX_BIOS];
	unsigned int nb, b = 0, i;
	struct sim_region *peer = NULL;
	phys_addr_t start;

	if (t->kind == TR_P2P || t->kind == TR_MIXED)
		peer = &sim_prov[t->prov].region;
	if (t->kind == TR_P2P)
		nb = 1;
	else if (t->kind == TR_MIXED)
		nb = 2 + src_below(s, 3);
	else if (src_chance(s, 1, 2))
		nb = 1;
	else
		nb = 2 + src_below(s, src_chance(s, 3, 4) ? 3 : TR_MAX_BIOS - 1);
	for (i = 0; i < nb; i++) {
		region[i] = &sim_ram[src_below(s, SIM_NR_RAM)];
		if (t->kind == TR_P2P || (t->kind == TR_MIXED && src_chance(s, 1, 2)))
			region[i] = peer;
		bio_target[i] = max_t(u32, 512, ALIGN(target / nb, 512));
	}
	if (t->kind == TR_MIXED) {
		/* At least one bio of each kind. */
		unsigned int k = src_below(s, nb);

		region[k] = region[k] == peer ? &sim_ram[0] : peer;
		if (region[(k + 1) % nb] == region[k])
			region[(k + 1) % nb] = region[k] == peer ? &sim_ram[1] : peer;
	}

	/* First piece: anywhere, on the boundary when bios will be merged. */
	start = tr_pick(s, region[0], 1 << 20, nb > 1 ? vb : 4, lim->seg_boundary_mask);
	if (virt && nb == 1 && src_chance(s, 1, 2))
		start += 4 * src_below(s, 1024);
	for (;;) {
		const struct sim_region *r = region[b];
		u32 len = virt ? tr_len_virt(s, start, vb) : tr_len_any(s);

		if (start + len > r->start + r->size)
			len = (u32)(r->start + r->size - start);
		if (virt && (start + len) & (vb - 1))
			len -= (start + len) & (vb - 1);
		if (!len)
			return -1;
		tr_push(t, start, len, b);
		total += len;
		bio_bytes += len;
		if (total >= target || t->nvis == TR_MAX_PIECES)
			break;

		/* End the bio here? Sector multiples only. */
		if (!virt && b + 1 < nb && bio_bytes >= bio_target[b] &&
		    (total % 512) &&
		    start + len + 512 - total % 512 <= r->start + r->size) {
			t->vis[t->nvis - 1].len += 512 - total % 512;
			bio_bytes += 512 - total % 512;
			total += 512 - total % 512;
		}
		if (b + 1 < nb && bio_bytes >= bio_target[b] && !(total % 512)) {
			struct tpiece *p = &t->vis[t->nvis - 1];

			/*
			 * Sometimes end it inside the piece instead, where it is
			 * not on the boundary: the next bio goes on contiguously,
			 * which the block layer merges if both halves share a
			 * segment window.
			 */
			if (virt && region[b + 1] == r && p->len > 512 &&
			    src_chance(s, 1, 3)) {
				u32 cut = 512 * (1 + src_below(s, p->len / 512 - 1));
				struct tpiece a = { p->paddr, cut };
				struct tpiece c = { p->paddr + cut, p->len - cut };

				if (((p->paddr + cut) & (vb - 1)) &&
				    tr_mergeable(t, &a, &c)) {
					p->len = cut;
					b++;
					tr_push(t, c.paddr, c.len, b);
					bio_bytes = c.len;
					if (t->nvis == TR_MAX_PIECES)
						break;
					goto next_piece;
				}
			}
			b++;
			bio_bytes = 0;
		}
next_piece:
		r = region[b];
		start = t->vis[t->nvis - 1].paddr + t->vis[t->nvis - 1].len;
		/* Contiguous with the last piece, or somewhere else. */
		if (sim_region_of(start, 1) != r || src_chance(s, 11, 20) ||
		    start + 64 * vb > r->start + r->size)
			start = tr_pick(s, r, 1 << 20, virt ? vb : 4,
					lim->seg_boundary_mask);
	}
	t->nbios = b + 1;
	if (tr_fix_total(t))
		return -1;
	/* Too many segments for the queue: drop pieces from the end. */
	while (treq_finish(t)) {
		if (t->nvis <= 1)
			return -1;
		t->nvis--;
		t->nbios = t->vis_bio[t->nvis - 1] + 1;
		if (tr_fix_total(t))
			return -1;
	}
	if (t->kind == TR_MIXED) {
		/* Still both kinds after trimming? */
		bool host = false, p2p = false;

		for (i = 0; i < t->nvis; i++) {
			if (sim_provider_of(t->vis[i].paddr))
				p2p = true;
			else
				host = true;
		}
		if (!host || !p2p)
			return -1;
	}
	return tr_build_bios(s, t);
}

int gen_request(struct src *s, struct treq *t, const struct queue_limits *lim,
		const struct gen_opts *o)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		unsigned int pick = src_below(s, 100);
		bool p2p_ok = lim->features & BLK_FEAT_PCI_P2PDMA;

		treq_free(t);
		tr_init(t, lim, src_chance(s, 1, 2));
		if (pick < o->special_pct) {
			if (!tr_gen_special(s, t))
				return 0;
			continue;
		}
		pick -= o->special_pct;
		t->kind = TR_RAM;
		if (p2p_ok && pick < o->p2p_pct)
			t->kind = TR_P2P;
		else if (p2p_ok && pick < o->p2p_pct + o->mixed_pct)
			t->kind = TR_MIXED;
		if (t->kind != TR_RAM)
			t->prov = o->force_prov >= 0 ? o->force_prov :
				  (int)src_below(s, SIM_NR_PROV);
		if (!tr_gen_data(s, t, o))
			return 0;
	}
	treq_free(t);
	return -1;
}

int treq_from_pieces(struct treq *t, const struct queue_limits *lim,
		     const struct tpiece *p, const unsigned int *bio_of,
		     unsigned int n, bool write)
{
	unsigned int i;
	bool host = false, peer = false;

	treq_free(t);
	tr_init(t, lim, write);
	if (!n || n > TR_MAX_PIECES)
		return -1;
	for (i = 0; i < n; i++) {
		if (!sim_region_of(p[i].paddr, p[i].len))
			return -1;
		tr_push(t, p[i].paddr, p[i].len, bio_of ? bio_of[i] : 0);
		if (sim_provider_of(p[i].paddr)) {
			peer = true;
			t->prov = (int)(sim_provider_of(p[i].paddr) - sim_prov);
		} else {
			host = true;
		}
	}
	t->kind = peer ? (host ? TR_MIXED : TR_P2P) : TR_RAM;
	t->nbios = t->vis_bio[n - 1] + 1;
	if (t->nbios > TR_MAX_BIOS || treq_finish(t))
		return -1;
	return tr_build_bios(NULL, t);
}

static const char *const tr_kind_names[] = {
	[TR_RAM] = "ram", [TR_P2P] = "p2p", [TR_MIXED] = "mixed",
	[TR_SPECIAL] = "discard",
};

void treq_describe(const struct treq *t, char *buf, size_t len)
{
	const struct queue_limits *lim = &t->q.limits;

	snprintf(buf, len,
		 "%s%s%s %s, %u bytes, %u bio(s), %u piece(s), %u ref segment(s), nr_phys_segments %u, gap bit %u; limits: max_segment_size %#x boundary %#lx virt %#lx%s",
		 tr_kind_names[t->kind],
		 t->prov >= 0 ? " " : "", t->prov >= 0 ? sim_prov[t->prov].name : "",
		 op_is_write(req_op(&t->rq)) ? "write" : "read", t->total,
		 t->nbios, t->nvis, t->nseg, t->rq.nr_phys_segments,
		 t->rq.phys_gap_bit, lim->max_segment_size, lim->seg_boundary_mask,
		 lim->virt_boundary_mask, t->split ? ", split bio_vecs" : "");
}

void treq_dump(const struct treq *t, FILE *f)
{
	unsigned int i;

	for (i = 0; i < t->nbios; i++) {
		const struct bio *bio = &t->bios[i];
		unsigned int k;

		fprintf(f, "#   bio %u: idx %u done %u size %u, %u bio_vec(s):", i,
			bio->bi_iter.bi_idx, bio->bi_iter.bi_bvec_done,
			bio->bi_iter.bi_size, bio->bi_vcnt);
		for (k = 0; k < bio->bi_vcnt; k++)
			fprintf(f, " %#llx+%#x",
				(unsigned long long)bvec_phys(&bio->bi_io_vec[k]),
				bio->bi_io_vec[k].bv_len);
		fprintf(f, "\n");
	}
	for (i = 0; i < t->nvis; i++)
		fprintf(f, "#   piece %u: %#llx + %#x\n", i,
			(unsigned long long)t->vis[i].paddr, t->vis[i].len);
	for (i = 0; i < t->nseg; i++)
		fprintf(f, "#   ref segment %u: %#llx + %#x (%u pieces)\n", i,
			(unsigned long long)t->seg[i].paddr, t->seg[i].len,
			t->seg_pieces[i]);
}
