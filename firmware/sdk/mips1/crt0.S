/*
 * vmfleet mips1 start-up code (docs/guest-abi.md, "Start").
 *
 * What the engine already provides, so crt0 does not redo it:
 *   - $sp = memoryBytes - 16: the 16 bytes above $sp are the o32 argument save area
 *     that a callee may spill $a0..$a3 into, so _start needs no frame of its own;
 *   - all memory zero-filled (the image format makes bss, and with it the heap,
 *     "zero-filled"), so there is no bss-clearing loop here;
 *   - $gp unused: everything is built with -G0, no small-data sections.
 *
 * _start runs the C constructors (.preinit_array and .init_array, which link.ld lays
 * out as one table), calls main(0, argv) with argv = { NULL } (a guest has no command
 * line), and hands main's result to newlib's exit(), which runs the atexit handlers and
 * flushes stdio, then ends in _exit (sys/exit.c: the vm_exit syscall). exit is a weak
 * reference: a program that uses neither stdio nor atexit (sys/write.c and sys/atexit.c
 * pull exit in) does not link it and its impure data, and main's result goes straight to
 * vm_exit. Programs that register Event Handler callbacks end main() this way too; the
 * Event Handler, not the guest, decides whether the VM then stays alive to serve events.
 */
	.set	noreorder
	.set	noat

	.weak	exit

	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
	.ent	_start
_start:
	lui	$s0, %hi(__init_array_start)
	addiu	$s0, $s0, %lo(__init_array_start)
	lui	$s1, %hi(__init_array_end)
	addiu	$s1, $s1, %lo(__init_array_end)
1:	beq	$s0, $s1, 2f
	nop
	lw	$t9, 0($s0)
	jalr	$t9
	addiu	$s0, $s0, 4	/* delay slot: next constructor */
	b	1b
	nop
2:	move	$a0, $zero	/* argc = 0 */
	lui	$a1, %hi(__vm_argv)
	jal	main
	addiu	$a1, $a1, %lo(__vm_argv)	/* delay slot: argv */
	lui	$t9, %hi(exit)
	addiu	$t9, $t9, %lo(exit)
	beq	$t9, $zero, 3f
	move	$a0, $v0	/* delay slot: exit code = main's result */
	jalr	$t9		/* exit(code): does not return */
	nop
3:	li	$v0, 1		/* syscall 1: vm_exit */
	syscall
	break	0		/* not reached: neither returns */
	.end	_start
	.size	_start, . - _start

	.section .rodata.__vm_argv, "a", @progbits
	.balign	4
__vm_argv:
	.word	0
