// Ping-pong between two channels without a timeout: main selects between sending the next
// number on ping and receiving a reply on pong; an echo goroutine answers each ping with
// twice the value on pong. After the last ping main's send case gets a nil channel (never
// ready, Go's way of turning a case off) and it only collects replies. Prints 999000 and
// 1000, as the same program does under Go 1.19.
#include "textflag.h"

#define N 1000

// func echo(ping, pong unsafe.Pointer): for { v := <-ping; pong <- 2 * v }
TEXT ·echo(SB), $16-16
loop:
	MOVQ ping+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	SHLQ $1, AX
	MOVQ AX, 8(SP)
	MOVQ pong+8(FP), AX
	MOVQ AX, 0(SP)
	CALL ·send(SB)
	JMP loop

DATA ·echofv+0(SB)/8, $·echo(SB)
GLOBL ·echofv(SB), RODATA, $8

// locals: ping, pong, sent, got, sum, v; cases [2]scase (the send first); order [4]uint16
TEXT ·main(SB), $152
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ping-8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, pong-16(SP)
	MOVL $16, 0(SP)
	LEAQ ·echofv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ ping-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ pong-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	MOVQ $0, sent-24(SP)
	MOVQ $0, got-32(SP)
	MOVQ $0, sum-40(SP)
loop:
	// select { case sendc <- sent: sent++  case v := <-pong: sum += v; got++ }
	MOVQ ping-8(SP), AX
	CMPQ sent-24(SP), $N
	JLT sendon
	MOVQ $0, AX
sendon:
	MOVQ AX, c0-80(SP)
	LEAQ sent-24(SP), AX
	MOVQ AX, e0-72(SP)
	MOVQ pong-16(SP), AX
	MOVQ AX, c1-64(SP)
	LEAQ v-48(SP), AX
	MOVQ AX, e1-56(SP)
	LEAQ c0-80(SP), AX
	MOVQ AX, 0(SP)
	LEAQ order-88(SP), AX
	MOVQ AX, 8(SP)
	MOVQ $0, 16(SP)
	MOVQ $1, 24(SP)
	MOVQ $1, 32(SP)
	MOVB $1, 40(SP)
	CALL runtime·selectgo(SB)
	CMPQ 48(SP), $0
	JNE gotone
	INCQ sent-24(SP)
	JMP loop
gotone:
	MOVQ v-48(SP), AX
	ADDQ AX, sum-40(SP)
	INCQ got-32(SP)
	CMPQ got-32(SP), $N
	JLT loop
	MOVQ sum-40(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ sent-24(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
