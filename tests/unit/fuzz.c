// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the fuzz input chooses the client, the DMA mode, the
 * queue limits, the request, the path, the consumer and a failure to
 * inject, and the run is checked exactly as iter-test checks it.  Any
 * failed check aborts, which libFuzzer reports with the input.
 */
#include <stdlib.h>
#include "check.h"
#include "fuzz.h"

static const struct {
	enum sim_mode mode;
	unsigned long granule;
} fuzz_modes[] = {
	{ SIM_DIRECT, 0 }, { SIM_SWIOTLB, 0 }, { SIM_IOMMU, 4096 },
	{ SIM_IOMMU, 16384 }, { SIM_IOMMU, 65536 },
};

int fuzz_one_input(const u8 *data, size_t size)
{
	static const struct gen_opts opts = {
		.p2p_pct = 15, .mixed_pct = 5, .special_pct = 5, .force_prov = -1,
	};
	static struct treq t;
	static struct tdev d;
	static bool inited;
	struct queue_limits lim;
	struct run_spec r = { 0 };
	struct run_result res;
	unsigned int m, fn;
	char why[512];
	struct src s;

	if (!inited) {
		sim_pci_init();
		inited = true;
	}
	src_init_bytes(&s, data, size);
	m = src_below(&s, ARRAY_SIZE(fuzz_modes));
	if (!tdev_up(&d, src_below(&s, SIM_NR_CLIENTS), fuzz_modes[m].mode,
		     fuzz_modes[m].granule, why, sizeof(why))) {
		fprintf(stderr, "fuzz: %s\n", why);
		abort();
	}
	gen_limits(&s, &lim, src_chance(&s, 4, 5));
	if (gen_request(&s, &t, &lim, &opts))
		goto out;
	r.path = src_below(&s, NVMP_DMA_NR_PATHS);
	r.use = src_below(&s, DRV_NR_CONSUMERS);
	if (!run_valid(&d, &t, r.path, r.use))
		r.use = DRV_RAW;
	if (!run_valid(&d, &t, r.path, r.use))
		goto out;
	/* Which function fails (or any, or none), and at which call. */
	fn = src_below(&s, SIM_F_NR + 2);
	r.inj_fn = fn < SIM_F_NR && fn != SIM_F_KMALLOC ? (int)fn : SIM_F_ANY;
	r.inj_nth = fn == SIM_F_NR + 1 ? 0 : src_below(&s, 40);
	sim_cpu = src_below(&s, SIM_NR_CPUS);
	/* Statistics on mostly; off, with or without a tracepoint on. */
	fn = src_below(&s, 8);
	set_counting(fn >= 2, fn == 1);
	if (!run_one(&d, &t, &r, &res)) {
		char desc[512];

		treq_describe(&t, desc, sizeof(desc));
		fprintf(stderr, "fuzz: %s, path %s, %s, inject %d@%u: %s\n  [%s]\n",
			d.name, nvmp_dma_path_name(r.path), drv_consumer_names[r.use],
			r.inj_fn, r.inj_nth, res.why, desc);
		treq_dump(&t, stderr);
		abort();
	}
out:
	treq_free(&t);
	if (!tdev_down(&d, why, sizeof(why))) {
		fprintf(stderr, "fuzz: at teardown: %s\n", why);
		abort();
	}
	return 0;
}
