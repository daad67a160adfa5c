// The runtime's context switches in Go syntax, assembled by gostack at build time (-p runtime).
//
// Two calling conventions meet here. Functions called from assembled Go code use ABI0
// (arguments on the stack, no callee-saved registers but SP/BP). Functions called from C++
// (gogo, gostack_rt_enter, gostack_rt_leave) read their argument from DI (System V) and are
// NOSPLIT with a zero frame, so gostack inserts no prologue. C++ only ever runs on g0's
// stack, with SP aligned to 16 at the call, as System V requires.

#include "textflag.h"

// Offsets shared with include/gostack/abi.h (static_asserted in runtime2.h).
#define g_stackguard0 16
#define g_m 48
#define g_sched 56
#define gobuf_sp 0
#define gobuf_pc 8
#define gobuf_g 16
#define gobuf_ctxt 24
#define gobuf_ret 32
#define gobuf_bp 48
#define m_g0 0
#define m_morebuf 8

// gostack_rt_enter(fn) [System V, fn in DI]: called by C++ on g0. Saves the System V
// callee-saved registers on g0's stack, records that SP as g0.sched.sp (where mcall,
// morestack and asmcgocall run C++ from now on) and calls fn(), which never returns:
// gostack_rt_leave unwinds back here and returns to enter's caller.
TEXT gostack_rt_enter(SB),NOSPLIT,$0
	PUSHQ	BP
	PUSHQ	BX
	PUSHQ	R12
	PUSHQ	R13
	PUSHQ	R14
	PUSHQ	R15
	PUSHQ	DI	// keeps SP 16-aligned for the call below
	MOVQ	(TLS), AX
	MOVQ	SP, (g_sched+gobuf_sp)(AX)
	CALL	DI
	INT	$3	// fn returned

// gostack_rt_leave() [System V, on g0]: returns from the innermost gostack_rt_enter.
TEXT gostack_rt_leave(SB),NOSPLIT,$0
	MOVQ	(TLS), AX
	MOVQ	(g_sched+gobuf_sp)(AX), SP
	MOVQ	8(SP), R15	// the registers enter pushed, above the slot it pushed last
	MOVQ	16(SP), R14
	MOVQ	24(SP), R13
	MOVQ	32(SP), R12
	MOVQ	40(SP), BX
	MOVQ	48(SP), BP
	LEAQ	56(SP), SP
	RET

// gogo(buf *gobuf) [System V, buf in DI]: installs buf.g as the current g and continues at
// buf.pc on buf.sp with buf.bp and the closure context buf.ctxt in DX. Never returns.
TEXT runtime·gogo(SB),NOSPLIT,$0
	MOVQ	gobuf_g(DI), BX
	MOVQ	BX, (TLS)
	MOVQ	gobuf_sp(DI), SP
	MOVQ	gobuf_ret(DI), AX	// a result the resumer left (runtime·chanrecv2's flag)
	MOVQ	gobuf_ctxt(DI), DX
	MOVQ	gobuf_bp(DI), BP
	MOVQ	gobuf_pc(DI), BX
	MOVQ	$0, gobuf_sp(DI)	// the G runs now: nothing may resume it from here
	MOVQ	$0, gobuf_ret(DI)
	MOVQ	$0, gobuf_ctxt(DI)
	MOVQ	$0, gobuf_bp(DI)
	JMP	BX

// func mcall(fn) [ABI0]: saves the caller's context in g.sched (resuming it later looks
// like mcall returned), switches to g0 and calls the C++ function fn(g) on g0's stack.
// fn must not return: it ends with gogo or the scheduler. (The work is mcallargs', below.)
TEXT runtime·mcall(SB),NOSPLIT,$0-8
	MOVQ	fn+0(FP), R12
	JMP	runtime·mcallargs(SB)

// func asmcgocall(fn, arg) [ABI0]: calls the C++ function fn(arg) on g0's stack and
// returns (Go's systemstack/asmcgocall). On g0 already, it calls fn on the same stack.
TEXT runtime·asmcgocall(SB),NOSPLIT,$0-16
	MOVQ	fn+0(FP), AX
	MOVQ	arg+8(FP), DI
	MOVQ	(TLS), CX
	MOVQ	g_m(CX), R8
	MOVQ	m_g0(R8), SI
	CMPQ	SI, CX
	JEQ	ong0
	MOVQ	SP, R12	// R12, R13 are callee-saved in System V: they survive fn
	MOVQ	CX, R13
	MOVQ	SI, (TLS)
	MOVQ	(g_sched+gobuf_sp)(SI), SP
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	R13, (TLS)
	MOVQ	R12, SP
	RET
ong0:
	MOVQ	SP, R12
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	R12, SP
	RET

// morestack: reached from a function f's prologue when SP is below g.stackguard0.
// Records f's caller in m.morebuf and f itself in g.sched (pc is f's instruction after the
// call, the jump back to its prologue), switches to g0 and calls newstack (C++), which
// moves the stack and resumes f through gogo, so the prologue runs again.
TEXT runtime·morestack(SB),NOSPLIT,$0-0
	MOVQ	(TLS), SI
	MOVQ	g_m(SI), BX
	MOVQ	m_g0(BX), AX
	CMPQ	AX, SI
	JNE	notg0
	CALL	gostack_rt_badmorestackg0(SB)
notg0:
	NOP	SP
	MOVQ	8(SP), AX	// f's caller's PC
	MOVQ	AX, (m_morebuf+gobuf_pc)(BX)
	LEAQ	16(SP), AX	// f's caller's SP
	MOVQ	AX, (m_morebuf+gobuf_sp)(BX)
	MOVQ	SI, (m_morebuf+gobuf_g)(BX)
	MOVQ	0(SP), AX	// f's PC
	MOVQ	AX, (g_sched+gobuf_pc)(SI)
	LEAQ	8(SP), AX	// f's SP
	MOVQ	AX, (g_sched+gobuf_sp)(SI)
	MOVQ	BP, (g_sched+gobuf_bp)(SI)
	MOVQ	DX, (g_sched+gobuf_ctxt)(SI)
	MOVQ	m_g0(BX), BX
	MOVQ	BX, (TLS)
	MOVQ	(g_sched+gobuf_sp)(BX), SP
	ANDQ	$~15, SP
	CALL	gostack_newstack(SB)
	CALL	gostack_rt_badmcall2(SB)	// newstack does not return
	RET

// morestack_noctxt: morestack for functions without a closure context.
TEXT runtime·morestack_noctxt(SB),NOSPLIT,$0-0
	MOVL	$0, DX
	JMP	runtime·morestack(SB)

// goexit: the return address below every goroutine's first frame (newproc1 pushes
// goexit+1, after the NOP, so a traceback of the entry function finds goexit). When the
// goroutine's function returns here, goexit1 switches to g0 and retires the G.
TEXT runtime·goexit(SB),NOSPLIT|TOPFRAME,$0-0
	BYTE	$0x90	// NOP
	CALL	runtime·goexit1(SB)	// does not return

TEXT runtime·goexit1(SB),NOSPLIT,$8-0
	LEAQ	gostack_goexit0(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·mcall(SB)
	RET

// func GC(): scans every goroutine's stack, the caller's included, and shrinks those that
// use less than a quarter of it. The caller is stopped in mcall while its stack moves.
TEXT runtime·GC(SB),NOSPLIT,$8-0
	LEAQ	gostack_gc_m(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·mcall(SB)
	RET

// CALLC calls the C++ function `fn(argp)` on g0, argp pointing at this function's arguments.
#define CALLC(fn) \
	LEAQ	fn(SB), AX; \
	MOVQ	AX, 0(SP); \
	LEAQ	argp+0(FP), AX; \
	MOVQ	AX, 8(SP); \
	CALL	runtime·asmcgocall(SB)

// func newproc(siz int32, fn *funcval): starts fn in a new goroutine with the siz bytes of
// arguments that follow fn in the caller's frame (the pre-1.17 ABI0 form used by the seed).
TEXT runtime·newproc(SB),NOSPLIT,$16-16
	CALLC(gostack_newproc)
	RET

// Go's print builtins, to stderr.
TEXT runtime·printint(SB),NOSPLIT,$16-8
	CALLC(gostack_printint)
	RET

TEXT runtime·printuint(SB),NOSPLIT,$16-8
	CALLC(gostack_printuint)
	RET

TEXT runtime·printhex(SB),NOSPLIT,$16-8
	CALLC(gostack_printhex)
	RET

TEXT runtime·printstring(SB),NOSPLIT,$16-16
	CALLC(gostack_printstring)
	RET

TEXT runtime·printsp(SB),NOSPLIT,$16-0
	CALLC(gostack_printsp)
	RET

TEXT runtime·printnl(SB),NOSPLIT,$16-0
	CALLC(gostack_printnl)
	RET

// func nanotime() int64: CLOCK_MONOTONIC in nanoseconds (Go's runtime·nanotime), for
// programs that time themselves (bench/).
TEXT runtime·nanotime(SB),NOSPLIT,$16-8
	CALLC(gostack_nanotime)
	RET

// func exit(code int32): ends the process (after -stats output, if requested).
TEXT runtime·exit(SB),NOSPLIT,$16-4
	CALLC(gostack_exit)
	RET

// mcallargs: mcall for the runtime entry points with arguments (and mcall's own body).
// Reached by JMP from a NOSPLIT stub with a zero frame, so 0(SP) is the stub's return
// address and the stub's arguments start at 8(SP). R12 holds the C++ function
// fn(g, argp), R13 the argument pointer. g.sched records the state after the stub's
// return: resuming the G (gogo) looks like the stub returned. fn must not return.
TEXT runtime·mcallargs(SB),NOSPLIT,$0-0
	MOVQ	(TLS), AX
	MOVQ	0(SP), BX
	MOVQ	BX, (g_sched+gobuf_pc)(AX)
	LEAQ	8(SP), BX
	MOVQ	BX, (g_sched+gobuf_sp)(AX)
	MOVQ	BP, (g_sched+gobuf_bp)(AX)
	MOVQ	g_m(AX), BX
	MOVQ	m_g0(BX), SI
	CMPQ	SI, AX
	JNE	switch
	CALL	gostack_rt_badmcall(SB)
switch:
	MOVQ	SI, (TLS)
	MOVQ	(g_sched+gobuf_sp)(SI), SP
	ANDQ	$~15, SP
	MOVQ	AX, DI
	MOVQ	R13, SI
	CALL	R12
	CALL	gostack_rt_badmcall2(SB)
	RET

// MCALLARGS(fn) jumps to mcallargs with fn(g, &first argument) (a stub with a zero frame).
#define MCALLARGS(fn) \
	LEAQ	fn(SB), R12; \
	LEAQ	8(SP), R13; \
	JMP	runtime·mcallargs(SB)

// func Goexit(): ends the calling goroutine (Go's runtime.Goexit; there are no defers to run).
// In main·main the program goes on until the other goroutines are done, then dies in
// checkdead with Go's "no goroutines (main called runtime.Goexit) - deadlock!".
TEXT runtime·Goexit(SB),NOSPLIT,$0-0
	MCALLARGS(gostack_goexit_m)

// func NumGoroutine() int: the number of goroutines that exist.
TEXT runtime·NumGoroutine(SB),NOSPLIT,$16-8
	CALLC(gostack_numgoroutine)
	RET

// func Gosched(): yields the processor; the caller continues later (Go's runtime.Gosched).
TEXT runtime·Gosched(SB),NOSPLIT,$0-0
	MCALLARGS(gostack_gosched_m)

// Channels (chan.cpp). The C++ side runs on g0 while the caller is stopped; it resumes the
// caller, or parks it until another goroutine (or thread) completes the operation.

// func makechan(elemsize int, size int) (c unsafe.Pointer)
TEXT runtime·makechan(SB),NOSPLIT,$0-24
	MCALLARGS(gostack_makechan_m)

// func chansend1(c, elem unsafe.Pointer): sends *elem (elemsize bytes).
TEXT runtime·chansend1(SB),NOSPLIT,$0-16
	MCALLARGS(gostack_chansend1_m)

// func chanrecv1(c, elem unsafe.Pointer): receives into *elem (zero if closed and empty).
TEXT runtime·chanrecv1(SB),NOSPLIT,$0-16
	MCALLARGS(gostack_chanrecv1_m)

// func chanrecv2(c, elem unsafe.Pointer) (received bool): chanrecv1 that also says whether
// a value arrived (false: closed and drained). The receive parks like chanrecv1; whoever
// completes it leaves the flag in the G's sched.ret, which gogo loads into AX.
TEXT runtime·chanrecv2(SB),NOSPLIT,$16-17
	MOVQ	c+0(FP), AX
	MOVQ	AX, 0(SP)
	MOVQ	elem+8(FP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chanrecv1(SB)
	MOVB	AX, received+16(FP)
	RET

// func selectnbsend(c, elem unsafe.Pointer) (selected bool): Go's `select { case c <- v:
// ... default: }`: sends only if that needs no wait.
TEXT runtime·selectnbsend(SB),NOSPLIT,$0-17
	MCALLARGS(gostack_selectnbsend_m)

// func selectnbrecv(elem, c unsafe.Pointer) (selected, received bool): Go's `select {
// case v, ok = <-c: ... default: }`. received is false when c is closed and drained.
TEXT runtime·selectnbrecv(SB),NOSPLIT,$0-18
	MCALLARGS(gostack_selectnbrecv_m)

// func selectgo(cas0 *scase, order0 *uint16, pc0 *uintptr, nsends int, nrecvs int,
// block bool) (int, bool): Go's select statement (select.cpp). selectpoll completes a ready
// case, or returns -1 when none is and !block (the G resumes with AX = 0), or parks the G on
// every case's channel; the case that wakes it leaves its sudog in AX, and selectwoken takes
// the G off the other channels and stores the results. The arguments are addressed afresh
// after the park: the stack may have moved meanwhile.
TEXT runtime·selectgo(SB),NOSPLIT,$16-57
	LEAQ	cas0+0(FP), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·selectpoll(SB)
	TESTQ	AX, AX
	JEQ	done
	LEAQ	cas0+0(FP), BX
	MOVQ	BX, 0(SP)
	MOVQ	AX, 8(SP)
	CALL	runtime·selectwoken(SB)
done:
	RET

// func selectpoll(frame unsafe.Pointer) / func selectwoken(frame, sg unsafe.Pointer): the
// two halves of selectgo, on g0.
TEXT runtime·selectpoll(SB),NOSPLIT,$0-8
	MCALLARGS(gostack_selectpoll_m)

TEXT runtime·selectwoken(SB),NOSPLIT,$0-16
	MCALLARGS(gostack_selectwoken_m)

// func chanlen(c unsafe.Pointer) int / func chancap(c unsafe.Pointer) int: len(c), cap(c).
TEXT runtime·chanlen(SB),NOSPLIT,$16-16
	CALLC(gostack_chanlen)
	RET

TEXT runtime·chancap(SB),NOSPLIT,$16-16
	CALLC(gostack_chancap)
	RET

// func closechan(c unsafe.Pointer)
TEXT runtime·closechan(SB),NOSPLIT,$0-8
	MCALLARGS(gostack_closechan_m)

// A sender parked on a channel that gets closed resumes here, with its return address into
// the sending function pushed, and dies with Go's "panic: send on closed channel".
TEXT runtime·panicsendclosed(SB),NOSPLIT,$0-0
	MCALLARGS(gostack_panicsendclosed_m)

// func entersyscall() / func exitsyscall(): bracket a long C++ call (Go's names; see
// sched.cpp). In between the goroutine holds no P, so another M may run the P's goroutines.
TEXT runtime·entersyscall(SB),NOSPLIT,$0-0
	MCALLARGS(gostack_entersyscall_m)

TEXT runtime·exitsyscall(SB),NOSPLIT,$0-0
	MCALLARGS(gostack_exitsyscall_m)

// func usleep(usec uint32)
TEXT runtime·usleep(SB),NOSPLIT,$16-4
	CALLC(gostack_usleep)
	RET

// func GOMAXPROCS(n int) int: the number of Ps (n <= 0 asks; another n is a fatal error).
TEXT runtime·GOMAXPROCS(SB),NOSPLIT,$16-16
	CALLC(gostack_gomaxprocs)
	RET

// func NumCPU() int
TEXT runtime·NumCPU(SB),NOSPLIT,$16-8
	CALLC(gostack_numcpu)
	RET

// func fastrand() uint32
TEXT runtime·fastrand(SB),NOSPLIT,$16-4
	CALLC(gostack_fastrand)
	RET

// func memmove(to, from unsafe.Pointer, n uintptr)
TEXT runtime·memmove(SB),NOSPLIT,$16-24
	CALLC(gostack_memmove)
	RET

// func memclrNoHeapPointers(ptr unsafe.Pointer, n uintptr)
TEXT runtime·memclrNoHeapPointers(SB),NOSPLIT,$16-16
	CALLC(gostack_memclr)
	RET

// func timeSleep(ns int64): parks the goroutine for ns nanoseconds (Go's runtime.timeSleep;
// time·Sleep below is the name Go code calls). ns <= 0 returns at once.
TEXT runtime·timeSleep(SB),NOSPLIT,$0-8
	MCALLARGS(gostack_timesleep_m)

TEXT time·Sleep(SB),NOSPLIT,$0-8
	JMP	runtime·timeSleep(SB)
