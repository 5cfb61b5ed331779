// wild-store (hostile app): a script has no raw memory to scribble on, so its equivalent of
// a wild store is a store through a bad reference, which throws an error it does not catch.
// The engine must stop it with guest_error and the line; the device must keep running.
write('wild-store: writing through null\n');
const wild = null;
wild.value = 0xdeadbeef;
write('wild-store: still alive (should not happen)\n');
return 0;
