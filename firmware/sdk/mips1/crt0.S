/*
 * vmfleet mips1 start-up code (docs/guest-abi.md, "Start").
 *
 * What the engine already provides, so crt0 does not redo it:
 *   - $sp = memoryBytes - 16: the 16 bytes above $sp are the o32 argument save area
 *     that main() may spill $a0..$a3 into, so _start needs no frame of its own;
 *   - all memory zero-filled (the image format makes bss "zero-filled"), so there is
 *     no bss-clearing loop here;
 *   - $gp unused: everything is built with -G0, no small-data sections.
 *
 * _start calls main() and hands its result to the exit syscall. Programs that register
 * Event Handler callbacks also end main() this way; the Event Handler, not the guest,
 * decides whether the VM then stays alive to serve events.
 */
	.set	noreorder
	.set	noat

	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
	.ent	_start
_start:
	jal	main
	nop			/* branch delay slot */
	move	$a0, $v0	/* exit code = main's result */
	li	$v0, 1		/* syscall 1: vm_exit */
	syscall
	break	0		/* not reached: vm_exit does not return */
	.end	_start
	.size	_start, . - _start
