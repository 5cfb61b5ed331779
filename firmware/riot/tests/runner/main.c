/*
 * runner_test: the cases (cases/cases.c) on the main thread, the program on the runner's
 * VM thread, as on the device; the cases power the (native) board off when done.
 */
void runner_cases_run(void);

int main(void)
{
    runner_cases_run();
    return 0;
}
