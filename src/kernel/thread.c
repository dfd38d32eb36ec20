/* thread.c: kernel threads, cooperative, round robin on each CPU.  A
 * thread runs on the CPU it was created for and never moves, so only
 * creation touches another CPU's threads (a slot taken under a lock, the
 * state published last, an IPI to wake that CPU).  Each CPU's first
 * context is a thread too: the boot thread on CPU 0, an idle loop on the
 * others; others start in thread_start() on their own stacks. */
#include "defs.h"
#include "hv.h"
#include "percpu.h"
#include "spinlock.h"

#define MAX_THREADS	16
#define STACK_SIZE	16384

enum { T_FREE, T_RUNNABLE, T_EXITING, T_DEAD };

struct thread {
	u64 rsp;
	volatile int state;
	u32 cpu;
	void (*fn)(void *);
	void *arg;
	char name[16];
};

void ctx_switch(u64 *save_rsp, u64 load_rsp);

static struct thread threads[MAX_THREADS];
static u8 stacks[MAX_THREADS][STACK_SIZE] __aligned(16);
static struct spinlock slots_lock = SPINLOCK_INIT;

static void set_name(struct thread *t, const char *name)
{
	size_t n = strlen(name);

	if (n > sizeof(t->name) - 1)
		n = sizeof(t->name) - 1;
	memcpy(t->name, name, n);
	t->name[n] = 0;
}

/* A free slot, taken (its state still not runnable). */
static int take_slot(const char *name)
{
	unsigned long f = spin_lock_irqsave(&slots_lock);

	for (int i = 0; i < MAX_THREADS; i++) {
		if (threads[i].state == T_FREE || threads[i].state == T_DEAD) {
			threads[i].state = T_EXITING;	/* taken, not yet runnable */
			spin_unlock_irqrestore(&slots_lock, f);
			return i;
		}
	}
	spin_unlock_irqrestore(&slots_lock, f);
	panic("no free thread slot for \"%s\"", name);
}

/* This CPU's running context becomes a thread. */
static void adopt_context(const char *name)
{
	int i = take_slot(name);

	threads[i].cpu = smp_cpu_id();
	set_name(&threads[i], name);
	threads[i].state = T_RUNNABLE;
	this_cpu()->thread = i;
}

void thread_init(void)
{
	adopt_context("boot");
}

void thread_cpu_init(void)
{
	adopt_context("idle");
}

/* After a switch, on the new stack: a thread that exited on this CPU
 * before it is off its stack now, so its slot may be reused. */
static void finish_switch(struct percpu *me)
{
	if (me->dead_thread >= 0) {
		__atomic_store_n(&threads[me->dead_thread].state, T_DEAD, __ATOMIC_RELEASE);
		me->dead_thread = -1;
	}
}

static __noreturn void thread_start(void)
{
	struct percpu *me = this_cpu();
	struct thread *t = &threads[me->thread];

	finish_switch(me);
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create_on(u32 cpu, const char *name, void (*fn)(void *), void *arg)
{
	int i = take_slot(name);
	struct thread *t = &threads[i];
	u64 *sp = (u64 *)(stacks[i] + STACK_SIZE);

	*--sp = 0;			/* keeps the entry rsp 16n+8 */
	*--sp = (u64)thread_start;	/* ctx_switch returns here */
	for (int r = 0; r < 6; r++)	/* rbp rbx r12-r15 */
		*--sp = 0;
	t->rsp = (u64)sp;
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	set_name(t, name);
	__atomic_store_n(&t->state, T_RUNNABLE, __ATOMIC_RELEASE);
	if (cpu != smp_cpu_id())
		hv_send_ipi(cpu);
	return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	return thread_create_on(smp_cpu_id(), name, fn, arg);
}

static bool runs_here(int i, u32 cpu)
{
	return __atomic_load_n(&threads[i].state, __ATOMIC_ACQUIRE) == T_RUNNABLE &&
	       threads[i].cpu == cpu;
}

void thread_yield(void)
{
	struct percpu *me = this_cpu();
	int prev = me->thread, next = prev;

	do
		next = (next + 1) % MAX_THREADS;
	while (next != prev && !runs_here(next, me->cpu));
	if (next == prev)
		return;
	me->thread = next;
	ctx_switch(&threads[prev].rsp, threads[next].rsp);
	finish_switch(me);
}

/* Another thread than this CPU's first context is ready here. */
bool thread_runnable_here(void)
{
	struct percpu *me = this_cpu();

	for (int i = 0; i < MAX_THREADS; i++)
		if (i != me->thread && runs_here(i, me->cpu))
			return true;
	return false;
}

__noreturn void thread_exit(void)
{
	struct percpu *me = this_cpu();

	if (me->thread == 0)
		panic("the boot thread cannot exit");
	threads[me->thread].state = T_EXITING;
	me->dead_thread = me->thread;
	thread_yield();
	panic("a dead thread was scheduled");
}

bool thread_alive(struct thread *t)
{
	int s = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);

	return s == T_RUNNABLE || s == T_EXITING;
}

int thread_count(void)
{
	int n = 0;

	for (int i = 0; i < MAX_THREADS; i++)
		n += threads[i].state == T_RUNNABLE;
	return n;
}
