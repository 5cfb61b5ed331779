/* <assert.h> of the eBPF SDK: a failed assertion prints where and ends the guest (abort). */
#ifndef VMFLEET_EBPF_ASSERT_H
#define VMFLEET_EBPF_ASSERT_H

#include "vmfleet.h"

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define __ebpf_str(x) #x
#define __ebpf_xstr(x) __ebpf_str(x)
#define assert(e)                                                                            \
  ((e) ? (void)0                                                                             \
       : (vm_print("assertion \"" #e "\" failed: file \"" __FILE__                          \
                   "\", line " __ebpf_xstr(__LINE__) "\n"),                                  \
          vm_exit(134)))
#endif

#define static_assert _Static_assert

#endif /* VMFLEET_EBPF_ASSERT_H */
