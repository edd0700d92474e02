// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shadow doorbells: drivers-nvme/doorbell.h, compiled as the module
 * compiles it, against a model of the controller's side.
 *
 *   build/db-test [--seed N]
 *
 * 1. The event-index test against a walk, doorbell value by doorbell value,
 *    around queues of many depths, wrap-around included.
 * 2. What nvmp_shadow_db_update() returns for a controller that is caught
 *    up, one that is behind, and before any value was ever published.
 * 3. Two threads: the host publishes submissions in batches through
 *    nvmp_shadow_db_update() and "rings" only when it says so; a controller
 *    thread consumes entries, publishes its event index and sleeps when it
 *    finds nothing more, until the next ring.  Every entry must be
 *    consumed (a lost ring hangs the controller: the test fails after a
 *    time limit), and rings must be fewer than batches while the
 *    controller is busy.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kernel.h>
#include "doorbell.h"

static int failed;

static void verdict(bool ok, const char *what)
{
	printf("%s - unit: doorbell: %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failed = 1;
}

static unsigned long long rng_state;

static u32 rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return rng_state >> 33;
}

/* Does stepping from @old to @new, wrapping at @depth, meet @event? */
static bool walk_meets(u32 event, u32 new, u32 old, u32 depth)
{
	u32 v;

	for (v = old; v != new; v = (v + 1) % depth)
		if (v == event)
			return true;
	return false;
}

static bool check_arith_one(u32 event, u32 new, u32 old, u32 depth)
{
	bool want = walk_meets(event, new, old, depth);
	bool got = nvmp_db_passes_event(event, new, old);

	if (want == got)
		return true;
	printf("# depth %u: event %u, old %u, new %u: walk says %d, code says %d\n",
	       depth, event, old, new, want, got);
	return false;
}

static void t_arith(void)
{
	static const u32 small[] = { 2, 3, 5, 8, 17 };
	static const u32 large[] = { 1024, 4095, 4096, 65535, 65536 };
	bool ok = true;
	u32 d, e, n, o, i;

	/* Every combination on small queues. */
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		d = small[i];
		for (o = 0; o < d; o++)
			for (n = 0; n < d; n++)
				for (e = 0; e < d; e++)
					ok &= check_arith_one(e, n, o, d);
	}
	/* Large queues: moves across the wrap and random ones. */
	for (i = 0; i < ARRAY_SIZE(large) && ok; i++) {
		u32 k;

		d = large[i];
		for (k = 0; k < 20000 && ok; k++) {
			u32 len = k < 10000 ? rnd() % 64 : rnd() % d;

			o = k < 10000 ? (d - 32 + rnd() % 64) % d : rnd() % d;
			n = (o + len) % d;
			e = (k & 1) ? (o + rnd() % (len + 2)) % d : rnd() % d;
			ok &= check_arith_one(e, n, o, d);
		}
	}
	verdict(ok, "event index test agrees with a walk on depths 2-65536, wrap included");
}

static void t_update(void)
{
	__le32 db = 0, ei = 0;
	struct nvmp_shadow_db s = { .db = &db, .ei = &ei };
	struct nvmp_shadow_db none = { };
	bool ok = true;

	/* Nothing published yet, controller at 0: it must be told. */
	ok &= nvmp_shadow_db_update(&s, 1) && le32_to_cpu(db) == 1;
	/* It has not acted on 1 yet (event still 0): it will see 2 itself. */
	ok &= !nvmp_shadow_db_update(&s, 2) && le32_to_cpu(db) == 2;
	/* Caught up with 2: moving on to 5 must ring. */
	ei = cpu_to_le32(2);
	ok &= nvmp_shadow_db_update(&s, 5);
	/* Event index ahead of the old value but below the new one: ring. */
	ei = cpu_to_le32(6);
	ok &= nvmp_shadow_db_update(&s, 9);
	/* Across the wrap of a 1024-deep queue: 1022 -> 3 passes 1023. */
	db = cpu_to_le32(1022);
	ei = cpu_to_le32(1023);
	ok &= nvmp_shadow_db_update(&s, 3);
	/* The same move with the controller still at 1000: no ring. */
	db = cpu_to_le32(1022);
	ei = cpu_to_le32(1000);
	ok &= !nvmp_shadow_db_update(&s, 3);
	/* No shadow doorbells: always ring. */
	ok &= nvmp_shadow_db_update(&none, 7);
	verdict(ok, "shadow update rings exactly when the controller may not look");
}

/* --- two threads: host and controller ----------------------------------------- */

#define DEPTH		64
#define ENTRIES		300000

struct shared {
	__le32 db, ei;			/* the two shadow buffers */
	u32 ring;			/* MMIO doorbell: value + 1, 0 = none */
	u32 consumed;			/* entries the controller took */
	u32 slots[DEPTH];		/* what the host submitted */
	u32 bad;			/* entries seen with the wrong content */
	u32 done;
	pthread_mutex_t lock;		/* for the controller's sleep only */
	pthread_cond_t wake;
};

static struct shared sh;

static u32 load32(u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/*
 * The controller: like QEMU's, it runs when rung and then keeps going
 * while the shadow tail moves, publishing as event index the tail it has
 * acted on before it looks at the shadow tail again.
 */
static void *controller(void *arg)
{
	(void)arg;
	u32 head = 0, tail, seq = 0;

	while (!load32(&sh.done)) {
		u32 r;

		pthread_mutex_lock(&sh.lock);
		while (!(r = load32(&sh.ring)) && !load32(&sh.done))
			pthread_cond_wait(&sh.wake, &sh.lock);
		__atomic_store_n(&sh.ring, 0, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&sh.lock);
		if (!r)
			break;
		/*
		 * The ring only wakes it: like QEMU's, it takes the tail from
		 * the shadow doorbell, which may be past the rung value.
		 */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		tail = le32_to_cpu(READ_ONCE(sh.db));
		for (;;) {
			while (head != tail) {
				if (load32(&sh.slots[head]) != seq)
					__atomic_add_fetch(&sh.bad, 1, __ATOMIC_RELAXED);
				seq++;
				head = (head + 1) % DEPTH;
				__atomic_store_n(&sh.consumed, seq, __ATOMIC_RELEASE);
			}
			WRITE_ONCE(sh.ei, cpu_to_le32(tail));
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			r = le32_to_cpu(READ_ONCE(sh.db));
			if (r == tail)
				break;
			tail = r;
			/* Now and then, be slow, as a busy device is. */
			if (!(rnd() & 63))
				usleep(1);
		}
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void t_threads(void)
{
	struct nvmp_shadow_db s = { .db = &sh.db, .ei = &sh.ei };
	unsigned long rings = 0, batches = 0;
	u32 tail = 0, seq = 0;
	pthread_t thr;
	double deadline;
	bool hung = false;
	char what[160];

	memset(&sh, 0, sizeof(sh));
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.wake, NULL);
	pthread_create(&thr, NULL, controller, NULL);
	deadline = now_s() + 30;
	while (seq < ENTRIES && !hung) {
		u32 n = 1 + rnd() % 8, i;

		/* Never more in flight than the queue holds, minus one. */
		while ((s32)(seq + n - load32(&sh.consumed)) > DEPTH - 1) {
			if (now_s() > deadline) {
				hung = true;
				break;
			}
		}
		if (hung)
			break;
		for (i = 0; i < n; i++) {
			__atomic_store_n(&sh.slots[tail], seq++, __ATOMIC_RELAXED);
			tail = (tail + 1) % DEPTH;
		}
		batches++;
		if (nvmp_shadow_db_update(&s, tail)) {
			rings++;
			pthread_mutex_lock(&sh.lock);
			__atomic_store_n(&sh.ring, tail + 1, __ATOMIC_RELAXED);
			pthread_cond_signal(&sh.wake);
			pthread_mutex_unlock(&sh.lock);
		}
	}
	while (!hung && load32(&sh.consumed) != seq)
		hung = now_s() > deadline;
	pthread_mutex_lock(&sh.lock);
	__atomic_store_n(&sh.done, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&sh.wake);
	pthread_mutex_unlock(&sh.lock);
	pthread_join(thr, NULL);

	snprintf(what, sizeof(what),
		 "%u entries in %lu batches all consumed, in order, after %lu rings",
		 seq, batches, rings);
	verdict(!hung && !sh.bad && load32(&sh.consumed) == seq, what);
	if (hung)
		printf("# controller stuck at %u of %u entries: a ring was lost\n",
		       load32(&sh.consumed), seq);
	verdict(rings > 0 && rings < batches,
		"fewer rings than batches while the controller is busy");
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;

	if (argc == 3 && !strcmp(argv[1], "--seed")) {
		seed = strtoull(argv[2], NULL, 0);
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--seed N]\n", argv[0]);
		return 2;
	}
	rng_state = seed;
	printf("# doorbell tests, seed %llu\n", seed);
	t_arith();
	t_update();
	t_threads();
	return failed;
}
