/* SPDX-License-Identifier: GPL-2.0-only */
/* Mutexes in user space, where nothing runs concurrently: no-ops. */
#ifndef SHIM_LINUX_MUTEX_H
#define SHIM_LINUX_MUTEX_H

struct mutex {
	int unused;
};

#define DEFINE_MUTEX(name)	struct mutex name = { 0 }
#define mutex_lock(m)		((void)(m))
#define mutex_unlock(m)		((void)(m))

#endif /* SHIM_LINUX_MUTEX_H */
