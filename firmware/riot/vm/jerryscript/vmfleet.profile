# JerryScript 2.4 features of the vmfleet js engine (JERRY_PROFILE, jerryscript.mk): the
# whole es.next profile (the scripts use let/const, arrow functions, generators, classes,
# typed arrays, template literals), plus the VM's exec-stop callback, which the budget
# needs and RIOT's pkg/jerryscript does not switch on.
JERRY_VM_EXEC_STOP=1
