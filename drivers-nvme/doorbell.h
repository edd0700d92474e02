/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shadow doorbells (NVMe Doorbell Buffer Config).
 *
 * A controller that supports them reads each I/O queue's SQ tail and CQ
 * head from host memory (the shadow doorbell) and publishes, in a second
 * buffer, an event index per doorbell: the value it has acted on last.  The
 * host writes every new value to the shadow doorbell and rings the MMIO
 * doorbell only when the move from the old value to the new one passes the
 * event index, which is when the controller may have stopped looking.  A
 * controller that is busy with a queue keeps reading its shadow doorbell,
 * so a stream of submissions costs a few MMIO writes instead of one each.
 *
 * Kept apart from io.c so that the unit harness compiles these very lines
 * (tests/unit/db-test.c).
 */
#ifndef NVMP_DOORBELL_H
#define NVMP_DOORBELL_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>

/**
 * struct nvmp_shadow_db - one doorbell's place in the two shadow buffers
 * @db: the value the host publishes (SQ tail or CQ head), or %NULL while
 *	the controller has not accepted shadow doorbells for this queue
 * @ei: the controller's event index for the same doorbell
 */
struct nvmp_shadow_db {
	__le32 *db;
	__le32 *ei;
};

/**
 * nvmp_db_passes_event() - does moving a doorbell from @old to @new pass @event?
 * @event: the controller's event index
 * @new: the doorbell's new value
 * @old: the value the controller was last given
 *
 * True when @event is one of old, old + 1, ..., new - 1, counting modulo
 * 2^16.  Doorbell values wrap at the queue depth, not at 2^16, but every
 * value a queue can hold lies below its depth, and of those the walk from
 * @old to @new modulo 2^16 meets exactly the ones the walk modulo the depth
 * meets: the test is right for every depth up to 65536.
 *
 * Return: %true when the controller must be told through the MMIO doorbell.
 */
static inline bool nvmp_db_passes_event(u16 event, u16 new, u16 old)
{
	return (u16)(event - old) < (u16)(new - old);
}

/**
 * nvmp_shadow_db_update() - publish a doorbell value in the shadow buffer
 * @s: the doorbell's shadow places
 * @value: the new SQ tail or CQ head
 *
 * The caller has written the queue entries (or consumed the completions)
 * that @value accounts for, and holds the lock that orders updates of this
 * doorbell.
 *
 * Return: %true when the MMIO doorbell must be written too: always without
 * shadow doorbells, else when the controller's event index says it may not
 * look at the shadow value by itself.
 */
static inline bool nvmp_shadow_db_update(const struct nvmp_shadow_db *s,
					 u16 value)
{
	u16 old;

	if (!s->db)
		return true;
	/* What @value accounts for is in memory before @value itself. */
	wmb();
	old = le32_to_cpu(READ_ONCE(*s->db));
	WRITE_ONCE(*s->db, cpu_to_le32(value));
	/*
	 * The controller writes its event index, then reads the shadow
	 * value; the host writes the shadow value, then reads the event
	 * index.  With a full barrier on both sides, at least one of the
	 * two sees the other's write: a value is never left unseen.
	 */
	mb();
	return nvmp_db_passes_event(le32_to_cpu(READ_ONCE(*s->ei)), value, old);
}

#endif /* NVMP_DOORBELL_H */
