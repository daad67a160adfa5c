// Go's concurrent prime sieve: a generator goroutine sends 2, 3, 4, ... and every prime found
// adds a filter goroutine to the chain, which passes on the numbers its prime does not divide.
// Prints the sum of the first N primes (N = 1000 unless -D N=...): 3682913. The filters are
// still blocked when main·main returns, which ends the program as in Go.
//   gostack run -maxprocs 4 -stats examples/sieve_amd64.s
#include "textflag.h"

#ifndef N
#define N 1000
#endif

// func generate(ch unsafe.Pointer): for i := 2; ; i++ { ch <- i }
TEXT ·generate(SB), $24-8
	MOVQ $2, i-8(SP)
loop:
	MOVQ ch+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	INCQ i-8(SP)
	JMP loop

// func filter(in, out unsafe.Pointer, prime int): for { i := <-in; if i%prime != 0 { out <- i } }
TEXT ·filter(SB), $24-24
loop:
	MOVQ in+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	MOVQ i-8(SP), AX
	CQO
	IDIVQ prime+16(FP)
	TESTQ DX, DX
	JEQ loop
	MOVQ out+8(FP), AX
	MOVQ AX, 0(SP)
	LEAQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	JMP loop

DATA ·generatefv+0(SB)/8, $·generate(SB)
GLOBL ·generatefv(SB), RODATA, $8
DATA ·filterfv+0(SB)/8, $·filter(SB)
GLOBL ·filterfv(SB), RODATA, $8

// func makeint() unsafe.Pointer: an unbuffered channel of 8-byte values.
TEXT ·makeint(SB), $24-8
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL runtime·makechan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·main(SB), $80
	CALL ·makeint(SB)
	MOVQ 0(SP), AX
	MOVQ AX, ch-8(SP)
	// go generate(ch)
	MOVL $8, 0(SP)
	LEAQ ·generatefv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ ch-8(SP), AX
	MOVQ AX, 16(SP)
	CALL runtime·newproc(SB)
	MOVQ $0, sum-16(SP)
	MOVQ $N, n-24(SP)
next:
	// prime := <-ch; sum += prime
	MOVQ ch-8(SP), AX
	MOVQ AX, 0(SP)
	LEAQ prime-32(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	MOVQ prime-32(SP), AX
	ADDQ AX, sum-16(SP)
	// ch1 := make(chan int); go filter(ch, ch1, prime); ch = ch1
	CALL ·makeint(SB)
	MOVQ 0(SP), AX
	MOVQ AX, ch1-40(SP)
	MOVL $24, 0(SP)
	LEAQ ·filterfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ ch-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ ch1-40(SP), AX
	MOVQ AX, 24(SP)
	MOVQ prime-32(SP), AX
	MOVQ AX, 32(SP)
	CALL runtime·newproc(SB)
	MOVQ ch1-40(SP), AX
	MOVQ AX, ch-8(SP)
	DECQ n-24(SP)
	JNE next
	MOVQ sum-16(SP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	RET
