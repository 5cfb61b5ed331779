/**
 * Why an .rbf image is refused. Stable codes: the gateway reports them on upload and the
 * device when load() fails; each names one rule (format.ts, verify.ts).
 */
export type RbfErrorCode =
  // Container (format.ts).
  | 'image_too_small' // shorter than the 28-byte header
  | 'bad_magic' // not "rBPF"
  | 'unsupported_flags' // compressed text
  | 'size_mismatch' // header lengths do not add up to the image size
  | 'bad_function' // function table entry outside text or rodata
  // Pre-flight verifier (verify.ts), after Femto-Container's bpf_verify_preflight().
  | 'bad_text_length' // text empty or not a multiple of 8 (BPF_ILLEGAL_LEN)
  | 'bad_register' // dst or src ≥ 11 (BPF_ILLEGAL_REGISTER)
  | 'division_by_zero' // DIV/MOD/SDIV/SMOD by an immediate 0 (rbpf's check_imm_nonzero)
  | 'write_to_r10' // r10 (frame pointer) is read-only (RFC 9669 §2.1)
  | 'unknown_opcode' // not an instruction this runtime executes (BPF_ILLEGAL_INSTRUCTION)
  | 'bad_lddw' // a 16-byte LDDW cut off by the end of text, or a malformed second half
  | 'bad_jump' // jump target outside text (BPF_ILLEGAL_JUMP)
  | 'jump_into_lddw' // jump or call target is the second half of an LDDW
  | 'unknown_helper' // call of a helper id the runtime does not provide (BPF_ILLEGAL_CALL)
  | 'bad_call' // bpf-to-bpf call target outside text
  | 'no_exit'; // the last instruction is not exit (BPF_NO_RETURN)

export class RbfError extends Error {
  constructor(
    readonly code: RbfErrorCode,
    message: string,
  ) {
    super(message);
  }
}
