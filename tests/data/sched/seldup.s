// Parking in select on one channel more than once:
//   dup:  a goroutine receives 100 times with select { case v := <-c: case v := <-c: } on an
//         unbuffered c that main sends 1..100 on. Parked, it has two sudogs on c's receive
//         queue; the first sender wins it and the other sudog must leave with it (a value
//         given to a stale sudog would be lost, and the sum would be short). Sends the sum
//         (5050) back.
//   both: two goroutines each run select { case c <- x: case y := <-c: } 100 times on one
//         unbuffered channel, so a parked one waits in c's send and receive queues at once.
//         Each round pairs one sender with one receiver; each goroutine reports how many it
//         sent and received and the sums of the values sent (id*1000 + round) and received.
// Prints 5050, the sends (100), the receives (100) and sent minus received values (0), as
// the same program does under Go 1.19 (GOMAXPROCS 1 and 4).
#include "textflag.h"

// func dup(c, out unsafe.Pointer)
TEXT ·dup(SB), $112-16
	MOVQ $0, sum-8(SP)
	MOVQ $100, n-16(SP)
loop:
	MOVQ c+0(FP), AX
	MOVQ AX, c0-56(SP)
	MOVQ AX, c1-40(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e0-48(SP)
	MOVQ AX, e1-32(SP)
	LEAQ c0-56(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $0, 8(SP)
	MOVQ $2, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
	MOVQ v-24(SP), AX
	ADDQ AX, sum-8(SP)
	DECQ n-16(SP)
	JNE loop
	MOVQ out+8(FP), AX
	MOVQ AX, 0(SP)
	MOVQ sum-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

// func both(c, out unsafe.Pointer, id int): reports sends, receives, sent sum, received sum
TEXT ·both(SB), $144-24
	MOVQ $0, sends-8(SP)
	MOVQ $0, recvs-16(SP)
	MOVQ $0, sentsum-24(SP)
	MOVQ $0, recvsum-32(SP)
	MOVQ $100, n-40(SP)
loop:
	MOVQ id+16(FP), AX
	IMULQ $1000, AX
	ADDQ n-40(SP), AX
	MOVQ AX, x-48(SP)
	MOVQ c+0(FP), AX
	MOVQ AX, c0-88(SP)
	MOVQ AX, c1-72(SP)
	LEAQ x-48(SP), AX
	MOVQ AX, e0-80(SP)
	LEAQ y-56(SP), AX
	MOVQ AX, e1-64(SP)
	LEAQ c0-88(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	MOVQ $1, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
	CMPQ 32(SP), $0
	JNE received
	INCQ sends-8(SP)
	MOVQ x-48(SP), AX
	ADDQ AX, sentsum-24(SP)
	JMP next
received:
	INCQ recvs-16(SP)
	MOVQ y-56(SP), AX
	ADDQ AX, recvsum-32(SP)
next:
	DECQ n-40(SP)
	JNE loop
	MOVQ out+8(FP), AX
	MOVQ AX, 0(SP)
	MOVQ sends-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	MOVQ recvs-16(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	MOVQ sentsum-24(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	MOVQ recvsum-32(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·dupfv+0(SB)/8, $·dup(SB)
GLOBL ·dupfv(SB), RODATA, $8
DATA ·bothfv+0(SB)/8, $·both(SB)
GLOBL ·bothfv(SB), RODATA, $8

// func report(out unsafe.Pointer) (sends, recvs, diff int): one goroutine's four results
TEXT ·report(SB), $16-32
	MOVQ out+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, sends+8(FP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, recvs+16(FP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, diff+24(FP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	SUBQ AX, diff+24(FP)
	RET

TEXT ·main(SB), $104
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, c-8(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, out-16(SP)
	// dup: go dup(c, out); c <- 1..100; println(<-out)
	MOVL $16, 0(SP)
	LEAQ ·dupfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ out-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	MOVQ $1, i-24(SP)
feed:
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ i-24(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-24(SP)
	CMPQ i-24(SP), $100
	JLE feed
	MOVQ out-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	// both: go both(c, out1, 1); go both(c, out2, 2); then their four results each
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, out1-56(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, out2-64(SP)
	MOVL $24, 0(SP)
	LEAQ ·bothfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ out1-56(SP), AX
	MOVQ AX, 24(SP)
	MOVQ $1, 32(SP)
	CALL runtime·newproc(SB)
	MOVL $24, 0(SP)
	LEAQ ·bothfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ out2-64(SP), AX
	MOVQ AX, 24(SP)
	MOVQ $2, 32(SP)
	CALL runtime·newproc(SB)
	MOVQ $0, sends-32(SP)
	MOVQ $0, recvs-40(SP)
	MOVQ $0, diff-48(SP)
	MOVQ out1-56(SP), AX
	MOVQ AX, 0(SP)
	CALL ·report(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sends-32(SP)
	MOVQ 16(SP), AX
	ADDQ AX, recvs-40(SP)
	MOVQ 24(SP), AX
	ADDQ AX, diff-48(SP)
	MOVQ out2-64(SP), AX
	MOVQ AX, 0(SP)
	CALL ·report(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sends-32(SP)
	MOVQ 16(SP), AX
	ADDQ AX, recvs-40(SP)
	MOVQ 24(SP), AX
	ADDQ AX, diff-48(SP)
	MOVQ sends-32(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ recvs-40(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ diff-48(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
