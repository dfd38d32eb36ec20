/* thread.c: kernel threads, cooperative, round robin.  The boot context is
 * thread 0; others start in thread_start() on their own stacks. */
#include "defs.h"
#include "hv.h"

#define MAX_THREADS	8
#define STACK_SIZE	16384

enum { T_FREE, T_RUNNABLE, T_DEAD };

struct thread {
	u64 rsp;
	int state;
	void (*fn)(void *);
	void *arg;
	char name[16];
};

void ctx_switch(u64 *save_rsp, u64 load_rsp);

static struct thread threads[MAX_THREADS];
static u8 stacks[MAX_THREADS][STACK_SIZE] __aligned(16);
static int current;

void thread_init(void)
{
	threads[0].state = T_RUNNABLE;
	memcpy(threads[0].name, "boot", 5);
	current = 0;
}

static __noreturn void thread_start(void)
{
	struct thread *t = &threads[current];

	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	for (int i = 1; i < MAX_THREADS; i++) {
		struct thread *t = &threads[i];
		if (t->state != T_FREE && t->state != T_DEAD)
			continue;
		u64 *sp = (u64 *)(stacks[i] + STACK_SIZE);
		*--sp = 0;			/* keeps the entry rsp 16n+8 */
		*--sp = (u64)thread_start;	/* ctx_switch returns here */
		for (int r = 0; r < 6; r++)	/* rbp rbx r12-r15 */
			*--sp = 0;
		t->rsp = (u64)sp;
		t->fn = fn;
		t->arg = arg;
		size_t n = strlen(name);
		if (n > sizeof(t->name) - 1)
			n = sizeof(t->name) - 1;
		memcpy(t->name, name, n);
		t->name[n] = 0;
		t->state = T_RUNNABLE;
		return t;
	}
	panic("no free thread slot for \"%s\"", name);
}

void thread_yield(void)
{
	int prev = current, next = current;

	do
		next = (next + 1) % MAX_THREADS;
	while (threads[next].state != T_RUNNABLE && next != prev);
	if (next == prev)
		return;
	current = next;
	ctx_switch(&threads[prev].rsp, threads[next].rsp);
}

__noreturn void thread_exit(void)
{
	if (current == 0)
		panic("the boot thread cannot exit");
	threads[current].state = T_DEAD;
	thread_yield();
	panic("a dead thread was scheduled");
}

bool thread_alive(struct thread *t)
{
	return t->state == T_RUNNABLE;
}

int thread_count(void)
{
	int n = 0;

	for (int i = 0; i < MAX_THREADS; i++)
		n += threads[i].state == T_RUNNABLE;
	return n;
}
