/* Minimal start-up for the engine's toolchain test (the real one is the firmware SDK's):
   call main(), pass its result to vm_exit (syscall 1, guest ABI). */
    .set noreorder
    .section .text.start, "ax"
    .globl _start
    .ent _start
_start:
    addiu $sp, $sp, -24     # o32: room for main to spill its four argument registers
    jal main
    nop
    move $a0, $v0
    li $v0, 1               # vm_exit(code)
    syscall
    break 0                 # vm_exit does not return
    .end _start
